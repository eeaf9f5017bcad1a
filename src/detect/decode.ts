import type { DecodeStep } from '../model.js';
import { type ScanText, type TextLike, wholeText } from './text.js';

export interface EncodedSpan {
  step: DecodeStep;
  decoded: string;
}

/** Bounds per scanned text, so a blob full of base64 (images in a bundle) cannot stall a scan. */
export const DECODE_LIMITS = { maxSpans: 256, maxDecodedBytes: 1024 * 1024, maxSpanLength: 64 * 1024, minDecodedLength: 12 };

// Runs start only at a boundary (the lookbehind), so the engine does not retry inside long words.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,65536}={0,2}(?![A-Za-z0-9+/=_-])/g;
/**
 * A percent-encoded run: from a token boundary, up to 2048 characters of token, a `%XX`, then up
 * to 4096 more. Found from the `%XX` positions outward (see percentRuns), never by a regex that
 * starts at every boundary and reads ahead: that pass was 28% of a curl history scan.
 */
const PERCENT = { before: 2048, after: 4096 };

const HEX = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;
/** Characters that end a run on the left (the run never includes them). */
const STOP_LEFT = new Set([...' \t\n\r\f\v"\'`<>='].map((c) => c.charCodeAt(0)));
/** A run may also start just after one of these, inside a longer token. */
const SOFT_LEFT = new Set([...':,('].map((c) => c.charCodeAt(0)));
/** Characters that end a run on the right. */
const STOP_RIGHT = new Set([...' \t\n\r\f\v"\'`<>'].map((c) => c.charCodeAt(0)));

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)) || c === 0x1680;

/** [start, end) pairs of percent-encoded runs in `text`, left to right, non-overlapping. */
export function percentRuns(text: TextLike): number[] {
  const out: number[] = [];
  let from = 0;
  let coveredTo = 0;
  for (let p = text.indexOf('%', from); p !== -1; p = text.indexOf('%', from)) {
    from = p + 1;
    if (p < coveredTo) continue;
    const h1 = text.charCodeAt(p + 1);
    const h2 = text.charCodeAt(p + 2);
    if (!(h1 < 128 && HEX[h1] && h2 < 128 && HEX[h2])) continue;
    // Left: back to the last stop character, at most PERCENT.before; past that, the nearest soft one.
    let start = p;
    let soft = -1;
    while (start > coveredTo && p - start < PERCENT.before) {
      const c = text.charCodeAt(start - 1);
      if (STOP_LEFT.has(c) || isSpace(c)) break;
      if (soft === -1 && SOFT_LEFT.has(c)) soft = start;
      start--;
    }
    if (start > coveredTo && p - start >= PERCENT.before) {
      const c = text.charCodeAt(start - 1);
      if (!(STOP_LEFT.has(c) || isSpace(c) || SOFT_LEFT.has(c))) {
        if (soft === -1) continue;
        start = soft;
      }
    }
    let end = p + 3;
    const limit = Math.min(text.length, p + 3 + PERCENT.after);
    while (end < limit) {
      const c = text.charCodeAt(end);
      if (STOP_RIGHT.has(c) || isSpace(c)) break;
      end++;
    }
    out.push(start, end);
    coveredTo = end;
    from = end;
  }
  return out;
}

/** Text that is almost entirely printable: the only decodings worth scanning. */
function looksLikeText(s: string): boolean {
  if (s.length < DECODE_LIMITS.minDecodedLength || s.includes('\uFFFD')) return false;
  let printable = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0xa0) printable++;
  }
  return printable / s.length >= 0.95;
}

function decodeBase64(run: string): string | null {
  const trimmed = run.replace(/=+$/, '');
  // Pure hex, or a single letter case, is far more often a hash or identifier than base64 text.
  if (/^[0-9a-fA-F]+$/.test(trimmed) || /^[a-z0-9_-]+$/.test(trimmed) || /^[A-Z0-9_-]+$/.test(trimmed)) return null;
  const urlSafe = /[-_]/.test(trimmed);
  if (urlSafe && /[+/]/.test(trimmed)) return null;
  const text = Buffer.from(trimmed, urlSafe ? 'base64url' : 'base64').toString('utf8');
  return looksLikeText(text) ? text : null;
}

/**
 * A necessary test before decodeURIComponent (which throws, caught, on what fails the first part):
 * every `%` starts a `%XX`, and what the run decodes to could still pass looksLikeText (each `%XX`
 * gives at most one character, and one of a control byte is a non-printable one). C's printf
 * formats (`%s`, `%02x`) are most percent runs in source code, and fail here without decoding.
 */
function mayDecodePercent(run: string): boolean {
  let escapes = 0;
  let ctrl = 0;
  for (let p = run.indexOf('%'); p !== -1; p = run.indexOf('%', p + 3)) {
    const h1 = run.charCodeAt(p + 1);
    const h2 = run.charCodeAt(p + 2);
    if (!(h1 < 128 && HEX[h1] && h2 < 128 && HEX[h2])) return false;
    escapes++;
    const byte = parseInt(run.slice(p + 1, p + 3), 16);
    if ((byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 0x7f) ctrl++;
  }
  const most = run.length - 2 * escapes;
  return most >= DECODE_LIMITS.minDecodedLength && ctrl * 20 <= most;
}

function decodePercent(run: string): string | null {
  if (!mayDecodePercent(run)) return null;
  try {
    const text = decodeURIComponent(run);
    return text !== run && looksLikeText(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * Base64 and percent-encoded spans of `text` that decode to text, within the limits above.
 * `byteRuns` (start/end byte offsets of base64-alphabet runs in `bytes`, found by the prefilter's
 * pass over the bytes) replaces a base64 regex pass over the text when given.
 */
export function encodedSpans(text: ScanText, bytes?: Uint8Array, byteRuns?: number[]): EncodedSpan[] {
  const spans: EncodedSpan[] = [];
  let budget = DECODE_LIMITS.maxDecodedBytes;
  const room = (): boolean => spans.length < DECODE_LIMITS.maxSpans && budget > 0;
  const add = (encoding: DecodeStep['encoding'], start: number, run: string, decoded: string | null): void => {
    if (decoded === null) return;
    budget -= decoded.length;
    spans.push({ step: { encoding, start, end: start + run.length }, decoded });
  };

  if (bytes && byteRuns) {
    const ascii = bytes.length === text.length;
    let searchFrom = 0;
    for (let k = 0; k + 1 < byteRuns.length && room(); k += 2) {
      const start = byteRuns[k]!;
      const runEnd = byteRuns[k + 1]!;
      if (runEnd - start > DECODE_LIMITS.maxSpanLength) continue;
      let end = runEnd;
      while (end < bytes.length && end - runEnd < 2 && bytes[end] === 0x3d) end++; // '=' padding
      const run = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
      const decoded = decodeBase64(run);
      if (decoded === null) continue;
      // Byte offsets are character offsets in ASCII text; otherwise find the run in the string.
      const at = ascii ? start : text.indexOf(run, searchFrom);
      if (at === -1) continue;
      searchFrom = at + run.length;
      add('base64', at, run, decoded);
    }
  } else {
    BASE64_RUN.lastIndex = 0;
    let m: RegExpExecArray | null;
    const whole = wholeText(text);
    while (room() && (m = BASE64_RUN.exec(whole)) !== null) {
      if (m[0].length <= DECODE_LIMITS.maxSpanLength) add('base64', m.index, m[0], decodeBase64(m[0]));
    }
  }

  const runs = percentRuns(text);
  for (let k = 0; k + 1 < runs.length && room(); k += 2) {
    const run = text.slice(runs[k]!, runs[k + 1]!);
    if (run.length <= DECODE_LIMITS.maxSpanLength) add('percent', runs[k]!, run, decodePercent(run));
  }
  return spans;
}
