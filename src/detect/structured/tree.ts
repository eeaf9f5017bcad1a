import type { Node, Pair } from './types.js';

// Pairs every string of a JSON or YAML tree with the keys that lead to it. Two shapes name the
// key in a value rather than in the key: `{name: DB_PASSWORD, value: …}` (Kubernetes env,
// CloudFormation parameters, .NET settings) and `- DB_PASSWORD=…` (docker-compose environment).

const NAME_KEYS = new Set(['name', 'key', 'Name', 'Key', 'ParameterKey', 'parameterKey']);
const VALUE_KEYS = new Set(['value', 'Value', 'ParameterValue', 'parameterValue']);

export function pairsOf(root: Node): Pair[] {
  const out: Pair[] = [];
  walk(root, [], out);
  return out;
}

function walk(node: Node, keys: string[], out: Pair[]): void {
  if (node.kind === 'str') {
    out.push({ keys, value: node.value, start: node.start, end: node.end });
  } else if (node.kind === 'map') {
    const named = node.entries.find(([k, v]) => NAME_KEYS.has(k) && v.kind === 'str');
    const valued = node.entries.find(([k, v]) => VALUE_KEYS.has(k) && v.kind === 'str');
    for (const [k, v] of node.entries) {
      if (named && valued && v === valued[1]) continue;
      walk(v, [...keys, k], out);
    }
    if (named && valued && named[1].kind === 'str') walk(valued[1], [...keys, named[1].value], out);
  } else if (node.kind === 'seq') {
    node.items.forEach((item, i) => {
      const m = item.kind === 'str' ? /^([A-Za-z_][A-Za-z0-9_.]{0,127})=/.exec(item.value) : null;
      if (m && item.kind === 'str') {
        const at = item.start + m[0].length;
        out.push({ keys: [...keys, m[1]!], value: item.value.slice(m[0].length), start: at, end: item.end });
      } else {
        const last = keys.length ? `${keys[keys.length - 1]}[${i}]` : `[${i}]`;
        walk(item, [...keys.slice(0, -1), last], out);
      }
    });
  }
}
