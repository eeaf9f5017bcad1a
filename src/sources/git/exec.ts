import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { GitError } from '../../errors.js';
import { displayName } from '../names.js';
import { escapeControl } from '../../report/escape.js';

/**
 * Flags that keep git's output machine-stable regardless of the user's config, and make every git
 * call see the real object graph: a replace ref (`git replace`, which can be pushed and fetched) or
 * an `info/grafts` line can hide a commit from the walk although `git push` still sends it.
 * Grafts have no flag: GIT_GRAFT_FILE (set in gitEnv) points them at an empty file, and the advice
 * git prints whenever it reads a graft file is turned off so git's stderr stays one reason line.
 */
export const GIT_BASE = [
  '--no-replace-objects',
  // At most 64 MiB of pack mapped at once, in 16 MiB windows (git's defaults on 64-bit: 8 GiB in
  // 1 GiB windows). A history scan runs rev-list, log and a cat-file per worker at once, each
  // mapping the pack: on curl this cut their peaks from 228/224/138 to 153/139/137 MiB and the
  // scan's summed PSS from 712 to 623 MiB, at the same CPU. The delta-base cache stays at its
  // default: 24 MiB instead of 96 MiB saved 80 MB more per cat-file but cost 1.8x its CPU.
  '-c',
  'core.packedGitWindowSize=16m',
  '-c',
  'core.packedGitLimit=64m',
  '-c',
  'advice.graftFileDeprecated=false',
  '-c',
  'core.quotePath=false',
  '-c',
  'color.ui=false',
  '--no-pager',
];

/**
 * The walks (rev-list, log, ls-tree) read trees and commits, not blob contents: their delta chains
 * are short, so a small delta-base cache and pack window budget cost them nothing, while git's
 * defaults (96 MiB of cache, and the 64 MiB above) were most of their memory. On curl each walk's
 * peak RSS fell from 156-167 MiB to 42-53 MiB at the same CPU (8m and 32m; a 16m pack limit, one
 * window, made git log 2.6x slower). cat-file keeps the defaults when it reads in walk order: it resolves
 * blob deltas, and a smaller cache cost it 1.1-1.3x its CPU; in store order it gets these too
 * (store-order.ts). Later `-c` settings override the earlier ones in GIT_BASE.
 */
const WALK_COMMANDS = new Set(['rev-list', 'log', 'ls-tree']);
export const WALK_CONFIG = ['-c', 'core.deltaBaseCacheLimit=8m', '-c', 'core.packedGitLimit=32m'];

/** GIT_BASE, and for a walk its smaller cache settings, before the subcommand. */
export function gitArgs(args: string[]): string[] {
  return [...GIT_BASE, ...(WALK_COMMANDS.has(args[0] ?? '') ? WALK_CONFIG : []), ...args];
}

/**
 * git's messages are matched below ("not a git repository", "dubious ownership"); a translated
 * message must not turn a refusal into "not a repository", so git speaks C-locale English to us.
 * /dev/null is an empty graft file on every platform (Git for Windows maps it to NUL).
 */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_GRAFT_FILE: '/dev/null' };
}

/** Where each child runs: a spawn failure is read against its cwd (see spawnFailure). */
const cwdOf = new WeakMap<ChildProcess, string>();

/**
 * Node reports a missing cwd as ENOENT, the same code as a missing git binary, and an unsearchable
 * one as EACCES; a cwd that is a file throws ENOTDIR synchronously. Look at the directory first, so
 * "git is not installed" is said only when the directory is fine and git still cannot be started.
 */
function spawnFailure(err: NodeJS.ErrnoException, cwd: string | undefined): GitError {
  if (cwd !== undefined) {
    const where = escapeControl(cwd);
    try {
      if (!statSync(cwd).isDirectory()) return new GitError(`cannot run git in ${where}: not a directory`);
      accessSync(cwd, constants.X_OK);
    } catch (dirErr) {
      const code = (dirErr as NodeJS.ErrnoException).code;
      // Only the directory's own failures are expected here; anything else is a bug and propagates.
      if (typeof code !== 'string') throw dirErr;
      return new GitError(`cannot run git in ${where}: ${code === 'ENOENT' ? 'no such directory' : code}`);
    }
  }
  if (err.code === 'ENOENT') return new GitError('git is not installed or not on PATH');
  return new GitError(`cannot start git: ${err.code ?? 'spawn failed'}`);
}

export function spawnGit(cwd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  let child: ChildProcess;
  try {
    child = spawn('git', gitArgs(args), { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: gitEnv(), ...options });
  } catch (err) {
    // A synchronous spawn failure (ENOTDIR for a cwd that is a file) has an errno code; others are bugs.
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    throw spawnFailure(err as NodeJS.ErrnoException, cwd);
  }
  cwdOf.set(child, cwd);
  return child;
}

/** Resolves with the exit code; turns a failed start (no git, no directory) into a clear GitError. */
export function waitForExit(child: ChildProcess, stderr: { text: string }): Promise<number> {
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.text.length < 64 * 1024) stderr.text += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      // 'error' without a spawn syscall (a failed kill, a stdio error) is not a start failure.
      reject(err.syscall?.startsWith('spawn') ? spawnFailure(err, cwdOf.get(child)) : err);
    });
    child.on('close', (code) => resolve(code ?? 128));
  });
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

/** Run git to completion and return stdout; fail with git's own one-line reason. */
export async function gitOutput(cwd: string, args: string[]): Promise<string> {
  const r = await gitRun(cwd, args);
  if (r.code !== 0) throw new GitError(`git ${args[0]} failed: ${firstLine(r.stderr) || `exit ${r.code}`}`);
  return r.stdout;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run git to completion and hand back code and both streams, for callers that tell failures apart. */
export async function gitRun(cwd: string, args: string[]): Promise<GitResult> {
  const child = spawnGit(cwd, args);
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (stdout += d));
  const stderr = { text: '' };
  const code = await waitForExit(child, stderr);
  return { code, stdout, stderr: stderr.text };
}

/** Stream git's stdout line by line; the returned promise rejects if git fails. */
export async function* gitLines(cwd: string, args: string[], encoding: 'utf8' | 'latin1' = 'utf8'): AsyncGenerator<string> {
  const child = spawnGit(cwd, args);
  const stderr = { text: '' };
  const exited = waitForExit(child, stderr);
  exited.catch(() => undefined);
  // latin1 keeps every byte as one character, for output whose paths may not be UTF-8.
  child.stdout!.setEncoding(encoding);
  const rl = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
  const code = await exited;
  if (code !== 0) throw new GitError(`git ${args[0]} failed: ${firstLine(stderr.text) || `exit ${code}`}`);
}

/**
 * A path from git output read as latin1 (one character a byte): unquoted, then shown as reports
 * show names, with bytes that are not UTF-8 as \xNN, so two distinct names never print alike.
 */
export function gitPath(latin1: string): string {
  const quoted = latin1.startsWith('"') && latin1.endsWith('"');
  return displayName(quoted ? Buffer.from(unquotePath(latin1, 'latin1'), 'latin1') : Buffer.from(latin1, 'latin1'));
}

/** Undo git's C-style quoting of unusual paths ("a\tb" → a<TAB>b); `as` is how `p` was decoded. */
export function unquotePath(p: string, as: 'utf8' | 'latin1' = 'utf8'): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, as));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString(as);
}

/** A path git printed on its own line: only the final newline is git's; spaces, tabs and CRs are the path's. */
export function pathLine(out: string): string {
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}
