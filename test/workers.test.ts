// The worker count changes speed, never results: the same report comes out with 1 and N workers.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadPlan } from '../src/scan.js';
import { runCli, tempRepos } from './helpers/git.js';
import { scan } from './helpers/scan.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

const repo = tempRepos();

function report(args: string[]) {
  const r = runCli(args);
  const rep = JSON.parse(r.stdout);
  delete rep.generatedAt;
  delete rep.summary.durationMs;
  return { code: r.code, stderr: r.stderr, rep };
}

describe('--workers', () => {
  it('1, 2 and 5 workers give the same findings, provenance, stats and gaps, with config rules in every worker', () => {
    const r = repo();
    r.write('.nhiscan.toml', '[[rule]]\nid = "acme-token"\nregex = \'acme_[a-z0-9]{24}\'\nkeywords = ["acme_"]\n');
    const secrets: string[] = [];
    // Many commits and blobs, so every worker gets batches; secrets early, late, deleted and repeated.
    for (let i = 0; i < 60; i++) {
      const files: Record<string, string> = {};
      for (let j = 0; j < 20; j++) files[`src/m${j}.js`] = `// rev ${i}.${j}\nexport const v = ${i * 100 + j};\n`;
      if (i % 7 === 0) {
        const t = githubToken();
        secrets.push(t);
        files[`cfg/t${i}.env`] = `GITHUB_TOKEN=${t}\n`;
      }
      if (i === 30) files['cfg/aws.env'] = `AWS_ACCESS_KEY_ID=${awsKeyId('123456789012')}\n`;
      if (i === 40) files['cfg/acme.txt'] = 'token acme_0123456789abcdefghijklmn\n';
      // A CR in a path: rev-list prints it raw, so lines split on LF only.
      if (i === 45) files['cfg/cr\rname.env'] = `GITHUB_TOKEN=${githubToken()}\n`;
      r.commit(`c${i}`, files);
      if (i === 50) r.remove('cfg/t0.env');
    }
    const one = report(['scan', r.dir, '-f', 'json', '--workers', '1', '--show-secrets']);
    expect(one.code).toBe(1);
    for (const n of ['2', '5']) {
      const many = report(['scan', r.dir, '-f', 'json', '--workers', n, '--show-secrets']);
      expect(many.code).toBe(1);
      expect(many.rep).toEqual(one.rep);
      // The same bytes, not only the same values: keys in the same order.
      expect(JSON.stringify(many.rep)).toBe(JSON.stringify(one.rep));
    }
    const found = one.rep.findings.map((f: { secret: string }) => f.secret);
    for (const s of secrets) expect(found).toContain(s);
    expect(one.rep.findings.some((f: { ruleId: string }) => f.ruleId === 'acme-token')).toBe(true);
    expect(one.rep.findings.some((f: { location: { path: string } }) => f.location.path === 'cfg/cr\rname.env')).toBe(true);
    expect(one.rep.coverage.complete).toBe(true);
  });

  it('a missing blob is the same gap with workers, and everything else is still scanned', () => {
    const r = repo();
    const late = githubToken();
    r.commit('a', { 'gone.txt': 'some content that will be lost\n' });
    const gone = r.git('rev-parse', 'HEAD:gone.txt').trim();
    r.commit('b', { 'late.env': `T=${late}\n` });
    unlinkSync(join(r.dir, '.git', 'objects', gone.slice(0, 2), gone.slice(2)));
    const one = report(['scan', r.dir, '-f', 'json', '--workers', '1', '--show-secrets']);
    const two = report(['scan', r.dir, '-f', 'json', '--workers', '2', '--show-secrets']);
    expect(one.code).toBe(3);
    expect(two.code).toBe(3);
    expect(two.rep).toEqual(one.rep);
    expect(JSON.stringify(two.rep.coverage.gaps)).toContain(gone);
    expect(two.rep.findings.map((f: { secret: string }) => f.secret)).toContain(late);
  });

  it('missing objects and a missing commit are the same gaps with 1 and 2 workers, ids in sorted order', () => {
    const r = repo();
    r.commit('base', { 'a.txt': 'a\n' });
    const ids: string[] = [];
    for (let i = 0; i < 14; i++) {
      r.commit(`c${i}`, { [`f${i}.txt`]: `content ${i}\n` });
      ids.push(r.git('rev-parse', `HEAD:f${i}.txt`).trim());
    }
    for (const id of ids) unlinkSync(join(r.dir, '.git', 'objects', id.slice(0, 2), id.slice(2)));
    const one = report(['scan', r.dir, '-f', 'json', '--workers', '1']);
    const two = report(['scan', r.dir, '-f', 'json', '--workers', '2']);
    expect(one.code).toBe(3);
    expect(JSON.stringify(two.rep)).toBe(JSON.stringify(one.rep));
    const gap = one.rep.coverage.gaps.find((g: { scope: string }) => g.scope === 'git objects');
    expect(gap.reason).toContain(`14 object(s) missing or unreadable: ${[...ids].sort().slice(0, 10).join(', ')} (+4 more)`);
    // A missing commit stops git log too; with no hit to attach provenance to, neither reports it.
    // (Its own repository: once blobs are gone, git can no longer commit the index that names them.)
    const c = repo();
    for (let i = 0; i < 3; i++) c.commit(`c${i}`, { [`f${i}.txt`]: `content ${i}\n` });
    const middle = c.git('rev-parse', 'HEAD~1').trim();
    unlinkSync(join(c.dir, '.git', 'objects', middle.slice(0, 2), middle.slice(2)));
    const oneC = report(['scan', c.dir, '-f', 'json', '--workers', '1']);
    const twoC = report(['scan', c.dir, '-f', 'json', '--workers', '2']);
    expect(oneC.code).toBe(3);
    expect(twoC.rep.coverage.gaps).toEqual(oneC.rep.coverage.gaps);
  });

  it('one thread: a small history on the main thread, a larger one in a one-worker pool, with the same report', async () => {
    const r = repo();
    for (let i = 0; i < 12; i++) {
      const files: Record<string, string> = {};
      for (let j = 0; j < 30; j++) files[`src/m${j}.js`] = `// rev ${i}.${j}\nexport const v = ${i * 100 + j};\n`;
      if (i % 4 === 1) files[`cfg/t${i}.env`] = `GITHUB_TOKEN=${githubToken()}\n`;
      if (i === 6) files['cfg/aws.env'] = `AWS_ACCESS_KEY_ID=${awsKeyId('123456789012')}\n`;
      if (i === 3) files['gone.txt'] = 'content that will be lost\n';
      r.commit(`c${i}`, files);
      if (i === 8) r.remove('cfg/t1.env');
    }
    // A blob the walk names and cat-file cannot read: the same gap from either path.
    const gone = r.git('rev-parse', 'HEAD:gone.txt').trim();
    unlinkSync(join(r.dir, '.git', 'objects', gone.slice(0, 2), gone.slice(2)));
    const run = async (poolMinKib?: number) => {
      const timings: Record<string, number> = {};
      const rep = (await scan(r.dir, { workers: 1, poolMinKib, onTimings: (t) => Object.assign(timings, t) })) as unknown as Record<string, unknown>;
      const { generatedAt: _g, ...rest } = rep;
      const summary = { ...(rest.summary as Record<string, unknown>) };
      delete summary.durationMs;
      return { rep: { ...rest, summary } as Record<string, unknown>, workers: timings.scanWorkers };
    };
    const main = await run();
    const pooled = await run(0);
    expect(main.workers).toBe(0);
    expect(pooled.workers).toBe(1);
    expect(JSON.stringify(pooled.rep)).toBe(JSON.stringify(main.rep));
    expect((main.rep.findings as unknown[]).length).toBe(4);
    const coverage = main.rep.coverage as { complete: boolean; gaps: unknown[] };
    expect(coverage.complete).toBe(false);
    expect(JSON.stringify(coverage.gaps)).toContain(gone);
  });

  it('plans threads by packed size: auto uses the cores only past the threshold, and one worker is pooled past it', () => {
    const big = 64 * 1024;
    expect(threadPlan(big - 1, { auto: 8 })).toEqual({ workers: 1, small: true, pooled: false });
    expect(threadPlan(big, { auto: 8 })).toEqual({ workers: 8, small: false, pooled: true });
    expect(threadPlan(big, { auto: 1 })).toEqual({ workers: 1, small: false, pooled: true });
    expect(threadPlan(big, 1)).toEqual({ workers: 1, small: false, pooled: true });
    expect(threadPlan(big - 1, 1)).toEqual({ workers: 1, small: true, pooled: false });
    // An asked count is kept whatever the size; an unknown size is never pooled for one thread.
    expect(threadPlan(10, 3)).toEqual({ workers: 3, small: true, pooled: true });
    expect(threadPlan(null, { auto: 8 })).toEqual({ workers: 1, small: false, pooled: false });
    expect(threadPlan(null, 1)).toEqual({ workers: 1, small: false, pooled: false });
    expect(threadPlan(null, undefined)).toEqual({ workers: 1, small: false, pooled: false });
    expect(threadPlan(10, 1, 0)).toEqual({ workers: 1, small: true, pooled: true });
  });

  it('takes auto, and rejects a worker count that is not a whole number from 1 to 256', () => {
    expect(runCli(['scan', '.', '--workers', 'auto', '-f', 'json']).code).not.toBe(2);
    for (const bad of ['0', '-1', '1.5', 'many', '257']) {
      const r = runCli(['scan', '.', '--workers', bad]);
      expect(r.code, bad).toBe(2);
    }
  });
});
