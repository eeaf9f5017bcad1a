// How long can a rule's match be? With a bound L, and a keyword inside every match, the match lies
// within L characters of each keyword hit: the rule's regex needs to run only in that window.
import { RegExpParser, type AST } from '@eslint-community/regexpp';

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * The last pattern parsed and its tree. A rule's first hit asks four or five of the questions below
 * of the same pattern in a row, and each parse took as long as the question (regexpp parsing was
 * 20 ms of a one-thread scan of express, each rule's pattern parsed five times). One entry, so no
 * tree outlives its questions; the trees are only read.
 */
let last: { pattern: RegExp; ast: AST.Pattern } | null = null;

/** The pattern's syntax tree, read with its own flags (throws on what regexpp cannot read). */
function parse(pattern: RegExp): AST.Pattern {
  if (last?.pattern === pattern) return last.ast;
  const ast = parser.parsePattern(pattern.source, 0, pattern.source.length, { unicode: pattern.unicode, unicodeSets: pattern.flags.includes('v') });
  last = { pattern, ast };
  return ast;
}

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
    return maxOf(parse(pattern));
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

/**
 * What the analysis of one pattern carries: the keywords (lower case) a branch is judged against.
 * A branch that already starts with one is decided and extends no further, so optional parts after
 * the keyword do not multiply branches. (Case needs no flag: literals are compared in lower case.)
 */
interface LeadContext {
  keywords: readonly string[];
}

/** Closed branches of the same text are one: merge them, keep the order. */
function merged(branches: Branch[]): Branch[] {
  const seen = new Set<string>();
  return branches.filter((b) => {
    const k = `${b.open ? 1 : 0}${b.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Extends each open branch by `node`; null when the branches would grow past LEAD.branches. */
function lead(branches: Branch[], node: AST.Node, cx: LeadContext): Branch[] | null {
  const close = (): Branch[] => merged(branches.map((b) => ({ text: b.text, open: false })));
  const extend = (b: Branch, ch: string): Branch => {
    const text = b.text + ch;
    const lower = text.toLowerCase();
    return { text, open: !cx.keywords.some((k) => lower.startsWith(k)) };
  };
  const append = (ch: string): Branch[] => merged(branches.map((b) => (b.open && b.text.length < LEAD.chars ? extend(b, ch) : { text: b.text, open: false })));
  switch (node.type) {
    case 'Character':
      return append(String.fromCodePoint(node.value));
    case 'CharacterClass': {
      // A class of one character, or of one letter in both cases under a case-blind match, is a literal.
      if (node.negate || node.elements.length === 0) return close();
      const chars = node.elements.map((e) => (e.type === 'Character' ? String.fromCodePoint(e.value).toLowerCase() : null));
      if (chars.some((c) => c === null)) return close();
      const distinct = [...new Set(chars as string[])];
      if (distinct.length === 1) return append(distinct[0]!);
      // A few characters ([_-]): one branch each, as an alternation of them would be.
      if (distinct.length > 4) return close();
      const out = merged(distinct.flatMap((ch) => append(ch)));
      return out.length > LEAD.branches ? null : out;
    }
    case 'Assertion':
      // Lookarounds and boundaries consume nothing; ^ and $ too.
      return branches;
    case 'Group':
    case 'CapturingGroup': {
      const out: Branch[] = [];
      for (const alt of node.alternatives) {
        const next = leadSequence(branches, alt.elements, cx);
        if (!next) return null;
        out.push(...next);
      }
      const all = merged(out);
      return all.length > LEAD.branches ? null : all;
    }
    case 'Quantifier': {
      // e{min,max}: min copies are required; any optional copy means a branch with and one without.
      let cur: Branch[] | null = branches;
      for (let i = 0; i < node.min && cur; i++) cur = lead(cur, node.element, cx);
      if (!cur) return null;
      if (node.max === node.min) return cur;
      const more = lead(cur, node.element, cx);
      if (!more) return null;
      // After one optional copy the rest is not followed: those branches stop there.
      const grown = node.max - node.min > 1 ? more.map((b) => ({ ...b, open: false })) : more;
      const all = merged([...cur, ...grown]);
      return all.length > LEAD.branches ? null : all;
    }
    default:
      return close();
  }
}

function leadSequence(branches: Branch[], elements: readonly AST.Element[], cx: LeadContext): Branch[] | null {
  let cur: Branch[] | null = branches;
  for (const e of elements) {
    if (!cur || !cur.some((b) => b.open)) break;
    cur = lead(cur, e, cx);
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
    const ast = parse(pattern);
    const kws = keywords.filter((k) => k.length > 0).map((k) => k.toLowerCase());
    const cx: LeadContext = { keywords: kws };
    const out: Branch[] = [];
    for (const alt of ast.alternatives) {
      const b = leadSequence([{ text: '', open: true }], alt.elements, cx);
      if (!b) return false;
      out.push(...b);
      if (out.length > LEAD.branches) return false;
    }
    return out.length > 0 && out.every((b) => kws.some((k) => b.text.toLowerCase().startsWith(k)));
  } catch {
    return false;
  }
}

function minOf(node: AST.Node): number {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return Math.min(...node.alternatives.map(minOf));
    case 'Alternative':
      return node.elements.reduce((sum, e) => sum + minOf(e), 0);
    case 'Quantifier':
      return node.min * minOf(node.element);
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return 1;
    default:
      // Assertions consume nothing; a backreference may be empty; anything else: assume nothing.
      return 0;
  }
}

/** The shortest match `pattern` can produce, in characters (0 when unsure). */
export function minMatchLength(pattern: RegExp): number {
  try {
    return minOf(parse(pattern));
  } catch {
    return 0;
  }
}

/**
 * Every character a pattern can read going forward: `latin1[c]` for codes below 256, `wide` for
 * all the others at once. A search that meets a character outside it fails there, so an anchored try
 * reads at most up to (and including) the first such character, and cannot match when the run of
 * alphabet characters from its start is shorter than the shortest match.
 */
export interface Alphabet {
  latin1: Uint8Array;
  wide: boolean;
}

const SETS: Record<'digit' | 'space' | 'word', (c: number) => boolean> = {
  digit: (c) => c >= 48 && c <= 57,
  space: (c) => /\s/.test(String.fromCharCode(c)),
  word: (c) => /\w/.test(String.fromCharCode(c)),
};

/** Adds to `a` what `node` can read; false when that is everything the analysis cannot bound. */
function collect(node: AST.Node, a: Alphabet, ignoreCase: boolean): boolean {
  const add = (c: number, into: Alphabet = a): void => {
    if (c >= 256) {
      into.wide = true;
      return;
    }
    into.latin1[c] = 1;
    if (ignoreCase) {
      // Both cases, and any other character that folds to one of them (wide: the Kelvin sign).
      const ch = String.fromCharCode(c);
      for (const o of [ch.toLowerCase(), ch.toUpperCase()]) {
        const k = o.charCodeAt(0);
        if (o.length === 1 && k < 256) into.latin1[k] = 1;
      }
      into.wide = true;
    }
  };
  const all = (): boolean => {
    a.latin1.fill(1);
    a.wide = true;
    return true;
  };
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.every((alt) => collect(alt, a, ignoreCase));
    case 'Alternative':
      return node.elements.every((e) => collect(e, a, ignoreCase));
    case 'Quantifier':
      return collect(node.element, a, ignoreCase);
    case 'Character':
      add(node.value);
      return true;
    case 'CharacterSet':
      if (node.kind === 'any' || node.kind === 'property' || node.negate) return all();
      for (let c = 0; c < 256; c++) if (SETS[node.kind](c)) a.latin1[c] = 1;
      // \s and (under a case-blind unicode match) \w reach beyond Latin-1.
      if (node.kind === 'space' || ignoreCase) a.wide = true;
      return true;
    case 'CharacterClass': {
      if (node.negate) {
        // Everything but what it lists. Under a case-blind match only a list of ASCII characters
        // that have no case (punctuation, digits, spaces) is sure: no character folds onto those.
        const listed = new Uint8Array(256);
        const mark = (c: number): boolean => {
          if (c >= 256 || (ignoreCase && (c >= 128 || /[A-Za-z]/.test(String.fromCharCode(c))))) return false;
          listed[c] = 1;
          return true;
        };
        for (const e of node.elements) {
          let sure = true;
          if (e.type === 'Character') sure = mark(e.value);
          else if (e.type === 'CharacterClassRange') for (let c = e.min.value; c <= e.max.value && sure; c++) sure = mark(c);
          else if (e.type === 'CharacterSet' && !e.negate && e.kind !== 'property' && (e.kind !== 'word' || !ignoreCase)) {
            for (let c = 0; c < 256; c++) if (SETS[e.kind](c)) listed[c] = 1;
          } else sure = false;
          if (!sure) return all();
        }
        for (let c = 0; c < 256; c++) if (!listed[c]) a.latin1[c] = 1;
        a.wide = true;
        return true;
      }
      for (const e of node.elements) {
        if (e.type === 'Character') add(e.value);
        else if (e.type === 'CharacterClassRange') {
          for (let c = e.min.value; c <= Math.min(e.max.value, 255); c++) add(c);
          if (e.max.value > 255) a.wide = true;
        } else if (e.type === 'CharacterSet') {
          if (!collect(e, a, ignoreCase)) return false;
        } else return all();
      }
      return true;
    }
    case 'Assertion':
      // A lookbehind reads backwards, before the try's start; a lookahead reads forward like the body.
      if (node.kind === 'lookahead') return node.alternatives.every((alt) => collect(alt, a, ignoreCase));
      return true;
    case 'Backreference':
      // It repeats what its group read, whose characters are already in.
      return true;
    default:
      return all();
  }
}

/** What `pattern` can read going forward; null when that is (nearly) every character. */
export function matchAlphabet(pattern: RegExp): Alphabet | null {
  try {
    const ast = parse(pattern);
    const a: Alphabet = { latin1: new Uint8Array(256), wide: false };
    if (!collect(ast, a, pattern.flags.includes('i'))) return null;
    const count = a.latin1.reduce((n, v) => n + v, 0);
    return count >= 250 ? null : a;
  } catch {
    return null;
  }
}

/**
 * How far outside its match `pattern` can read: `behind`, the longest lookbehind (and 1 for a
 * boundary, ^ or $, which look at the character before); `ahead`, the longest lookahead past the
 * match's end (and 1 for a boundary, which looks at the character after). Infinity when unbounded
 * or unknown. With these, a try anchored at a hit reads nothing outside [hit - behind, end + ahead]
 * for a match ending by `end`, so it can run on that span alone (matcher.ts, scanAnchored).
 */
export function lookaroundReach(pattern: RegExp): { behind: number; ahead: number } {
  const reach = { behind: 0, ahead: 0 };
  const visit = (node: AST.Node): void => {
    switch (node.type) {
      case 'Pattern':
      case 'Group':
      case 'CapturingGroup':
        for (const alt of node.alternatives) visit(alt);
        return;
      case 'Alternative':
        for (const e of node.elements) visit(e);
        return;
      case 'Quantifier':
        visit(node.element);
        return;
      case 'Assertion':
        if (node.kind === 'lookbehind' || node.kind === 'lookahead') {
          // A boundary, ^ or $ inside reads one character further out (`(?=\s|$)`); a lookaround
          // inside another is not worked out: the whole text is read instead.
          const inner = innerAssertions(node);
          const body = Math.max(0, ...node.alternatives.map(maxOf)) + (inner === 'boundary' ? 1 : 0);
          if (node.kind === 'lookbehind') reach.behind = Math.max(reach.behind, body);
          else reach.ahead = Math.max(reach.ahead, body);
          if (inner === 'lookaround') reach.behind = reach.ahead = Infinity;
        } else {
          reach.behind = Math.max(reach.behind, 1);
          reach.ahead = Math.max(reach.ahead, 1);
        }
        return;
      case 'Character':
      case 'CharacterClass':
      case 'CharacterSet':
      case 'ExpressionCharacterClass':
      case 'Backreference':
        return;
      default:
        reach.behind = reach.ahead = Infinity;
    }
  };
  try {
    visit(parse(pattern));
  } catch {
    return { behind: Infinity, ahead: Infinity };
  }
  return reach;
}

/** The assertions inside a lookaround: none, only boundaries (^, $, \b, \B), or a lookaround. */
function innerAssertions(node: AST.LookaroundAssertion): 'none' | 'boundary' | 'lookaround' {
  let found: 'none' | 'boundary' | 'lookaround' = 'none';
  const visit = (n: AST.Node): void => {
    if (n.type === 'Assertion') {
      if (n.kind === 'lookahead' || n.kind === 'lookbehind') found = 'lookaround';
      else if (found === 'none') found = 'boundary';
    } else if (n.type === 'Group' || n.type === 'CapturingGroup') n.alternatives.forEach(visit);
    else if (n.type === 'Alternative') n.elements.forEach(visit);
    else if (n.type === 'Quantifier') visit(n.element);
  };
  node.alternatives.forEach(visit);
  return found;
}
