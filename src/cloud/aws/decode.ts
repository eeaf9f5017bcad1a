import type { PolicyDocument } from './types.js';

/**
 * IAM's API returns policy documents URL-encoded and the JS SDK does not decode them; the AWS CLI
 * does. Accept either, so online and offline audits analyse the same thing.
 */
export function decodePolicyDocument(doc: unknown): PolicyDocument | null {
  if (doc === undefined || doc === null || doc === '') return null;
  if (typeof doc === 'object') return doc as PolicyDocument;
  if (typeof doc !== 'string') return null;
  const text = doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc);
  return JSON.parse(text) as PolicyDocument;
}
