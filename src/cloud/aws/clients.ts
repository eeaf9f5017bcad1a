import { AccountClient } from '@aws-sdk/client-account';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../../errors.js';
import { AwsUnreachableError, isNetworkFailure, noteEndpoint } from './errors.js';

export interface AwsTimeouts {
  /** Time allowed to open the TCP (and TLS) connection. */
  connectMs: number;
  /** Time allowed from sending a request to its answer starting, and between bytes of the answer. */
  requestMs: number;
}

/** 10 s to connect, 30 s to answer: generous for IAM's bulk calls, short enough never to look hung. */
export const DEFAULT_TIMEOUTS: AwsTimeouts = { connectMs: 10_000, requestMs: 30_000 };

/** `--aws-timeout N`: N seconds to answer, and at most 10 s (or N, if smaller) to connect. */
export function timeoutsFromSeconds(seconds: number): AwsTimeouts {
  const requestMs = Math.round(seconds * 1000);
  return { connectMs: Math.min(DEFAULT_TIMEOUTS.connectMs, requestMs), requestMs };
}

export interface AwsOptions {
  profile?: string;
  region?: string;
  /** --endpoint-url, else AWS_ENDPOINT_URL; applies to every client. */
  endpoint?: string;
  maxAttempts?: number;
  /** Default DEFAULT_TIMEOUTS. */
  timeouts?: AwsTimeouts;
  /**
   * Read-only inventories set this: once two calls in a row on one client failed to reach the
   * endpoint, later calls on it fail at once (each a coverage gap) instead of each waiting out its
   * own timeouts. Remediation leaves it off, so every step it takes is really tried.
   */
  failFast?: boolean;
  /** Temporary credentials (an assumed role, for --org); otherwise the profile or default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Counts every API request (including retries), so --debug can show that calls grow with users only. */
export class CallCounter {
  total = 0;
  readonly byOperation = new Map<string, number>();

  note(op: string): void {
    this.total++;
    this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
  }
}

type AnyClient = IAMClient | STSClient | SecretsManagerClient | AccountClient | OrganizationsClient;

interface Request {
  protocol?: string;
  hostname?: string;
  port?: number;
}
type Context = { commandName?: string; nhiscanNetworkFailures?: number };
type Middleware = (next: (a: { request?: Request }) => Promise<unknown>, ctx: Context) => (a: { request?: Request }) => Promise<unknown>;
interface Stack {
  add(mw: Middleware, o: { step: 'initialize' | 'finalizeRequest'; name: string }): void;
}

/** A network failure is retried once per call: a dead or hanging endpoint must not cost 8 attempts with backoff. */
const NETWORK_ATTEMPTS = 2;

function instrumented<T extends AnyClient>(client: T, counter: CallCounter, failFast: boolean): T {
  const stack = client.middlewareStack as unknown as Stack;
  // finalizeRequest runs once per attempt (inside the SDK's retry loop), so retries are counted
  // too, and a failure can be tagged with the endpoint it was sent to.
  stack.add(
    (next, context) => async (args) => {
      counter.note(String(context.commandName ?? 'unknown'));
      try {
        return await next(args);
      } catch (err) {
        const r = args.request;
        const endpoint = r?.hostname ? `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}` : undefined;
        if (endpoint) noteEndpoint(err, endpoint);
        if (isNetworkFailure(err)) {
          // The context lives for one send(), across its attempts.
          context.nhiscanNetworkFailures = (context.nhiscanNetworkFailures ?? 0) + 1;
          // Wrapped, the SDK's retry classifier no longer sees a transient error: no more attempts.
          if (context.nhiscanNetworkFailures >= NETWORK_ATTEMPTS) throw new AwsUnreachableError(err, endpoint);
        }
        throw err;
      }
    },
    { step: 'finalizeRequest', name: 'nhiscanCallCounter' },
  );
  if (failFast) {
    let failedInARow = 0;
    let last: AwsUnreachableError | null = null;
    // initialize runs once per send(), outside the retries.
    stack.add(
      (next) => async (args) => {
        if (last && failedInARow >= 2) throw last.skipped();
        try {
          const out = await next(args);
          failedInARow = 0;
          return out;
        } catch (err) {
          if (err instanceof AwsUnreachableError) {
            failedInARow++;
            last = err;
          } else if (!isNetworkFailure(err)) failedInARow = 0;
          throw err;
        }
      },
      { step: 'initialize', name: 'nhiscanFailFast' },
    );
  }
  return client;
}

/** Region names as AWS spells them: us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const isRegion = (value: string): boolean => REGION.test(value);

/** A region from a flag or the environment; the value is never echoed (it could be a pasted secret). */
export function checkRegion(value: string, where: string): string {
  if (!isRegion(value)) throw new UsageError(`${where} is not an AWS region name (expected something like us-east-1)`);
  return value;
}

/**
 * An endpoint must be an absolute http(s) URL; credentials in it are refused, since the SDK would
 * send them and every error message would then have to hide the URL.
 */
export function checkEndpoint(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(`${where} is not a URL (expected http://host:port or https://host)`);
    throw err;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${where} must be an http:// or https:// URL`);
  if (url.username || url.password) throw new UsageError(`${where} must not carry a user name or password`);
  if (url.search || url.hash) throw new UsageError(`${where} must not carry a query or fragment`);
  return value;
}

export interface ResolvedAws {
  region: string | undefined;
  endpoint: string | undefined;
  timeouts: AwsTimeouts;
}

/**
 * Check every option before any call, so a typo is a usage error (exit 2) and not a confusing
 * network or credentials failure later. An empty environment variable counts as unset, as in the
 * AWS CLI; an empty flag is an error (it usually is an unset shell variable).
 */
export function resolveAwsOptions(o: AwsOptions): ResolvedAws {
  if (o.region !== undefined) checkRegion(o.region, '--region');
  if (o.endpoint !== undefined) checkEndpoint(o.endpoint, '--endpoint-url');
  if (o.profile !== undefined && o.profile.trim() === '') throw new UsageError('--profile is empty');
  const envRegion = process.env.AWS_REGION ? 'AWS_REGION' : process.env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : undefined;
  const region = o.region ?? (envRegion ? checkRegion(process.env[envRegion]!, envRegion) : undefined);
  const endpoint = o.endpoint ?? (process.env.AWS_ENDPOINT_URL ? checkEndpoint(process.env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL') : undefined);
  // The SDK also honours per-service variables (AWS_ENDPOINT_URL_STS, _IAM, …): check those too.
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('AWS_ENDPOINT_URL_') && value) checkEndpoint(value, name);
  }
  const timeouts = o.timeouts ?? DEFAULT_TIMEOUTS;
  if (!(timeouts.connectMs > 0 && timeouts.requestMs > 0)) throw new UsageError('AWS timeouts must be positive');
  return { region, endpoint, timeouts };
}

/**
 * The SDK's own logger output is silenced: its warnings (nine lines when AWS_PROFILE and
 * AWS_ACCESS_KEY_ID are both set) would break "one stderr line per problem". Nothing is lost: a
 * real failure still reaches nhiscan as a thrown error, which it reports in its one line. A plain
 * object, not the SDK's NoOpLogger: given that class, the credential chain falls back to console.warn.
 */
const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The configuration every nhiscan AWS client is built with. Exported so code that needs a client
 * of its own (remediation verifying a new key) gets the same endpoint, timeouts and retries.
 */
export function clientConfig(o: AwsOptions, region: string | undefined) {
  const r = resolveAwsOptions(o);
  return {
    ...(region ? { region } : {}),
    // Assumed-role credentials replace the profile: the profile only got us to the AssumeRole.
    ...(o.credentials ? { credentials: o.credentials } : o.profile ? { profile: o.profile } : {}),
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    // IAM publishes no fixed rate limit: adapt to throttling instead of failing on it.
    retryMode: 'adaptive' as const,
    logger: SILENT_LOGGER,
    maxAttempts: o.maxAttempts ?? 8,
    // Options for the SDK's own NodeHttpHandler. Without throwOnRequestTimeout the request timeout
    // only logs a warning; socketTimeout also bounds an answer that stalls half-way.
    requestHandler: {
      connectionTimeout: r.timeouts.connectMs,
      requestTimeout: r.timeouts.requestMs,
      socketTimeout: r.timeouts.requestMs,
      throwOnRequestTimeout: true,
    },
  };
}

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  account: AccountClient;
  /** Built on first use: only --org runs call Organizations. */
  organizations: () => OrganizationsClient;
  secrets: (region: string) => SecretsManagerClient;
  counter: CallCounter;
  region: string | undefined;
  /** What the clients were built from, for clientConfig(). */
  options: AwsOptions;
}

/**
 * IAM and STS are global; every client honours the profile, region, endpoint and timeouts given.
 * Throws UsageError for a malformed region or endpoint (flag or environment) before any call.
 */
export function createClients(o: AwsOptions, shared?: CallCounter): AwsClients {
  // The SDK prints a multi-line notice on Node 20 about its future releases; nhiscan pins its SDK
  // version and keeps stderr to one line per problem. Users can still opt back in.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { region } = resolveAwsOptions(o);
  // --org: one counter across every account's clients, so --debug shows the run's total.
  const counter = shared ?? new CallCounter();
  const globalRegion = region ?? 'us-east-1';
  const failFast = Boolean(o.failFast);
  const cache = new Map<string, SecretsManagerClient>();
  let organizations: OrganizationsClient | undefined;
  return {
    counter,
    region,
    options: o,
    iam: instrumented(new IAMClient(clientConfig(o, globalRegion)), counter, failFast),
    sts: instrumented(new STSClient(clientConfig(o, globalRegion)), counter, failFast),
    account: instrumented(new AccountClient(clientConfig(o, globalRegion)), counter, failFast),
    organizations: () => (organizations ??= instrumented(new OrganizationsClient(clientConfig(o, globalRegion)), counter, failFast)),
    secrets: (r) => {
      let c = cache.get(r);
      if (!c) cache.set(r, (c = instrumented(new SecretsManagerClient(clientConfig(o, r)), counter, failFast)));
      return c;
    },
  };
}
