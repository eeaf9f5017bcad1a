import { MAX_DEPTH, type Node } from './types.js';

// A JSON reader that keeps the source span of every string and tolerates what tool configs
// really contain: `//` and `/* */` comments (sftp-config.json ships with them) and trailing
// commas. JSON.parse gives no positions. Returns null on anything else, never throws.

class Fail {}
const FAIL = new Fail();

export function parseJson(text: string): Node | null {
  let i = 0;
  const n = text.length;

  function skip(): void {
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t' || text[i] === '\ufeff')) i++;
      if (text[i] === '/' && text[i + 1] === '/') {
        const e = text.indexOf('\n', i);
        i = e === -1 ? n : e + 1;
      } else if (text[i] === '/' && text[i + 1] === '*') {
        const e = text.indexOf('*/', i + 2);
        i = e === -1 ? n : e + 2;
      } else return;
    }
  }

  /** The string at text[i] === '"': its raw span between the quotes. */
  function str(): { value: string; start: number; end: number } | Fail {
    const start = ++i;
    while (i < n && text[i] !== '"') {
      if (text[i] === '\n') return FAIL;
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= n) return FAIL;
    const end = i++;
    return { value: text.slice(start, end), start, end };
  }

  function value(depth: number): Node | Fail {
    if (depth > MAX_DEPTH) return FAIL;
    skip();
    const c = text[i];
    if (c === '"') {
      const s = str();
      return s instanceof Fail ? s : { kind: 'str', ...s };
    }
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      const entries: Array<[string, Node]> = [];
      const items: Node[] = [];
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          break;
        }
        let key = '';
        if (c === '{') {
          if (text[i] !== '"') return FAIL;
          const k = str();
          if (k instanceof Fail) return k;
          key = k.value;
          skip();
          if (text[i++] !== ':') return FAIL;
        }
        const v = value(depth + 1);
        if (v instanceof Fail) return v;
        if (c === '{') entries.push([key, v]);
        else items.push(v);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== close) return FAIL;
      }
      return c === '{' ? { kind: 'map', entries } : { kind: 'seq', items };
    }
    // Numbers, true, false, null: read over, never a credential.
    const m = /^(?:-?[0-9][0-9.eE+-]{0,40}|true|false|null)/.exec(text.slice(i, i + 48));
    if (!m) return FAIL;
    i += m[0].length;
    return { kind: 'other' };
  }

  const root = value(0);
  if (root instanceof Fail) return null;
  skip();
  return i >= n ? root : null;
}
