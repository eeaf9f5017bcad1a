// The one check of rule examples, shared by test/rules.test.ts and `nhiscan rules check`.
import { Matcher, type RawMatch } from '../matcher.js';
import type { Rule } from '../rule.js';

export interface ExampleProblem {
  rule: string;
  /** Which example: `positive[0]`, `negative[2]`, or `negative` for the rule's set as a whole. */
  example: string;
  problem: string;
}

/** A value-shaped token: 12+ characters of a token alphabet, not a plain lower-case word. */
const TOKEN = /[A-Za-z0-9_\-+/=.~$:%@]{12,}/g;

/**
 * A negative that a looser pattern or a dropped check would turn into a finding: it holds one of
 * the rule's keywords (so the prefilter lets the rule run on it) and a token-shaped value that is
 * not a run of one repeated character (`xxxx`, `0000`). Prose that merely names the prefix, and
 * all-`x` placeholders, test nothing but the prefilter and the placeholder list.
 */
/** Structured rules have no keywords: they judge key names, so a near miss has a credential-like key. */
const KEY_WORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cred'];

export function isNearMiss(rule: Rule, text: string): boolean {
  const lower = text.toLowerCase();
  const words = rule.structured ? KEY_WORDS : rule.keywords;
  // A rule without keywords (a path rule over a file that holds only the key) has no keyword to hold.
  if (words.length && !words.some((k) => lower.includes(k.toLowerCase()))) return false;
  return (text.match(TOKEN) ?? []).some((t) => !/^[a-z]+$/.test(t) && !/(.)\1{4}/.test(t));
}

/** Rule id and span only: a report of what fired never repeats the matched text. */
function describe(m: RawMatch): string {
  return `${m.rule.id} at ${m.start}-${m.end}`;
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i !== -1; i = text.indexOf(part, i + 1)) n++;
  return n;
}

/**
 * Run every rule's examples against the whole rule set, as a scan would: a positive must be
 * reported by its own rule at exactly its `secret`'s span and by nothing else; a negative must be
 * reported by no rule; each rule needs a near-miss negative (isNearMiss). Earlier rules win a
 * span, so a positive another rule claims first is a problem of ordering or of the example.
 */
export function exampleProblems(
  rules: readonly Rule[],
  opts: { matcher?: Matcher; needsNearMiss?: (rule: Rule) => boolean; only?: (rule: Rule) => boolean } = {},
): ExampleProblem[] {
  const matcher = opts.matcher ?? new Matcher(rules);
  const problems: ExampleProblem[] = [];
  for (const rule of rules) {
    if (opts.only && !opts.only(rule)) continue;
    const path = rule.examples.path ?? '';
    const say = (example: string, problem: string) => problems.push({ rule: rule.id, example, problem });
    rule.examples.positive.forEach(({ text, secret, encoded }, i) => {
      const where = `positive[${i}]`;
      // A decoded secret is located at the encoded part of the text it came from.
      const span = encoded ?? secret;
      const times = span ? occurrences(text, span) : 0;
      if (times !== 1) {
        say(where, `its ${encoded ? 'encoded part' : 'secret'} must occur exactly once in its text (found ${times})`);
        return;
      }
      const start = text.indexOf(span);
      const end = start + span.length;
      const found = matcher.scan(text, path).matches;
      const hit = (m: RawMatch) => m.rule === rule && m.start === start && m.end === end && m.secret === secret;
      if (!found.some(hit)) {
        say(where, `not reported by ${rule.id} at ${start}-${end}; reported: ${found.map(describe).join(', ') || 'nothing'}`);
      }
      const extra = found.filter((m) => !hit(m));
      if (extra.length && found.some(hit)) say(where, `also reported: ${extra.map(describe).join(', ')}`);
    });
    rule.examples.negative.forEach((text, i) => {
      const found = matcher.scan(text, path).matches;
      if (found.length) say(`negative[${i}]`, `reported: ${found.map(describe).join(', ')}`);
    });
    if ((opts.needsNearMiss?.(rule) ?? true) && !rule.examples.negative.some((t) => isNearMiss(rule, t))) {
      say('negative', 'no near-miss negative (a keyword and a token-shaped value: wrong length, bad checksum, embedded, placeholder in context)');
    }
  }
  return problems;
}
