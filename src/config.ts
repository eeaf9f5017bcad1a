import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse, TomlError } from 'smol-toml';
import { UsageError } from './errors.js';
import type { Rule } from './detect/rule.js';
import { isSeverity, type Severity } from './model.js';

export const CONFIG_FILE = '.nhiscan.toml';

export interface Config {
  file: string | null;
  /** `[[rule]]` tables: the user's own detectors, same shape as the built-in ones. */
  customRules: Rule[];
  disabledRules: Set<string>;
  severity: Map<string, Severity>;
  /** `[aws]` thresholds, in days; flags override them. */
  aws: Partial<Record<'keyMaxAgeDays' | 'keyCriticalAgeDays' | 'unusedDays' | 'neverUsedGraceDays', number>>;
  allow: {
    paths: Ignore;
    pathPatterns: string[];
    /** Tested against the secret itself. */
    regexes: RegExp[];
    /** A secret containing any of these (case-insensitive) is ignored. */
    stopwords: string[];
    /** Tested against the whole line the secret is on. */
    lines: RegExp[];
    commits: Set<string>;
  };
}

export function emptyConfig(): Config {
  return {
    file: null,
    customRules: [],
    disabledRules: new Set(),
    severity: new Map(),
    aws: {},
    allow: { paths: ignore(), pathPatterns: [], regexes: [], stopwords: [], lines: [], commits: new Set() },
  };
}

function lineOf(text: string, needle: string): number {
  const idx = text.indexOf(needle);
  return idx === -1 ? 1 : text.slice(0, idx).split('\n').length;
}

function stringList(value: unknown, file: string, text: string, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new UsageError(`${file}:${lineOf(text, key)}: ${key} must be a list of strings`);
  }
  return value as string[];
}

const KNOWN = {
  top: ['allowlist', 'rules', 'rule', 'aws'],
  aws: ['key_max_age_days', 'key_critical_age_days', 'unused_days', 'never_used_grace_days'],
  allowlist: ['paths', 'regexes', 'lines', 'stopwords', 'commits'],
  rules: ['disable', 'severity'],
  rule: ['id', 'title', 'severity', 'regex', 'keywords', 'entropy', 'paths', 'description'],
};

function compileRegex(src: string, flags: string, file: string, text: string): RegExp {
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw new UsageError(`${file}:${lineOf(text, src)}: invalid regex ${JSON.stringify(src)}: ${(err as Error).message}`);
  }
}

function parseCustomRule(raw: Record<string, unknown>, index: number, file: string, text: string): Rule {
  checkKeys(raw, KNOWN.rule, 'rule', file, text);
  const where = typeof raw.id === 'string' ? raw.id : `rule ${index + 1}`;
  const line = lineOf(text, typeof raw.id === 'string' ? raw.id : '[[rule]]');
  const need = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v === '') throw new UsageError(`${file}:${line}: [[rule]] ${where} needs a string "${key}"`);
    return v;
  };
  const id = need('id');
  const regex = need('regex');
  const severity = raw.severity ?? 'high';
  if (typeof severity !== 'string' || !isSeverity(severity)) {
    throw new UsageError(`${file}:${line}: [[rule]] ${id}: severity must be critical, high, medium, low or info`);
  }
  // Without a named `secret` group the whole match is the secret.
  const source = regex.includes('(?<secret>') ? regex : `(?<secret>${regex})`;
  const pattern = compileRegex(source, '', file, text);
  const keywords = stringList(raw.keywords, file, text, 'keywords').map((k) => k.toLowerCase());
  if (raw.entropy !== undefined && typeof raw.entropy !== 'number') throw new UsageError(`${file}:${line}: [[rule]] ${id}: entropy must be a number`);
  return {
    id,
    title: typeof raw.title === 'string' ? raw.title : id,
    severity,
    provider: 'custom',
    keywords,
    pattern,
    ...(typeof raw.entropy === 'number' ? { minEntropy: raw.entropy } : {}),
    ...(typeof raw.paths === 'string' ? { paths: compileRegex(raw.paths, '', file, text) } : {}),
    examples: { positive: [], negative: [] },
  };
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string, file: string, text: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new UsageError(`${file}:${lineOf(text, k)}: unknown key "${k}"${where ? ` in [${where}]` : ''} (expected one of: ${allowed.join(', ')})`);
    }
  }
}

export function parseConfig(text: string, file: string): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
      throw new UsageError(`${file}:${err.line}:${err.column}: ${reason}`);
    }
    throw err;
  }
  checkKeys(doc, KNOWN.top, '', file, text);
  const cfg = emptyConfig();
  cfg.file = file;
  const allow = (doc.allowlist ?? {}) as Record<string, unknown>;
  checkKeys(allow, KNOWN.allowlist, 'allowlist', file, text);
  cfg.allow.pathPatterns = stringList(allow.paths, file, text, 'paths');
  cfg.allow.paths = ignore().add(cfg.allow.pathPatterns);
  cfg.allow.regexes = stringList(allow.regexes, file, text, 'regexes').map((src) => compileRegex(src, '', file, text));
  cfg.allow.lines = stringList(allow.lines, file, text, 'lines').map((src) => compileRegex(src, '', file, text));
  const custom = doc.rule ?? [];
  if (!Array.isArray(custom)) throw new UsageError(`${file}:${lineOf(text, 'rule')}: use [[rule]] tables for custom rules`);
  cfg.customRules = custom.map((r, i) => parseCustomRule(r as Record<string, unknown>, i, file, text));
  cfg.allow.stopwords = stringList(allow.stopwords, file, text, 'stopwords').map((s) => s.toLowerCase());
  cfg.allow.commits = new Set(stringList(allow.commits, file, text, 'commits'));
  const aws = (doc.aws ?? {}) as Record<string, unknown>;
  checkKeys(aws, KNOWN.aws, 'aws', file, text);
  const awsKeys = { key_max_age_days: 'keyMaxAgeDays', key_critical_age_days: 'keyCriticalAgeDays', unused_days: 'unusedDays', never_used_grace_days: 'neverUsedGraceDays' } as const;
  for (const [k, field] of Object.entries(awsKeys)) {
    const v = aws[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new UsageError(`${file}:${lineOf(text, k)}: ${k} must be a whole number of days`);
    cfg.aws[field] = v;
  }
  const rules = (doc.rules ?? {}) as Record<string, unknown>;
  checkKeys(rules, KNOWN.rules, 'rules', file, text);
  cfg.disabledRules = new Set(stringList(rules.disable, file, text, 'disable'));
  const sev = (rules.severity ?? {}) as Record<string, unknown>;
  for (const [id, value] of Object.entries(sev)) {
    if (typeof value !== 'string' || !isSeverity(value)) {
      throw new UsageError(`${file}:${lineOf(text, id)}: severity for "${id}" must be critical, high, medium, low or info`);
    }
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
