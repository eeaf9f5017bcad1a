// Hits cross the worker boundary as plain data: rules by their index in the active rule lists,
// which the main thread and every worker build from the same config, in the same order.
import type { BlobHits } from './engine.js';
import type { FileRule } from './file-rule.js';
import type { RawMatch } from './matcher.js';
import type { Rule } from './rule.js';

export type WireMatch = Omit<RawMatch, 'rule'> & { rule: number };
export interface WireHits {
  /** Position in the walk's order, so hits merge back in the order one thread would have found them. */
  seq: number;
  key: string;
  path: string;
  matches: WireMatch[];
  files: number[];
  contentId?: string;
}

export function toWire(hit: BlobHits, seq: number, rules: readonly Rule[], files: readonly FileRule[]): WireHits {
  return {
    seq,
    key: hit.key,
    path: hit.path,
    matches: hit.matches.map((m) => ({ ...m, rule: rules.indexOf(m.rule) })),
    files: hit.files.map((f) => files.indexOf(f)),
    ...(hit.contentId ? { contentId: hit.contentId } : {}),
  };
}

export function fromWire(w: WireHits, rules: readonly Rule[], files: readonly FileRule[]): BlobHits {
  const rule = (i: number): Rule => {
    const r = rules[i];
    if (!r) throw new Error(`scan worker named rule #${i}, which the main thread does not have`);
    return r;
  };
  return {
    key: w.key,
    path: w.path,
    matches: w.matches.map((m) => ({ ...m, rule: rule(m.rule) })),
    files: w.files.map((i) => files[i]!),
    ...(w.contentId ? { contentId: w.contentId } : {}),
  };
}
