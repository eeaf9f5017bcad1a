import { classify } from './context.js';
import { CRYPT_HASH, judgeKey, judgeValue, words } from './judge.js';
import { parseJson } from './json.js';
import { readEnv, readIni, readJsonLoose, readLoose, readProperties, readSpace, readXmlLoose } from './lines.js';
import { pairsOf } from './tree.js';
import type { FileContext, Pair, Tier } from './types.js';
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

/** YAML above this size is read by lines: the yaml package reads about 1 MB/s. */
const MAX_YAML_PARSE = 256 * 1024;

/**
 * A credential word in key position (`password:`, `"token":`, `<secret>`, `name: DB_PASSWORD`),
 * over a list of words, for every match in a text: the tree parsers run only where one could hold
 * a hit (mayHoldCredentialKey).
 */
function keyPositions(w: string): { all: RegExp; named: RegExp } {
  const named = `(?:name|key)["']?\\s{0,4}[:=]\\s{0,4}["']?[\\w.-]{0,40}(?:${w})`;
  return { all: new RegExp(`(?:${w}|\\bpw)[\\w.-]{0,40}["']?\\s{0,4}[:=>]|${named}`, 'gi'), named: new RegExp(named, 'iy') };
}
/**
 * Every credential word, and only those of a strong name (judgeKey): in strict files (tests,
 * examples) a weak name (`cookie`, `salt`, `credential`, bare `auth`) never makes a hit, and
 * curl's 19,741 test-case versions are full of `Set-Cookie:` and `Authorization:`.
 */
const ANY_KEY = keyPositions('pass|pwd|secret|token|key|auth|salt|credential|bearer|cookie|dockerc');
const STRONG_KEY = keyPositions('pass|pwd|secret|token|key|oauth|dockerc');
const CREDENTIAL_WORD = /pass|pwd|secret|token|key|auth|salt|credential|bearer|cookie|dockerc|pw/gi;
const KEY_CHAR = /[A-Za-z0-9_.$@-]/;

/**
 * The value written right after a key, as far as one line shows it, or null when it is not on
 * that line (a nested map, a block scalar, `{`/`[`, Kubernetes' `name:`/`value:` siblings). It may
 * only err towards a value the judge accepts: a cut never shortens a real value, and whitespace
 * left in it means the real value holds whitespace too, which the judge always rejects.
 */
function valueOnLine(text: string, from: number, xml: boolean): string | null {
  // Bounded, so a one-line text of a million separators stays linear: the judge rejects values
  // over 512 characters anyway, and a quote not closed within the bound is "not known".
  const seg = text.slice(from, from + 640);
  const eol = seg.indexOf('\n');
  let v = (eol === -1 ? seg : seg.slice(0, eol)).trim();
  const q = v[0];
  if (q === '"' || q === "'") {
    const close = v.indexOf(q, 1);
    // Escapes (`\"`, YAML's `''`) make the written value differ from the read one: not known.
    if (close === -1 || (q === '"' && v.slice(1, close).includes('\\')) || v[close + 1] === q) return null;
    return v.slice(1, close);
  }
  const cut = v.search(xml ? /\s#|<|\s\/\// : /\s#|\s\/\//);
  if (cut !== -1) v = v.slice(0, cut).trim();
  v = v.replace(/,$/, '');
  return v === '' || /^[{[|>&*!]/.test(v) ? null : v;
}

/** Could a pair under `key` with this value (null: not known) be a hit of judge() in this tier? */
function couldHit(key: string, value: string | null, tier: Tier): boolean {
  const verdict = judgeKey(key);
  if (!verdict) return false;
  if (value !== null) return judgeValue(value, key, verdict, tier);
  // judgeValue: outside credential files a bare `key` never counts, and in strict files nor a weak name.
  if (key.toLowerCase() === 'key' && tier !== 'credential') return false;
  return verdict.strong || tier !== 'strict';
}

/**
 * Before a tree parser runs (they read 1 to 50 MB/s): could any key the text puts in key position,
 * with the value written after it, be a hit of judge()? Every hit has such a key: its last key,
 * the parent of a host key (composer's `github-oauth: {…}`: a value not on the line), a hash key,
 * or Docker's `auths`/`.dockerconfigjson`. Most structured files of a history fail here: curl's
 * test-case XML says `Set-Cookie:` and `Authorization:`, its workflows `persist-credentials: false`.
 * Tool configs (FileZilla, Docker) are always parsed: their credentials sit under fixed names.
 * One regex over the text beat finding each word with indexOf first (1.35 to 1.5 times faster on
 * curl's YAML and XML): `name` and `key`, which start the second alternative, are everywhere.
 * Exported for its tests, which hold it to never losing a hit (test/structured-gate.test.ts).
 */
export function mayHoldCredentialKey(text: string, ctx: FileContext): boolean {
  // Docker's `auths.<registry>.auth` is judged by its place, not its name (also nested in a value).
  if (ctx.tool || text.includes('auths')) return true;
  const { all, named: namedKey } = ctx.tier === 'strict' ? STRONG_KEY : ANY_KEY;
  all.lastIndex = 0;
  for (let m = all.exec(text); m !== null; m = all.exec(text)) {
    if (keyCouldHit(text, m[0], m.index, ctx)) return true;
    // At `key="DbPassword"` the first alternative matches `key=` and wins: try the second there too.
    namedKey.lastIndex = m.index;
    const named = /^(?:name|key)/i.test(m[0]) ? namedKey.exec(text) : null;
    if (named && keyCouldHit(text, named[0], m.index, ctx)) return true;
  }
  return false;
}

/** One key-position match `m0` at `index`: could the key it holds, with its value, be a hit? */
function keyCouldHit(text: string, m0: string, index: number, ctx: FileContext): boolean {
  // The key holding the last credential word of the match (`DB_PASSWORD:`, `name: "db.password"`).
  let word = -1;
  CREDENTIAL_WORD.lastIndex = 0;
  for (let w = CREDENTIAL_WORD.exec(m0); w !== null; w = CREDENTIAL_WORD.exec(m0)) word = index + w.index;
  if (word < 0) return false;
  // Keys are bounded like values: a longer one is still judged by its last words.
  let a = word;
  let b = word;
  while (a > 0 && word - a < 256 && KEY_CHAR.test(text[a - 1]!)) a--;
  while (b < text.length && b - word < 256 && KEY_CHAR.test(text[b]!)) b++;
  const key = text.slice(a, b);
  if (/dockerc/i.test(key)) return true;
  // The first alternative ends at the key's separator; in the second the name is a value itself.
  const sep = m0.endsWith('>') || m0.endsWith(':') || m0.endsWith('=');
  let after = index + m0.length;
  // `:=` and `=>` are one separator.
  if ((m0.endsWith(':') && text[after] === '=') || (m0.endsWith('=') && text[after] === '>')) after++;
  const value = sep && b <= after ? valueOnLine(text, after, ctx.format === 'xml') : null;
  if (ctx.tier !== 'strict' && words(key).some((w) => /hash|digest|crypt/.test(w)) && (value === null || CRYPT_HASH.test(value))) return true;
  const last = key.slice(key.lastIndexOf('.') + 1);
  return couldHit(key, value, ctx.tier) || (last !== key && last !== '' && couldHit(last, value, ctx.tier));
}

/** `gate`: false only in tests, which hold the gate to never losing a hit of the ungated reading. */
function read(text: string, ctx: FileContext, gate = true): Pair[] {
  const tree = ctx.format === 'yaml' || ctx.format === 'json' || ctx.format === 'xml';
  if (tree && gate && !mayHoldCredentialKey(text, ctx)) return [];
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
      // Hostile nesting (`[[[[…`) costs the parser seconds: such text is read by lines.
      const tree = text.length <= MAX_YAML_PARSE && !/[[{]{64}/.test(text) ? parseYaml(text) : null;
      return tree ? pairsOf(tree) : readLoose(text);
    }
    case 'json': {
      const tree = parseJson(text);
      return tree ? pairsOf(tree) : readJsonLoose(text);
    }
    case 'xml':
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
  return scan(text, path, true);
}

/** For tests only: the stage without its key gate before the tree parsers (see mayHoldCredentialKey). */
export function scanStructuredUngated(text: string, path: string): StructuredHit[] {
  return scan(text, path, false);
}

function scan(text: string, path: string, gate: boolean): StructuredHit[] {
  if (text.length > MAX_STRUCTURED_CHARS) return [];
  const ctx = classify(path, () => text.slice(0, 512));
  if (!ctx || !MAY_HOLD.test(text)) return [];
  // GitHub Actions workflows are most of the YAML in a history (2,735 versions, 53 MB and 9.3 s of
  // parsing on curl's), and their credentials are `${{ secrets.X }}` references: one is parsed only
  // when reading it by lines finds a candidate (plain `key: value` lines, which is all they hold).
  if (WORKFLOW.test(path) && ((gate && !mayHoldCredentialKey(text, ctx)) || judged(readLoose(text), ctx).length === 0)) return [];
  return judged(read(text, ctx, gate), ctx);
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
