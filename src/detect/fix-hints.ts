/**
 * The fix a scan or hook prints for a leaked AWS key, with the key id filled in when the finding
 * has one (the id is printed on the line above; a placeholder there is a command that cannot run).
 * Only a well-formed access key id is put in: the identifier is scanned input. Without one, the
 * hint keeps KEYID and says what it stands for.
 */
export const AWS_KEY_FIX =
  'nhiscan revoke access-key KEYID (deactivate now; the owner is looked up), then nhiscan rotate access-key KEYID (a new key, stored and verified; the old one stays Inactive), then, once the new key is deployed, nhiscan rotate finish KEYID';

export function fillKeyId(hint: string, identifier: string | undefined): string {
  if (!hint.includes('KEYID')) return hint;
  if (identifier && /^AKIA[A-Z0-9]{16}$/.test(identifier)) return hint.replaceAll('KEYID', identifier);
  return `${hint} (KEYID: the access key id that goes with this secret)`;
}
