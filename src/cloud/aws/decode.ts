import { FormatError, isObject, parseJson } from './format.js';
import type { PolicyDocument } from './types.js';

const isStrings = (v: unknown) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

function principalOk(v: unknown): boolean {
  return v === undefined || v === '*' || (isObject(v) && Object.values(v).every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string'))));
}

/** Why a decoded document cannot be analysed (the scorers assume this shape), or null. */
function policyProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'is not a JSON object';
  const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? null : [doc.Statement];
  if (!list) return 'has no Statement';
  for (const [i, st] of list.entries()) {
    const n = `statement ${i + 1}`;
    if (!isObject(st)) return `${n} is not an object`;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return `${n} has no Effect Allow or Deny`;
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) if (!isStrings(st[k])) return `${n}: ${k} is not a string or a list of strings`;
    for (const k of ['Principal', 'NotPrincipal']) if (!principalOk(st[k])) return `${n}: ${k} is not "*" or a map of strings`;
    if (st.Condition !== undefined && !isObject(st.Condition)) return `${n}: Condition is not an object`;
  }
  return null;
}

/**
 * IAM's API returns policy documents URL-encoded and the JS SDK does not decode them; the AWS CLI
 * does. Accept either, so online and offline audits analyse the same thing. A document that does
 * not decode, or is not a policy, is a FormatError (callers turn it into a coverage gap).
 */
export function decodePolicyDocument(doc: unknown): PolicyDocument | null {
  if (doc === undefined || doc === null || doc === '') return null;
  let value: unknown = doc;
  if (typeof doc === 'string') {
    let text = doc;
    if (!doc.trimStart().startsWith('{')) {
      try {
        text = decodeURIComponent(doc);
      } catch (err) {
        if (err instanceof URIError) throw new FormatError('policy document is neither JSON nor URL-encoded JSON');
        throw err;
      }
    }
    value = parseJson(text, 'policy document is not valid JSON');
  }
  const problem = policyProblem(value);
  if (problem) throw new FormatError(`policy document ${problem}`);
  return value as PolicyDocument;
}
