import type { NhiId, Severity } from '../model.js';
import type { LinearRegex } from './linear-regex.js';

/** What an offline validator concluded. Rejected matches are dropped: they are not secrets. */
export type Validation =
  | { valid: true; detail: string; account?: string; identifier?: string }
  | { valid: false; reason: string };

export interface MatchContext {
  /** The whole text the match came from, for validators that need surrounding structure. */
  text: string;
  index: number;
  groups: Record<string, string | undefined>;
}

export type Validator = (secret: string, ctx: MatchContext) => Validation;

/**
 * A detection rule is data: tests run its examples, the config can add more of the same shape.
 * `pattern` must name the captured credential `secret`. A built-in pattern is a V8 RegExp and must
 * not be able to backtrack catastrophically: bounded quantifiers only, no nested repetition. A
 * config (`[[rule]]`) pattern is untrusted and is a LinearRegex (RE2), linear whatever its shape.
 */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  provider: string;
  /** Lower-case literals; the pattern only runs on text containing at least one. */
  keywords: string[];
  pattern: RegExp | LinearRegex;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  validate?: Validator;
  /** Only run on files whose path matches (e.g. .pgpass); content rules run everywhere when absent. */
  paths?: RegExp | LinearRegex;
  /** Placeholder filtering is on by default; rules whose secrets are structural (PEM) opt out. */
  allowPlaceholders?: boolean;
  /**
   * The keywords are context, not part of the match (a key id found because the file says
   * "service_account"): the regex must see the whole text, not only windows around keyword hits.
   */
  keywordsAreContext?: boolean;
  /**
   * Found by the structured config stage (src/detect/structured), which pairs each value with its
   * full key path by file type, not by `pattern`: the matcher never runs the pattern itself, and
   * the prefilter never schedules it. Its examples still run through the whole scanner.
   */
  structured?: boolean;
  nhi?: NhiId[];
  /** How to revoke this kind of credential at its provider. */
  revoke?: string;
  /** `path` is the file name examples are scanned under, for path-restricted rules. */
  examples: { positive: string[]; negative: string[]; path?: string };
}

export function defineRules(rules: Rule[]): Rule[] {
  return rules;
}
