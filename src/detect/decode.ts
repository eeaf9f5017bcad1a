import type { DecodeStep } from '../model.js';

export interface EncodedSpan {
  step: DecodeStep;
  decoded: string;
}

/** Bounds per scanned text, so a blob full of base64 (images in a bundle) cannot stall a scan. */
export const DECODE_LIMITS = { maxSpans: 256, maxDecodedBytes: 1024 * 1024, maxSpanLength: 64 * 1024, minDecodedLength: 12 };

// Runs start only at a boundary (the lookbehind), so the engine does not retry inside long words.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,65536}={0,2}(?![A-Za-z0-9+/=_-])/g;
const PERCENT_RUN = /(?<![^\s"'`<>=:,(])[^\s"'`<>=]{0,2048}%[0-9A-Fa-f]{2}[^\s"'`<>]{0,4096}/g;

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

function decodePercent(run: string): string | null {
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
export function encodedSpans(text: string, bytes?: Uint8Array, byteRuns?: number[]): EncodedSpan[] {
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
    while (room() && (m = BASE64_RUN.exec(text)) !== null) {
      if (m[0].length <= DECODE_LIMITS.maxSpanLength) add('base64', m.index, m[0], decodeBase64(m[0]));
    }
  }

  if (text.includes('%')) {
    PERCENT_RUN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (room() && (m = PERCENT_RUN.exec(text)) !== null) {
      if (m[0].length <= DECODE_LIMITS.maxSpanLength) add('percent', m.index, m[0], decodePercent(m[0]));
    }
  }
  return spans;
}
