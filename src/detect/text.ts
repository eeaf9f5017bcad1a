/**
 * What the matcher reads a text through: a string, or an ASCII blob's bytes. Nearly every blob of
 * a history has some candidate rule, but the rules' regexes look only at windows around keyword
 * hits (a few per cent of the bytes). Making each blob a whole string first cost a copy of every
 * byte and the young collections those strings caused; an ASCII blob is left as bytes here and made
 * into strings only where something reads it: a window, a line, the span an anchored try reads, or
 * (on first need, then kept) the whole text. In ASCII a byte offset is a character offset and a
 * byte is its character's code, so every read gives what the same read of the whole string would.
 *
 * The bytes are only borrowed: a scan worker reuses its read buffer for the next blob, so a
 * ByteText never outlives the scan of its blob.
 */
export interface TextLike {
  readonly length: number;
  charCodeAt(index: number): number;
  indexOf(search: string, from?: number): number;
  slice(start?: number, end?: number): string;
}

/** A text the matcher reads: a string, or an ASCII blob kept as bytes. */
export type ScanText = string | ByteText;

export class ByteText implements TextLike {
  readonly length: number;
  private str: string | null = null;
  /** Characters made into strings so far: past the text's length, the whole string is cheaper. */
  private copied = 0;

  /** `bytes` must be ASCII (every byte below 0x80). */
  constructor(private readonly bytes: Buffer) {
    this.length = bytes.length;
  }

  /** The whole text as a string, made on first need and kept for the rest of this text's scan. */
  whole(): string {
    return (this.str ??= this.bytes.toString('latin1', 0, this.length));
  }

  charCodeAt(index: number): number {
    // Out of range a string gives NaN, and so does this (comparisons with it are false).
    return index >= 0 && index < this.length ? this.bytes[index]! : NaN;
  }

  indexOf(search: string, from = 0): number {
    if (this.str !== null) return this.str.indexOf(search, from);
    const at = Math.max(0, from);
    return search.length === 1 ? this.bytes.indexOf(search.charCodeAt(0), at) : this.bytes.indexOf(search, at, 'latin1');
  }

  slice(start = 0, end = this.length): string {
    if (this.str !== null) return this.str.slice(start, end);
    // String.prototype.slice's handling of negative and out-of-range bounds.
    const n = this.length;
    const a = start < 0 ? Math.max(0, n + start) : Math.min(start, n);
    const b = end < 0 ? Math.max(0, n + end) : Math.min(end, n);
    if (b <= a) return '';
    // Pieces that add up to more than the text are cheaper cut from the whole string.
    this.copied += b - a;
    if (this.copied > n) return this.whole().slice(a, b);
    return this.bytes.toString('latin1', a, b);
  }
}

/** The whole text as a string. */
export function wholeText(text: ScanText): string {
  return typeof text === 'string' ? text : text.whole();
}
