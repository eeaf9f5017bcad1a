// Everything a report prints comes from what was scanned: file names, commit authors and messages,
// config titles, AWS names and tags. Any of them can carry terminal escape sequences (clear the
// screen, retitle the window, hide a line) or bidi controls that make text read differently from
// what it is. The human-facing writers (text, markdown, HTML, CSV) show such characters escaped;
// the JSON writers keep the exact value but write these characters as \u escapes.

/**
 * C0 controls (tab and newline included: inside a field they are data, not layout), DEL, C1
 * controls (U+009B is a one-character CSI), the Arabic letter mark, LRM/RLM, the line and paragraph
 * separators, and the bidi embeddings, overrides and isolates.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).padStart(width, '0');
}

/** `\x1b` for controls up to U+00FF, `\u202e` for the rest; everything else unchanged. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** A copy of a JSON-shaped value with every string escaped: the writers then cannot miss a field. */
export function displaySafe<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => displaySafe(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[escapeControl(k)] = displaySafe(v);
    return out as T;
  }
  return value;
}

/** JSON.stringify escapes C0 only; DEL, C1 and bidi controls are written as \u escapes too (same value). */
export function jsonSafe(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${hex(c, 4)}`);
}
