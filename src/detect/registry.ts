// One registry of every rule nhiscan has, as data: the content rules (regex), the structured config
// rules (key path + value), the sensitive-file rules (path, optional content) and the user's own
// `[[rule]]` tables. Config validation, SARIF rule metadata and `nhiscan rules list|check` all read
// it, so a rule id means the same thing everywhere and an id that is in none of them is an error.
// The cloud rules (src/score/rules/) join it too: the registry is the catalogue every stage and
// command reads, so it is the one module here that looks at score's rule data (data only: the
// checks run in src/score/rules.ts).
import type { Config } from '../config.js';
import type { NhiId, Severity } from '../model.js';
import type { FileRule } from './file-rule.js';
import type { Rule } from './rule.js';
import { CLOUD_RULES, type CloudRule } from '../score/rules/index.js';
import { fileRules } from './rules/files.js';
import { builtinRules } from './rules/index.js';
// The rules' data only (structured/index.ts re-exports it): config validation and SARIF need ids
// and titles, not the YAML/XML parsers the stage itself loads.
import { structuredRules } from './structured/rules.js';

/** What a finding of a rule without its own `nhi` carries (findings.ts): a leaked secret is NHI2. */
const DEFAULT_NHI: NhiId[] = ['NHI2'];

/**
 * `cloud`: a check of an AWS inventory (`nhiscan aws`, `audit`); no examples, a scope instead.
 * `gate`: a check of the scan itself, not of content: a range that changes the gate's own config
 * or baseline (scan.ts gateFindings). It is configurable in `[rules]` like any rule, and has no examples.
 */
export type RuleKind = 'content' | 'structured' | 'file' | 'gate' | 'cloud' | 'config-custom';

export const GATE_RULES: readonly RuleInfo[] = [
  {
    id: 'nhiscan-config-changed',
    kind: 'gate',
    title: "A range changes the scanner's own config or baseline",
    severity: 'medium',
    provider: 'nhiscan',
    nhi: [],
    keywords: [],
    examples: { positive: 0, negative: 0 },
    revoke: 'Review the change: the scan applied the base commit’s version, and this one takes effect for later ranges once merged.',
  },
];

/** What `rules list -f json` prints for one rule: plain JSON, no regexes, no examples' text. */
export interface RuleInfo {
  id: string;
  kind: RuleKind;
  title: string;
  severity: Severity;
  provider: string;
  /** OWASP NHI Top 10 ids its findings carry. */
  nhi: NhiId[];
  keywords: string[];
  /** How many examples the rule carries each way (their text may look like a secret: never printed). */
  examples: { positive: number; negative: number };
  /** How to revoke this kind of credential, when the rule says. */
  revoke?: string;
  /** Cloud rules: why it is a risk, the general fix, and what the check looks at. */
  rationale?: string;
  remediation?: string;
  scope?: CloudRule['scope'];
}

/** A registry entry with the rule itself, for the code that runs it (`rules check`). */
export type RegisteredRule = RuleInfo &
  ({ kind: 'file'; rule: FileRule } | { kind: 'gate'; rule: null } | { kind: 'cloud'; rule: CloudRule } | { kind: Exclude<RuleKind, 'file' | 'gate' | 'cloud'>; rule: Rule });

function contentEntry(rule: Rule, kind: Exclude<RuleKind, 'file' | 'gate' | 'cloud'>): RegisteredRule {
  return {
    id: rule.id,
    kind,
    title: rule.title,
    severity: rule.severity,
    provider: rule.provider,
    nhi: rule.nhi ?? [...DEFAULT_NHI],
    keywords: rule.keywords,
    examples: { positive: rule.examples.positive.length, negative: rule.examples.negative.length },
    ...(rule.revoke ? { revoke: rule.revoke } : {}),
    rule,
  };
}

function fileEntry(rule: FileRule): RegisteredRule {
  return {
    id: rule.id,
    kind: 'file',
    title: rule.title,
    severity: rule.severity,
    provider: rule.provider,
    nhi: rule.nhi ?? [...DEFAULT_NHI],
    // A file rule is scheduled by its path, not by keywords.
    keywords: [],
    examples: { positive: rule.examples.positive.length, negative: rule.examples.negative.length },
    revoke: rule.revoke,
    rule,
  };
}

function cloudEntry(rule: CloudRule): RegisteredRule {
  return {
    id: rule.id,
    kind: 'cloud',
    title: rule.title,
    severity: rule.severity,
    provider: 'aws',
    nhi: [...rule.nhi],
    keywords: [],
    examples: { positive: 0, negative: 0 },
    rationale: rule.rationale,
    remediation: rule.remediation,
    scope: rule.scope,
    rule,
  };
}

/** The cloud rules' registry entries, in CLOUD_RULES order (the README table is generated from them). */
export function cloudRegistry(): RegisteredRule[] {
  return builtinRegistry().filter((e) => e.kind === 'cloud');
}

let builtins: readonly RegisteredRule[] | null = null;

/**
 * Every built-in rule, in the order the scanner ranks them (content rules first, in
 * `builtinRules` order, which decides who wins a span; then structured; then file rules; then the
 * gate's own check; then the cloud rules).
 * A structured rule may also sit in `builtinRules` (flagged `structured`): it is listed once.
 */
export function builtinRegistry(): readonly RegisteredRule[] {
  if (builtins) return builtins;
  const seen = new Set<Rule>();
  const out: RegisteredRule[] = [];
  for (const r of [...builtinRules, ...structuredRules]) {
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(contentEntry(r, r.structured || structuredRules.includes(r) ? 'structured' : 'content'));
  }
  for (const r of fileRules) out.push(fileEntry(r));
  for (const g of GATE_RULES) out.push({ ...g, kind: 'gate', rule: null });
  for (const r of CLOUD_RULES) out.push(cloudEntry(r));
  builtins = out;
  return out;
}

/** The content and structured rules a full scan runs (the Matcher's rule list), built-in order. */
export function builtinContentRules(): Rule[] {
  return builtinRegistry().flatMap((e) => (e.kind === 'content' || e.kind === 'structured' ? [e.rule] : []));
}

/** The built-in rules plus the config's `[[rule]]` tables (config.ts rejects ids that collide). */
export function registry(config?: Pick<Config, 'customRules'>): RegisteredRule[] {
  return [...builtinRegistry(), ...(config?.customRules ?? []).map((r) => contentEntry(r, 'config-custom'))];
}

let builtinIds: ReadonlySet<string> | null = null;

/** Ids of the built-in rules: public names, safe to quote in messages. */
export function isBuiltinRuleId(id: string): boolean {
  builtinIds ??= new Set(builtinRegistry().map((e) => e.id));
  return builtinIds.has(id);
}

let byId: ReadonlyMap<string, RegisteredRule> | null = null;

export function findBuiltinRule(id: string): RegisteredRule | undefined {
  byId ??= new Map(builtinRegistry().map((e) => [e.id, e]));
  return byId.get(id);
}

/** The entry as plain JSON (without the rule object, its regexes and example texts). */
export function ruleInfo(e: RegisteredRule): RuleInfo {
  const { rule: _rule, ...info } = e;
  return info;
}
