import { afterEach } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

let clock = Date.UTC(2024, 0, 1) / 1000;

/** A real repository in a temp dir, with deterministic, strictly increasing commit dates. */
export class TempRepo {
  readonly dir: string;

  constructor(init = true) {
    this.dir = mkdtempSync(join(tmpdir(), 'nhiscan-test-'));
    if (init) {
      this.git('init', '-q', '-b', 'main');
      this.git('config', 'user.email', 'dev@example.org');
      this.git('config', 'user.name', 'Dev Eloper');
      this.git('config', 'commit.gpgsign', 'false');
      // No automatic gc: a commit of thousands of files would start one in the background, racing
      // the test's own repack and moving objects between packs under it (this failed on CI).
      this.git('config', 'gc.auto', '0');
    }
  }

  git(...args: string[]): string {
    clock += 60;
    const date = `${clock} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  write(path: string, content: string | Buffer): this {
    const abs = join(this.dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    return this;
  }

  remove(path: string): this {
    unlinkSync(join(this.dir, path));
    return this;
  }

  /** Write files, stage everything, commit; returns the new commit id. */
  commit(message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [p, c] of Object.entries(files)) this.write(p, c);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'nhiscan.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as users do: a separate process, real exit code, real streams. */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliResult {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** A factory for temp repositories that are all removed after each test of the calling file. */
export function tempRepos(): () => TempRepo {
  const repos: TempRepo[] = [];
  afterEach(() => {
    while (repos.length) repos.pop()!.cleanup();
  });
  return () => {
    const r = new TempRepo();
    repos.push(r);
    return r;
  };
}
