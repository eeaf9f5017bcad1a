// The last line of defence for "errors never echo input values": every message nhiscan prints on
// stderr passes through here. Messages are built without values in the first place; this catches
// what slips through (a library's message that quotes its input, a value in a commander error).
import { shannonEntropy } from './detect/entropy.js';

const REDACTED = '[redacted]';

/**
 * V8's JSON.parse errors quote the input around the failure ("Unexpected token 'g', "ghp_…" is
 * not valid JSON"), and csv-parse quotes field values: anything in quotes from a parser is input.
 * (csv-parse is known by its codes and "Invalid ..." messages, not by the word csv: commander
 * lists "csv" among a --format option's choices, and its quoted option names are not input.)
 */
const QUOTED_BY_PARSER = /JSON|CSV_[A-Z_]+|Invalid Record|Invalid (?:Closing|Opening)|Quote|quote|position \d+|is not valid|Unexpected (token|end|character)/;
const QUOTED = /"(?:[^"\\\n]|\\.){4,}"|'(?:[^'\\\n]|\\.){4,}'/g;

/**
 * A run that looks like key material: long (24+, not split by - . : or space), mixed-case letters
 * with digits, high entropy. Hex commit ids (lower-case only), AWS key ids (upper-case only) and
 * ARNs (split on :) stay readable, because responders need them. `/` is part of the run because
 * base64 uses it (about half of all AWS secret keys hold one); paths are told apart in separatedRun.
 */
const TOKEN_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=') TOKEN_CHAR[ch.charCodeAt(0)] = 1;

/**
 * `text.replace(/[A-Za-z0-9+/_=]{20,}/g, fn)` without the regex: V8 keeps a backtrack entry per
 * character of such a run, and a run of millions (a commit subject of one repeated letter, say)
 * overflowed its stack, which failed the whole report ("Maximum call stack size exceeded"). The
 * same runs, so the same result (a test holds it to the regex on random text).
 */
function replaceTokens(text: string, fn: (run: string) => string): string {
  let out = '';
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHAR[c] === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d >= 128 || TOKEN_CHAR[d] === 0) break;
    }
    if (j - i >= 20) {
      out += text.slice(last, i) + fn(text.slice(i, j));
      last = j;
    }
    i = j;
  }
  return last === 0 ? text : out + text.slice(last);
}

function looksRandom(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && shannonEntropy(s) >= 3.5;
}

const CLASS = (c: string): number => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : -1);

/**
 * How often the character class (lower, upper, digit) changes between neighbours. Random base64
 * changes class at about 0.65 of its pairs; words, CamelCase and paths stay well under 0.4
 * ("UserProfile" 0.3, "/home/user/Projects/MyApp2/src" 0.2), which is what keeps paths readable.
 */
function classChanges(s: string): number {
  let pairs = 0;
  let changes = 0;
  for (let i = 1; i < s.length; i++) {
    const a = CLASS(s[i - 1]!);
    const b = CLASS(s[i]!);
    if (a < 0 || b < 0) continue;
    pairs++;
    if (a !== b) changes++;
  }
  return pairs ? changes / pairs : 0;
}

/** Key material of any length: random-looking, and changing class like random text does. */
function keyish(s: string): boolean {
  return s.length >= 20 && looksRandom(s) && classChanges(s) >= 0.45;
}

/**
 * The shape of an AWS secret access key (40 of [A-Za-z0-9/+], mixed case): it needs less
 * evidence than other runs, so nearly every real key is caught, while a 40-character path of
 * words still changes class far too rarely to match.
 */
function awsSecretShaped(s: string): boolean {
  if (s.length !== 40 || !/^[A-Za-z0-9/+]+$/.test(s) || !/[a-z]/.test(s) || !/[A-Z]/.test(s)) return false;
  // One key in a thousand has no digit, / or +: letters alone then need a little more evidence.
  return classChanges(s) >= (/[0-9/+]/.test(s) ? 0.35 : 0.4);
}

/** A path or identifier segment a person wrote: a word, a capitalised word, a number, or a word with a number. */
const WORDY = /^(?:[a-z]*|[A-Z]?[a-z]+[0-9]*|[0-9]+|[A-Z]+)$/;

/**
 * A run with `/` or `_` is a path or identifier (keep it), or key material, maybe inside a path
 * (`/tmp/<secret>`, `sk_live_<secret>`). Only the key is replaced, so the message still says where.
 */
function separatedRun(run: string): string {
  // Segment starts and ends: a key inside a path begins after a separator and ends before one.
  const starts = [0];
  const ends: number[] = [];
  for (let i = 0; i < run.length; i++) {
    if (run[i] === '/' || run[i] === '_') {
      ends.push(i);
      starts.push(i + 1);
    }
  }
  ends.push(run.length);
  // 1. Every 40-character window that is AWS-secret-shaped; their union is replaced.
  let from = -1;
  let to = -1;
  for (const a of starts) {
    for (const b of ends) {
      if (b - a === 40 && awsSecretShaped(run.slice(a, b))) {
        if (from === -1 || a < from) from = a;
        to = Math.max(to, b);
      }
    }
  }
  if (from !== -1) return `${run.slice(0, from)}${REDACTED}${run.slice(to)}`;
  // 2. Key material of another length: leading and trailing word segments are kept (a key's own
  // edge segment is rarely a word, and then only that much of it shows); the rest is judged whole.
  const segs = run.split(/(?=[/_])|(?<=[/_])/);
  let lo = 0;
  let hi = segs.length;
  const core = (l: number, h: number) => segs.slice(l, h).join('');
  const plain = (seg: string) => seg === '/' || seg === '_' || WORDY.test(seg);
  while (lo < hi && plain(segs[lo]!)) lo++;
  while (hi > lo && plain(segs[hi - 1]!)) hi--;
  if (keyish(core(lo, hi))) return `${core(0, lo)}${REDACTED}${core(hi, segs.length)}`;
  // 3. A long random segment of an otherwise ordinary path or name.
  return segs.map((seg) => (seg.length >= 20 && looksRandom(seg) ? REDACTED : seg)).join('');
}

function redactRun(run: string): string {
  if (/[/_]/.test(run)) return separatedRun(run);
  return (run.length >= 24 && looksRandom(run)) || awsSecretShaped(run) ? REDACTED : run;
}

/** Token-shaped key material in free text (AWS secret keys, long random runs), as `[redacted]`. */
export function redactTokens(text: string): string {
  return replaceTokens(text, redactRun);
}

/** Rules whose match is an identifier, not a secret: redacting it would hide what to act on. */
const IDENTIFIER_RULES = new Set(['aws-access-key-id']);

let matcher: { scan(text: string): { matches: Array<{ secret: string }> } } | null = null;

async function ruleMatcher() {
  if (!matcher) {
    const [{ Matcher }, { builtinRules }] = await Promise.all([import('./detect/matcher.js'), import('./detect/rules/index.js')]);
    matcher = new Matcher(
      builtinRules.filter((r) => !IDENTIFIER_RULES.has(r.id)),
      { decodeDepth: 0 },
    );
  }
  return matcher;
}

/** Redact anything secret-like from a message bound for stderr; never throws. */
export async function safeMessage(message: string): Promise<string> {
  let out = message;
  try {
    // V8: `Unexpected token 'h', ..."a": [hunter2"... is not valid JSON`; the snippet holds quotes itself.
    out = out.replace(/(?:\.\.\.)?"[^\n]*"(?:\.\.\.)?(?= is not valid JSON)/g, `"${REDACTED}"`);
    if (QUOTED_BY_PARSER.test(out)) out = out.replace(QUOTED, `"${REDACTED}"`);
    out = replaceTokens(out, redactRun);
    for (const m of (await ruleMatcher()).scan(out).matches) out = out.split(m.secret).join(REDACTED);
  } catch {
    // Redaction must never be the reason an error goes unreported; fall back to the blunt form.
    out = replaceTokens(message, () => REDACTED);
  }
  return out;
}
