import { classify } from './context.js';
import { CRYPT_HASH, judgeKey, judgeValue, words } from './judge.js';
import { parseJson } from './json.js';
import { readEnv, readIni, readJsonLoose, readLoose, readProperties, readSpace, readXmlLoose } from './lines.js';
import { pairsOf } from './tree.js';
import type { FileContext, Pair } from './types.js';
import { parseXml } from './xml.js';
import { parseYaml } from './yaml.js';

export { structuredRules } from './rules.js';

// The structured config stage: parse a config file by its type, pair every value with its full
// key path, and judge the pair by the last key's name and the file's tier (see context.ts for
// which files are read and why source code is not). Pure: no I/O, never throws.

export interface StructuredHit {
  ruleId: string;
  /**
   * The credential. For `docker-registry-auth` and `filezilla-password` it is the decoded
   * password, and start/end cover the encoded span it came from (see `encoded`); for every other
   * rule `text.slice(start, end) === secret`.
   */
  secret: string;
  start: number;
  end: number;
  /** `postgresql.auth.password`, `[default].secret_key`, `auths.ghcr.io.auth`. Never holds a value. */
  keyPath: string;
  /** Set when `secret` was decoded from the span: the matcher records it as a decode step. */
  encoded?: 'base64';
}

/** Texts above this are not parsed: a 2 MiB config is generated data, not something people edit. */
export const MAX_STRUCTURED_CHARS = 2 * 1024 * 1024;

/** Cheap: by path (and a sniff of the first bytes): is this worth parsing? Called for every text. */
export function isStructuredCandidate(path: string, head: string | (() => string)): boolean {
  return classify(path, head) !== null;
}

/** No key of any rule can occur in a text without one of these. */
const MAY_HOLD = /pass|pwd|secret|token|key|auth|salt|credential|bearer|cookie|dockerc|(?:^|[^a-z])pw(?:[^a-z]|$)/i;

/**
 * The tree parsers cost far more than the line readers (the yaml package reads about 1 MB/s):
 * they run only where a credential word sits in key position (`password:`, `"token":`,
 * `<secret>`, `name: DB_PASSWORD`), and YAML above this size is read by lines.
 */
const KEY_POSITION = /(?:pass|pwd|secret|token|key|auth|salt|credential|bearer|cookie|dockerc|\bpw)[\w.-]{0,40}["']?\s{0,4}[:=>]|(?:name|key)["']?\s{0,4}[:=]\s{0,4}["']?[\w.-]{0,40}(?:pass|pwd|secret|token|key|auth|salt|credential)/i;
const MAX_YAML_PARSE = 256 * 1024;

function read(text: string, ctx: FileContext): Pair[] {
  switch (ctx.format) {
    case 'env':
      return readEnv(text);
    case 'properties':
      return readProperties(text);
    case 'ini':
      return readIni(text, false);
    case 'toml':
      return readIni(text, true);
    case 'space':
      return readSpace(text);
    case 'yaml': {
      if (!KEY_POSITION.test(text)) return [];
      // Hostile nesting (`[[[[…`) costs the parser seconds: such text is read by lines.
      const tree = text.length <= MAX_YAML_PARSE && !/[[{]{64}/.test(text) ? parseYaml(text) : null;
      return tree ? pairsOf(tree) : readLoose(text);
    }
    case 'json': {
      if (!KEY_POSITION.test(text)) return [];
      const tree = parseJson(text);
      return tree ? pairsOf(tree) : readJsonLoose(text);
    }
    case 'xml':
      if (!KEY_POSITION.test(text)) return [];
      return parseXml(text) ?? readXmlLoose(text);
  }
}

/** Printable text that `value` is the base64 of, or null. */
function fromBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/]{4,65536}={0,2}$/.test(value) || value.length % 4 === 1) return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : null;
}

const STRONG_PASSWORD = { cls: 'password', strong: true } as const;

/** `auths.<registry>.auth` (or `<registry>.auth` in the legacy .dockercfg): base64 of `user:password`. */
function dockerAuth(pair: Pair, ctx: FileContext): StructuredHit | null | undefined {
  const k = pair.keys;
  const isAuth = k[k.length - 1] === 'auth' && (k[k.length - 3] === 'auths' || (ctx.tool === 'dockercfg' && k.length === 2));
  if (!isAuth) return undefined;
  const text = fromBase64(pair.value);
  const colon = text?.indexOf(':') ?? -1;
  if (!text || colon < 1) return null;
  const password = text.slice(colon + 1);
  // ECR's password is a long signed token: past judgeValue's length cap, but plainly not a placeholder.
  const long = password.length > 512 && !/\s/.test(password);
  if (!long && !judgeValue(password, 'password', STRONG_PASSWORD, 'credential')) return null;
  return { ruleId: 'docker-registry-auth', secret: password, start: pair.start, end: pair.end, keyPath: k.join('.'), encoded: 'base64' };
}

/**
 * A Kubernetes pull secret (`.dockerconfigjson: <base64 of config.json>`): the decoded registry
 * passwords, each reported at the whole encoded value.
 */
function pullSecret(pair: Pair): StructuredHit[] | undefined {
  const key = pair.keys[pair.keys.length - 1];
  if (key !== '.dockerconfigjson' && key !== '.dockercfg') return undefined;
  const json = fromBase64(pair.value);
  const tree = json ? parseJson(json) : null;
  if (!tree) return [];
  const ctx: FileContext = { format: 'json', tier: 'credential', tool: key === '.dockercfg' ? 'dockercfg' : 'docker' };
  const out: StructuredHit[] = [];
  for (const inner of pairsOf(tree)) {
    const last = inner.keys[inner.keys.length - 1];
    const hit =
      last === 'auth' ? dockerAuth(inner, ctx) : last === 'password' && judgeValue(inner.value, last, STRONG_PASSWORD, 'credential') ? { secret: inner.value } : null;
    if (hit) out.push({ ruleId: 'docker-registry-auth', secret: hit.secret, start: pair.start, end: pair.end, keyPath: `${pair.keys.join('.')}:${inner.keys.join('.')}`, encoded: 'base64' });
  }
  return out;
}

/** A value that is itself a JSON document (GitLab's DOCKER_AUTH_CONFIG): its pairs, at their offsets in the text. */
function nestedJson(pair: Pair): Pair[] {
  const v = pair.value;
  if (!v.startsWith('{') || !v.endsWith('}') || v.length > 65536) return [];
  const tree = parseJson(v);
  if (!tree) return [];
  return pairsOf(tree).map((p) => ({ ...p, keys: [...pair.keys, ...p.keys], start: pair.start + p.start, end: pair.start + p.end }));
}

/** FileZilla `<Pass>`: plain in old versions, `encoding="base64"` since 3.26. */
function filezillaPass(pair: Pair, ctx: FileContext, keyPath: string): StructuredHit | null | undefined {
  if (pair.keys[pair.keys.length - 1] !== 'Pass' || !(ctx.tool === 'filezilla' || pair.base64)) return undefined;
  const password = pair.base64 ? fromBase64(pair.value) : pair.value;
  if (password === null || !judgeValue(password, 'Pass', STRONG_PASSWORD, ctx.tier === 'strict' ? 'strict' : 'credential')) return null;
  const where = pair.host ? `${keyPath} (host ${pair.host})` : keyPath;
  return { ruleId: 'filezilla-password', secret: password, start: pair.start, end: pair.end, keyPath: where, ...(pair.base64 ? { encoded: 'base64' as const } : {}) };
}

const RULE_BY_CLASS = { password: 'config-password', secret: 'config-secret', token: 'config-token', 'api-key': 'config-api-key' } as const;

function judge(pair: Pair, ctx: FileContext): StructuredHit | null {
  const keyPath = pair.keys.join('.');
  // null: a tool's own credential field, settled as not a credential; undefined: not one of those.
  const docker = dockerAuth(pair, ctx);
  if (docker !== undefined) return docker;
  const filezilla = filezillaPass(pair, ctx, keyPath);
  if (filezilla !== undefined) return filezilla;
  let key = pair.keys[pair.keys.length - 1] ?? '';
  let verdict = judgeKey(key);
  // `"github-oauth": {"github.com": "…"}` (composer auth.json): a host, under a key naming what it holds.
  const parent = pair.keys[pair.keys.length - 2];
  if (!verdict && parent && /^[\w-]+(?:\.[\w-]+)+(?::\d+)?$/.test(key)) {
    key = parent;
    verdict = judgeKey(key);
  }
  const hit = (ruleId: string) => ({ ruleId, secret: pair.value, start: pair.start, end: pair.end, keyPath });
  // A crypt(3)/bcrypt hash under a password or hash key: a hashed credential, reported lower.
  if (CRYPT_HASH.test(pair.value) && ctx.tier !== 'strict' && (verdict?.cls === 'password' || words(key).some((w) => /hash|digest|crypt/.test(w)))) {
    return hit('config-password-hash');
  }
  if (!verdict || !judgeValue(pair.value, key, verdict, ctx.tier)) return null;
  return hit(RULE_BY_CLASS[verdict.cls]);
}

/** Never throws. start/end are UTF-16 offsets of the secret in `text` (see StructuredHit.secret for decoded ones). */
export function scanStructured(text: string, path: string): StructuredHit[] {
  if (text.length > MAX_STRUCTURED_CHARS) return [];
  const ctx = classify(path, () => text.slice(0, 512));
  if (!ctx || !MAY_HOLD.test(text)) return [];
  // GitHub Actions workflows are most of the YAML in a history (2,735 versions, 53 MB and 9.3 s of
  // parsing on curl's), and their credentials are `${{ secrets.X }}` references: one is parsed only
  // when reading it by lines finds a candidate (plain `key: value` lines, which is all they hold).
  if (WORKFLOW.test(path) && judged(readLoose(text), ctx).length === 0) return [];
  return judged(read(text, ctx), ctx);
}

const WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;

function judged(pairs: Pair[], ctx: FileContext): StructuredHit[] {
  const hits: StructuredHit[] = [];
  const seen = new Set<number>();
  const add = (hit: StructuredHit | null | undefined) => {
    if (!hit || seen.has(hit.start)) return;
    seen.add(hit.start);
    hits.push(hit);
  };
  for (const pair of pairs) {
    const pulled = pullSecret(pair);
    if (pulled) {
      pulled.forEach(add);
      continue;
    }
    const nested = nestedJson(pair);
    if (nested.length) nested.forEach((p) => add(judge(p, ctx)));
    else add(judge(pair, ctx));
  }
  return hits.sort((a, b) => a.start - b.start);
}
