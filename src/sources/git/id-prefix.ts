/**
 * A quick "could this be one of these ids?" on bytes, for passes over git output that want a few
 * dozen ids out of hundreds of thousands of lines: only a line whose id starts with the first four
 * bytes of a wanted one is made into a string and looked up. True for anything it cannot judge (an
 * id shorter than four bytes, wanted or seen), so it never drops a line the lookup would keep.
 */
export function idPrefixFilter(ids: Iterable<string>): (b: Buffer, at: number, length: number) => boolean {
  const prefixes = new Set<number>();
  for (const id of ids) {
    if (id.length < 4) return () => true;
    prefixes.add(Buffer.from(id.slice(0, 4), 'latin1').readUInt32LE(0));
  }
  return (b, at, length) => length < 4 || prefixes.has(b.readUInt32LE(at));
}
