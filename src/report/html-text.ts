// Text helpers of the HTML writer: markup escaping, and a width estimate for SVG layout.

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A generous estimate of a label's rendered width, in pixels. SVG cannot wrap or measure text
 * before it is drawn, so the charts reserve this much; the widths are those of DejaVu Sans (the
 * widest of the common sans-serif fonts), rounded up, so a narrower system font only leaves air.
 */
export function textWidth(s: string, fontSize: number): number {
  let em = 0;
  for (const c of s) {
    if (/[A-Z]/.test(c)) em += c === 'M' || c === 'W' ? 0.9 : 0.74;
    else if (/[a-z0-9]/.test(c)) em += c === 'm' || c === 'w' ? 0.92 : 0.64;
    else if (c === ' ' || /[.,:;'|!il]/.test(c)) em += 0.36;
    else em += 0.6;
  }
  return em * fontSize;
}
