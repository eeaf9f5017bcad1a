import { createRequire } from 'node:module';
import type * as Re2 from 're2js';

type Re2Module = typeof Re2;
let re2: Re2Module | null = null;
/** re2js is loaded on the first config regex: most scans have none and should not pay for it. */
function engine(): Re2Module {
  re2 ??= createRequire(import.meta.url)('re2js') as Re2Module;
  return re2;
}

/**
 * A regex from a config file (a scanned repository's own `.nhiscan.toml` among them) is untrusted
 * input: on V8's backtracking engine `(a+)+$` takes minutes on 50 bytes. These run on RE2 (re2js),
 * whose matching time is linear in the input whatever the pattern. The price is RE2 syntax: no
 * lookaround and no backreferences, which are exactly the features that cannot run in linear time.
 * Built-in rules stay on V8 RegExp: they are reviewed, tested against pathological inputs, and faster.
 */

/** Why a pattern was refused, without the pattern: it can hold the very secret it allowlists. */
export class LinearRegexError extends Error {}

/**
 * RE2's syntax errors are a fixed vocabulary; the pattern fragment they also quote is dropped, and
 * a reason not in this list (a future re2js wording) becomes a generic one rather than risk a quote.
 */
const RE2_REASONS = new Set([
  'invalid character class range',
  'invalid escape sequence',
  'invalid named capture',
  'invalid or unsupported Perl syntax',
  'invalid nested repetition operator',
  'invalid repeat count',
  'missing closing ]',
  'missing closing )',
  'missing argument to repetition operator',
  'trailing backslash at end of expression',
  'duplicate capture group name',
  'unexpected )',
  'expression nests too deeply',
  'expression too large',
]);

function reasonOf(err: Re2.RE2JSException): string {
  if (!(err instanceof engine().RE2JSSyntaxException)) return 'cannot be compiled';
  const reason = RE2_REASONS.has(err.error) ? err.error : 'invalid syntax';
  return reason === 'invalid or unsupported Perl syntax' || reason === 'invalid escape sequence'
    ? `${reason} (RE2 syntax: no lookaround, no backreferences; write \\x{41}, not \\u0041)`
    : reason;
}

export interface SecretSpan {
  /** Offsets in JS string indices (UTF-16 code units), as the matcher and LineIndex use. */
  start: number;
  end: number;
  /** Where the whole match begins. */
  index: number;
}

export class LinearRegex {
  private readonly re: Re2.RE2JS;
  /** Capture group holding the secret (0, the whole match, when there is no `secret` group). */
  private readonly secretGroup: number;

  /** Throws LinearRegexError (never an RE2 error that quotes the pattern). */
  constructor(
    readonly source: string,
    opts: { caseInsensitive?: boolean } = {},
  ) {
    try {
      const { RE2JS } = engine();
      this.re = RE2JS.compile(source, opts.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (err) {
      // Only RE2's own refusals are expected here; anything else is a bug and propagates.
      if (err instanceof engine().RE2JSException) throw new LinearRegexError(reasonOf(err));
      throw err;
    }
    this.secretGroup = this.re.namedGroups().secret ?? 0;
  }

  /** Whether the pattern names a `secret` group (both `(?P<secret>…)` and `(?<secret>…)` count). */
  get hasSecretGroup(): boolean {
    return this.secretGroup !== 0;
  }

  test(text: string): boolean {
    return this.re.test(text);
  }

  /**
   * Every non-overlapping match, leftmost first; skips matches whose secret group did not take part.
   *
   * RE2 runs each search in linear time, but finding *all* matches is not: after each match the
   * next search starts over, and a pattern such as `a.*b|a` makes every search read to the end of
   * the text, O(n) per match and O(n²) in all (40 KB of "a" takes 50 s). So the search stops once it
   * has used `budgetMs`, and says so (`complete: false`): the caller records a coverage gap rather
   * than pass an unread blob as clean. The clock is read only between searches.
   */
  secrets(text: string, budgetMs: number): { spans: SecretSpan[]; complete: boolean } {
    const spans: SecretSpan[] = [];
    const m = this.re.matcher(text);
    const deadline = performance.now() + budgetMs;
    // With a string input re2js reports UTF-16 offsets, so these index `text` directly.
    while (m.find()) {
      const start = m.start(this.secretGroup);
      if (start >= 0) spans.push({ start, end: m.end(this.secretGroup), index: m.start() });
      if (performance.now() > deadline) return { spans, complete: m.end() >= text.length };
    }
    return { spans, complete: true };
  }
}
