// Fault suite: stdout failures, file modes, help, and argument errors keep the contract.
import { chmodSync, mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { CLI, TempRepo } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const token = githubToken();
let repo: TempRepo;
let dir: string;

beforeAll(() => {
  repo = new TempRepo();
  // Enough findings that the report is larger than one pipe buffer (64 KiB), so a closed pipe bites mid-write.
  const files: Record<string, string> = {};
  for (let i = 0; i < 1500; i++) files[`svc${i}.env`] = `GITHUB_TOKEN=${githubToken()}\n`;
  files['ci.env'] = `GITHUB_TOKEN=${token}\n`;
  repo.commit('leak', files);
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-streams-'));
});
afterAll(() => repo.cleanup());

describe('stdout that cannot be written is an incomplete run (exit 3), never a crash or "findings"', () => {
  it('a full disk: > /dev/full', async () => {
    const r = await cli(['scan', repo.dir, '-f', 'json'], { stdoutPath: '/dev/full' });
    expectContract(r, { code: 3, says: /standard output could not be written \(ENOSPC\)/, secrets: [token] });
  });

  it('a closed pipe: | head -c1', async () => {
    const r = await cli(['scan', repo.dir, '-f', 'json', '--show-secrets'], { closeStdoutAfter: 1 });
    expectContract(r, { code: 3, says: /standard output could not be written \(EPIPE\)/, secrets: [token] });
  });

  it('a closed pipe in text format too', async () => {
    const r = await cli(['scan', repo.dir, '-f', 'text'], { closeStdoutAfter: 1 });
    expectContract(r, { code: 3, says: /EPIPE/ });
  });

  it('the same scan with a working stdout exits 1 (findings), so the 3 above is the write failure', async () => {
    const r = await cli(['scan', repo.dir, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(1500);
  });
});

describe('files that can hold a secret end 0600, whether they existed or not', () => {
  it('-o onto an existing 0644 file with --show-secrets', async () => {
    const out = join(dir, 'report.json');
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const r = await cli(['scan', repo.dir, '-f', 'json', '--show-secrets', '-o', out]);
    expect(r.code).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain(token);
  });

  it('-o onto a pipe (as -o /dev/null or /dev/stdout would be) writes the report and leaves its mode alone', async () => {
    // Run as root, a chmod of /dev/null to 0600 once locked every other user out of it on our
    // machine. A FIFO is the same kind of file, and one the test may own: 0644 must stay 0644.
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', ['-m', '644', fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const r = await cli(['scan', repo.dir, '-f', 'json', '-o', fifo]);
    await closed;
    expect(r.code).toBe(1);
    expect(JSON.parse(got).findings.length).toBeGreaterThan(1500);
    expect(statSync(fifo).mode & 0o777).toBe(0o644);
  });

  it('-o into a missing directory is exit 3 with one line naming the file, not a stack', async () => {
    const r = await cli(['scan', repo.dir, '-f', 'json', '-o', join(dir, 'no', 'such', 'r.json')]);
    expectContract(r, { code: 3, says: /cannot write .*r\.json: ENOENT/ });
  });
});

describe('help and argument errors', () => {
  it('`nhiscan help` and `nhiscan help scan` exit 0 like --help', async () => {
    expect((await cli(['help'])).code).toBe(0);
    const r = await cli(['help', 'scan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: nhiscan scan/);
  });

  it('`nhiscan help nosuch` is a usage error', async () => {
    expectContract(await cli(['help', 'nosuch']), { code: 2 });
  });

  it('a rejected option value is not echoed (it could be a token pasted in the wrong place)', async () => {
    const r = await cli(['scan', '.', '--fail-on', token]);
    expectContract(r, { code: 2, secrets: [token], says: /--fail-on.*\(see nhiscan scan --help\)/ });
  });

  it('an unknown command that is a token is redacted', async () => {
    const r = await cli([token]);
    expectContract(r, { code: 2, secrets: [token] });
  });
});

describe('a terminal', () => {
  it('that reports 0 columns gets no spinner, and the scan finishes (it used to redraw forever)', () => {
    const out = join(dir, 'tty.json');
    // script(1) gives the CLI a real pseudo-terminal; stty sets its width to 0 as some wrappers do.
    const r = spawnSync('script', ['-qc', `stty cols 0; ${process.execPath} ${CLI} scan ${repo.dir} -f json -o ${out}`, '/dev/null'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error, 'script(1) must run').toBeUndefined();
    expect(r.signal).toBeNull();
    expect(JSON.parse(readFileSync(out, 'utf8')).findings.length).toBeGreaterThan(1500);
  });
});
