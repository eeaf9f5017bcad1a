/** One line for a failed AWS call: what kind of failure, never a stack or a response body. */
export function describeAwsError(err: unknown): { kind: 'access-denied' | 'throttled' | 'unimplemented' | 'credentials' | 'other'; message: string } {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  const firstLine = String(e?.message ?? '').split('\n')[0]!.slice(0, 200);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || status === 403) return { kind: 'access-denied', message: `AccessDenied (${name})` };
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name) || status === 429) return { kind: 'throttled', message: `throttled after retries (${name})` };
  if (/CredentialsProviderError|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/i.test(name) || /Could not load credentials/i.test(firstLine)) {
    return { kind: 'credentials', message: `${name}: ${firstLine}` };
  }
  // An endpoint that does not implement a call may answer HTTP 500 with an HTML page; the SDK then
  // fails to parse it. Either way the call is unavailable there, which is a coverage gap.
  if ((status !== undefined && status >= 500) || /Deserializ|Unexpected token|not valid JSON|char '<'|Expected closing tag|NotImplemented/i.test(`${name} ${firstLine}`)) {
    return { kind: 'unimplemented', message: `${status ? `HTTP ${status}` : name}: the endpoint did not answer this call (${firstLine || 'unparseable response'})` };
  }
  return { kind: 'other', message: `${name}: ${firstLine}` };
}
