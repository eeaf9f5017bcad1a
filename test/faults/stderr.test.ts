// stderr hygiene: exactly one line per problem, and no value the user typed (it can be a pasted
// secret) on it, whichever layer (commander, git, a size parser, the AWS SDK) produced the error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRepos } from '../helpers/git.js';
import { awsEnv, startFaultServer, type FaultServer } from './aws-fault-server.js';
import { cli, expectContract } from './harness.js';

const repo = tempRepos();
const dir = mkdtempSync(join(tmpdir(), 'nhiscan-stderr-'));
// AWS secret keys with a / (about half of them have one), at the start, the middle and the end.
const KEYS = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Rt7V', '/0FGTtIL/B+D1WJ0C5RQBETCu9ywXZO93fqe+QDO', 'C7ekkliIPFURCXTKbq+MZiRgq/akaxF6yHVhAmtu'];

describe('a pasted AWS secret key is never echoed on stderr', () => {
  const cases: Array<[string, (s: string, r: string) => string[], RegExp]> = [
    ['as --max-file-size', (s, r) => ['scan', r, '--max-file-size', s], /^nhiscan: invalid size given to --max-file-size/],
    ['as --since', (s, r) => ['scan', r, '--since', s], /^nhiscan: unknown revision/],
    ['as the command', (s) => [s], /^nhiscan: unknown command \(see nhiscan --help\)$/m],
    ['as a flag', (s, r) => ['scan', r, `--${s}`], /^nhiscan: unknown option \(see nhiscan scan --help\)$/m],
    // The path is kept (the user needs it); only the key in it is removed.
    ['inside the target path', (s) => ['scan', `/tmp/${s}`], /^nhiscan: target not found: \/tmp\/\[redacted\]$/m],
  ];
  for (const [how, args, says] of cases) {
    it.each(KEYS)(`${how}: exit 2, one line, no key (%s)`, async (key) => {
      const r = repo();
      r.commit('init', { 'a.txt': 'x\n' });
      const run = await cli(args(key, r.dir));
      expectContract(run, { code: 2, secrets: [key, ...key.split('/').filter((p) => p.length >= 8)], says });
    });
  }

  it('still names a mistyped command or flag that is nhiscan vocabulary', async () => {
    expectContract(await cli(['scna']), { code: 2, says: /^nhiscan: unknown command 'scna' \(see nhiscan --help\)$/m });
    expectContract(await cli(['scan', '.', '--formt', 'json']), { code: 2, says: /^nhiscan: unknown option '--formt' \(see nhiscan scan --help\)$/m });
  });
});

describe('one line per problem', () => {
  it('no arguments: one line, exit 2', async () => {
    expectContract(await cli([]), { code: 2, says: /^nhiscan: missing command \(see nhiscan --help\)$/m });
  });

  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer(() => 'denied');
  });
  afterAll(async () => {
    await server?.close();
  });

  // The SDK prints a nine-line "Multiple credential sources" warning for these; nhiscan's one line stays alone.
  it.each([
    ['AWS_PROFILE', ['aws', '-f', 'json', '--aws-timeout', '2'], { AWS_PROFILE: 'dev' }],
    ['--profile', ['aws', '-f', 'json', '--aws-timeout', '2', '--profile', 'dev'], {}],
  ] as const)('%s with AWS_ACCESS_KEY_ID set: the SDK warning is silenced, the error still shows', async (_, args, extra) => {
    const r = await cli([...args], { env: awsEnv(server.url, { ...extra }) });
    expectContract(r, { code: 3, says: /^nhiscan: / });
    expect(r.stderr).not.toMatch(/Multiple credential sources|WARNING/);
  });
});

describe('nhiscan log', () => {
  const file = (name: string, lines: string[]) => {
    const p = join(dir, name);
    writeFileSync(p, `${lines.join('\n')}\n`);
    return p;
  };
  const good = JSON.stringify({ time: '2026-01-01T00:00:00Z', caller: 'arn:aws:iam::123456789012:user/ops', action: 'revoke-access-key', target: 'AKIAEXAMPLE', result: 'ok' });

  it('a corrupt line: the good records are printed, exit 3 with one line naming the line number, never its content', async () => {
    const p = file('torn.jsonl', [good, '{"time": "2026-01-01", "secret": "hunter2hunter2', good]);
    for (const args of [['log', '--audit-log', p], ['log', '--audit-log', p, '--json']]) {
      const r = await cli(args);
      expectContract(r, { code: 3, secrets: ['hunter2'], says: /^nhiscan: incomplete: skipped 1 unreadable line\(s\) in .*torn\.jsonl \(line 2\)$/m });
      expect(r.stdout.trim().split('\n')).toHaveLength(2);
      expect(r.stdout).toContain('AKIAEXAMPLE');
    }
  });

  it('a clean log exits 0 with nothing on stderr', async () => {
    const r = await cli(['log', '--audit-log', file('clean.jsonl', [good])]);
    expectContract(r, { code: 0, lines: 0 });
  });

  it('text output escapes control characters from stored targets and details', async () => {
    const hostile = JSON.stringify({ time: 't', caller: null, action: 'revoke-access-key', target: 'role\u001b[2J\u001b]0;pwned\u0007', result: 'failed', detail: 'bidi \u202eevil' });
    const r = await cli(['log', '--audit-log', file('hostile.jsonl', [hostile])]);
    expectContract(r, { code: 0, lines: 0 });
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(r.stdout).toContain('role\\x1b[2J\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('bidi \\u202eevil');
  });
});
