import { afterEach, describe, expect, it } from 'vitest';
import type { CloudFinding, Report } from '../../src/model.js';
import { awsEnv, signer, smError, startFaultServer, type Fault, type FaultServer } from './aws-fault-server.js';
import { cli, expectContract } from './harness.js';
import { MGMT, orgHandler } from './org-world.js';

// --all-regions: account:ListRegions (every page) decides which regions' Secrets Manager is listed;
// the loopback endpoint answers ListSecrets by the region each request is signed for.
let server: FaultServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const secret = (region: string) => ({
  ARN: `arn:aws:secretsmanager:${region}:${MGMT}:secret:db-${region}-AbCdEf`,
  Name: `db-${region}`,
  CreatedDate: 1577836800,
  RotationEnabled: false,
  LastAccessedDate: 1764547200,
});

interface Seen {
  listRegions: Array<Record<string, unknown>>;
  listSecretsIn: string[];
}

async function run(regionPages: string[][], extra: (action: string, region: string | null) => string | Fault | undefined = () => undefined) {
  const seen: Seen = { listRegions: [], listSecretsIn: [] };
  const account = orgHandler({ members: [] });
  server = await startFaultServer((action, body, req) => {
    const region = signer(req).region;
    const special = extra(action, region);
    if (special) return special;
    if (action === 'ListRegions') {
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      seen.listRegions.push(input);
      const page = Number(input.NextToken ?? 0);
      const next = page + 1 < regionPages.length ? { NextToken: String(page + 1) } : {};
      return JSON.stringify({ Regions: regionPages[page]!.map((r) => ({ RegionName: r, RegionOptStatus: 'ENABLED' })), ...next });
    }
    if (action === 'ListSecrets') {
      seen.listSecretsIn.push(region ?? '?');
      return JSON.stringify({ SecretList: region === 'us-east-1' ? [] : [secret(region!)] });
    }
    if (action === 'GetResourcePolicy') return JSON.stringify({ ARN: 'x', Name: 'x' });
    return account(action, body, req);
  });
  const r = await cli(['aws', '--all-regions', '-f', 'json'], { env: awsEnv(server.url), timeoutMs: 30_000 });
  return { r, report: r.stdout ? (JSON.parse(r.stdout) as Report) : null, seen };
}

const secretRegions = (report: Report) =>
  report.findings
    .filter((f) => f.kind === 'cloud' && (f as CloudFinding).identity.kind === 'secret')
    .map((f) => (f as CloudFinding).identity.arn.split(':')[3])
    .filter((v, i, a) => a.indexOf(v) === i)
    .sort();

describe('aws --all-regions', () => {
  it('lists secrets in every enabled region ListRegions returns, across its pages, and in no other', async () => {
    const { r, report, seen } = await run([['us-east-1', 'eu-west-1'], ['ap-south-1']]);
    expectContract(r, { code: 1, lines: 0 });
    expect(report!.coverage.complete).toBe(true);
    expect(seen.listRegions).toHaveLength(2);
    // Opted-in and default regions only: a disabled region cannot be called.
    expect(seen.listRegions[0]!.RegionOptStatusContains).toEqual(['ENABLED', 'ENABLED_BY_DEFAULT']);
    expect(seen.listSecretsIn.sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(secretRegions(report!)).toEqual(['ap-south-1', 'eu-west-1']);
  });

  it('a region whose ListSecrets is denied is a gap naming it; the other regions still report', async () => {
    const { r, report } = await run([['us-east-1', 'eu-west-1', 'ap-south-1']], (action, region) => (action === 'ListSecrets' && region === 'eu-west-1' ? smError('AccessDeniedException') : undefined));
    expectContract(r, { code: 3, says: /secretsmanager:ListSecrets eu-west-1/ });
    expect(report!.coverage.gaps.map((g) => g.scope)).toEqual(['secretsmanager:ListSecrets eu-west-1']);
    expect(secretRegions(report!)).toEqual(['ap-south-1']);
  });

  it('a denied ListRegions is a gap (exit 3): the configured region is still listed, and the run says it is incomplete', async () => {
    const { r, report, seen } = await run([['us-east-1']], (action) => (action === 'ListRegions' ? { status: 403, type: 'application/json', body: JSON.stringify({ message: 'denied' }) } : undefined));
    expectContract(r, { code: 3, says: /account:ListRegions \(for --all-regions\)/ });
    expect(report!.coverage.complete).toBe(false);
    expect(seen.listSecretsIn).toEqual(['us-east-1']);
  });

  it('a malformed region name in the answer is dropped (it would end up in a host name) and reported as a gap', async () => {
    const { r, report, seen } = await run([['eu-west-1', 'evil.example.com/x', 'US-EAST-1']]);
    expectContract(r, { code: 3, says: /account:ListRegions/ });
    expect(seen.listSecretsIn).toEqual(['eu-west-1']);
    expect(report!.coverage.gaps[0]!.reason).toMatch(/2 region name\(s\) in the answer are malformed/);
    expect(r.stderr).not.toContain('evil.example.com');
  });
});
