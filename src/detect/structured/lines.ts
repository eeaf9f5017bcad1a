import type { Pair } from './types.js';

// Line-based readers: dotenv and shell profiles, Java properties, INI and TOML, `key value`
// files (.esmtprc), and the fallback for YAML/JSON/XML files that do not parse. Each reads one
// assignment per line and keeps the raw span of the value, so offsets are exact.

interface Line {
  text: string;
  start: number;
}

function* linesOf(text: string): Generator<Line> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    yield { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, start };
    start = end + 1;
  }
}

interface Span {
  value: string;
  start: number;
  end: number;
  quote: string;
}

/**
 * The value that starts at `line.text[i]`: inside its quotes when quoted (an unterminated quote
 * is a multi-line value, skipped), else up to an inline comment or the end of the line.
 */
function valueAt(line: Line, i: number, comment: RegExp | null, stopAtSpace = false): Span | null {
  const t = line.text;
  while (i < t.length && (t[i] === ' ' || t[i] === '\t')) i++;
  const q = t[i];
  if (q === '"' || q === "'") {
    if (t.startsWith(q.repeat(3), i)) {
      // Triple quotes (TOML, Grafana's INI) closed on the same line are a one-line value; else multi-line, skipped.
      const close = t.indexOf(q.repeat(3), i + 3);
      return close === -1 ? null : { value: t.slice(i + 3, close), start: line.start + i + 3, end: line.start + close, quote: q };
    }
    let j = i + 1;
    while (j < t.length && t[j] !== q) j += q === '"' && t[j] === '\\' ? 2 : 1;
    if (j >= t.length) return null;
    return { value: t.slice(i + 1, j), start: line.start + i + 1, end: line.start + j, quote: q };
  }
  let end = t.length;
  if (comment) {
    comment.lastIndex = i;
    const m = comment.exec(t);
    if (m) end = m.index;
  }
  if (stopAtSpace) {
    const sp = t.slice(i, end).search(/[\s;]/);
    if (sp >= 0) end = i + sp;
  }
  while (end > i && (t[end - 1] === ' ' || t[end - 1] === '\t')) end--;
  return { value: t.slice(i, end), start: line.start + i, end: line.start + end, quote: '' };
}

function pair(keys: string[], s: Span | null): Pair | null {
  return s && s.value ? { keys, value: s.value, start: s.start, end: s.end } : null;
}

const SHELL_ASSIGN = /^\s*(?:(?:export|declare\s+-x|typeset\s+-x|readonly|local)\s+)?([A-Za-z_][A-Za-z0-9_.]{0,127})\s?=/;
const CSH_SETENV = /^\s*setenv\s+([A-Za-z_][A-Za-z0-9_]{0,127})\s+/;
const FISH_SET = /^\s*set\s+(?:-[gUxl]{1,4}\s+){1,3}([A-Za-z_][A-Za-z0-9_]{0,127})\s+/;

/** .env files and shell profiles: `export NAME='value'`, `NAME=value`, `setenv NAME value`, fish `set -gx`. */
export function readEnv(text: string): Pair[] {
  const out: Pair[] = [];
  for (const line of linesOf(text)) {
    const m = SHELL_ASSIGN.exec(line.text) ?? CSH_SETENV.exec(line.text) ?? FISH_SET.exec(line.text);
    if (!m) continue;
    const s = valueAt(line, m[0].length, /\s#/g, true);
    // The shell expands `$X` in double quotes and bare words: what is written is not the value.
    if (!s || (s.quote !== "'" && /\$[A-Za-z_{(]|`/.test(s.value))) continue;
    const p = pair([m[1]!], s);
    if (p) out.push(p);
  }
  return out;
}

/** Java .properties: `key=value`, `key: value`; the dotted key is the path (`spring.datasource.password`). */
export function readProperties(text: string): Pair[] {
  const out: Pair[] = [];
  for (const line of linesOf(text)) {
    const m = /^\s*([^\s#!=:][^=:\s]{0,255})\s*[=:]/.exec(line.text);
    // A trailing backslash continues the value on the next line: not read, rather than read wrong.
    if (!m || line.text.endsWith('\\')) continue;
    const p = pair(m[1]!.split('.'), valueAt(line, m[0].length, null));
    if (p) out.push(p);
  }
  return out;
}

/** INI (`[section]`, `key = value`, `;`/`#` comments) and TOML (`[a.b]`, `key = "v"`, dotted keys). */
export function readIni(text: string, toml: boolean): Pair[] {
  const out: Pair[] = [];
  let section: string[] = [];
  for (const line of linesOf(text)) {
    const head = /^\s*\[\[?\s*([^\]]{1,200}?)\s*\]\]?\s*(?:[#;].*)?$/.exec(line.text);
    if (head) {
      section = toml ? head[1]!.split('.').map((s) => s.trim().replace(/^["']|["']$/g, '')) : [`[${head[1]}]`];
      continue;
    }
    const m = (toml ? /^\s*((?:"[^"]{1,200}"|'[^']{1,200}'|[\w.-]{1,200}))\s*=/ : /^\s*([^\s#;=:[][^=:]{0,200}?)\s*[=:]/).exec(line.text);
    if (!m) continue;
    const key = m[1]!.replace(/^["']|["']$/g, '');
    const p = pair([...section, ...(toml ? key.split('.') : [key])], valueAt(line, m[0].length, toml ? /\s#/g : /\s[#;]/g));
    if (p) out.push(p);
  }
  return out;
}

/** `key value` files (.esmtprc, .msmtprc): `password "secret"`. */
export function readSpace(text: string): Pair[] {
  const out: Pair[] = [];
  for (const line of linesOf(text)) {
    const m = /^\s*([A-Za-z_][\w-]{0,63})(?:[ \t]*=[ \t]*|[ \t]+)(?=\S)/.exec(line.text);
    if (!m) continue;
    const p = pair([m[1]!], valueAt(line, m[0].length, /\s#/g));
    if (p) out.push(p);
  }
  return out;
}

/**
 * The fallback for a YAML or JSON file that does not parse (a Helm template, a truncated
 * config): `key: value`, `"key": "value"`, `key = value` lines, nested by indentation.
 */
export function readLoose(text: string): Pair[] {
  const out: Pair[] = [];
  const stack: Array<{ indent: number; key: string }> = [];
  for (const line of linesOf(text)) {
    const m = /^(\s*)(?:-\s+)?["']?([A-Za-z_$@][\w.$@-]{0,127})["']?\s*(?::|=|:=|=>)(?!:)/.exec(line.text);
    if (!m) continue;
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const s = valueAt(line, m[0].length, /\s#|\s\/\/|,\s*$/g);
    const keys = [...stack.map((e) => e.key), m[2]!];
    if (!s || !s.value || /^[{[|>]/.test(s.value)) {
      stack.push({ indent, key: m[2]! });
      continue;
    }
    if (!s.quote) s.value = s.value.replace(/,$/, '');
    out.push({ keys, value: s.value, start: s.start, end: s.start + s.value.length });
  }
  return out;
}

/** The fallback for XML that does not parse: `<key>value</key>` and `key="value"` on one line. */
export function readXmlLoose(text: string): Pair[] {
  const out: Pair[] = [];
  const element = /<([A-Za-z_][\w.:-]{0,63})(?:\s[^<>]{0,500})?>([^<>\n]{1,512})<\/\1>/g;
  const attribute = /\s([A-Za-z_][\w.:-]{0,63})\s{0,4}=\s{0,4}(["'])([^"'<>\n]{1,512})\2/g;
  for (const line of linesOf(text)) {
    for (const m of line.text.matchAll(element)) {
      const raw = m[2]!;
      const lead = raw.length - raw.trimStart().length;
      const value = raw.trim();
      const start = line.start + m.index + m[0].length - m[1]!.length - 3 - raw.length + lead;
      if (value) out.push({ keys: [m[1]!], value, start, end: start + value.length });
    }
    for (const m of line.text.matchAll(attribute)) {
      const start = line.start + m.index + m[0].length - 1 - m[3]!.length;
      out.push({ keys: [m[1]!], value: m[3]!, start, end: start + m[3]!.length });
    }
  }
  return out;
}

/**
 * The fallback for JSON that does not parse (truncated, minified with an error, nested too
 * deep): every `"key": "value"` member wherever it sits on the line, without nesting.
 */
export function readJsonLoose(text: string): Pair[] {
  const out: Pair[] = [];
  const member = /"([^"\\\n]{1,128})"\s{0,8}:\s{0,8}"((?:[^"\\\n]|\\.){1,512})"/g;
  for (const m of text.matchAll(member)) {
    const start = m.index + m[0].length - 1 - m[2]!.length;
    out.push({ keys: [m[1]!], value: m[2]!, start, end: start + m[2]!.length });
  }
  return out;
}
