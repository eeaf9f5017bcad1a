// A history scan reads its blobs in the order git stores them (src/sources/git/store-order.ts):
// the reordering must hand every walked line to cat-file exactly once, whatever git's listing
// holds and however its output was cut into chunks, and the report must not depend on the order.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catFileArgs } from '../src/sources/git/cat-file.js';
import { HistorySource } from '../src/sources/git/history.js';
import { HeldWalk, inStoreOrder, StoreOrder } from '../src/sources/git/store-order.js';
import { tempRepos } from './helpers/git.js';
import { scan } from './helpers/scan.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

const repo = tempRepos();
const hex = (n: number) => n.toString(16).padStart(40, '0');
const buf = (s: string) => Buffer.from(s, 'latin1');

/** Every line a held walk hands out, in order. */
function linesOf(held: HeldWalk, bytes?: number): string[] {
  return [...held.pieces(bytes)].flat();
}

/** `text` cut into chunks at the given sizes, cycling. */
function chunked(text: string, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < text.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(buf(text.slice(at, at + n)));
    at += n;
  }
  return out;
}

/** A small deterministic generator, so a failure can be rerun. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('inStoreOrder', () => {
  it('puts the lines in the listing order, keeps unlisted ones after in walk order, and passes missing ids on', () => {
    const walk = [`${hex(1)} a.txt`, `?${hex(9)}`, `${hex(2)} dir/b c.txt`, hex(3), '', `${hex(4)} d`, `${hex(5)} e`].join('\n');
    // 5 is not listed; 7 is listed but not walked; 2 is listed twice.
    const stored = [hex(4), hex(7), hex(2), hex(1), hex(2), hex(3)].join('\n') + '\n';
    const missing: string[] = [];
    const held = inStoreOrder([buf(walk)], [buf(stored)], (id) => missing.push(id));
    expect(linesOf(held)).toEqual([`${hex(4)} d`, `${hex(2)} dir/b c.txt`, `${hex(1)} a.txt`, hex(3), `${hex(5)} e`]);
    expect(missing).toEqual([hex(9)]);
    // Each id's place among the walk's kept lines (the missing and the empty line are not lines).
    const index = held.walkIndexOf(new Set([hex(1), hex(2), hex(3), hex(4), hex(5), hex(7)]));
    expect(Object.fromEntries(index)).toEqual({ [hex(1)]: 0, [hex(2)]: 1, [hex(3)]: 2, [hex(4)]: 3, [hex(5)]: 4 });
  });

  it('gives the same lines however git cut its output, and loses or repeats none', () => {
    const rand = prng(42);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rand() * 60);
      const lines = Array.from({ length: n }, (_, i) => (rand() < 0.2 ? hex(i + 1) : `${hex(i + 1)} p/${i} ${'x'.repeat(Math.floor(rand() * 30))}`));
      const order = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
      const listed = order.filter(() => rand() < 0.8).map((i) => hex(i + 1));
      const walkText = lines.join('\n') + (rand() < 0.5 ? '\n' : '');
      const storedText = listed.join('\n') + '\n';
      const whole = linesOf(inStoreOrder([buf(walkText)], [buf(storedText)], () => undefined));
      const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(rand() * 50));
      const cut = inStoreOrder(chunked(walkText, sizes), chunked(storedText, sizes.reverse()), () => undefined);
      expect(linesOf(cut, 1 + Math.floor(rand() * 100))).toEqual(whole);
      expect([...whole].sort()).toEqual([...lines].sort());
      // Listed lines first, in the listing's order.
      expect(whole.slice(0, listed.length).map((l) => l.slice(0, 40))).toEqual(listed);
    }
  });

  it("drops the lines of objects listed as trees, commits or tags, and keeps blobs, unreadable and untyped ones", () => {
    const walk = [hex(1), `${hex(2)} `, `${hex(3)} src`, `${hex(4)} src/a.js`, `${hex(5)} v1.0`, `${hex(6)} b.txt`, `${hex(7)} unlisted`, `${hex(9)} corrupt.txt`, `${hex(10)} old`].join('\n');
    // git lists a corrupt loose object as `missing`: reading it is what reports it, so it is kept.
    const stored = [`${hex(6)} blob`, `${hex(1)} commit`, `${hex(3)} tree`, `${hex(9)} missing`, `${hex(2)} tree`, `${hex(5)} tag`, `${hex(4)} blob`, hex(10), hex(8)].join('\n') + '\n';
    const held = inStoreOrder([buf(walk)], [buf(stored)], () => undefined);
    expect(linesOf(held)).toEqual([`${hex(6)} b.txt`, `${hex(9)} corrupt.txt`, `${hex(4)} src/a.js`, `${hex(10)} old`, `${hex(7)} unlisted`]);
    // Walk order is still known for what is kept (toWalkOrder sorts hits by it).
    expect(Object.fromEntries(held.walkIndexOf(new Set([hex(4), hex(6), hex(7), hex(9)])))).toEqual({ [hex(4)]: 3, [hex(6)]: 5, [hex(7)]: 6, [hex(9)]: 7 });
  });

  it('hands out an empty walk as no lines', () => {
    expect(linesOf(inStoreOrder([], [buf(`${hex(1)}\n`)], () => undefined))).toEqual([]);
  });
});

describe('StoreOrder', () => {
  it("lists every object of a repository once, packed and loose, as git's own listing does", async () => {
    const r = repo();
    for (let i = 0; i < 5; i++) r.commit(`c${i}`, { [`f${i}.txt`]: `content ${i}\n`, 'shared.txt': `v${i}\n` });
    r.git('gc', '-q');
    r.commit('loose', { 'new.txt': 'after the pack\n' });
    const ids = (await new StoreOrder(r.dir).take())!.map((c) => c.toString('latin1')).join('').trim().split('\n');
    // With each object's type: what lets one walk of every object be split into its blobs.
    const all = r.git('cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)').trim().split('\n');
    expect(ids.length).toBe(all.length);
    expect([...ids].sort()).toEqual([...all].sort());
  });

  it('gives no order for a directory that is not a repository, or a listing over its bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-test-'));
    expect(await new StoreOrder(dir).take()).toBeNull();
    const r = repo();
    r.commit('a', { 'a.txt': 'a\n' });
    expect(await new StoreOrder(r.dir, 10).take()).toBeNull();
    expect(await new StoreOrder(r.dir).take()).not.toBeNull();
    // The index started beside the walk gives no order in the same cases.
    expect(await new StoreOrder(dir).index()).toBeNull();
    expect(await new StoreOrder(r.dir, 10).index()).toBeNull();
  });

  it('indexes the listing as soon as git has written it, and hands the index out once', async () => {
    const r = repo();
    r.commit('a', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const order = new StoreOrder(r.dir);
    order.startIndex();
    const walk = r.git('rev-list', '--objects', '--all');
    const index = await order.index();
    expect(index!.size).toBe(r.git('cat-file', '--batch-all-objects', '--batch-check').trim().split('\n').length);
    // Split by type: only the two blobs of the walk are kept.
    const held = inStoreOrder([buf(walk)], index!, () => undefined);
    expect(linesOf(held).map((l) => l.split(' ')[1]).sort()).toEqual(['a.txt', 'b.txt']);
    // Not kept for the rest of the scan by the order that made it.
    expect(await order.index()).toBeNull();
  });

  it('drops an index already built when the order is cancelled (the walk keeps the order to stop it)', async () => {
    const r = repo();
    r.commit('a', { 'a.txt': 'a\n' });
    const order = new StoreOrder(r.dir);
    order.startIndex();
    // git's listing has been written and read: the index is being built or built.
    const child = (order as unknown as { out: { child: import('node:child_process').ChildProcess } }).out.child;
    if (child.exitCode === null) await new Promise((done) => child.once('close', done));
    await new Promise((done) => setTimeout(done, 20));
    order.cancel();
    expect(await order.index()).toBeNull();
  });
});

describe('history in store order', () => {
  it('gives the same report in store order as streamed in walk order, with 1 and 2 workers', async () => {
    const r = repo();
    const planted: string[] = [];
    for (let i = 0; i < 40; i++) {
      const files: Record<string, string> = {};
      for (let j = 0; j < 15; j++) files[`src/m${j}.js`] = `// rev ${i}.${j}\n${'export const v = 1;\n'.repeat(j + 1)}`;
      if (i % 6 === 0) {
        const t = githubToken();
        planted.push(t);
        // The same token under two paths and in a later version: which hit comes first matters.
        files[`cfg/t${i}.env`] = `GITHUB_TOKEN=${t}\n`;
        files[`cfg/copy${i}.sh`] = `export GITHUB_TOKEN=${t}\n`;
      }
      if (i === 20) files['cfg/aws.env'] = `AWS_ACCESS_KEY_ID=${awsKeyId('123456789012')}\n`;
      r.commit(`c${i}`, files);
      // Half of it packed, half loose: the listing has both.
      if (i === 20) r.git('gc', '-q');
    }
    const strip = (rep: Awaited<ReturnType<typeof scan>>): Record<string, unknown> => {
      const { generatedAt: _g, ...rest } = rep as unknown as Record<string, unknown>;
      const summary = { ...(rest.summary as Record<string, unknown>) };
      delete summary.durationMs;
      return { ...rest, summary };
    };
    const streamed = strip(await scan(r.dir, { workers: 1, storeOrderBound: 0 }));
    for (const workers of [1, 2]) {
      expect(strip(await scan(r.dir, { workers }))).toEqual(streamed);
      expect(strip(await scan(r.dir, { workers, storeOrderBound: 0 }))).toEqual(streamed);
    }
    const found = (streamed.findings as Array<{ secret: string }>).map((f) => f.secret);
    for (const t of planted) expect(found).toContain(t);
    expect((streamed.coverage as { complete: boolean }).complete).toBe(true);
  });

  it('reports a secret seen both plain and base64-encoded the same, whichever copy is read first', async () => {
    const r = repo();
    // 24 pairs: store order (hash order for loose objects) agrees with walk order for all of them
    // with odds of 2^-24, so the check below holds.
    const tokens = Array.from({ length: 24 }, () => githubToken());
    tokens.forEach((t, i) => r.commit(`plain ${i}`, { [`plain${i}.env`]: `GITHUB_TOKEN=${t}\n` }));
    tokens.forEach((t, i) => r.commit(`encoded ${i}`, { [`enc${i}.txt`]: `${Buffer.from(`GITHUB_TOKEN=${t}\n`).toString('base64')}\n` }));
    // Which copy comes first decides whether the finding says `decoded`: the test means something
    // only if store order and walk order disagree for some pair, so check that they do.
    const order = async (bound?: number) => {
      const source = new HistorySource(r.dir, { maxFileSize: 1 << 20, allObjects: false, storeOrderBound: bound });
      const paths: string[] = [];
      for await (const item of source.items()) paths.push(item.path);
      return paths;
    };
    const stored = await order();
    const walked = await order(0);
    const first = (paths: string[], i: number) => paths.indexOf(`plain${i}.env`) < paths.indexOf(`enc${i}.txt`);
    expect(tokens.some((_, i) => first(stored, i) !== first(walked, i))).toBe(true);
    const decodedOf = async (opts: { workers: number; storeOrderBound?: number }) =>
      Object.fromEntries((await scan(r.dir, opts)).findings.map((f) => [(f as { secret: string }).secret, (f as { decoded?: unknown }).decoded ?? null]));
    const expected = await decodedOf({ workers: 1, storeOrderBound: 0 });
    expect(Object.keys(expected).sort()).toEqual([...tokens].sort());
    expect(await decodedOf({ workers: 1 })).toEqual(expected);
    expect(await decodedOf({ workers: 2 })).toEqual(expected);
  });

  it('holds a walk that fits and streams one over the bound', async () => {
    const r = repo();
    for (let i = 0; i < 3; i++) r.commit(`c${i}`, { [`f${i}.txt`]: `content ${i}\n` });
    const drain = async (bound?: number) => {
      const source = new HistorySource(r.dir, { maxFileSize: 1 << 20, allObjects: false, storeOrderBound: bound });
      const paths: string[] = [];
      for await (const item of source.items()) paths.push(item.path);
      return { ordered: source.storeOrdered, paths: paths.sort(), gaps: source.gaps };
    };
    const held = await drain();
    const streamed = await drain(0);
    expect(held.ordered).toBe(true);
    expect(streamed.ordered).toBe(false);
    expect(held.paths).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(streamed.paths).toEqual(held.paths);
    expect(held.gaps).toEqual([]);
    expect(streamed.gaps).toEqual([]);
  });

  it('one walk of every object or two walks of blobs and trees: the same blobs, and a missing tree is a gap either way', async () => {
    const r = repo();
    r.commit('a', { 'dir/sub/a.txt': 'a\n', 'b.txt': 'b\n' });
    r.commit('b', { 'dir/sub/a.txt': 'a2\n', 'other/c.txt': 'c\n' });
    const tree = r.git('rev-parse', 'HEAD~1:dir/sub').trim();
    const read = async (bound?: number) => {
      const source = new HistorySource(r.dir, { maxFileSize: 1 << 20, allObjects: false, storeOrderBound: bound });
      const paths: string[] = [];
      for await (const item of source.items()) paths.push(item.path);
      // Held and put in store order only by the one walk here (the bound of 0 streams the two).
      expect(source.storeOrdered).toBe(bound === undefined);
      return { paths: paths.sort(), gaps: source.gaps.map((g) => `${g.scope}: ${g.reason}`) };
    };
    const one = await read();
    const two = await read(0);
    expect(one.paths).toEqual(['b.txt', 'dir/sub/a.txt', 'dir/sub/a.txt', 'other/c.txt']);
    expect(two).toEqual(one);
    expect(one.gaps).toEqual([]);
    unlinkSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const oneMissing = await read();
    const twoMissing = await read(0);
    expect(oneMissing.gaps.join('\n')).toContain(tree);
    expect(twoMissing).toEqual(oneMissing);
    expect(oneMissing.paths).toEqual(['b.txt', 'dir/sub/a.txt', 'other/c.txt']);
  });

  it('starts over with two walks when the one walk outgrows the bound git\'s count promised it would fit in', async () => {
    const r = repo();
    // Paths far longer than the 64 bytes an object is taken to cost: the count says the walk fits,
    // the walk itself does not.
    const long = (i: number) => `${'d'.repeat(120)}/${'f'.repeat(100)}${i}.txt`;
    r.commit('a', Object.fromEntries([0, 1, 2, 3].map((i) => [long(i), `content ${i}\n`])));
    const objects = Number(/^count: (\d+)$/m.exec(r.git('count-objects', '-v'))![1]);
    const source = new HistorySource(r.dir, { maxFileSize: 1 << 20, allObjects: false, storeOrderBound: objects * 64 });
    const paths: string[] = [];
    for await (const item of source.items()) paths.push(item.path);
    expect(paths.sort()).toEqual([0, 1, 2, 3].map(long));
    expect(source.gaps).toEqual([]);
    // The blob walk alone is still over the bound: it streamed in walk order.
    expect(source.storeOrdered).toBe(false);
  });

  it("gives cat-file the walks' small caches in store order only", () => {
    expect(catFileArgs(true).slice(0, 4)).toEqual(['-c', 'core.deltaBaseCacheLimit=8m', '-c', 'core.packedGitLimit=32m']);
    expect(catFileArgs(false)[0]).toBe('cat-file');
  });
});
