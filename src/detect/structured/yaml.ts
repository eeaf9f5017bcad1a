import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, YAMLError } from 'yaml';
import { MAX_DEPTH, type Node } from './types.js';

// YAML through the `yaml` package, which keeps each node's source range: a scalar's raw span is
// its range, inside the quotes when quoted. Documents of a multi-document stream are read as the
// items of one sequence.

/** Tags a scalar may carry and still be a literal string. Any other (`!Ref`, `!vault`, `!secret`, `!ENV`) is a reference. */
const LITERAL_TAG = /^(?:tag:yaml\.org,2002:str|!!str)$/;

function scalar(node: Scalar, text: string): Node {
  if (typeof node.value !== 'string' || !node.range) return { kind: 'other' };
  if (node.tag && !LITERAL_TAG.test(node.tag)) return { kind: 'other' };
  let [start, end] = node.range;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    start++;
    end--;
  } else if (node.type !== Scalar.PLAIN) {
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
