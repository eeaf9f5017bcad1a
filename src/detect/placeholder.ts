// Values that look like credentials but are documentation, templates or test scaffolding.
// Firing on these is the fastest way to get a scanner switched off, so they are filtered for every rule.

const PLACEHOLDER_WORDS = /example|placeholder|your[_-]?(?:api|secret|token|key|password|access)|changeme|change[_-]me|replace[_-]?(?:me|with)|(?:key|token|secret|password)[_-]?here|dummy|redacted|sample|insert[_-]?(?:key|token|here)|<[^>]*>|xxxx|\*\*\*\*|\.\.\./i;
const TEMPLATE = /\$\{|\$\(|\{\{|\}\}|%\(|%[sd]\b|^\$[A-Za-z_]|^\{[A-Za-z_][A-Za-z0-9_.]*\}/;
const ZERO_RUN = /0{6,}/;
const REPEAT_RUN = /(.)\1{7,}/;

/**
 * Example credentials printed in specifications and vendor documentation, copied into countless
 * docstrings and READMEs (RFC 6749 and 5849, AWS docs, jwt.io).
 */
const DOCUMENTED_EXAMPLES = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA',
  'SplxlOBeZQQYbYS6WxSbIA',
  'czZCaGRSa3F0MzpnWDFmQmF0M2JW',
  'gX1fBat3bV',
  'ad180jjd733klru7',
  'nnch734d00sl2jdk',
  'kd94hf93k423kf44',
  'hh5s93j4hdidpola',
  'dh893hdasih9',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'eyJzb21lIjoicGF5bG9hZCJ9',
];

export function isDocumentedExample(value: string): boolean {
  return DOCUMENTED_EXAMPLES.some((e) => value.includes(e));
}

export function isPlaceholder(value: string): boolean {
  if (isDocumentedExample(value)) return true;
  if (PLACEHOLDER_WORDS.test(value) || TEMPLATE.test(value) || ZERO_RUN.test(value) || REPEAT_RUN.test(value)) {
    return true;
  }
  // Very few distinct characters: "abababab", "12121212".
  return new Set(value).size <= 3;
}
