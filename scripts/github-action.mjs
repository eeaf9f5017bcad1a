#!/usr/bin/env node
// Helper for action.yml (run from the action's own checkout, after its install step):
//   check-node          fail with a clear annotation on a Node older than nhiscan needs
//   check-args ARGS...  refuse options the action sets itself, and --show-secrets
//   range ARGS...       print `--range` and `BASE..HEAD` (one per line) for a scan of a pull
//                       request or push whose base commit is in the clone; nothing otherwise
//   report FILE CODE    from nhiscan's JSON report: the job-log copy (INPUT_FORMAT) on stdout, the
//                       SARIF file (INPUT_SARIF_FILE), the markdown job summary (GITHUB_STEP_SUMMARY)
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [mode, ...rest] = process.argv.slice(2);

/** One GitHub annotation, then exit: the step fails with a line that says why. */
function fail(message, code = 2) {
  process.stdout.write(`::error title=nhiscan::${message}\n`);
  process.exit(code);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 15)) fail(`nhiscan needs Node 20.15 or later, this runner has ${process.version}: add actions/setup-node (node-version: 20) before this action`);
}

function checkArgs(args) {
  // The job log and summary are readable by everyone who can read the repository.
  if (args.includes('--show-secrets')) fail('--show-secrets is refused: the job log, summary and SARIF are readable by anyone with read access to the repository');
  const own = args.find((a) => ['-f', '--format', '-o', '--output', '--fail-on'].includes(a.split('=')[0]));
  if (own) fail(`${own.split('=')[0]} is set by the action: use its format, sarif-file and fail-on inputs instead`);
}

/** The commit a pull request or push starts from, or null (a new branch, a manual run). */
function eventBase() {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return null;
  const event = JSON.parse(readFileSync(path, 'utf8'));
  const base = event.pull_request?.base?.sha ?? event.before ?? null;
  return typeof base === 'string' && /^[0-9a-f]{40,64}$/.test(base) && !/^0+$/.test(base) ? base : null;
}

function range(args) {
  // Only a scan has ranges, and a range the user chose wins.
  if (args[0] !== 'scan' || args.some((a) => ['--range', '--since', '--staged', '--all-objects', '--no-git'].includes(a))) return;
  const base = eventBase();
  if (!base) return;
  try {
    execFileSync('git', ['cat-file', '-e', `${base}^{commit}`], { stdio: 'ignore' });
  } catch {
    // The base is not in this clone (fetch-depth 1): the whole history is scanned instead.
    process.stderr.write(`nhiscan: base commit ${base.slice(0, 12)} is not in the clone (checkout with fetch-depth: 0); scanning the whole history\n`);
    return;
  }
  process.stdout.write(`--range\n${base}..HEAD\n`);
}

async function writePrivate(path, text) {
  // 0600 like every file nhiscan writes: a report names where secrets are.
  const fh = await open(path, 'w', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

async function report(file, code) {
  const summaryPath = process.env.GITHUB_STEP_SUMMARY;
  const wantSummary = (process.env.INPUT_SUMMARY ?? 'true') === 'true' && summaryPath;
  if (!existsSync(file)) {
    // Exit 2 (a usage error) writes no report: nhiscan's own line above says why.
    if (wantSummary) appendFileSync(summaryPath, `## nhiscan: no report\n\nnhiscan exited ${code} before writing a report; its error is in the step's log.\n`);
    return;
  }
  const { render } = await import(join(root, 'dist', 'report', 'index.js'));
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  process.stdout.write(await render(parsed, process.env.INPUT_FORMAT || 'text', { color: false }));
  const sarif = process.env.INPUT_SARIF_FILE ?? '';
  if (sarif) {
    await writePrivate(sarif, await render(parsed, 'sarif', { color: false }));
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `sarif-file=${sarif}\n`);
  }
  if (wantSummary) {
    const verdict = { 0: 'passed', 1: 'failed: findings at or above the fail-on severity', 3: 'incomplete: something was not read (see coverage gaps)' }[code] ?? `exit ${code}`;
    appendFileSync(summaryPath, `${await render(parsed, 'markdown', { color: false })}\n_nhiscan ${verdict}._\n`);
  }
}

switch (mode) {
  case 'check-node':
    checkNode();
    break;
  case 'check-args':
    checkArgs(rest);
    break;
  case 'range':
    range(rest);
    break;
  case 'report': {
    if (rest.length !== 2) fail('usage: github-action.mjs report FILE EXIT-CODE');
    await report(rest[0], Number(rest[1]));
    break;
  }
  default:
    fail(`unknown mode ${JSON.stringify(mode ?? '')}: expected check-node, check-args, range or report`);
}
