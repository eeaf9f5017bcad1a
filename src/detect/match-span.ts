// How long can a rule's match be? With a bound L, and a keyword inside every match, the match lies
// within L characters of each keyword hit: the rule's regex needs to run only in that window.
import { RegExpParser, type AST } from '@eslint-community/regexpp';

const parser = new RegExpParser({ ecmaVersion: 2025 });

function maxOf(node: AST.Node): number {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return Math.max(0, ...node.alternatives.map(maxOf));
    case 'Alternative':
      return node.elements.reduce((sum, e) => sum + maxOf(e), 0);
    case 'Quantifier':
      return node.max === Infinity ? Infinity : node.max * maxOf(node.element);
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return 1;
    case 'Assertion':
      // Consumes nothing; a lookaround's own reach is checked against the whole text at window edges.
      return 0;
    case 'Backreference': {
      const groups = Array.isArray(node.resolved) ? node.resolved : [node.resolved];
      return Math.max(0, ...groups.map(maxOf));
    }
    default:
      return Infinity;
  }
}

/** The longest match `pattern` can produce, in characters (Infinity when unbounded). */
export function maxMatchLength(pattern: RegExp): number {
  try {
    return maxOf(parser.parsePattern(pattern.source, 0, pattern.source.length, { unicode: pattern.unicode, unicodeSets: pattern.flags.includes('v') }));
  } catch {
    return Infinity;
  }
}

/** Branches and characters the leading-literal analysis follows before it gives up. */
const LEAD = { branches: 64, chars: 16 };

interface Branch {
  text: string;
  /** Still literal: the next element may extend it. */
  open: boolean;
}

/** Extends each open branch by `node`; null when the branches would grow past LEAD.branches. */
function lead(branches: Branch[], node: AST.Node, ignoreCase: boolean): Branch[] | null {
  const close = (): Branch[] => branches.map((b) => ({ text: b.text, open: false }));
  const append = (ch: string): Branch[] => branches.map((b) => (b.open && b.text.length < LEAD.chars ? { text: b.text + ch, open: true } : { text: b.text, open: false }));
  switch (node.type) {
    case 'Character':
      return append(String.fromCodePoint(node.value));
    case 'CharacterClass': {
      // A class of one character, or of one letter in both cases under a case-blind match, is a literal.
      if (node.negate || node.elements.length === 0) return close();
      const chars = node.elements.map((e) => (e.type === 'Character' ? String.fromCodePoint(e.value).toLowerCase() : null));
      if (chars.some((c) => c === null) || new Set(chars).size !== 1) return close();
      return append(chars[0]!);
    }
    case 'Assertion':
      // Lookarounds and boundaries consume nothing; ^ and $ too.
      return branches;
    case 'Group':
    case 'CapturingGroup': {
      const out: Branch[] = [];
      for (const alt of node.alternatives) {
        const next = leadSequence(branches, alt.elements, ignoreCase);
        if (!next) return null;
        out.push(...next);
      }
      return out.length > LEAD.branches ? null : out;
    }
    case 'Quantifier': {
      // e{min,max}: min copies are required; any optional copy means a branch with and one without.
      let cur: Branch[] | null = branches;
      for (let i = 0; i < node.min && cur; i++) cur = lead(cur, node.element, ignoreCase);
      if (!cur) return null;
      if (node.max === node.min) return cur;
      const more = lead(cur, node.element, ignoreCase);
      if (!more) return null;
      // After one optional copy the rest is not followed: those branches stop there.
      const grown = node.max - node.min > 1 ? more.map((b) => ({ ...b, open: false })) : more;
      const all = [...cur, ...grown];
      return all.length > LEAD.branches ? null : all;
    }
    default:
      return close();
  }
}

function leadSequence(branches: Branch[], elements: readonly AST.Element[], ignoreCase: boolean): Branch[] | null {
  let cur: Branch[] | null = branches;
  for (const e of elements) {
    if (!cur || !cur.some((b) => b.open)) break;
    cur = lead(cur, e, ignoreCase);
  }
  return cur;
}

/**
 * Does every match of `pattern` start with one of `keywords` (compared case-blind, as the
 * prefilter finds them)? Then each match begins at a keyword hit, and the rule's regex needs to be
 * tried only there, anchored, instead of searched for in a window. Worked out from the pattern's
 * leading literals (alternations and optional characters expanded): false when unsure.
 */
export function startsWithKeyword(pattern: RegExp, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return false;
  try {
    const ast = parser.parsePattern(pattern.source, 0, pattern.source.length, { unicode: pattern.unicode, unicodeSets: pattern.flags.includes('v') });
    const ignoreCase = pattern.flags.includes('i');
    const out: Branch[] = [];
    for (const alt of ast.alternatives) {
      const b = leadSequence([{ text: '', open: true }], alt.elements, ignoreCase);
      if (!b) return false;
      out.push(...b);
      if (out.length > LEAD.branches) return false;
    }
    const kws = keywords.map((k) => k.toLowerCase());
    return out.length > 0 && out.every((b) => kws.some((k) => k.length > 0 && b.text.toLowerCase().startsWith(k)));
  } catch {
    return false;
  }
}
