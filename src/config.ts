import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse, TomlError } from 'smol-toml';
import { UsageError } from './errors.js';
import { LinearRegex, LinearRegexError } from './detect/linear-regex.js';
import { isBuiltinRuleId } from './detect/registry.js';
import type { PositiveExample, Rule } from './detect/rule.js';
import { isCalendarDate } from './baseline.js';
import { isSeverity, type Severity } from './model.js';
import type { MuteEntry } from './score/mutelist.js';

export const CONFIG_FILE = '.nhiscan.toml';

export interface Config {
  file: string | null;
  /** The TOML it was parsed from: scan workers parse the same text to build the same rules. */
  text: string | null;
  /** `[[rule]]` tables: the user's own detectors, same shape as the built-in ones. */
  customRules: Rule[];
  disabledRules: Set<string>;
  severity: Map<string, Severity>;
  /** `[aws]` thresholds, in days; flags override them. */
  aws: Partial<Record<'keyMaxAgeDays' | 'keyCriticalAgeDays' | 'unusedDays' | 'neverUsedGraceDays', number>>;
  /** `[[mutelist]]` tables: accepted risks for cloud findings (src/score/mutelist.ts). */
  mutelist: MuteEntry[];
  allow: {
    paths: Ignore;
    pathPatterns: string[];
    /** Tested against the secret itself. RE2, linear time: the config may come from the scanned repo. */
    regexes: LinearRegex[];
    /** A secret containing any of these (case-insensitive) is ignored. */
    stopwords: string[];
    /** Tested against the whole line the secret is on. RE2, linear time. */
    lines: LinearRegex[];
    commits: Set<string>;
  };
}

export function emptyConfig(): Config {
  return {
    file: null,
    text: null,
    customRules: [],
    disabledRules: new Set(),
    severity: new Map(),
    aws: {},
    mutelist: [],
    allow: { paths: ignore(), pathPatterns: [], regexes: [], stopwords: [], lines: [], commits: new Set() },
  };
}

// Config errors say which file, table and line, never the value: a regex in an allowlist is often
// the very secret it silences, and a token pasted where a key belongs would be echoed back.

function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Offset of the header of table `name` (`[allowlist]`), or of the nth `[[rule]]`; -1 when absent (inline or dotted). */
function headerOffset(text: string, name: string, nth = 0): number {
  const re = new RegExp(`^[ \\t]*\\[{1,2}[ \\t]*${escapeRe(name)}[ \\t]*\\]{1,2}`, 'gm');
  let m: RegExpExecArray | null;
  for (let i = 0; (m = re.exec(text)) !== null; i++) if (i === nth) return m.index;
  return -1;
}

/** Offset of `key =` at or after `from` (a bare or quoted key), else of the first occurrence of the text. */
function keyOffset(text: string, key: string, from: number): number {
  const re = new RegExp(`^[ \\t]*(?:[\\w.-]+\\.)?["']?${escapeRe(key)}["']?[ \\t]*=`, 'gm');
  re.lastIndex = Math.max(0, from);
  const m = re.exec(text);
  if (m) return m.index;
  const i = text.indexOf(key, Math.max(0, from));
  return i !== -1 ? i : from;
}

/** Where a value sits: its own text if it is written plainly, else its key, else the table. */
function valueLine(text: string, value: string, keyAt: number): number {
  for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
    const i = form === '' ? -1 : text.indexOf(form, keyAt);
    if (i !== -1) return lineAt(text, i);
  }
  return lineAt(text, keyAt);
}

/**
 * An unknown key is named only if it is shaped like nhiscan's own keys (lower-case words and
 * underscores, short): that names a typo like `regex` for `regexes`, while anything with digits,
 * capitals or symbols (every provider token has them) is described by its line alone. A
 * `[[rule]]` id may also hold hyphens (`acme-internal-token`), still no digits (hex secrets).
 */
function nameable(key: string, hyphens = false): boolean {
  return (hyphens ? /^[a-z][a-z_-]{0,39}$/ : /^[a-z][a-z_]{0,23}$/).test(key);
}

/**
 * How a rule id is quoted in an error. Built-in ids are public; any other id is named only when it
 * is shaped like one (lower-case words, hyphens, at most three digits: `github-pat`, `acme-v2`),
 * which a token or a hex secret pasted in its place is not.
 */
function ruleIdNamed(id: string): string {
  if (isBuiltinRuleId(id)) return `"${id}"`;
  const idShaped = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+){0,8}$/.test(id) && id.length <= 48 && (id.match(/\d/g)?.length ?? 0) <= 3;
  return idShaped ? `"${id}"` : '(not shown)';
}

function table(value: unknown, file: string, line: number, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw new UsageError(`${file}:${line}: ${what} must be a table`);
  }
  return value as Record<string, unknown>;
}

function stringList(value: unknown, file: string, line: number, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new UsageError(`${file}:${line}: ${key} must be a list of strings`);
  }
  return value as string[];
}

const KNOWN = {
  top: ['allowlist', 'rules', 'rule', 'aws', 'mutelist'],
  mutelist: ['rules', 'identities', 'accounts', 'tags', 'expires', 'reason'],
  aws: ['key_max_age_days', 'key_critical_age_days', 'unused_days', 'never_used_grace_days'],
  allowlist: ['paths', 'regexes', 'lines', 'stopwords', 'commits'],
  rules: ['disable', 'severity'],
  rule: ['id', 'title', 'severity', 'regex', 'keywords', 'entropy', 'paths', 'description', 'examples'],
  examples: ['positive', 'negative', 'path'],
};

/** `what` names the place ("[allowlist] regexes entry 2"); the pattern itself is never in the message. */
function compileRegex(src: string, file: string, line: number, what: string): LinearRegex {
  try {
    return new LinearRegex(src);
  } catch (err) {
    if (err instanceof LinearRegexError) throw new UsageError(`${file}:${line}: invalid regex in ${what}: ${err.message}`);
    throw err;
  }
}

/**
 * An allowlist entry that matches the empty string (`""`, `.*`, `^`, `a|`) matches every secret
 * or line: one such entry silently turns the whole scan off, so it is a config error.
 */
function regexList(list: string[], file: string, text: string, keyAt: number, key: string): LinearRegex[] {
  return list.map((src, i) => {
    const line = valueLine(text, src, keyAt);
    const what = `[allowlist] ${key} entry ${i + 1}`;
    const re = compileRegex(src, file, line, what);
    if (re.test('')) throw new UsageError(`${file}:${line}: ${what} matches the empty string, so it would allowlist everything`);
    return re;
  });
}

function stopwordList(list: string[], file: string, text: string, keyAt: number): string[] {
  list.forEach((w, i) => {
    if (w === '') throw new UsageError(`${file}:${valueLine(text, w, keyAt)}: [allowlist] stopwords entry ${i + 1} is empty, so it would allowlist everything`);
  });
  return list.map((w) => w.toLowerCase());
}

function parseCustomRule(value: unknown, index: number, file: string, text: string): Rule {
  const at = Math.max(0, headerOffset(text, 'rule', index));
  const numbered = `[[rule]] #${index + 1}`;
  const raw = table(value, file, lineAt(text, at), numbered);
  // A rule is named by its id when the id is identifier-shaped (see nameable), else by its number.
  const where = typeof raw.id === 'string' && nameable(raw.id, true) ? `[[rule]] ${raw.id}` : numbered;
  checkKeys(raw, KNOWN.rule, where, file, text, at);
  // A missing key is reported at the rule's id line, where the reader finds the rule.
  const idAt = keyOffset(text, 'id', at);
  const lineOfKey = (key: string) => lineAt(text, raw[key] === undefined ? idAt : keyOffset(text, key, at));
  const need = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v === '') throw new UsageError(`${file}:${lineOfKey(key)}: ${where} needs a string "${key}"`);
    return v;
  };
  const id = need('id');
  const regex = need('regex');
  const severity = raw.severity ?? 'high';
  if (typeof severity !== 'string' || !isSeverity(severity)) {
    throw new UsageError(`${file}:${lineOfKey('severity')}: ${where}: severity must be critical, high, medium, low or info`);
  }
  // Without a named `secret` group the whole match is the secret (LinearRegex falls back to group 0).
  const pattern = compileRegex(regex, file, lineOfKey('regex'), `${where} regex`);
  const keywords = stringList(raw.keywords, file, lineOfKey('keywords'), 'keywords').map((k) => k.toLowerCase());
  const entropy = raw.entropy;
  if (entropy !== undefined && (typeof entropy !== 'number' || !Number.isFinite(entropy) || entropy < 0)) {
    throw new UsageError(`${file}:${lineOfKey('entropy')}: ${where}: entropy must be a non-negative number`);
  }
  if (raw.paths !== undefined && typeof raw.paths !== 'string') throw new UsageError(`${file}:${lineOfKey('paths')}: ${where}: paths must be a regex string`);
  for (const key of ['title', 'description'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') throw new UsageError(`${file}:${lineOfKey(key)}: ${where}: ${key} must be a string`);
  }
  // `examples = { positive = [...], negative = [...], path = "..." }`: what `nhiscan rules check`
  // runs through the whole scanner, as it does the built-in rules' examples.
  const exLine = lineOfKey('examples');
  const ex = table(raw.examples, file, exLine, `${where} examples`);
  checkKeys(ex, KNOWN.examples, `${where} examples`, file, text, at);
  if (ex.path !== undefined && typeof ex.path !== 'string') throw new UsageError(`${file}:${exLine}: ${where}: examples path must be a string`);
  const examples = {
    positive: positiveExamples(ex.positive, file, exLine, where),
    negative: stringList(ex.negative, file, exLine, 'examples negative'),
    ...(typeof ex.path === 'string' ? { path: ex.path } : {}),
  };
  return {
    id,
    title: typeof raw.title === 'string' ? raw.title : id,
    severity,
    provider: 'custom',
    keywords,
    pattern,
    ...(typeof entropy === 'number' ? { minEntropy: entropy } : {}),
    ...(typeof raw.paths === 'string' ? { paths: compileRegex(raw.paths, file, lineOfKey('paths'), `${where} paths`) } : {}),
    examples,
  };
}

/**
 * `[[rule]]` positive examples: `{ text = "...", secret = "..." }` (the secret the rule must report
 * from the text), or a bare string that is itself the secret. Never echoed: they look like secrets.
 */
function positiveExamples(value: unknown, file: string, line: number, where: string): PositiveExample[] {
  if (value === undefined) return [];
  const bad = () => new UsageError(`${file}:${line}: ${where}: examples positive must be a list of strings or { text, secret } tables`);
  if (!Array.isArray(value)) throw bad();
  return value.map((v: unknown, i) => {
    if (typeof v === 'string') return { text: v, secret: v };
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad();
    const { text, secret, ...rest } = v as Record<string, unknown>;
    if (typeof text !== 'string' || typeof secret !== 'string' || Object.keys(rest).length) throw bad();
    if (secret === '' || !text.includes(secret)) throw new UsageError(`${file}:${line}: ${where}: examples positive entry ${i + 1}: its secret is not in its text`);
    return { text, secret };
  });
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string, file: string, text: string, from: number): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const i = text.indexOf(k, from);
      const line = lineAt(text, i === -1 ? text.indexOf(k) : i);
      const named = nameable(k) ? `"${k}"` : '(not shown)';
      throw new UsageError(`${file}:${line}: unknown key ${named}${where ? ` in ${where}` : ''} (expected one of: ${allowed.join(', ')})`);
    }
  }
}

/**
 * smol-toml's message carries a code block of the document (which can hold a secret) after its
 * first line, and a date it cannot parse is quoted from the input. Keep its reason only when it is
 * one of its fixed sentences: lower-case words and punctuation, no digits or quotes.
 */
function tomlReason(err: TomlError): string {
  const first = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? '';
  return /^[a-z][a-z ,.:-]{0,100}$/.test(first) ? first : 'invalid TOML';
}

/**
 * `[[mutelist]]`: every entry says why (`reason`), or the file is refused: an accepted risk with no
 * reason is one nobody can review. Values are never echoed (an ARN pattern is harmless, but a
 * token pasted in the wrong place would not be).
 */
function parseMutelist(value: unknown, file: string, text: string): MuteEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UsageError(`${file}:${lineAt(text, Math.max(0, keyOffset(text, 'mutelist', 0)))}: use [[mutelist]] tables for accepted risks`);
  return value.map((v: unknown, i) => {
    const at = Math.max(0, headerOffset(text, 'mutelist', i));
    const where = `[[mutelist]] #${i + 1}`;
    const line = lineAt(text, at);
    const raw = table(v, file, line, where);
    checkKeys(raw, KNOWN.mutelist, where, file, text, at);
    const keyLine = (key: string) => lineAt(text, keyOffset(text, key, at));
    if (typeof raw.reason !== 'string' || raw.reason.trim() === '') throw new UsageError(`${file}:${line}: ${where} needs a "reason" (why the risk is accepted)`);
    const list = (key: string) => {
      const l = stringList(raw[key], file, keyLine(key), `${where} ${key}`);
      if (l.some((x) => x === '')) throw new UsageError(`${file}:${keyLine(key)}: ${where} ${key} has an empty entry`);
      return l;
    };
    const tags = table(raw.tags, file, keyLine('tags'), `${where} tags`);
    for (const t of Object.values(tags)) if (typeof t !== 'string') throw new UsageError(`${file}:${keyLine('tags')}: ${where} tags values must be strings`);
    // A TOML date (expires = 2027-01-01) or the same as a string.
    let expires: string | undefined;
    if (raw.expires !== undefined) {
      const e = raw.expires instanceof Date ? raw.expires.toISOString().slice(0, 10) : raw.expires;
      if (typeof e !== 'string' || !isCalendarDate(e)) throw new UsageError(`${file}:${keyLine('expires')}: ${where} expires must be a date, YYYY-MM-DD`);
      expires = e;
    }
    const entry: MuteEntry = {
      index: i + 1,
      line,
      rules: list('rules'),
      identities: list('identities'),
      accounts: list('accounts'),
      tags: tags as Record<string, string>,
      reason: raw.reason.trim(),
      ...(expires ? { expires } : {}),
    };
    // An entry with no condition would mute every cloud finding: almost surely a mistake.
    if (!entry.rules.length && !entry.identities.length && !entry.accounts.length && !Object.keys(entry.tags).length) {
      throw new UsageError(`${file}:${line}: ${where} names no rules, identities, accounts or tags, so it would mute every cloud finding`);
    }
    return entry;
  });
}

export function parseConfig(text: string, file: string): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw new UsageError(`${file}:${err.line}:${err.column}: ${tomlReason(err)}`);
    throw err;
  }
  checkKeys(doc, KNOWN.top, '', file, text, 0);
  const cfg = emptyConfig();
  cfg.file = file;
  cfg.text = text;
  const tableAt = (name: string) => {
    const h = headerOffset(text, name);
    return h !== -1 ? h : Math.max(0, keyOffset(text, name, 0));
  };

  const allowAt = tableAt('allowlist');
  const allow = table(doc.allowlist, file, lineAt(text, allowAt), '[allowlist]');
  checkKeys(allow, KNOWN.allowlist, '[allowlist]', file, text, allowAt);
  const allowKey = (key: string) => keyOffset(text, key, allowAt);
  cfg.allow.pathPatterns = stringList(allow.paths, file, lineAt(text, allowKey('paths')), 'paths');
  cfg.allow.paths = ignore().add(cfg.allow.pathPatterns);
  cfg.allow.regexes = regexList(stringList(allow.regexes, file, lineAt(text, allowKey('regexes')), 'regexes'), file, text, allowKey('regexes'), 'regexes');
  cfg.allow.lines = regexList(stringList(allow.lines, file, lineAt(text, allowKey('lines')), 'lines'), file, text, allowKey('lines'), 'lines');
  cfg.allow.stopwords = stopwordList(stringList(allow.stopwords, file, lineAt(text, allowKey('stopwords')), 'stopwords'), file, text, allowKey('stopwords'));
  cfg.allow.commits = new Set(stringList(allow.commits, file, lineAt(text, allowKey('commits')), 'commits'));

  const custom = doc.rule ?? [];
  if (!Array.isArray(custom)) throw new UsageError(`${file}:${lineAt(text, tableAt('rule'))}: use [[rule]] tables for custom rules`);
  cfg.customRules = custom.map((r, i) => parseCustomRule(r, i, file, text));
  // One id, one rule: `[rules] disable`, baselines and SARIF name rules by id alone.
  const customIds = new Set<string>();
  cfg.customRules.forEach((r, i) => {
    const line = lineAt(text, keyOffset(text, 'id', Math.max(0, headerOffset(text, 'rule', i))));
    if (isBuiltinRuleId(r.id)) throw new UsageError(`${file}:${line}: [[rule]] id "${r.id}" is a built-in rule id; choose another (or adjust it in [rules])`);
    if (customIds.has(r.id)) throw new UsageError(`${file}:${line}: [[rule]] id ${ruleIdNamed(r.id)} is used by an earlier [[rule]]`);
    customIds.add(r.id);
  });
  /** An id `[rules]` names must be a rule this run has: a typo would otherwise silently do nothing. */
  const known = (id: string) => isBuiltinRuleId(id) || customIds.has(id);

  const awsAt = tableAt('aws');
  const aws = table(doc.aws, file, lineAt(text, awsAt), '[aws]');
  checkKeys(aws, KNOWN.aws, '[aws]', file, text, awsAt);
  const awsKeys = { key_max_age_days: 'keyMaxAgeDays', key_critical_age_days: 'keyCriticalAgeDays', unused_days: 'unusedDays', never_used_grace_days: 'neverUsedGraceDays' } as const;
  for (const [k, field] of Object.entries(awsKeys)) {
    const v = aws[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new UsageError(`${file}:${lineAt(text, keyOffset(text, k, awsAt))}: ${k} must be a whole number of days`);
    cfg.aws[field] = v;
  }

  cfg.mutelist = parseMutelist(doc.mutelist, file, text);

  const rulesAt = tableAt('rules');
  const rules = table(doc.rules, file, lineAt(text, rulesAt), '[rules]');
  checkKeys(rules, KNOWN.rules, '[rules]', file, text, rulesAt);
  const disableAt = keyOffset(text, 'disable', rulesAt);
  const disable = stringList(rules.disable, file, lineAt(text, disableAt), 'disable');
  disable.forEach((id, i) => {
    if (known(id)) return;
    const line = id === '' ? lineAt(text, disableAt) : valueLine(text, id, disableAt);
    throw new UsageError(`${file}:${line}: [rules] disable entry ${i + 1}: unknown rule id ${ruleIdNamed(id)} (see nhiscan rules list)`);
  });
  cfg.disabledRules = new Set(disable);
  const sevAt = keyOffset(text, 'severity', rulesAt);
  const sev = table(rules.severity, file, lineAt(text, sevAt), '[rules] severity');
  for (const [id, value] of Object.entries(sev)) {
    const i = id === '' ? -1 : text.indexOf(id, sevAt);
    const line = lineAt(text, i === -1 ? sevAt : i);
    if (typeof value !== 'string' || !isSeverity(value)) {
      const which = isBuiltinRuleId(id) ? `"${id}"` : 'a rule';
      throw new UsageError(`${file}:${line}: severity for ${which} in [rules] must be critical, high, medium, low or info`);
    }
    if (!known(id)) throw new UsageError(`${file}:${line}: [rules] severity: unknown rule id ${ruleIdNamed(id)} (see nhiscan rules list)`);
    cfg.severity.set(id, value);
  }
  return cfg;
}

/** `--config FILE` must exist; otherwise `.nhiscan.toml` in the target's root is used if present. */
export async function loadConfig(explicit: string | undefined, root: string | null): Promise<Config> {
  const file = explicit ?? (root ? join(root, CONFIG_FILE) : null);
  if (!file) return emptyConfig();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw new UsageError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfig(text, file);
}

export function pathAllowed(cfg: Config, path: string): boolean {
  return cfg.allow.pathPatterns.length > 0 && path !== '' && !path.startsWith('(') && cfg.allow.paths.ignores(path);
}

export function secretAllowed(cfg: Config, secret: string): boolean {
  if (cfg.allow.regexes.some((re) => re.test(secret))) return true;
  const lower = secret.toLowerCase();
  return cfg.allow.stopwords.some((w) => lower.includes(w));
}
