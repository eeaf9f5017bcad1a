const counts = new Uint32Array(65536);

/** Shannon entropy in bits per character. Runs for every candidate, so it avoids allocating. */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) counts[s.charCodeAt(i)]!++;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const code = s.charCodeAt(i);
    const c = counts[code]!;
    if (c === 0) continue;
    const p = c / n;
    h -= p * Math.log2(p);
    counts[code] = 0;
  }
  return h;
}
