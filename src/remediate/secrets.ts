import { describeAwsError } from '../cloud/aws/errors.js';
import { describeSecret, isNotFound, rotateSecretNow } from '../cloud/aws/mutate.js';
import { ProviderError, UsageError } from '../errors.js';
import type { RemediationEnv } from './access-keys.js';
import type { Step } from './plan.js';

/** RotateSecret needs a rotation function; without one, say exactly how to add it. */
export async function rotateSecretSteps(env: RemediationEnv, id: string): Promise<{ name: string; steps: Step[] }> {
  let desc: Awaited<ReturnType<typeof describeSecret>>;
  try {
    desc = await describeSecret(env.clients, id);
  } catch (err) {
    if (isNotFound(err)) throw new UsageError(`no Secrets Manager secret named ${id}${env.clients.region ? ` in ${env.clients.region}` : ''}`);
    throw new ProviderError(`DescribeSecret failed: ${describeAwsError(err).message}; nothing was changed`);
  }
  const name = desc.Name ?? id;
  if (!desc.RotationLambdaARN) {
    throw new UsageError(
      `secret ${name} has no rotation function: attach one (aws secretsmanager rotate-secret --secret-id ${id} --rotation-lambda-arn ARN --rotation-rules AutomaticallyAfterDays=30), or rotate by hand with put-secret-value`,
    );
  }
  return {
    name,
    steps: [
      {
        action: 'rotate-secret',
        target: desc.ARN ?? id,
        describe: `rotate ${name} now with ${desc.RotationLambdaARN} (asynchronous)`,
        state: {
          unchanged: () => `${name} unchanged (its current version stays AWSCURRENT)`,
          unknown: () => `a rotation of ${name} may or may not have started (the call got no clear answer): check with aws secretsmanager describe-secret --secret-id ${id}`,
          done: () => `a rotation of ${name} has started`,
        },
        run: async () => {
          const r = await rotateSecretNow(env.clients, id);
          return { requestId: r.requestId, detail: `new version ${r.versionId ?? '?'} (becomes AWSCURRENT when the function finishes)` };
        },
      },
    ],
  };
}
