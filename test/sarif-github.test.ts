// GitHub code scanning rejects a whole SARIF upload when one result breaks its ingestion rules
// (docs: "SARIF support for code scanning", "SARIF results exceed limit", "SARIF file is too
// large"). This file holds those rules as a checker, shows the checker catches each break, and runs
// it on the SARIF of all three commands: scan (a temp repository), aws (offline exports and a
// loopback AWS endpoint) and audit (the demo, and a temp repository joined with the loopback account).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize, type Finding, type Report, type SecretFinding } from '../src/model.js';
import { cloudArtifactUri, GITHUB_LIMITS, pathUri, renderSarif, uploadSize } from '../src/report/sarif.js';
import { awsEnv, queryXml, startFaultServer, type FaultServer } from './faults/aws-fault-server.js';
import { cli, expectContract } from './faults/harness.js';
import { TempRepo } from './helpers/git.js';
import { sarifValidator } from './helpers/sarif.js';
import { awsKeyId, awsSecret, githubToken } from './helpers/secrets.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => {
  const t = obj(v).text;
  return typeof t === 'string' && t.trim() ? t : undefined;
};

/**
 * A relative URI reference GitHub resolves against the repository root (no scheme, no leading
 * slash, nothing raw), or an absolute `file:///` URI, which upload-sarif relativizes against its
 * checkout_path (documented in README).
 */
function uriProblem(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri === '') return 'no artifactLocation.uri';
  if (uri.startsWith('file:///')) return /[\s#?\\]/.test(uri) ? `raw character in a file URI: ${uri}` : null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return `not relative (has a scheme): ${uri}`;
  if (uri.startsWith('/')) return `absolute path: ${uri}`;
  if (/[\s#?\\]/.test(uri)) return `raw character that is not part of a path: ${uri}`;
  try {
    decodeURIComponent(uri);
  } catch {
    return `bad percent-encoding: ${uri}`;
  }
  return null;
}

function regionProblem(region: unknown): string | null {
  if (region === undefined) return null;
  const r = obj(region);
  for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
    if (r[k] !== undefined && !(Number.isInteger(r[k]) && (r[k] as number) >= 1)) return `region.${k} is ${String(r[k])}`;
  }
  return null;
}

/** Every rule of GitHub's ingestion this project can break; an empty list means the upload is accepted. */
function githubProblems(sarifText: string, limits = GITHUB_LIMITS): string[] {
  const out: string[] = [];
  // GitHub counts the upload, which upload-sarif and the API send gzip-compressed.
  if (uploadSize(sarifText) > limits.gzipBytes) out.push(`file is ${uploadSize(sarifText)} bytes gzip-compressed, over ${limits.gzipBytes}`);
  const log = obj(JSON.parse(sarifText));
  if (log.version !== '2.1.0') out.push(`version is ${String(log.version)}`);
  if (typeof log.$schema !== 'string' || !/^https:\/\/.+sarif-2\.1\.0.*\.json$/.test(log.$schema)) out.push('no SARIF 2.1.0 $schema');
  const runs = arr(log.runs);
  if (!Array.isArray(log.runs)) out.push('no runs array');
  if (runs.length > 20) out.push(`${runs.length} runs, over 20`);
  runs.forEach((run, ri) => {
    const driver = obj(obj(obj(run).tool).driver);
    if (typeof driver.name !== 'string' || !driver.name) out.push(`run ${ri}: no tool.driver.name`);
    if (driver.informationUri !== undefined) out.push(`run ${ri}: informationUri set (nhiscan has no public page: it would 404)`);
    const rules = arr(driver.rules).map(obj);
    if (rules.length > 25_000) out.push(`run ${ri}: ${rules.length} rules, over 25,000`);
    const ids = rules.map((r) => r.id);
    if (new Set(ids).size !== ids.length) out.push(`run ${ri}: duplicate rule ids`);
    for (const r of rules) {
      if (typeof r.id !== 'string' || !r.id) out.push(`run ${ri}: a rule without an id`);
      for (const k of ['shortDescription', 'fullDescription', 'help']) if (!text(r[k])) out.push(`rule ${String(r.id)}: no ${k}.text`);
      const tags = arr(obj(r.properties).tags);
      if (tags.length > 20) out.push(`rule ${String(r.id)}: ${tags.length} tags, over 20`);
      const sev = obj(r.properties)['security-severity'];
      if (sev !== undefined && !(typeof sev === 'string' && Number(sev) >= 0 && Number(sev) <= 10)) out.push(`rule ${String(r.id)}: security-severity ${String(sev)}`);
    }
    const results = arr(obj(run).results).map(obj);
    if (!Array.isArray(obj(run).results)) out.push(`run ${ri}: no results array`);
    if (results.length > limits.results) out.push(`run ${ri}: ${results.length} results, over ${limits.results}`);
    results.forEach((res, i) => {
      const at = `run ${ri} result ${i} (${String(res.ruleId)})`;
      if (typeof res.ruleId !== 'string' || !ids.includes(res.ruleId)) out.push(`${at}: ruleId not in tool.driver.rules`);
      if (res.ruleIndex !== undefined && ids[res.ruleIndex as number] !== res.ruleId) out.push(`${at}: ruleIndex does not name its rule`);
      if (!text(res.message)) out.push(`${at}: no message.text`);
      const locations = arr(res.locations).map(obj);
      if (locations.length === 0) out.push(`${at}: no locations`);
      if (locations.length + arr(res.relatedLocations).length > 1000) out.push(`${at}: over 1,000 locations`);
      for (const loc of [...locations, ...arr(res.relatedLocations).map(obj)]) {
        const phys = obj(loc.physicalLocation);
        const problem = uriProblem(obj(phys.artifactLocation).uri) ?? regionProblem(phys.region);
        if (problem) out.push(`${at}: ${problem}`);
      }
      for (const v of Object.values(obj(res.partialFingerprints))) if (typeof v !== 'string' || !v) out.push(`${at}: empty partial fingerprint`);
    });
  });
  return out;
}

const validate = sarifValidator();

/** The whole check on one SARIF output: the official schema and GitHub's ingestion rules. */
function expectAccepted(sarifText: string, limits = GITHUB_LIMITS): { results: Json[]; rules: Json[]; notes: string[] } {
  const log = JSON.parse(sarifText);
  const schema = validate(log);
  expect(schema.valid, schema.errors).toBe(true);
  expect(githubProblems(sarifText, limits)).toEqual([]);
  const run = log.runs[0];
  return { results: run.results, rules: run.tool.driver.rules, notes: run.invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text) };
}

const uriOf = (r: Json) => obj(obj(arr(r.locations)[0]).physicalLocation) as { artifactLocation: { uri: string }; region?: { startLine: number } };

describe('the checker catches each break GitHub rejects (so the cases below can fail)', () => {
  const good = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'nhiscan', rules: [{ id: 'r', shortDescription: { text: 'r' }, fullDescription: { text: 'r' }, help: { text: 'r' } }] } },
        results: [{ ruleId: 'r', ruleIndex: 0, message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a/b.env' }, region: { startLine: 1 } } }] }],
      },
    ],
  };
  const broken = (edit: (log: typeof good & Json) => void) => {
    const log = structuredClone(good) as typeof good & Json;
    edit(log);
    return githubProblems(JSON.stringify(log));
  };
  it('a well-formed log passes', () => expect(githubProblems(JSON.stringify(good))).toEqual([]));
  it.each<[string, (l: typeof good & Json) => void, RegExp]>([
    ['an account result with only a logical location (nhiscan before this fix)', (l) => void (l.runs[0]!.results[0]!.locations = [{ logicalLocations: [{ fullyQualifiedName: 'arn:aws:iam::1:user/x' }] }] as never), /no artifactLocation\.uri/],
    ['an absolute path without a file scheme (GitHub reads it as a repository path)', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = '/home/me/a.env'), /absolute path/],
    ['a scheme GitHub cannot map (git:, https:)', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'https://example.org/a.env'), /not relative/],
    ['an unencoded # in a file name', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'a#b.env'), /raw character/],
    ['line 0', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0), /startLine is 0/],
    ['a ruleId missing from the rules', (l) => void (l.runs[0]!.results[0]!.ruleId = 'other'), /ruleId not in tool\.driver\.rules/],
    ['duplicate rule ids', (l) => void l.runs[0]!.tool.driver.rules.push(structuredClone(l.runs[0]!.tool.driver.rules[0]!)), /duplicate rule ids/],
    ['no message text', (l) => void (l.runs[0]!.results[0]!.message.text = ''), /no message\.text/],
    ['21 runs', (l) => void (l.runs = Array.from({ length: 21 }, () => structuredClone(good.runs[0]!))), /21 runs/],
    ['25,001 results', (l) => void (l.runs[0]!.results = Array.from({ length: 25_001 }, () => structuredClone(good.runs[0]!.results[0]!))), /25001 results/],
    ['version 2.0.0', (l) => void (l.version = '2.0.0'), /version is 2\.0\.0/],
    ['an informationUri that would 404', (l) => void ((l.runs[0]!.tool.driver as Json).informationUri = 'https://example.invalid/nhiscan'), /informationUri/],
  ])('%s', (_, edit, says) => {
    expect(broken(edit).join('\n')).toMatch(says);
  });
});

describe('pseudo-paths for account findings (documented in README)', () => {
  it('follow the ARN: account, service, region when there is one, then the resource path', () => {
    expect(cloudArtifactUri('arn:aws:iam::123456789012:user/ci/svc-deploy')).toBe('.nhiscan/aws/123456789012/iam/user/ci/svc-deploy');
    expect(cloudArtifactUri('arn:aws:iam::123456789012:root')).toBe('.nhiscan/aws/123456789012/iam/root');
    expect(cloudArtifactUri('arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf')).toBe('.nhiscan/aws/123456789012/secretsmanager/eu-west-1/secret/db-AbCdEf');
    // IAM names may hold + = , @: encoded, never raw; something that is not an ARN still gets a path.
    expect(cloudArtifactUri('arn:aws:iam::123456789012:user/a+b@c')).toBe('.nhiscan/aws/123456789012/iam/user/a%2Bb%40c');
    expect(uriProblem(cloudArtifactUri('not an arn #1'))).toBeNull();
  });

  it('file paths are encoded one segment at a time', () => {
    expect(pathUri('dir/a #1?.env')).toBe('dir/a%20%231%3F.env');
    expect(decodeURIComponent(pathUri('dir/a #1?.env'))).toBe('dir/a #1?.env');
  });
});

describe('scan: every result points at a file in the repository', () => {
  let repo: TempRepo;
  const token = githubToken();
  beforeAll(() => {
    repo = new TempRepo();
    repo.commit('add', {
      'weird #1?.env': `GITHUB_TOKEN=${token}\n`,
      'deploy/ci.env': `AWS_ACCESS_KEY_ID=${awsKeyId('123456789012')}\nAWS_SECRET_ACCESS_KEY=${awsSecret()}\n`,
      'keys/id_rsa': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n',
    });
    repo.commit('move', { 'old/copy.env': `T=${token}\n` });
  });
  afterAll(() => repo.cleanup());

  it('history scan', { timeout: 30_000 }, async () => {
    const r = await cli(['scan', repo.dir, '-f', 'sarif']);
    expectContract(r, { code: 1, secrets: [token], lines: 0 });
    const { results } = expectAccepted(r.stdout);
    const paths = new Set(['weird #1?.env', 'deploy/ci.env', 'keys/id_rsa', 'old/copy.env']);
    expect(results.length).toBeGreaterThanOrEqual(4);
    for (const res of results) expect(paths.has(decodeURIComponent(uriOf(res).artifactLocation.uri)), uriOf(res).artifactLocation.uri).toBe(true);
    // A whole-file finding (line 0 in the model) is line 1 for GitHub.
    expect(results.find((x) => uriOf(x).artifactLocation.uri === 'keys/id_rsa')?.locations).toBeDefined();
    expect(results.some((x) => arr(x.relatedLocations).length > 0)).toBe(true);
  });

  it('directory scan and stdin', { timeout: 30_000 }, async () => {
    expectAccepted((await cli(['scan', '--no-git', repo.dir, '-f', 'sarif'])).stdout);
    // One file named by its absolute path: a file:// URI (upload-sarif relativizes it), never a bare /path.
    const file = join(repo.dir, 'deploy', 'ci.env');
    const one = expectAccepted((await cli(['scan', '--no-git', file, '-f', 'sarif'])).stdout);
    expect(one.results.length).toBeGreaterThan(0);
    for (const res of one.results) expect(uriOf(res).artifactLocation.uri).toBe(pathToFileURL(file).href);
    const stdin = await cli(['scan', '-', '-f', 'sarif'], { input: `GITHUB_TOKEN=${token}\n` });
    const { results } = expectAccepted(stdin.stdout);
    expect(results).toHaveLength(1);
  });
});

const ACCOUNT = '123456789012';
const FIX = join(import.meta.dirname, '..', 'fixtures', 'aws');

describe('aws: every account finding has a stable pseudo-path', () => {
  it('offline exports (the demo account)', { timeout: 30_000 }, async () => {
    const args = ['aws', '--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json'), '--secrets', join(FIX, 'secrets.json'), '--access-keys', join(FIX, 'access-keys.json'), '-f', 'sarif'];
    const first = await cli(args);
    const { results, rules } = expectAccepted(first.stdout);
    expect(results.length).toBeGreaterThan(20);
    for (const res of results) {
      expect(uriOf(res).artifactLocation.uri).toMatch(/^\.nhiscan\/aws\/493820157462\/(iam|secretsmanager)\//);
      // The ARN stays a logical location beside it.
      expect(obj(arr(obj(arr(res.locations)[0]).logicalLocations)[0]).fullyQualifiedName).toMatch(/^arn:aws:/);
    }
    // Cloud checks are not tagged secret; their help holds for every alert (no one user's fix).
    for (const rule of rules) expect(arr(obj(rule.properties).tags)).not.toContain('secret');
    expect(rules.map((r) => text(r.help)).join('\n')).not.toMatch(/AKIA|svc-/);
    // Stable: the same account gives the same paths and fingerprints in the next run.
    const again = JSON.parse((await cli(args)).stdout).runs[0].results as Json[];
    expect(again.map((x) => [uriOf(x).artifactLocation.uri, x.partialFingerprints])).toEqual(results.map((x) => [uriOf(x).artifactLocation.uri, x.partialFingerprints]));
  });
});

describe('audit: leaks point at the file and line of the leak', () => {
  it('the demo: every result has a physical location; each leak is where its key id was committed', { timeout: 60_000 }, async () => {
    const sarif = await cli(['audit', '--demo', '-f', 'sarif']);
    expect(sarif.code).toBe(0);
    const { results, rules } = expectAccepted(sarif.stdout);
    const json = JSON.parse((await cli(['audit', '--demo', '-f', 'json'])).stdout) as Report;
    expect(results).toHaveLength(json.findings.length);
    const leaks = json.findings.filter((f) => f.kind === 'leak');
    expect(leaks.length).toBeGreaterThanOrEqual(4);
    for (const leak of leaks) {
      if (leak.kind !== 'leak') continue;
      const res = results.find((x) => obj(x.partialFingerprints)['nhiscanFingerprint/v1'] === leak.fingerprint)!;
      expect(uriOf(res).artifactLocation.uri).toBe(pathUri(leak.leaked.location.path));
      expect(uriOf(res).region?.startLine).toBe(leak.leaked.location.line);
      expect(text(res.message)).toContain(leak.credential.id);
    }
    const active = results.find((x) => x.ruleId === 'aws-leaked-key-active')!;
    expect(uriOf(active).artifactLocation.uri).toBe('deploy/deploy.sh');
    // Leaked credentials are secrets to code scanning; the account's own checks are not.
    const tags = (id: string) => arr(obj(rules.find((r) => r.id === id)?.properties).tags);
    expect(tags('aws-leaked-key-active')).toContain('secret');
    expect(tags('aws-key-age')).not.toContain('secret');
    // The rule's level is its worst result's, not its first's: aws-key-age has medium and high results here.
    const ageLevels = new Set(results.filter((x) => x.ruleId === 'aws-key-age').map((x) => x.level));
    expect(obj(rules.find((r) => r.id === 'aws-key-age')?.defaultConfiguration).level).toBe(ageLevels.has('error') ? 'error' : 'warning');
  });

  describe('a temp repository and a loopback AWS endpoint (live mode)', () => {
    let server: FaultServer;
    const listed = awsKeyId(ACCOUNT);
    const unplaced = awsKeyId(ACCOUNT);
    const secret = awsSecret();
    const user = (name: string) =>
      `<member><UserName>${name}</UserName><UserId>AIDA${name}</UserId><Arn>arn:aws:iam::${ACCOUNT}:user/${name}</Arn><Path>/</Path><CreateDate>2020-01-01T00:00:00Z</CreateDate><UserPolicyList/><GroupList/><AttachedManagedPolicies/></member>`;
    const HEADER =
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
    const REPORT = [
      HEADER,
      `<root_account>,arn:aws:iam::${ACCOUNT}:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
      `svc-a,arn:aws:iam::${ACCOUNT}:user/svc-a,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-02-01T00:00:00+00:00,2026-11-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    ].join('\n');
    const answers: Record<string, string> = {
      GetCallerIdentity: queryXml('GetCallerIdentity', `<Arn>arn:aws:iam::${ACCOUNT}:user/auditor</Arn><UserId>AIDATEST</UserId><Account>${ACCOUNT}</Account>`),
      GetAccountAuthorizationDetails: queryXml('GetAccountAuthorizationDetails', `<IsTruncated>false</IsTruncated><UserDetailList>${user('svc-a')}</UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`),
      GenerateCredentialReport: queryXml('GenerateCredentialReport', '<State>COMPLETE</State>'),
      GetCredentialReport: queryXml('GetCredentialReport', `<Content>${Buffer.from(REPORT).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat>`),
      ListAccessKeys: queryXml('ListAccessKeys', `<AccessKeyMetadata><member><UserName>svc-a</UserName><AccessKeyId>${listed}</AccessKeyId><Status>Active</Status><CreateDate>2020-02-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>`),
      // The key the inventory cannot place: its owner comes from GetAccessKeyLastUsed (key id only).
      GetAccessKeyLastUsed: queryXml('GetAccessKeyLastUsed', '<UserName>svc-ghost</UserName><AccessKeyLastUsed><LastUsedDate>2026-10-01T00:00:00Z</LastUsedDate><ServiceName>sts</ServiceName><Region>eu-west-1</Region></AccessKeyLastUsed>'),
      ListSecrets: JSON.stringify({ SecretList: [] }),
    };
    let repo: TempRepo;
    beforeAll(async () => {
      server = await startFaultServer((action) => answers[action]);
      repo = new TempRepo();
      repo.commit('deploy', { 'infra/deploy.sh': `#!/bin/sh\nexport AWS_ACCESS_KEY_ID=${listed}\nexport AWS_SECRET_ACCESS_KEY=${secret}\n` });
      repo.commit('runbook', { 'docs/run book.md': `# break glass\n\nkey: ${unplaced}\n` });
    });
    afterAll(async () => {
      repo.cleanup();
      await server.close();
    });

    it('SARIF accepted; the listed key and the owner-looked-up key point at their files and lines', { timeout: 60_000 }, async () => {
      const r = await cli(['audit', repo.dir, '-f', 'sarif', '--aws-timeout', '5'], { env: awsEnv(server.url), timeoutMs: 50_000 });
      expectContract(r, { code: 1, secrets: [secret], lines: 0 });
      const { results } = expectAccepted(r.stdout);
      const leaks = results.filter((x) => x.ruleId === 'aws-leaked-key-active');
      expect(leaks.map((x) => [uriOf(x).artifactLocation.uri, uriOf(x).region?.startLine]).sort()).toEqual([
        ['docs/run%20book.md', 3],
        ['infra/deploy.sh', 2],
      ]);
      expect(leaks.map((x) => text(x.message)).join('\n')).toMatch(/svc-ghost \(key AKIA\w+; leaked in docs\/run book\.md:3 .*last used 2026-10-01 by sts/);
      // The account's own findings (a logical location, no leak) sit under the account's pseudo-path.
      const account = results.filter((x) => !String(x.ruleId).startsWith('aws-leaked') && obj(arr(x.locations)[0]).logicalLocations);
      expect(account.length).toBeGreaterThan(0);
      for (const res of account) expect(uriOf(res).artifactLocation.uri).toMatch(new RegExp(`^\\.nhiscan/aws/${ACCOUNT}/iam/`));
    });
  });
});

describe('size limits: past 25,000 results or 10 MB (gzip-compressed) the SARIF is cut, worst first, and says so', () => {
  // Random hex paths: gzip cannot shrink them, so the size limit is reached as real repositories reach it.
  const hex = (n: number) => randomBytes(n / 2).toString('hex');
  const finding = (i: number, paths: number, pathChars = 8): SecretFinding => {
    const loc = () => ({ path: `src/${hex(pathChars)}.env`, line: 1, column: 1, commit: 'c'.repeat(40), author: 'A', date: '2026-01-01T00:00:00Z' });
    const locations = Array.from({ length: paths }, loc);
    return {
      kind: 'secret', ruleId: 'generic-password', title: 'Password', severity: i < 10 ? 'critical' : 'medium', nhi: ['NHI2'], fingerprint: `fp${i}`, provider: 'generic',
      secret: 'pass********', validation: null, inHead: true, location: locations[0]!,
      occurrences: { commits: paths, paths, blobs: paths, locations },
    };
  };
  const report = (findings: Finding[]): Report => ({
    tool: 'nhiscan', version: '0.0.0', target: 'x', generatedAt: '2026-01-01T00:00:00Z', summary: summarize(findings, 0), findings, coverage: { complete: true, gaps: [] },
  });
  const SMALL = { results: GITHUB_LIMITS.results, gzipBytes: 150_000 };

  it('26,000 findings: 25,000 results, the worst kept, and a notification', { timeout: 60_000 }, () => {
    const out = renderSarif(report(Array.from({ length: 26_000 }, (_, i) => finding(i, 1))));
    const { results, notes } = expectAccepted(out);
    expect(results).toHaveLength(25_000);
    expect(results.slice(0, 10).every((r) => r.level === 'error')).toBe(true);
    expect(notes.join('\n')).toMatch(/1000 of 26000 finding\(s\) are not in this SARIF file/);
  });

  it('related locations past the size limit are dropped first, and the log says so', () => {
    const big = report(Array.from({ length: 300 }, (_, i) => finding(i, 6, 200)));
    expect(githubProblems(renderSarif(big, { ...SMALL, gzipBytes: 10 * SMALL.gzipBytes }), SMALL).join()).toMatch(/gzip-compressed, over 150000/);
    const { results, notes } = expectAccepted(renderSarif(big, SMALL), SMALL);
    expect(results).toHaveLength(300);
    expect(results.every((r) => r.relatedLocations === undefined)).toBe(true);
    expect(notes.join('\n')).toMatch(/relatedLocations\) are left out/);
  });

  it('then results, worst first, until the file fits', () => {
    const big = report(Array.from({ length: 1000 }, (_, i) => finding(i, 1, 400)));
    const { results, notes } = expectAccepted(renderSarif(big, SMALL), SMALL);
    expect(results.length).toBeGreaterThan(300);
    expect(results.length).toBeLessThan(1000);
    expect(results.slice(0, 10).every((r) => r.level === 'error')).toBe(true);
    expect(notes.join('\n')).toMatch(new RegExp(`${1000 - results.length} of 1000 finding\\(s\\) are not in this SARIF file`));
  });

  it('a small report is untouched', () => {
    const { results, notes } = expectAccepted(renderSarif(report([finding(1, 3)])));
    expect(arr(results[0]!.relatedLocations)).toHaveLength(2);
    expect(notes).toEqual([]);
  });
});
