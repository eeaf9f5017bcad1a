// The packaging round trip: `npm pack` of a fresh copy of this working tree (no dist/, as a
// clone has it) builds dist/ through `prepare` and prints only the tarball's name; the tarball holds
// what runs and nothing else; `npm install -g` of it (into a temp prefix) puts `nhiscan` on PATH,
// and the installed copy scans, runs the demo from its bundled fixtures, and loads its WebAssembly
// kernel. `npm install -g .` from a checkout does the same.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempRepo } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';
import { copyWorkingTree } from './helpers/tree.js';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;


let work: string;
let checkout: string;
let packed: ReturnType<typeof spawnSync>;
const env = (prefix: string) => ({
  PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: process.env.HOME ?? '/root',
  NO_COLOR: '1',
});
/** Run `nhiscan` as a user would after the install: by name, found on PATH. */
const nhiscan = (prefix: string, args: string[], cwd = work) => spawnSync('nhiscan', args, { cwd, env: env(prefix), encoding: 'utf8', timeout: 60_000 });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-pack-'));
  checkout = join(work, 'checkout');
  copyWorkingTree(checkout);
  // The checkout's dependencies, read-only: `npm ci` here would take a minute and the network.
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  packed = spawnSync('npm', ['pack', '--pack-destination', work], { cwd: checkout, encoding: 'utf8', timeout: 240_000 });
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('builds dist/ (prepare) and prints only the tarball name: tools that read its stdout (pre-commit) get a path', () => {
    expect(packed.status, String(packed.stderr)).toBe(0);
    expect(packed.stdout).toBe(`${TARBALL}\n`);
    expect(existsSync(join(checkout, 'dist', 'detect', 'kernel', 'prefilter.wasm'))).toBe(true);
  });

  it('holds the bundled CLI, its WebAssembly kernel and the demo fixtures, and no sources, tests, maps, test corpora or tsc output', () => {
    const files = execFileSync('tar', ['tzf', join(work, TARBALL)], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'bin/nhiscan.js', 'dist/bundle/main.js', 'dist/bundle/worker.js', 'dist/detect/kernel/prefilter.wasm', 'fixtures/demo/history.json', 'fixtures/aws/credential-report.csv']) {
      expect(files, f).toContain(f);
    }
    // tsc's per-module dist/ is for the tests and scripts of a checkout; the bundle is what runs.
    const stray = files.filter((f) => /^(?:src|test|bench|scripts|node_modules|\.ci|fixtures\/config-leaks|dist\/(?!bundle\/|detect\/kernel\/prefilter\.wasm$))/.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    expect(stray).toEqual([]);
  });
});

describe('npm install -g of the tarball', () => {
  let prefix: string;
  beforeAll(() => {
    prefix = join(work, 'global');
    const r = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, TARBALL)], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  it('puts nhiscan on PATH; --version is the package version', () => {
    const r = nhiscan(prefix, ['--version']);
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('installs runtime dependencies only (no TypeScript, no AssemblyScript, no test tools)', () => {
    const installed = join(prefix, 'lib', 'node_modules', pkg.name);
    expect(existsSync(join(installed, 'dist', 'bundle', 'main.js'))).toBe(true);
    for (const dev of ['typescript', 'assemblyscript', 'vitest']) expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  });

  it('the installed copy scans a repository (exit 1 on a leak, the secret redacted) and runs the demo from its bundled fixtures', () => {
    const repo = new TempRepo();
    try {
      const token = githubToken();
      repo.commit('leak', { 'ci.env': `GITHUB_TOKEN=${token}\n` });
      const scan = nhiscan(prefix, ['scan', repo.dir, '-f', 'json']);
      expect(scan.status, scan.stderr).toBe(1);
      expect(scan.stdout).toMatch(/"path": "ci\.env"/);
      expect(scan.stdout.includes(token)).toBe(false);
    } finally {
      repo.cleanup();
    }
    const demo = nhiscan(prefix, ['demo', '-f', 'json']);
    expect(demo.status, demo.stderr).toBe(0);
    expect((JSON.parse(demo.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(10);
  });
});

describe('npm install -g . from a checkout', () => {
  it('puts the checkout\'s nhiscan on PATH', () => {
    const prefix = join(work, 'global-dot');
    const r = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '.'], { cwd: checkout, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const v = nhiscan(prefix, ['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${pkg.version}\n`);
  }, 300_000);
});
