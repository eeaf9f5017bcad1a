import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GitError } from '../../errors.js';

/** Flags that keep git's output machine-stable regardless of the user's config. */
export const GIT_BASE = ['-c', 'core.quotePath=false', '-c', 'color.ui=false', '--no-pager'];

// git's messages are matched below ("not a git repository", "dubious ownership"); a translated
// message must not turn a refusal into "not a repository", so git speaks C-locale English to us.

export function spawnGit(cwd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('git', [...GIT_BASE, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' }, ...options });
}

/** Resolves with the exit code; turns a missing git binary into a clear error. */
export function waitForExit(child: ChildProcess, stderr: { text: string }): Promise<number> {
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.text.length < 64 * 1024) stderr.text += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new GitError('git is not installed or not on PATH') : err);
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
  const child = spawnGit(cwd, args);
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (out += d));
  const stderr = { text: '' };
  const code = await waitForExit(child, stderr);
  if (code !== 0) throw new GitError(`git ${args[0]} failed: ${firstLine(stderr.text) || `exit ${code}`}`);
  return out;
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
export async function* gitLines(cwd: string, args: string[]): AsyncGenerator<string> {
  const child = spawnGit(cwd, args);
  const stderr = { text: '' };
  const exited = waitForExit(child, stderr);
  exited.catch(() => undefined);
  const rl = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
  const code = await exited;
  if (code !== 0) throw new GitError(`git ${args[0]} failed: ${firstLine(stderr.text) || `exit ${code}`}`);
}

/** Undo git's C-style quoting of unusual paths ("a\tb" → a<TAB>b). */
export function unquotePath(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
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
  return Buffer.from(bytes).toString('utf8');
}
