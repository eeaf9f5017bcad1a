/** What went wrong with an AWS call, as callers branch on it. Kinds are only ever added. */
export type AwsErrorKind = 'access-denied' | 'throttled' | 'unimplemented' | 'credentials' | 'other' | 'network' | 'timeout' | 'unparseable';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  address?: string;
  port?: number;
  hostname?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** Node's connection-level error codes, in words. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
};
const TLS_CODE = /CERT|TLS|SSL|EPROTO/;

const ENDPOINT = Symbol('nhiscan.endpoint');

/** Remember which endpoint a failed request went to (set by the clients' middleware). */
export function noteEndpoint(err: unknown, endpoint: string): void {
  if (err && typeof err === 'object' && !(ENDPOINT in err)) Object.defineProperty(err, ENDPOINT, { value: endpoint, enumerable: false });
}

function endpointOf(err: unknown): string | undefined {
  if (err instanceof AwsUnreachableError) return err.endpoint;
  const e = err as SdkError & { [ENDPOINT]?: string };
  if (e?.[ENDPOINT]) return e[ENDPOINT];
  if (e?.address) return `${e.address}${e.port ? `:${e.port}` : ''}`;
  return e?.hostname;
}

function isTimeout(e: SdkError): boolean {
  // The SDK's http handler renames ECONNRESET/EPIPE errors "TimeoutError" too: the code decides.
  if (e.code && NETWORK_CODES[e.code]) return false;
  return e.name === 'TimeoutError' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT';
}

function networkReason(e: SdkError): string | null {
  if (isTimeout(e)) return null;
  if (e.code && NETWORK_CODES[e.code]) return NETWORK_CODES[e.code]!;
  if (e.code && TLS_CODE.test(e.code)) return `TLS failure, ${e.code}`;
  return null;
}

/** The request never got an answer: refused, unresolvable, reset, or timed out. */
export function isNetworkFailure(err: unknown): boolean {
  if (err instanceof AwsUnreachableError) return true;
  const e = err as SdkError;
  return Boolean(e && typeof e === 'object' && (isTimeout(e) || networkReason(e)));
}

/**
 * A call that failed to reach its endpoint on every attempt. A class of our own, not the SDK's
 * error: the SDK's retry classifier does not know it, so it stops retrying.
 */
export class AwsUnreachableError extends Error {
  readonly kind: 'network' | 'timeout';
  constructor(
    readonly original: unknown,
    readonly endpoint: string | undefined,
    readonly wasSkipped = false,
  ) {
    const e = original as SdkError;
    const kind = isTimeout(e) ? 'timeout' : 'network';
    const where = endpoint ?? endpointOf(original);
    const base = kind === 'timeout' ? `the AWS endpoint${where ? ` ${where}` : ''} did not answer in time (timed out)` : `cannot reach the AWS endpoint${where ? ` ${where}` : ''} (${networkReason(e) ?? 'network failure'})`;
    super(wasSkipped ? `${base}; not tried again after two calls in a row failed` : base);
    this.name = 'AwsUnreachableError';
    this.kind = kind;
  }

  /** The same failure, for a call the fail-fast guard did not send. */
  skipped(): AwsUnreachableError {
    return new AwsUnreachableError(this.original, this.endpoint, true);
  }
}

/** The SDK could not parse what came back (its message quotes the body, so it is never shown). */
function isUnparseable(e: SdkError): boolean {
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  return e.name === 'SyntaxError' || /Deserializ|XML parse error|Unexpected token|not valid JSON|char '<'|Expected closing tag|Unexpected end of/i.test(text);
}

/**
 * One line for a failed AWS call: what kind of failure, never a stack or a response body.
 * The endpoint is shown as its origin only (checkEndpoint refuses URLs with credentials).
 */
export function describeAwsError(err: unknown): { kind: AwsErrorKind; message: string } {
  if (err instanceof AwsUnreachableError) return { kind: err.kind, message: err.message };
  const e = (err ?? {}) as SdkError;
  if (isNetworkFailure(e)) {
    const u = new AwsUnreachableError(e, endpointOf(e));
    return { kind: u.kind, message: u.message };
  }
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  const firstLine = String(e?.message ?? '').split('\n')[0]!.slice(0, 200);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || status === 403) return { kind: 'access-denied', message: `AccessDenied (${name})` };
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name) || status === 429) return { kind: 'throttled', message: `throttled after retries (${name})` };
  if (/CredentialsProviderError|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/i.test(name) || /Could not load credentials/i.test(firstLine)) {
    return { kind: 'credentials', message: `${name}: ${firstLine}` };
  }
  const unparseable = isUnparseable(e);
  // An endpoint that does not implement a call may answer HTTP 500 with an HTML page; the SDK then
  // fails to parse it. Either way the call is unavailable there, which is a coverage gap.
  if ((status !== undefined && status >= 500) || /NotImplemented/i.test(name)) {
    return { kind: 'unimplemented', message: `${status ? `HTTP ${status}` : name}: the endpoint did not answer this call (${unparseable ? 'unparseable response' : firstLine || 'unparseable response'})` };
  }
  if (unparseable) {
    const where = endpointOf(e);
    return { kind: 'unparseable', message: `the AWS endpoint${where ? ` ${where}` : ''} sent an answer that could not be parsed${status ? ` (HTTP ${status})` : ''}` };
  }
  return { kind: 'other', message: `${name}: ${firstLine}` };
}
