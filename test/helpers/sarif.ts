import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/** The official SARIF 2.1.0 schema (as shipped in @microsoft/jest-sarif), compiled once. */
export function sarifValidator(): (doc: unknown) => { valid: boolean; errors: string } {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The published schema has one pattern that is only valid without the u flag.
  const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (doc) => ({ valid: Boolean(validate(doc)), errors: JSON.stringify(validate.errors?.slice(0, 3)) });
}
