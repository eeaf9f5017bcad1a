import type { Rule } from './rule.js';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One case-insensitive pass over the text finds which keywords occur, so each rule's regex only runs
 * on text that could match it. V8 runs a single alternation of literals several times faster than
 * lower-casing the text and searching for each keyword (measured on node_modules: 190 ms vs 700 ms
 * for 53 MB).
 */
export class KeywordPrefilter {
  private readonly re: RegExp;
  /** A keyword consumed by a longer match still counts: "aws_secret" also means "secret". */
  private readonly implied = new Map<string, string[]>();
  private readonly rulesByKeyword = new Map<string, number[]>();
  private readonly alwaysRun: number[] = [];

  constructor(rules: readonly Rule[]) {
    const keywords = new Set<string>();
    rules.forEach((rule, i) => {
      if (rule.keywords.length === 0) this.alwaysRun.push(i);
      for (const raw of rule.keywords) {
        const kw = raw.toLowerCase();
        keywords.add(kw);
        const list = this.rulesByKeyword.get(kw) ?? [];
        list.push(i);
        this.rulesByKeyword.set(kw, list);
      }
    });
    const sorted = [...keywords].sort((a, b) => b.length - a.length || a.localeCompare(b));
    for (const kw of sorted) this.implied.set(kw, sorted.filter((k) => k !== kw && kw.includes(k)));
    this.re = sorted.length ? new RegExp(sorted.map(escapeRegex).join('|'), 'gi') : /(?!)/g;
  }

  /** Indices of the rules worth running on `text`, in rule order. */
  candidates(text: string): number[] {
    const found = new Set<string>();
    this.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = this.re.exec(text)) !== null) {
      const kw = m[0].toLowerCase();
      if (found.has(kw)) continue;
      found.add(kw);
      for (const k of this.implied.get(kw) ?? []) found.add(k);
      if (found.size === this.rulesByKeyword.size) break;
    }
    const rules = new Set<number>(this.alwaysRun);
    for (const kw of found) for (const i of this.rulesByKeyword.get(kw) ?? []) rules.add(i);
    return [...rules].sort((a, b) => a - b);
  }
}
