// Shared by the parsers of AWS answers and AWS CLI exports. Their inputs can hold secrets (a token
// pasted into a tag, a .env file passed by mistake), so no message built here quotes the input:
// it names the field, row or line instead.

/** An answer or export that is not what it claims to be. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * JSON.parse without its message: V8's quotes the text around the failure
 * (`Unexpected token 'g', "ghp_…" is not valid JSON`).
 */
export function parseJson(text: string, what = 'not valid JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new FormatError(what);
    throw err;
  }
}

/**
 * A timestamp from the SDK (Date), the AWS CLI v2 (ISO string) or the AWS CLI v1, which prints
 * JSON-protocol services' times as epoch seconds (`1700000000.123`). Anything else is a FormatError.
 */
export function isoTime(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    const d = new Date(v * 1000);
    if (d.getUTCFullYear() < 10000) return d.toISOString();
  }
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  throw new FormatError(`${field} is not a timestamp`);
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decode a file's bytes as the AWS CLI may have written them: UTF-8, with or without a BOM, or UTF-16 from PowerShell's `>`. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
