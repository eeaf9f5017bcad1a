import { createRequire } from 'node:module';
import type { Scalar } from 'yaml';
import { MAX_DEPTH, type Node } from './types.js';

/**
 * The `yaml` package is loaded on the first YAML text that reaches the parser, not at start-up:
 * importing it costs about 45 ms, a fifth of `scan --staged` on ten files, most of which hold no
 * YAML (and most YAML never gets here: see the key gate in index.ts). Its CommonJS build loads
 * synchronously, which the matcher's synchronous scan needs.
 */
type Yaml = typeof import('yaml');
let loaded: Yaml | undefined;
const yaml = (): Yaml => (loaded ??= createRequire(import.meta.url)('yaml') as Yaml);

// YAML through the `yaml` package, which keeps each node's source range: a scalar's raw span is
// its range, inside the quotes when quoted. Documents of a multi-document stream are read as the
// items of one sequence.

/** Tags a scalar may carry and still be a literal string. Any other (`!Ref`, `!vault`, `!secret`, `!ENV`) is a reference. */
const LITERAL_TAG = /^(?:tag:yaml\.org,2002:str|!!str)$/;

function scalar(node: Scalar, text: string): Node {
  if (typeof node.value !== 'string' || !node.range) return { kind: 'other' };
  if (node.tag && !LITERAL_TAG.test(node.tag)) return { kind: 'other' };
  let [start, end] = node.range;
  const { Scalar: S } = yaml();
  if (node.type === S.QUOTE_DOUBLE || node.type === S.QUOTE_SINGLE) {
    start++;
    end--;
  } else if (node.type !== S.PLAIN) {
    // Block scalars hold keys and certificates; the PEM rules read those whole.
    return { kind: 'other' };
  }
  const raw = text.slice(start, end);
  // A plain scalar folded over lines is prose or a command, and its raw span is not its value.
  if (raw.includes('\n')) return { kind: 'other' };
  return { kind: 'str', value: raw, start, end };
}

function convert(node: unknown, text: string, depth: number): Node | null {
  if (depth > MAX_DEPTH) return null;
  const { isMap, isScalar, isSeq } = yaml();
  if (isScalar(node)) return scalar(node, text);
  if (isMap(node)) {
    const entries: Array<[string, Node]> = [];
    for (const item of node.items) {
      const key = isScalar(item.key) ? item.key.value : null;
      if (key === null || key === undefined || typeof key === 'object') continue;
      const value = convert(item.value, text, depth + 1);
      if (value === null) return null;
      entries.push([String(key), value]);
    }
    return { kind: 'map', entries };
  }
  if (isSeq(node)) {
    const items: Node[] = [];
    for (const item of node.items) {
      const value = convert(item, text, depth + 1);
      if (value === null) return null;
      items.push(value);
    }
    return { kind: 'seq', items };
  }
  // Aliases point at values read where they were defined.
  return { kind: 'other' };
}

/** The tree of a YAML text, or null when it does not parse (a Helm template, a broken indent). */
export function parseYaml(text: string): Node | null {
  const { parseAllDocuments, YAMLError } = yaml();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    // The parser reports syntax errors in `errors`; what it may throw is its own error on input
    // it cannot compose, or a stack overflow on hostile nesting (`[[[[…`): the line fallback reads those.
    if (e instanceof RangeError || e instanceof YAMLError) return null;
    throw e;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some((d) => d.errors.length > 0)) return null;
  const items: Node[] = [];
  for (const doc of list) {
    const node = convert(doc.contents, text, 0);
    if (node === null) return null;
    items.push(node);
  }
  return items.length === 1 ? items[0]! : { kind: 'seq', items };
}
