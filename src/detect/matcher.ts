import { isAscii } from 'node:buffer';
import { Claims, type Claim } from './claims.js';
import type { CoverageGap, DecodeStep } from '../model.js';
import { shannonEntropy } from './entropy.js';
import { LineIndex } from './lines.js';
import { isDocumentedExample, isPlaceholder } from './placeholder.js';
import { encodedSpans } from './decode.js';
import { KeywordPrefilter } from './prefilter.js';
import { LinearRegex } from './linear-regex.js';
import { lookaroundReach, matchAlphabet, maxMatchLength, minMatchLength, startsWithKeyword, type Alphabet } from './match-span.js';
import type { Rule } from './rule.js';
import { countDrop, type DropCounts } from './suppress.js';
import { isStructuredCandidate, scanStructured } from './structured/index.js';
import { ByteText, type ScanText, wholeText } from './text.js';

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
  /** Spans a rule settled (reported, allowed or rejected by its validator): no later stage claims them. */
  claimed?: Claim[];
}

export interface MatcherOptions {
  decodeDepth?: number;
  allowLine?: ((line: string) => boolean) | undefined;
}

/** Built-in rules get `re` (V8); config rules get `linear` (RE2). Exactly one is set. */
interface CompiledRule {
  rule: Rule;
  re: RegExp | null;
  /** The same pattern anchored at lastIndex: confirms a window's match against the whole text. */
  sticky: RegExp | null;
  /**
   * The longest match the pattern can make, when bounded and not too long: every match holds a
   * keyword (a test checks each rule's examples), so it lies within this many characters of a hit
   * and the regex runs only in those windows. 0: the rule always sees the whole text.
   */
  span: number | undefined;
  /** Context keywords: the rule never runs in windows. */
  whole: boolean;
  /**
   * Every match starts with one of the rule's keywords (match-span.ts, startsWithKeyword): the
   * regex is tried anchored at each hit, not searched for. Worked out on first need.
   */
  anchored?: boolean;
  /** The longest match, for --debug's count of characters an anchored try may read. */
  reach?: number;
  /**
   * An anchored rule's forward alphabet (null: nearly every character) and shortest match: a try is
   * made only where the run of alphabet characters from the hit is long enough for a match.
   */
  alphabet?: Alphabet | null;
  minLen?: number;
  /** How far outside its match an anchored rule's regex reads (lookarounds, boundaries). */
  around?: { behind: number; ahead: number };
  linear: LinearRegex | null;
}

function compile(rule: Rule): CompiledRule {
  if (rule.pattern instanceof LinearRegex) return { rule, re: null, sticky: null, span: 0, whole: true, linear: rule.pattern };
  const flags = new Set([...rule.pattern.flags, 'g', 'd']);
  flags.delete('y');
  const f = [...flags].join('');
  return { rule, re: new RegExp(rule.pattern.source, f), sticky: new RegExp(rule.pattern.source, `${f.replace('g', '')}y`), span: undefined, whole: Boolean(rule.keywordsAreContext), linear: null };
}

/**
 * Windows are used for rules whose matches are at most `maxSpan` long (longer ones, like PGP key
 * blocks, see the whole text). A match within `edge` of a cut window end is confirmed on the whole
 * text, where lookarounds see their real context.
 */
export const WINDOW = { maxSpan: 20_000, edge: 512, minText: 4096 };

function windowSpan(pattern: RegExp): number {
  const n = maxMatchLength(pattern);
  return n <= WINDOW.maxSpan ? n : 0;
}

/** Total length covered by [start, end) pairs. */
export function unionLength(pairs: number[]): number {
  const count = pairs.length >> 1;
  if (count === 1) return pairs[1]! - pairs[0]!;
  // Sorted by start as numbers in a typed array, each key a start and its pair's index (exact in a
  // double while both fit: starts below 2^31, fewer than 2^21 pairs), not pairs sorted by a comparator.
  if (count >= 1 << 21) return unionLengthOfPairs(pairs);
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = pairs[2 * i]! * (1 << 21) + i;
  keys.sort();
  let total = 0;
  let end = -1;
  for (let k = 0; k < count; k++) {
    const i = keys[k]! % (1 << 21);
    const lo = pairs[2 * i]!;
    const hi = pairs[2 * i + 1]!;
    if (hi <= end) continue;
    total += hi - Math.max(lo, end);
    end = hi;
  }
  return total;
}

/** unionLength for any number of pairs, sorted as pairs. */
export function unionLengthOfPairs(pairs: number[]): number {
  const order: Array<[number, number]> = [];
  for (let i = 0; i < pairs.length; i += 2) order.push([pairs[i]!, pairs[i + 1]!]);
  order.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [lo, hi] of order) {
    if (hi <= end) continue;
    total += hi - Math.max(lo, end);
    end = hi;
  }
  return total;
}

/** Merged [start, end) windows of `span` around `hits` (ascending), or null when they would cover most of the text. */
function windowsAround(hits: number[], n: number, span: number): number[] | null {
  const out: number[] = [];
  let covered = 0;
  for (const h of hits) {
    const lo = Math.max(0, h - span);
    const hi = Math.min(n, h + span);
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]!) {
      covered += hi - out[last]!;
      out[last] = Math.max(out[last]!, hi);
    } else {
      out.push(lo, hi);
      covered += hi - lo;
    }
  }
  return covered * 2 > n ? null : out;
}

/**
 * Wall time a config rule may spend finding all its matches in one text: far above what RE2's
 * linear search needs (about 0.1 µs a character), far below a hang. Wall time moves with load:
 * 20 ms + 1 µs a character cut a plain rule short on a busy CI machine with 5 workers (a spurious
 * gap), so the floor is generous; a hostile rule still costs at most a few seconds per text, and
 * is dropped after MAX_CUT_SHORT texts. See LinearRegex.secrets.
 */
function linearBudgetMs(chars: number): number {
  return 500 + chars / 50;
}

/** After this many texts cut short, a config rule is dropped for the rest of the run. */
const MAX_CUT_SHORT = 10;

export class Matcher {
  private readonly compiled: CompiledRule[];
  /** Config rules whose search was cut short, with how many texts and the first path. */
  private readonly cutShort = new Map<Rule, { texts: number; skipped: number; path: string }>();
  private readonly prefilter: KeywordPrefilter;
  /** Rules of the structured config stage by id: it reports by id, the matcher accepts by rule. */
  private readonly structured = new Map<string, Rule>();

  readonly decodeDepth: number;
  /**
   * Characters the rule regexes ran over (per text, the union of every rule's windows): what the
   * prefilter let through, for --debug. On real code it should be a small share of all bytes.
   */
  regexChars = 0;
  /** Candidates dropped inside the matcher, by reason, over its life (see src/detect/suppress.ts). */
  readonly dropped: DropCounts = {};
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
    for (const rule of rules) if (rule.structured) this.structured.set(rule.id, rule);
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
    const { rules: candidates, runs, hits } = this.prefilter.pass(bytes, this.decodeDepth > 0, path);
    // Encoded secrets carry no plain keyword: a blob with an encodable run is decoded even without candidates.
    const mayHoldEncoded = runs.length > 0 || (this.decodeDepth > 0 && bytes.includes(0x25 /* % */));
    // Config files (by path, or by a sniff of their first bytes) are also read by structure.
    const structured =
      this.structured.size > 0 && path !== '' && isStructuredCandidate(path, () => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString('latin1'));
    if (candidates.length === 0 && !mayHoldEncoded && !structured) return { matches: [], allowed: 0 };
    const text = typeof input === 'string' ? input : decodeText(input);
    // Keyword hits are byte offsets: they are character offsets only in ASCII text.
    const result = this.scanText(text, candidates, path, bytes.length === text.length ? hits : undefined);
    if (structured) this.scanStructured(wholeText(text), path, result);
    if (mayHoldEncoded) this.scanDecoded(text, path, this.decodeDepth, [], result, undefined, { bytes, runs });
    return result;
  }

  /**
   * The structured config stage (src/detect/structured): values paired with their key paths. A
   * span a content rule already reported stays that rule's (it is the more specific); the rest go
   * through the same acceptance steps as any match (placeholders, allow comments and lines).
   */
  private scanStructured(text: string, path: string, into: MatchResult): void {
    // A generic rule's guess from the text around a value gives way to the parsed key path.
    const generic = (m: RawMatch): boolean => isGeneric(m.rule);
    // What a generic rule claimed (reported, or ruled out by its own looser judgement) is open here.
    const taken = Claims.of((into.claimed ?? into.matches.map((m): Claim => [m.start, m.end, generic(m)])).filter(([, , g]) => !g));
    const lines: Lines = {};
    const found: RawMatch[] = [];
    for (const hit of scanStructured(text, path)) {
      const rule = this.structured.get(hit.ruleId);
      // A rule the config disabled is not in this matcher's set.
      if (!rule) continue;
      const before = found.length;
      into.allowed += this.accept(rule, text, hit.secret, hit.start, hit.end, hit.start, { secret: hit.secret, key: hit.keyPath }, taken, found, lines);
      // A password decoded from base64 (FileZilla) is located at the encoded text, like any decoding.
      if (hit.encoded && found.length > before) found[before]!.decoded = [{ encoding: hit.encoded, start: hit.start, end: hit.end }];
    }
    if (found.length === 0) return;
    const spans = Claims.of(found.map((f): Claim => [f.start, f.end]));
    into.matches = [...into.matches.filter((m) => !(generic(m) && spans.overlaps(m.start, m.end))), ...found].sort((a, b) => a.start - b.start);
  }

  /**
   * A binary file (a .db, .sqlite or build artifact) is scanned as `strings` would show it: its
   * printable ASCII runs of at least MIN_PRINTABLE bytes, one per line, with the provider rules only.
   * Generic rules stay off: in binary data every run that follows a "password" column name would
   * look like an assignment. A match is located by its byte offset in the file (line 1).
   */
  scanBinary(bytes: Uint8Array, path = ''): MatchResult {
    const runs = printableRuns(bytes);
    if (runs.length === 0) return { matches: [], allowed: 0 };
    const parts: string[] = [];
    const starts: number[] = []; // text offset of each run, parallel to runs' starts
    let at = 0;
    for (let i = 0; i < runs.length; i += 2) {
      starts.push(at);
      const part = Buffer.from(bytes.buffer, bytes.byteOffset + runs[i]!, runs[i + 1]! - runs[i]!).toString('latin1');
      parts.push(part);
      at += part.length + 1;
    }
    const text = parts.join('\n');
    const candidates = this.prefilter.candidates(Buffer.from(text, 'latin1')).filter((r) => !offInBinary(this.rules[r]!));
    const result = this.scanText(text, candidates, path);
    for (const m of result.matches) {
      // Back from the joined text to the file's bytes: find the run the match started in.
      let k = 0;
      while (k + 1 < starts.length && starts[k + 1]! <= m.start) k++;
      const byte = runs[2 * k]! + (m.start - starts[k]!);
      m.line = 1;
      m.column = byte + 1;
      m.decoded = [{ encoding: 'strings', start: byte, end: byte + (m.end - m.start) }];
    }
    return result;
  }

  /**
   * Scan what base64 and percent-encoded spans decode to. A match inside is located at the encoded
   * span in the outermost text and records each decoding step.
   */
  private scanDecoded(
    text: ScanText,
    path: string,
    depth: number,
    outer: DecodeStep[],
    into: MatchResult,
    anchor?: { line: number; column: number },
    known?: { bytes: Uint8Array; runs: number[] },
  ): void {
    const spans = known ? encodedSpans(text, known.bytes, known.runs) : encodedSpans(text);
    if (spans.length === 0) return;
    // Made only once a decoded span holds a match (or is decoded further): most hold none, and the
    // index is a pass over the whole text.
    let index: LineIndex | undefined;
    const lineIndex = (): LineIndex => (index ??= new LineIndex(text));
    for (const span of spans) {
      const steps = [...outer, span.step];
      const inner = this.scanText(span.decoded, this.prefilter.candidates(Buffer.from(span.decoded, 'utf8')), path);
      into.allowed += inner.allowed;
      if (inner.matches.length === 0 && depth <= 1) continue;
      const pos = anchor ?? lineIndex().position(span.step.start);
      // An allow on the line holding the encoded span covers what it decodes to.
      const outerLine = anchor ? undefined : lineIndex().lineAt(span.step.start);
      if (outerLine !== undefined && (outerLine.includes(INLINE_ALLOW) || this.allowLine?.(outerLine))) {
        into.allowed += inner.matches.length;
        countDrop(this.dropped, outerLine.includes(INLINE_ALLOW) ? 'inline-allow' : 'allowlist-line', inner.matches.length);
        continue;
      }
      for (const m of inner.matches) {
        if (into.matches.some((o) => o.rule === m.rule && o.secret === m.secret)) continue;
        into.matches.push({ ...m, line: pos.line, column: pos.column, decoded: steps });
      }
      if (depth > 1) this.scanDecoded(span.decoded, path, depth - 1, steps, into, pos);
    }
  }

  /**
   * Run the candidate rules over `text`. With `hits` (parallel to `candidates`), a windowed rule
   * runs only around its keyword hits; the rest, and every rule without hits, see the whole text.
   */
  private scanText(text: ScanText, candidates: number[], path: string, hits?: Array<number[] | null>): MatchResult {
    if (candidates.length === 0) return { matches: [], allowed: 0 };
    const lines: Lines = {};
    const taken = new Claims();
    const matches: RawMatch[] = [];
    let allowed = 0;

    const n = text.length;
    const whole = [0, n];
    const spans: number[] = [];
    for (let k = 0; k < candidates.length; k++) {
      const compiled = this.compiled[candidates[k]!]!;
      const { rule, re, sticky, linear } = compiled;
      if (rule.paths && !rule.paths.test(path)) continue;
      if (rule.structured) continue;
      if (re === null) {
        // Decided once per rule, so the built-in loop below keeps its shape and speed.
        allowed += this.scanLinear(wholeText(text), rule, linear!, taken, matches, path);
        continue;
      }
      const at = compiled.whole ? null : hits?.[k];
      if (at && (compiled.anchored ??= startsWithKeyword(rule.pattern as RegExp, rule.keywords))) {
        allowed += this.scanAnchored(text, compiled, at, taken, matches, lines, spans);
        continue;
      }
      // Short texts are scanned whole; the span (a parse of the pattern) is worked out on first need.
      const near = n > WINDOW.minText ? at : null;
      const span = near ? (compiled.span ??= windowSpan(rule.pattern as RegExp)) : 0;
      const wins = near && span > 0 ? (windowsAround(near, n, span) ?? whole) : whole;
      spans.push(...wins);
      for (let w = 0; w < wins.length; w += 2) {
        const ws = wins[w]!;
        const we = wins[w + 1]!;
        const sub = ws === 0 && we === n ? wholeText(text) : text.slice(ws, we);
        re.lastIndex = 0;
        let found: RegExpExecArray | null;
        while ((found = re.exec(sub)) !== null) {
          if (found[0].length === 0) re.lastIndex++;
          let m: RegExpExecArray | null = found;
          let off = ws;
          // Near a cut edge the window hid context from lookarounds: confirm on the whole text.
          if ((ws > 0 && found.index < WINDOW.edge) || (we < n && found.index + found[0].length > sub.length - WINDOW.edge)) {
            sticky!.lastIndex = ws + found.index;
            m = sticky!.exec(wholeText(text));
            off = 0;
            if (m === null) continue;
          }
          const secret = m.groups?.secret;
          const span = m.indices?.groups?.secret;
          if (!secret || !span) continue;
          const start = span[0] + off;
          const end = span[1] + off;
          allowed += this.accept(rule, text, secret, start, end, m.index + off, m.groups ?? {}, taken, matches, lines);
        }
      }
    }
    this.regexChars += unionLength(spans);
    return { matches, allowed, claimed: taken.list };
  }

  /**
   * A rule whose every match starts with a keyword, tried at each hit with the sticky regex. The
   * same matches as a search of the whole text: a search finds a match only where one starts, i.e.
   * at a hit, and a hit inside an earlier match is skipped as the search would skip past it.
   */
  private scanAnchored(text: ScanText, compiled: CompiledRule, at: number[], taken: Claims, matches: RawMatch[], lines: Lines, spans: number[]): number {
    const sticky = compiled.sticky!;
    const pattern = compiled.rule.pattern as RegExp;
    const reach = (compiled.reach ??= maxMatchLength(pattern));
    if (compiled.alphabet === undefined) {
      compiled.alphabet = matchAlphabet(pattern);
      compiled.minLen = minMatchLength(pattern);
    }
    const alphabet = compiled.alphabet;
    const around = (compiled.around ??= lookaroundReach(pattern));
    const minLen = compiled.minLen!;
    const n = text.length;
    let allowed = 0;
    let past = 0;
    for (const h of at) {
      if (h < past) continue;
      let end = Math.min(n, h + reach);
      if (alphabet) {
        // The regex cannot read past the first character outside its alphabet: stop counting there,
        // and skip the try when the run before it is shorter than any match.
        const { latin1, wide } = alphabet;
        let p = h;
        for (; p < end; p++) {
          const c = text.charCodeAt(p);
          if (c < 256 ? latin1[c] === 0 : !wide) break;
        }
        if (p - h < minLen) continue;
        end = Math.min(end, p + 1);
      }
      spans.push(h, end);
      // A match ends by `end` (the pattern's reach, and its alphabet's run), so the try reads
      // nothing outside [h - behind, end + ahead]: an ASCII blob's bytes are made into a string of
      // that span only, where the try finds what it would find in the whole text.
      let str: string;
      let off = 0;
      if (typeof text === 'string' || around.behind === Infinity || around.ahead === Infinity) str = wholeText(text);
      else {
        off = Math.max(0, h - around.behind);
        str = text.slice(off, Math.min(n, end + around.ahead));
      }
      sticky.lastIndex = h - off;
      const m = sticky.exec(str);
      if (m === null) continue;
      const at = m.index + off;
      past = at + Math.max(1, m[0].length);
      const secret = m.groups?.secret;
      const span = m.indices?.groups?.secret;
      if (!secret || !span) continue;
      allowed += this.accept(compiled.rule, text, secret, span[0] + off, span[1] + off, at, m.groups ?? {}, taken, matches, lines);
    }
    return allowed;
  }

  /**
   * A config rule on RE2: the same acceptance steps (accept) on the spans RE2 reports. Returns how
   * many matches an allow comment or line silenced.
   */
  private scanLinear(text: string, rule: Rule, re: LinearRegex, taken: Claims, matches: RawMatch[], path: string): number {
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
    const lines: Lines = {};
    for (const { start, end, index: at } of spans) {
      if (start === end) continue;
      const secret = text.slice(start, end);
      allowed += this.accept(rule, text, secret, start, end, at, { secret }, taken, matches, lines);
    }
    return allowed;
  }

  /**
   * The steps every candidate goes through, for built-in and config rules alike: overlap with an
   * earlier rule's span, entropy, placeholders, the validator, then inline and line allows.
   * Returns 1 when an allow silenced it (counted as suppressed), else 0.
   */
  private accept(
    rule: Rule,
    text: ScanText,
    secret: string,
    start: number,
    end: number,
    index: number,
    groups: Record<string, string | undefined>,
    taken: Claims,
    matches: RawMatch[],
    lines: Lines,
  ): number {
    // An empty span is no secret (and would not be a claim the index below can hold).
    if (end <= start) return 0;
    // Earlier rules are more specific; a later rule never re-reports the same span.
    if (taken.overlaps(start, end)) return 0;
    // Cheapest test first: entropy rejects most generic candidates before the placeholder regexes run.
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return 0;
    if (rule.allowPlaceholders ? isDocumentedExample(secret) : isPlaceholder(secret)) {
      // Ruled out like a failed validation: the span is settled, and counted once.
      taken.add(start, end, isGeneric(rule));
      countDrop(this.dropped, 'placeholder');
      return 0;
    }
    let validation: string | null = null;
    let account: string | undefined;
    let identifier: string | undefined;
    if (rule.validate) {
      // Made a string only if the validator reads the text around the match (few do).
      const v = rule.validate(secret, {
        get text() {
          return wholeText(text);
        },
        slice: (a, b) => text.slice(a, b),
        index,
        groups,
      });
      if (!v.valid) {
        // The rule recognised the shape and ruled it out (a bad checksum, a rejected prefix): the
        // span is settled, so a later, vaguer rule does not report it again as a generic secret.
        taken.add(start, end, isGeneric(rule));
        return 0;
      }
      validation = v.detail;
      account = v.account;
      identifier = v.identifier;
    }
    lines.index ??= new LineIndex(text);
    taken.add(start, end, isGeneric(rule));
    const lineText = lines.index.lineAt(start);
    if (lineText.includes(INLINE_ALLOW)) {
      countDrop(this.dropped, 'inline-allow');
      return 1;
    }
    if (this.allowLine?.(lineText)) {
      countDrop(this.dropped, 'allowlist-line');
      return 1;
    }
    const pos = lines.index.position(start);
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
    return 0;
  }
}

/**
 * UTF-8 text to scan. Most blobs are ASCII (isAscii is a SIMD check): those stay bytes, read as
 * strings only where the matcher looks (text.ts). Others are decoded whole.
 */
function decodeText(bytes: Uint8Array): ScanText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buf) ? new ByteText(buf) : buf.toString('utf8');
}

/** Shortest printable run a binary scan reads: shorter than any provider token worth finding. */
export const MIN_PRINTABLE = 16;

/** [start, end) byte ranges of printable ASCII (and tab) runs at least MIN_PRINTABLE long. */
export function printableRuns(data: Uint8Array): number[] {
  const out: number[] = [];
  let start = -1;
  const n = data.length;
  for (let i = 0; i <= n; i++) {
    const b = i < n ? data[i]! : 0;
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09;
    if (printable) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start >= MIN_PRINTABLE) out.push(start, i);
      start = -1;
    }
  }
  return out;
}

/**
 * Rules that judge a value by the text around it (a key name, a file's layout, a URL's shape): off
 * in binary data (see scanBinary), where a column name beside any run looks like an assignment.
 * What stays on are the provider rules, whose tokens announce themselves.
 */
const CONTEXT_PROVIDERS = new Set(['generic', 'netrc', 'database', 'git', 'kubernetes', 'http', 'url', 'ftp', 'unix', 'mail', 's3cmd', 'jetbrains', 'django', 'rails', 'laravel', 'symfony', 'wordpress']);

function offInBinary(rule: Rule): boolean {
  return isGeneric(rule) || Boolean(rule.structured) || Boolean(rule.paths) || Boolean(rule.keywordsAreContext) || CONTEXT_PROVIDERS.has(rule.provider);
}


function isGeneric(rule: Rule): boolean {
  return rule.id.startsWith('generic-');
}

/** A text's line index, built on the first accepted match only. */
interface Lines {
  index?: LineIndex;
}
