import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { PACKAGE_ROOT } from '../package-root.js';

interface Author {
  name: string;
  email: string;
}

interface CommitStep {
  message: string;
  author: string;
  date: string;
  write?: Record<string, string[]>;
  delete?: string[];
}

type Step =
  | { commit: CommitStep }
  | { merge: CommitStep & { branch: string } }
  | { branch: string }
  | { checkout: string }
  | { tag: { name: string; message: string } };

export interface History {
  authors: Record<string, Author>;
  steps: Step[];
}

export const FIXTURES = join(PACKAGE_ROOT, 'fixtures');

async function applyFiles(dir: string, git: SimpleGit, step: CommitStep): Promise<void> {
  for (const [path, lines] of Object.entries(step.write ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), `${lines.join('\n')}\n`);
    await git.add(path);
  }
  for (const path of step.delete ?? []) await git.rm(path);
}

function envFor(history: History, step: CommitStep): Record<string, string> {
  const a = history.authors[step.author];
  if (!a) throw new Error(`unknown author ${step.author}`);
  // simple-git replaces the whole environment; pass only what git needs, so nothing unsafe leaks through.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    GIT_AUTHOR_NAME: a.name,
    GIT_AUTHOR_EMAIL: a.email,
    GIT_AUTHOR_DATE: step.date,
    GIT_COMMITTER_NAME: a.name,
    GIT_COMMITTER_EMAIL: a.email,
    GIT_COMMITTER_DATE: step.date,
  };
}

/** Replay a history description into a fresh repository; fixtures stay reviewable text, never a nested .git. */
export async function buildRepo(history: History, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const git = simpleGit({
    baseDir: dir,
    // Authorship and dates are part of the fixture, so commits are identical on every machine.
    allowEnvironment: ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_DATE'],
  });
  await git.init(['-q', '-b', 'main']);
  await git.addConfig('commit.gpgsign', 'false');
  let last: CommitStep | undefined;
  for (const step of history.steps) {
    if ('commit' in step) {
      await applyFiles(dir, git, step.commit);
      await git.env(envFor(history, step.commit)).commit(step.commit.message, { '--allow-empty': null });
      last = step.commit;
    } else if ('merge' in step) {
      const m = step.merge;
      await git.env(envFor(history, m)).raw(['merge', '--no-ff', '--no-commit', '-X', 'ours', m.branch]);
      await applyFiles(dir, git, m);
      await git.env(envFor(history, m)).commit(m.message);
      last = m;
    } else if ('branch' in step) {
      await git.checkoutLocalBranch(step.branch);
    } else if ('checkout' in step) {
      await git.checkout(step.checkout);
    } else if ('tag' in step) {
      if (!last) throw new Error('tag before any commit');
      await git.env(envFor(history, last)).raw(['tag', '-a', step.tag.name, '-m', step.tag.message]);
    }
  }
  return dir;
}

export async function loadHistory(name: string): Promise<History> {
  return JSON.parse(await readFile(join(FIXTURES, name, 'history.json'), 'utf8')) as History;
}

/** Build the bundled demo repository in a new temp dir; the caller removes it. */
export async function buildDemoRepo(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'nhiscan-demo-'));
  const dir = await buildRepo(await loadHistory('demo'), join(base, 'payments-api'));
  return { dir, cleanup: () => rm(base, { recursive: true, force: true }) };
}
