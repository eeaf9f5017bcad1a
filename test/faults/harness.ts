// Shared by every fault test: run the built CLI as a hostile user would, then check the contract
// (exit code, exactly one error line, no stack unless --debug, no planted secret anywhere).
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { expect } from 'vitest';
import { CLI } from '../helpers/git.js';

export interface FaultRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface FaultRunOptions {
  cwd?: string;
  /** Bytes for stdin; omitted means stdin is /dev/null. */
  input?: string | Buffer;
  /** A path opened as the child's stdin instead (a directory, a FIFO, …). */
  stdinPath?: string;
  /** Replace the whole environment (PATH and NO_COLOR are always kept unless given). */
  env?: Record<string, string>;
  /** Send stdout to this path (e.g. /dev/full) instead of capturing it. */
  stdoutPath?: string;
  /** Close our end of stdout after this many bytes, as `| head -c N` does. */
  closeStdoutAfter?: number;
  /** Kill the child after this many ms (a hang is a failure the test sees, not a stuck suite). */
  timeoutMs?: number;
}

/** Spawn `node bin/nhiscan.js ARGS` with real streams. */
export function cli(args: string[], o: FaultRunOptions = {}): Promise<FaultRun> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...o.env };
  const fds: number[] = [];
  const stdin = o.stdinPath !== undefined ? openSync(o.stdinPath, 'r') : o.input !== undefined ? 'pipe' : 'ignore';
  if (typeof stdin === 'number') fds.push(stdin);
  const stdout = o.stdoutPath !== undefined ? openSync(o.stdoutPath, 'w') : 'pipe';
  if (typeof stdout === 'number') fds.push(stdout);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env, stdio: [stdin, stdout, 'pipe'] });
  for (const fd of fds) closeSync(fd);
  let out = '';
  let err = '';
  let seen = 0;
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    if (o.closeStdoutAfter !== undefined) {
      seen += Buffer.byteLength(d);
      if (seen >= o.closeStdoutAfter) child.stdout?.destroy();
      return;
    }
    out += d;
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (err += d));
  if (o.input !== undefined) {
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(o.input);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 25_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
}

export interface Contract {
  /** The exit code the contract demands. */
  code: number;
  /** Strings that must never appear on stderr (or stdout, unless `stdoutMayHold`). */
  secrets?: string[];
  /** A regex the single stderr line must match. */
  says?: RegExp;
  /** stdout may carry the secrets (e.g. --show-secrets, --print). */
  stdoutMayHold?: boolean;
  /** How many stderr lines are allowed (default exactly 1 for a non-zero exit, 0 for 0/1 unless set). */
  lines?: number;
}

/** The contract every error path keeps: exit class, one line, no stack, no secret. */
export function expectContract(r: FaultRun, c: Contract): void {
  const context = `exit ${r.code} signal ${r.signal}\nstderr:\n${r.stderr}`;
  expect(r.signal, context).toBeNull();
  expect(r.code, context).toBe(c.code);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const wanted = c.lines ?? (c.code >= 2 ? 1 : undefined);
  if (wanted !== undefined) expect(lines.length, context).toBe(wanted);
  expect(r.stderr, context).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(r.stderr, context).not.toMatch(/node:internal|Error: .*\n\s+at /);
  if (c.says) expect(r.stderr, context).toMatch(c.says);
  for (const s of c.secrets ?? []) {
    expect(r.stderr.includes(s), `secret on stderr\n${context}`).toBe(false);
    if (!c.stdoutMayHold) expect(r.stdout.includes(s), 'secret on stdout').toBe(false);
  }
}
