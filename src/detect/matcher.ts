import type { CoverageGap, DecodeStep } from '../model.js';
import { shannonEntropy } from './entropy.js';
import { LineIndex } from './lines.js';
import { isDocumentedExample, isPlaceholder } from './placeholder.js';
import { encodedSpans } from './decode.js';
import { KeywordPrefilter } from './prefilter.js';
import { LinearRegex } from './linear-regex.js';
import type { Rule } from './rule.js';

export const INLINE_ALLOW = 'nhiscan:allow';

/** A confirmed match, still holding the raw secret: it never leaves the engine unredacted by accident. */
export interface RawMatch {
  rule: Rule;
  secret: string;
  start: number;
  end: number;
  line: number;
  column: number;
  validation: string | null;
  account?: string;
  identifier?: string;
  /** How the secret was decoded, outermost first, when it was found inside an encoded span. */
  decoded?: DecodeStep[];
}

export interface MatchResult {
  matches: RawMatch[];
  /** Matches silenced by an inline `nhiscan:allow` comment. */
  allowed: number;
}

export interface MatcherOptions {
  decodeDepth?: number;
  allowLine?: ((line: string) => boolean) | undefined;
}

/** Built-in rules get `re` (V8); config rules get `linear` (RE2). Exactly one is set. */
interface CompiledRule {
  rule: Rule;
  re: RegExp | null;
  linear: LinearRegex | null;
}

function compile(rule: Rule): CompiledRule {
  if (rule.pattern instanceof LinearRegex) return { rule, re: null, linear: rule.pattern };
  const flags = new Set([...rule.pattern.flags, 'g', 'd']);
  flags.delete('y');
  return { rule, re: new RegExp(rule.pattern.source, [...flags].join('')), linear: null };
}

/**
 * Time a config rule may spend finding all its matches in one text: far above what RE2's linear
 * search needs (about 0.1 µs a character), far below a hang. See LinearRegex.secrets.
 */
function linearBudgetMs(chars: number): number {
  return 20 + chars / 1000;
}

/** After this many texts cut short, a config rule is dropped for the rest of the run. */
const MAX_CUT_SHORT = 10;

export class Matcher {
  private readonly compiled: CompiledRule[];
  /** Config rules whose search was cut short, with how many texts and the first path. */
  private readonly cutShort = new Map<Rule, { texts: number; skipped: number; path: string }>();
  private readonly prefilter: KeywordPrefilter;

  readonly decodeDepth: number;
  private readonly allowLine: ((line: string) => boolean) | undefined;

  /**
   * `decodeDepth`: how many layers of base64/percent encoding to look through (0 turns decoding off).
   * `allowLine`: config line allowlist; a match on such a line counts as allowed, like an inline allow.
   */
  constructor(readonly rules: readonly Rule[], opts: number | MatcherOptions = {}) {
    const o = typeof opts === 'number' ? { decodeDepth: opts } : opts;
    this.decodeDepth = o.decodeDepth ?? 1;
    this.allowLine = o.allowLine;
    this.compiled = rules.map(compile);
    this.prefilter = new KeywordPrefilter(rules);
  }

  /**
   * What the run could not read: config rules whose regex was too slow on some texts (their
   * matches there are partial). The caller adds these to the report's coverage gaps.
   */
  gaps(): CoverageGap[] {
    return [...this.cutShort].map(([rule, c]) => ({
      scope: `custom rule ${rule.id}`,
      reason:
        `its regex was too slow and was stopped on ${c.texts} text(s), first ${c.path}` +
        (c.skipped ? `, then not run on ${c.skipped} more` : '') +
        '; simplify it (an unbounded .* beside an alternative reads to the end of the text for every match)',
    }));
  }

  /**
   * Bytes are prefiltered before decoding, so blobs without a keyword are never decoded.
   * `path`, when known, lets path-restricted rules (credential files) run.
   */
  scan(input: string | Uint8Array, path = ''): MatchResult {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const { rules: candidates, runs } = this.prefilter.pass(bytes, this.decodeDepth > 0);
    // Encoded secrets carry no plain keyword: a blob with an encodable run is decoded even without candidates.
    const mayHoldEncoded = runs.length > 0 || (this.decodeDepth > 0 && bytes.includes(0x25 /* % */));
    if (candidates.length === 0 && !mayHoldEncoded) return { matches: [], allowed: 0 };
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    const result = this.scanText(text, candidates, path);
    if (mayHoldEncoded) this.scanDecoded(text, path, this.decodeDepth, [], result, undefined, { bytes, runs });
    return result;
  }

  /**
   * Scan what base64 and percent-encoded spans decode to. A match inside is located at the encoded
   * span in the outermost text and records each decoding step.
   */
  private scanDecoded(
    text: string,
    path: string,
    depth: number,
    outer: DecodeStep[],
    into: MatchResult,
    anchor?: { line: number; column: number },
    known?: { bytes: Uint8Array; runs: number[] },
  ): void {
    const spans = known ? encodedSpans(text, known.bytes, known.runs) : encodedSpans(text);
    if (spans.length === 0) return;
    const index = anchor ? undefined : new LineIndex(text);
    for (const span of spans) {
      const steps = [...outer, span.step];
      const pos = anchor ?? index!.position(span.step.start);
      const inner = this.scanText(span.decoded, this.prefilter.candidates(Buffer.from(span.decoded, 'utf8')), path);
      into.allowed += inner.allowed;
      // An allow on the line holding the encoded span covers what it decodes to.
      const outerLine = index?.lineAt(span.step.start);
      if (outerLine !== undefined && (outerLine.includes(INLINE_ALLOW) || this.allowLine?.(outerLine))) {
        into.allowed += inner.matches.length;
        continue;
      }
      for (const m of inner.matches) {
        if (into.matches.some((o) => o.rule === m.rule && o.secret === m.secret)) continue;
        into.matches.push({ ...m, line: pos.line, column: pos.column, decoded: steps });
      }
      if (depth > 1) this.scanDecoded(span.decoded, path, depth - 1, steps, into, pos);
    }
  }

  private scanText(text: string, candidates: number[], path: string): MatchResult {
    if (candidates.length === 0) return { matches: [], allowed: 0 };
    let lines: LineIndex | undefined;
    const taken: Array<[number, number]> = [];
    const matches: RawMatch[] = [];
    let allowed = 0;

    for (const idx of candidates) {
      const { rule, re, linear } = this.compiled[idx]!;
      if (rule.paths && !rule.paths.test(path)) continue;
      if (re === null) {
        // Decided once per rule, so the built-in loop below keeps its shape and speed.
        allowed += this.scanLinear(text, rule, linear!, taken, matches, path);
        continue;
      }
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        if (m[0].length === 0) re.lastIndex++;
        const secret = m.groups?.secret;
        const span = m.indices?.groups?.secret;
        if (!secret || !span) continue;
        const [start, end] = span;
        // Earlier rules are more specific; a later rule never re-reports the same span.
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        // Cheapest test first: entropy rejects most generic candidates before the placeholder regexes run.
        if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
        if (rule.allowPlaceholders ? isDocumentedExample(secret) : isPlaceholder(secret)) continue;
        let validation: string | null = null;
        let account: string | undefined;
        let identifier: string | undefined;
        if (rule.validate) {
          const v = rule.validate(secret, { text, index: m.index, groups: m.groups ?? {} });
          if (!v.valid) continue;
          validation = v.detail;
          account = v.account;
          identifier = v.identifier;
        }
        lines ??= new LineIndex(text);
        taken.push([start, end]);
        const lineText = lines.lineAt(start);
        if (lineText.includes(INLINE_ALLOW) || this.allowLine?.(lineText)) {
          allowed++;
          continue;
        }
        const pos = lines.position(start);
        matches.push({
          rule,
          secret,
          start,
          end,
          line: pos.line,
          column: pos.column,
          validation,
          ...(account ? { account } : {}),
          ...(identifier ? { identifier } : {}),
        });
      }
    }
    return { matches, allowed };
  }

  /**
   * A config rule on RE2: the same acceptance steps as the built-in loop in scanText (keep them in
   * step), on spans RE2 reports. Returns how many matches an allow comment or line silenced.
   * It builds its own LineIndex rather than share scanText's: a closure over that variable would
   * slow every access to it on the built-in path.
   */
  private scanLinear(text: string, rule: Rule, re: LinearRegex, taken: Array<[number, number]>, matches: RawMatch[], path: string): number {
    const cut = this.cutShort.get(rule);
    if (cut && cut.texts >= MAX_CUT_SHORT) {
      cut.skipped++;
      return 0;
    }
    const { spans, complete } = re.secrets(text, linearBudgetMs(text.length));
    if (!complete) {
      if (cut) cut.texts++;
      else this.cutShort.set(rule, { texts: 1, skipped: 0, path: path || '(input)' });
    }
    let allowed = 0;
    let lines: LineIndex | undefined;
    for (const { start, end, index: at } of spans) {
      if (start === end) continue;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const secret = text.slice(start, end);
      if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
      if (rule.allowPlaceholders ? isDocumentedExample(secret) : isPlaceholder(secret)) continue;
      let validation: string | null = null;
      let account: string | undefined;
      let identifier: string | undefined;
      if (rule.validate) {
        const v = rule.validate(secret, { text, index: at, groups: { secret } });
        if (!v.valid) continue;
        validation = v.detail;
        account = v.account;
        identifier = v.identifier;
      }
      lines ??= new LineIndex(text);
      taken.push([start, end]);
      const lineText = lines.lineAt(start);
      if (lineText.includes(INLINE_ALLOW) || this.allowLine?.(lineText)) {
        allowed++;
        continue;
      }
      const pos = lines.position(start);
      matches.push({
        rule,
        secret,
        start,
        end,
        line: pos.line,
        column: pos.column,
        validation,
        ...(account ? { account } : {}),
        ...(identifier ? { identifier } : {}),
      });
    }
    return allowed;
  }
}
