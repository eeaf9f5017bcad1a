// The stderr redactor: the safety net under "errors never echo input values".
import { describe, expect, it } from 'vitest';
import { safeMessage } from '../../src/safe-message.js';
import { awsKeyId, awsSecret, githubToken } from '../helpers/secrets.js';

describe('safeMessage', () => {
  it('removes provider tokens and random-looking key material', async () => {
    const gh = githubToken();
    const secret = awsSecret();
    const out = await safeMessage(`nhiscan: bad value ${gh} near ${secret}`);
    expect(out).not.toContain(gh);
    expect(out).not.toContain(secret.split('/').sort((a, b) => b.length - a.length)[0]);
    expect(out).toContain('[redacted]');
  });

  it("drops what V8's JSON.parse quotes from the input", async () => {
    let message = '';
    try {
      JSON.parse('{"entries": [hunter2hunter2]}');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('hunter2');
    expect(await safeMessage(`nhiscan: x.json: ${message}`)).not.toContain('hunter2');
  });

  it('keeps what a responder acts on: paths, commit ids, key ids, ARNs', async () => {
    const key = awsKeyId('123456789012');
    const line = `nhiscan: /tmp/nhiscan-fault-rem-wm9FPb/new-key.json: EEXIST; commit 0123456789abcdef0123456789abcdef01234567; ${key}; arn:aws:iam::123456789012:user/svc-deploy-Prod2`;
    expect(await safeMessage(line)).toBe(line);
  });
});
