// Values that look like credentials but are documentation, templates or test scaffolding.
// Firing on these is the fastest way to get a scanner switched off, so they are filtered for every rule.

const PLACEHOLDER_WORDS = /example|placeholder|your[_-]?(?:api|secret|token|key|password|access)|changeme|change[_-]me|replace[_-]?(?:me|with)|(?:key|token|secret|password)[_-]?here|dummy|redacted|sample|insert[_-]?(?:key|token|here)|<[^>]*>|xxxx|\*\*\*\*|\.\.\./i;
const TEMPLATE = /\$\{|\$\(|\{\{|\}\}|%\(|%[sd]\b|^\$[A-Za-z_]/;
const ZERO_RUN = /0{6,}/;
const REPEAT_RUN = /(.)\1{7,}/;

export function isPlaceholder(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value) || TEMPLATE.test(value) || ZERO_RUN.test(value) || REPEAT_RUN.test(value)) {
    return true;
  }
  // Very few distinct characters: "abababab", "12121212".
  return new Set(value).size <= 3;
}
