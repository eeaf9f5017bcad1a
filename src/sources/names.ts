// File names are bytes; reports show them as text without ever merging two distinct names.

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0; // never starts a valid sequence
}

/**
 * A file name for reports. Linux names are bytes; a name that is not UTF-8 keeps its valid parts
 * and shows every other byte as \xNN (and a backslash as \x5c, so the form is unambiguous).
 */
export function displayName(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err; // TypeError is TextDecoder's "invalid UTF-8"
  }
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const n = utf8Length(raw[i]!);
    let text: string | null = null;
    if (n > 0 && i + n <= raw.length) {
      try {
        text = utf8.decode(raw.subarray(i, i + n));
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
      }
    }
    if (text !== null && text !== '\\') {
      out += text;
      i += n;
    } else {
      out += `\\x${raw[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}
