import { MAX_DEPTH, type Pair } from './types.js';

// A small XML tokenizer that keeps raw spans: element text (`<Pass>v</Pass>`), attributes
// (`password="v"`), and elements or attributes keyed by a `name`/`key` attribute
// (`<property name="connection.password">v</property>`, `<add key="DbPassword" value="v"/>`).
// Linear: every step is an indexOf or a sticky regex. Returns null on malformed input (the line
// fallback reads it then), never throws. Entities stay as written, like every other escape.

interface Frame {
  name: string;
  /** The key this element contributes to paths: its `name`/`key` attribute, or its tag. */
  label: string;
  children: number;
  text: { start: number; end: number } | null;
  mixed: boolean;
  base64: boolean;
  host?: string;
}

const NAME = /[A-Za-z_][\w.:-]{0,127}/y;
const ATTR = /[^\s=/>"']{1,128}/y;

function skipSpace(text: string, j: number): number {
  while (j < text.length && /\s/.test(text[j]!)) j++;
  return j;
}

/** `start`/`end` shrunk to the non-blank part, or null when it is all blank. */
function trimmed(text: string, start: number, end: number): { start: number; end: number } | null {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : null;
}

export function parseXml(text: string): Pair[] | null {
  const out: Pair[] = [];
  const stack: Frame[] = [];
  const labels = () => stack.map((f) => f.label);
  let pos = 0;

  function addText(start: number, end: number): void {
    const top = stack[stack.length - 1];
    const t = top ? trimmed(text, start, end) : null;
    if (!top || !t) return;
    if (top.text) top.mixed = true;
    else top.text = t;
  }

  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) break;
    if (lt > pos) addText(pos, lt);
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e === -1) return null;
      pos = e + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      if (e === -1) return null;
      addText(lt + 9, e);
      pos = e + 3;
    } else if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt + 2);
      if (e === -1) return null;
      pos = e + 2;
    } else if (text.startsWith('<!', lt)) {
      // A DOCTYPE, with or without an internal subset in brackets.
      const gt = text.indexOf('>', lt);
      const open = text.indexOf('[', lt);
      const e = open !== -1 && open < gt ? text.indexOf(']>', open) : gt;
      if (e === -1) return null;
      pos = e + (open !== -1 && open < gt ? 2 : 1);
    } else if (text[lt + 1] === '/') {
      const e = text.indexOf('>', lt);
      if (e === -1) return null;
      const frame = stack.pop();
      if (!frame || frame.name !== text.slice(lt + 2, e).trim()) return null;
      const parent = stack[stack.length - 1];
      if (frame.children === 0 && frame.text && !frame.mixed) {
        const { start, end } = frame.text;
        const value = text.slice(start, end);
        if (frame.name.toLowerCase() === 'host' && parent) parent.host = value;
        out.push({ keys: [...labels(), frame.label], value, start, end, ...(frame.base64 ? { base64: true } : {}), ...(parent?.host ? { host: parent.host } : {}) });
      }
      pos = e + 1;
    } else {
      NAME.lastIndex = lt + 1;
      const name = NAME.exec(text)?.[0];
      if (!name || stack.length > MAX_DEPTH) return null;
      let j = lt + 1 + name.length;
      const attrs: Array<{ name: string; start: number; end: number }> = [];
      let selfClosing = false;
      for (;;) {
        j = skipSpace(text, j);
        if (text.startsWith('/>', j)) {
          selfClosing = true;
          j += 2;
          break;
        }
        if (text[j] === '>') {
          j++;
          break;
        }
        ATTR.lastIndex = j;
        const attr = ATTR.exec(text)?.[0];
        if (!attr) return null;
        j = skipSpace(text, j + attr.length);
        if (text[j] !== '=') return null;
        j = skipSpace(text, j + 1);
        const q = text[j];
        if (q !== '"' && q !== "'") return null;
        const e = text.indexOf(q, j + 1);
        if (e === -1) return null;
        attrs.push({ name: attr, start: j + 1, end: e });
        j = e + 1;
      }
      const get = (n: string) => attrs.find((a) => a.name.toLowerCase() === n);
      const keyAttr = get('name') ?? get('key');
      const label = keyAttr ? text.slice(keyAttr.start, keyAttr.end) : name;
      const valueAttr = keyAttr ? get('value') : undefined;
      const path = [...labels(), label];
      for (const a of attrs) {
        if (a === keyAttr || a.start === a.end) continue;
        // `<add key="ApiKey" value="…"/>`: the value is keyed by the key attribute; any other attribute by its own name.
        const keys = a === valueAttr ? path : [...path, a.name];
        out.push({ keys, value: text.slice(a.start, a.end), start: a.start, end: a.end });
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children++;
      if (!selfClosing) {
        const encoding = get('encoding');
        const base64 = encoding !== undefined && text.slice(encoding.start, encoding.end).toLowerCase() === 'base64';
        stack.push({ name, label, children: 0, text: null, mixed: false, base64 });
      }
      pos = j;
    }
  }
  return stack.length === 0 ? out : null;
}
