import type { NhiId, Severity } from '../model.js';
import type { LinearRegex } from './linear-regex.js';

/** What an offline validator concluded. Rejected matches are dropped: they are not secrets. */
export type Validation =
  | { valid: true; detail: string; account?: string; identifier?: string }
  | { valid: false; reason: string };

export interface MatchContext {
  /** The whole text the match came from, for validators that need surrounding structure. */
  text: string;
  /**
   * The text's characters [start, end): cheaper than `text` when only a little is read (an ASCII
   * blob is made a whole string only when `text` is asked for, see text.ts).
   */
  slice?(start: number, end: number): string;
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
  examples: RuleExamples;
}

/**
 * A rule's examples run against the whole rule set, as a scan would see them (test/rules.test.ts,
 * `nhiscan rules check`): each positive is reported by its own rule, at exactly `secret`'s span,
 * and by no other rule; each negative is reported by no rule at all.
 */
export interface RuleExamples {
  positive: PositiveExample[];
  /**
   * Texts that must stay quiet. At least one per rule is a near miss, not a bare placeholder: it
   * holds a keyword and a token-shaped value (wrong length, bad checksum, embedded in a longer
   * token, a placeholder in context), so the rule's precision, not the prefilter, is what it tests.
   */
  negative: string[];
  /** The file name examples are scanned under, for path-restricted rules. */
  path?: string;
}

/** `text` as it appears in a file, and the credential its rule must report from it (once in `text`). */
export interface PositiveExample {
  text: string;
  secret: string;
  /**
   * When the secret is decoded from the text (a Docker `auth`, a FileZilla base64 password): the
   * encoded part of `text` the match covers, once in `text`. `secret` is then the decoded value.
   */
  encoded?: string;
}

export function defineRules(rules: Rule[]): Rule[] {
  return rules;
}
