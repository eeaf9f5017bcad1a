/**
 * AWS accounts that host canary tokens (honeytokens) from public canary services, as listed in
 * public scanner documentation. A key from these accounts is a tripwire: touching it alerts
 * whoever planted it, so nhiscan reports it and never contacts AWS about it.
 */
export const CANARY_ACCOUNTS = new Set([
  '052310077262',
  '171436882533',
  '534261010715',
  '595918472158',
  '717712589309',
  '819147034852',
  '992382622183',
  '730335385048',
  '266735846894',
]);
