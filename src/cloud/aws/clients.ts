import { AccountClient } from '@aws-sdk/client-account';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsOptions {
  profile?: string;
  region?: string;
  /** --endpoint-url, else AWS_ENDPOINT_URL; applies to every client. */
  endpoint?: string;
  maxAttempts?: number;
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

type AnyClient = IAMClient | STSClient | SecretsManagerClient | AccountClient;

interface Stack {
  add(mw: (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>, o: { step: 'finalizeRequest'; name: string }): void;
}

function counted<T extends AnyClient>(client: T, counter: CallCounter): T {
  // finalizeRequest runs once per attempt, so retries are counted too.
  (client.middlewareStack as unknown as Stack).add(
    (next, context) => async (args) => {
      counter.note(String(context.commandName ?? 'unknown'));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'nhiscanCallCounter' },
  );
  return client;
}

function config(o: AwsOptions, region: string | undefined) {
  const endpoint = o.endpoint ?? process.env.AWS_ENDPOINT_URL;
  return {
    ...(region ? { region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    // IAM publishes no fixed rate limit: adapt to throttling instead of failing on it.
    retryMode: 'adaptive' as const,
    maxAttempts: o.maxAttempts ?? 8,
  };
}

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  account: AccountClient;
  secrets: (region: string) => SecretsManagerClient;
  counter: CallCounter;
  region: string | undefined;
}

/** IAM and STS are global; every client honours the profile, region and endpoint given. */
export function createClients(o: AwsOptions): AwsClients {
  // The SDK prints a multi-line notice on Node 20 about its future releases; nhiscan pins its SDK
  // version and keeps stderr to one line per problem. Users can still opt back in.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const counter = new CallCounter();
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const globalRegion = region ?? 'us-east-1';
  const cache = new Map<string, SecretsManagerClient>();
  return {
    counter,
    region,
    iam: counted(new IAMClient(config(o, globalRegion)), counter),
    sts: counted(new STSClient(config(o, globalRegion)), counter),
    account: counted(new AccountClient(config(o, globalRegion)), counter),
    secrets: (r) => {
      let c = cache.get(r);
      if (!c) cache.set(r, (c = counted(new SecretsManagerClient(config(o, r)), counter)));
      return c;
    },
  };
}
