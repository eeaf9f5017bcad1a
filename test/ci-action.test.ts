// The GitHub Action (action.yml), run locally: each `run:` step with bash, as the runner runs it
// (`bash --noprofile --norc -eo pipefail`), with a simulated GITHUB_* environment, against temp
// repositories with and without a leak. The action path is a copy of this working tree without
// node_modules or dist/, as GitHub checks it out, so the install step really runs `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TempRepo } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';
import { copyWorkingTree } from './helpers/tree.js';

const ROOT = join(import.meta.dirname, '..');
const ACTION_FILE = join(ROOT, 'action.yml');

interface Step {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(readFileSync(ACTION_FILE, 'utf8')) as Action;


/** The expressions a step's env may use; anything else fails the test (the runner would evaluate it, we cannot). */
function evaluate(value: string, inputs: Record<string, string>, actionPath: string): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) {
      if (!(input[1]! in inputs)) throw new Error(`unknown input ${input[1]}`);
      return inputs[input[1]!]!;
    }
    if (expr === 'github.action_path') return actionPath;
    throw new Error(`unsupported expression in a step: ${expr}`);
  });
}

let work: string;
let actionPath: string;
const repos: TempRepo[] = [];

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  output: string;
}

/** Run one step as the runner would; inputs are the action's defaults overridden by `given`. */
function runStep(step: Step, cwd: string, given: Record<string, string> = {}, event: object = {}): StepRun {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  const dir = mkdtempSync(join(work, 'step-'));
  const script = join(dir, 'step.sh');
  writeFileSync(script, step.run!);
  const summary = join(dir, 'summary.md');
  const output = join(dir, 'output');
  const eventPath = join(dir, 'event.json');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  writeFileSync(eventPath, JSON.stringify(event));
  const env: Record<string, string> = {
    // The machine's environment (npm ci may need its proxy and CA settings), without npm's and
    // GitHub's own variables, which the runner would set differently.
    ...(Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(?:npm_|GITHUB_|INPUT_)/i.test(k))) as Record<string, string>),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_WORKSPACE: cwd,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_EVENT_PATH: eventPath,
    RUNNER_TEMP: dir,
    ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), inputs, actionPath)])),
  };
  const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, summary: readFileSync(summary, 'utf8'), output: readFileSync(output, 'utf8') };
}

const install = () => action.runs.steps[0]!;
const scan = () => action.runs.steps.find((s) => s.id === 'scan')!;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-action-'));
  actionPath = join(work, 'action');
  copyWorkingTree(actionPath);
}, 60_000);
afterAll(() => {
  for (const r of repos) r.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function leakRepo(): { repo: TempRepo; token: string; beforeLeak: string; afterLeak: string } {
  const repo = new TempRepo();
  repos.push(repo);
  const token = githubToken();
  repo.commit('init', { 'README.md': '# app\n' });
  const beforeLeak = repo.git('rev-parse', 'HEAD').trim();
  repo.commit('leak', { 'ci.env': `GITHUB_TOKEN=${token}\n` });
  const afterLeak = repo.git('rev-parse', 'HEAD').trim();
  repo.commit('docs', { 'docs.md': 'nothing secret\n' });
  return { repo, token, beforeLeak, afterLeak };
}

describe('action.yml', () => {
  it('is a composite action of bash steps that run from the action path; no step needs a registry package', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['args', 'format', 'fail-on', 'sarif-file']));
    for (const step of action.runs.steps) {
      expect(step.uses, step.name).toBeUndefined();
      expect(step.if, step.name).toBeUndefined();
      expect(step.shell, step.name).toBe('bash');
      // Inputs reach scripts only through env: `${{ }}` in a script is a shell-injection hole.
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
    }
    const text = readFileSync(ACTION_FILE, 'utf8');
    // No npx, no `npm install nhiscan`: an unpublished name anyone could register.
    expect(text).not.toMatch(/\bnpx\b/);
    expect(text).not.toMatch(/npm (?:i|install|exec)\b[^\n]*\bnhiscan\b/);
    expect(text).toMatch(/npm ci/);
    expect(scan().run).toMatch(/node "\$GITHUB_ACTION_PATH\/bin\/nhiscan\.js"/);
  });

  it('the install step runs npm ci in the action path, which builds dist/ with the WebAssembly kernel; a second run reuses it', () => {
    const ws = mkdtempSync(join(work, 'ws-'));
    const first = runStep(install(), ws);
    expect(first.stderr + first.stdout).not.toMatch(/npm error/);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(actionPath, 'dist', 'bundle', 'main.js'))).toBe(true);
    expect(existsSync(join(actionPath, 'dist', 'detect', 'kernel', 'prefilter.wasm'))).toBe(true);
    const again = runStep(install(), ws);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already built/);
  }, 300_000);

  describe('the scan step (after install)', () => {
    beforeAll(() => {
      // Normally done by the install test above; again here when this block runs alone.
      if (!existsSync(join(actionPath, 'dist', 'bundle', 'main.js'))) expect(runStep(install(), mkdtempSync(join(work, 'ws-'))).code).toBe(0);
    }, 300_000);

    it('a leak in history: exit 1, SARIF with the leak\'s file and line, a markdown summary, the secret nowhere', () => {
      const { repo, token } = leakRepo();
      const run = runStep(scan(), repo.dir, {}, { before: '0'.repeat(40) });
      expect(run.code, run.stderr).toBe(1);
      expect(run.output).toMatch(/^exit-code=1$/m);
      expect(run.output).toMatch(/^sarif-file=nhiscan\.sarif$/m);
      const sarifText = readFileSync(join(repo.dir, 'nhiscan.sarif'), 'utf8');
      const sarif = JSON.parse(sarifText) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
      expect(sarif.version).toBe('2.1.0');
      const hit = sarif.runs[0]!.results.find((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'ci.env');
      expect(hit, sarifText.slice(0, 400)).toBeDefined();
      expect(hit!.locations[0]!.physicalLocation.region.startLine).toBe(1);
      expect(run.summary).toMatch(/^## nhiscan: \d+ finding/m);
      expect(run.summary).toMatch(/ci\.env/);
      expect(run.summary).toMatch(/_nhiscan failed: findings at or above the fail-on severity\._/);
      // The log copy is the text report.
      expect(run.stdout).toMatch(/ci\.env/);
      for (const out of [run.stdout, run.stderr, run.summary, sarifText]) expect(out.includes(token)).toBe(false);
    });

    it('a pull request whose base already held the leak: only the new commits are scanned (--range), exit 0', () => {
      const { repo, afterLeak } = leakRepo();
      const run = runStep(scan(), repo.dir, {}, { pull_request: { base: { sha: afterLeak } } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.summary).toMatch(/^## nhiscan: 0 finding/m);
      expect(run.summary).toMatch(/_nhiscan passed\._/);
      expect(run.output).toMatch(/^exit-code=0$/m);
    });

    it('a pull request that adds the leak fails; range none scans the whole history whatever the event', () => {
      const { repo, beforeLeak, afterLeak } = leakRepo();
      expect(runStep(scan(), repo.dir, {}, { pull_request: { base: { sha: beforeLeak } } }).code).toBe(1);
      expect(runStep(scan(), repo.dir, { range: 'none' }, { pull_request: { base: { sha: afterLeak } } }).code).toBe(1);
    });

    it('a base commit missing from a shallow clone falls back to the whole history, saying so', () => {
      const { repo } = leakRepo();
      const run = runStep(scan(), repo.dir, {}, { pull_request: { base: { sha: 'f'.repeat(40) } } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/base commit ffffffffffff is not in the clone \(checkout with fetch-depth: 0\)/);
    });

    it('inputs: fail-on, format for the log, no SARIF, no summary', () => {
      const repo = new TempRepo();
      repos.push(repo);
      // A weak but real password in an env file: a medium finding.
      repo.commit('pw', { 'db.env': 'DB_PASSWORD=Zq7pN3vK9sW2xY\n' });
      const high = runStep(scan(), repo.dir, { 'fail-on': 'high', format: 'json', 'sarif-file': '', summary: 'false' });
      expect(high.code, high.stderr).toBe(0);
      expect((JSON.parse(high.stdout) as { findings: { severity: string }[] }).findings.map((f) => f.severity)).toEqual(['medium']);
      expect(existsSync(join(repo.dir, 'nhiscan.sarif'))).toBe(false);
      expect(high.output).not.toMatch(/sarif-file=/);
      expect(high.summary).toBe('');
      expect(runStep(scan(), repo.dir, { 'fail-on': 'medium', 'sarif-file': '', summary: 'false' }).code).toBe(1);
    });

    it('a clean repository: exit 0, a SARIF file with no results', () => {
      const repo = new TempRepo();
      repos.push(repo);
      repo.commit('init', { 'README.md': '# nothing here\n' });
      const run = runStep(scan(), repo.dir);
      expect(run.code, run.stderr).toBe(0);
      const sarif = JSON.parse(readFileSync(join(repo.dir, 'nhiscan.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
      expect(sarif.runs[0]!.results).toEqual([]);
    });

    it('a usage error: exit 2, nhiscan\'s line in the log, the summary says there is no report', () => {
      const { repo } = leakRepo();
      const run = runStep(scan(), repo.dir, { args: 'scan . --bogus' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^nhiscan: unknown option '--bogus' \(see nhiscan scan --help\)$/m);
      expect(run.summary).toMatch(/nhiscan exited 2 before writing a report/);
    });

    it('--show-secrets and the options the action sets itself are refused with an annotation (exit 2)', () => {
      const { repo, token } = leakRepo();
      for (const args of ['scan . --show-secrets', 'scan . -f text', 'scan . --output x.json', 'scan . --fail-on=info']) {
        const run = runStep(scan(), repo.dir, { args });
        expect(run.code, args).toBe(2);
        expect(run.stdout, args).toMatch(/^::error title=nhiscan::/m);
        expect(run.stdout.includes(token)).toBe(false);
      }
    });

    it('an audit of the bundled demo: one run gives the SARIF and the summary, gated by fail-on', () => {
      const ws = mkdtempSync(join(work, 'ws-'));
      const run = runStep(scan(), ws, { args: 'audit --demo', 'fail-on': 'critical' });
      expect(run.code, run.stderr).toBe(1);
      expect(run.summary).toMatch(/^## nhiscan: \d+ finding/m);
      expect(existsSync(join(ws, 'nhiscan.sarif'))).toBe(true);
    });
  });
});

describe('README', () => {
  it('refers to no npm package that is not published (no npx nhiscan)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // (Matched, not printed whole: a failure shows the offending words, not the whole README.)
    expect(/.{0,40}npx (?:--yes |-y )?nhiscan.{0,40}/.exec(readme)?.[0]).toBeUndefined();
  });
});
