// The last line of defence for "errors never echo input values": every message nhiscan prints on
// stderr passes through here. Messages are built without values in the first place; this catches
// what slips through (a library's message that quotes its input, a value in a commander error).
import { shannonEntropy } from './detect/entropy.js';

const REDACTED = '[redacted]';

/**
 * V8's JSON.parse errors quote the input around the failure ("Unexpected token 'g', "ghp_…" is
 * not valid JSON"), and csv-parse quotes field values: anything in quotes from a parser is input.
 */
const QUOTED_BY_PARSER = /JSON|CSV|csv|Invalid Record|Quote|quote|position \d+|is not valid|Unexpected (token|end|character)/;
const QUOTED = /"(?:[^"\\\n]|\\.){4,}"|'(?:[^'\\\n]|\\.){4,}'/g;

/**
 * A run that looks like key material: long (24+, not split by - . or /), mixed-case letters with digits, high entropy.
 * Hex commit ids (lower-case only), AWS key ids (upper-case only), paths and ARNs (split on / and :)
 * stay readable, because responders need them.
 */
const TOKEN = /[A-Za-z0-9+_=]{24,}/g;

function looksRandom(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && shannonEntropy(s) >= 3.5;
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
    out = out.replace(TOKEN, (t) => (looksRandom(t) ? REDACTED : t));
    for (const m of (await ruleMatcher()).scan(out).matches) out = out.split(m.secret).join(REDACTED);
  } catch {
    // Redaction must never be the reason an error goes unreported; fall back to the blunt form.
    out = message.replace(TOKEN, REDACTED);
  }
  return out;
}
