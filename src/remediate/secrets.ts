import { describeSecret, rotateSecretNow } from '../cloud/aws/mutate.js';
import { UsageError } from '../errors.js';
import type { RemediationEnv } from './access-keys.js';
import type { Step } from './plan.js';

/** RotateSecret needs a rotation function; without one, say exactly how to add it. */
export async function rotateSecretSteps(env: RemediationEnv, id: string): Promise<{ name: string; steps: Step[] }> {
  const desc = await describeSecret(env.clients, id);
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
        onFailure: `${name} unchanged (its current version stays AWSCURRENT)`,
        run: async () => {
          const r = await rotateSecretNow(env.clients, id);
          return { requestId: r.requestId, detail: `new version ${r.versionId ?? '?'} (becomes AWSCURRENT when the function finishes)` };
        },
      },
    ],
  };
}
