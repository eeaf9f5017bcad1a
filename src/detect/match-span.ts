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
