import type { DecodeStep } from '../model.js';
import { shannonEntropy } from './entropy.js';
import { LineIndex } from './lines.js';
import { isPlaceholder } from './placeholder.js';
import { KeywordPrefilter } from './prefilter.js';
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

interface CompiledRule {
  rule: Rule;
  re: RegExp;
}

function compile(rule: Rule): CompiledRule {
  const flags = new Set([...rule.pattern.flags, 'g', 'd']);
  flags.delete('y');
  return { rule, re: new RegExp(rule.pattern.source, [...flags].join('')) };
}

export class Matcher {
  private readonly compiled: CompiledRule[];
  private readonly prefilter: KeywordPrefilter;

  constructor(readonly rules: readonly Rule[]) {
    this.compiled = rules.map(compile);
    this.prefilter = new KeywordPrefilter(rules);
  }

  /**
   * Bytes are prefiltered before decoding, so blobs without a keyword are never decoded.
   * `path`, when known, lets path-restricted rules (credential files) run.
   */
  scan(input: string | Uint8Array, path = ''): MatchResult {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const candidates = this.prefilter.candidates(bytes);
    if (candidates.length === 0) return { matches: [], allowed: 0 };
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    let lines: LineIndex | undefined;
    const taken: Array<[number, number]> = [];
    const matches: RawMatch[] = [];
    let allowed = 0;

    for (const idx of candidates) {
      const { rule, re } = this.compiled[idx]!;
      if (rule.paths && !rule.paths.test(path)) continue;
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
        if (!rule.allowPlaceholders && isPlaceholder(secret)) continue;
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
        if (lines.lineAt(start).includes(INLINE_ALLOW)) {
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
}
