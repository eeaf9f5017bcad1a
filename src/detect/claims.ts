// The spans rules have settled in one text, and the one question the matcher asks of them: does
// this candidate overlap one? Every candidate asks it, so a list searched from the start made a
// file of many secrets quadratic (one file of 23,832 AWS key ids took 3.4 s, 226,398 of them 433 s,
// nearly all of it in that search). Here the question is two binary searches.

/** A settled span [start, end), and whether a generic rule settled it (the structured stage may take it over). */
export type Claim = [number, number, boolean?];

/** Spans sorted by start and pairwise disjoint (touching is allowed), as two parallel arrays. */
class Sorted {
  starts: number[] = [];
  ends: number[] = [];

  /** Whether [start, end) overlaps a span: only the last span starting before `end` can, the spans being disjoint. */
  overlaps(start: number, end: number): boolean {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.ends[lo - 1]! > start;
  }
}

/**
 * What a text's rules claimed. New spans come in ascending order while one rule runs, so they are
 * appended to a run of their own; a span that starts before the run's last merges the run into the
 * rest first (once per rule, in a linear merge). `list` keeps every claim, in the order made.
 */
export class Claims {
  readonly list: Claim[] = [];
  private settled = new Sorted();
  private run = new Sorted();

  /** Claims made elsewhere (another stage's), which may overlap one another. */
  static of(claims: readonly Claim[]): Claims {
    const c = new Claims();
    const order = [...claims].sort((a, b) => a[0] - b[0]);
    const { starts, ends } = c.settled;
    for (const claim of order) {
      c.list.push(claim);
      const [s, e] = claim;
      const last = starts.length - 1;
      // Overlapping spans are merged: a span overlaps one of them exactly when it overlaps their union.
      if (last >= 0 && s < ends[last]!) ends[last] = Math.max(ends[last]!, e);
      else {
        starts.push(s);
        ends.push(e);
      }
    }
    return c;
  }

  overlaps(start: number, end: number): boolean {
    return this.run.overlaps(start, end) || this.settled.overlaps(start, end);
  }

  /** Records a span; the matcher adds only spans that overlap none already claimed. */
  add(start: number, end: number, generic: boolean): void {
    this.list.push([start, end, generic]);
    const run = this.run;
    const n = run.starts.length;
    if (n > 0 && start < run.starts[n - 1]!) this.merge();
    this.run.starts.push(start);
    this.run.ends.push(end);
  }

  /** The run merged into the settled spans, both sorted by start. */
  private merge(): void {
    const a = this.settled;
    const b = this.run;
    const out = new Sorted();
    let i = 0;
    let j = 0;
    while (i < a.starts.length || j < b.starts.length) {
      const takeA = j >= b.starts.length || (i < a.starts.length && a.starts[i]! <= b.starts[j]!);
      const s = takeA ? a.starts[i]! : b.starts[j]!;
      const e = takeA ? a.ends[i++]! : b.ends[j++]!;
      const last = out.starts.length - 1;
      if (last >= 0 && s < out.ends[last]!) out.ends[last] = Math.max(out.ends[last]!, e);
      else {
        out.starts.push(s);
        out.ends.push(e);
      }
    }
    this.settled = out;
    this.run = new Sorted();
  }
}
