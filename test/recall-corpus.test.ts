// The self-made config-leak corpus (fixtures/config-leaks) that bench/recall.mjs measures.
// SELF-MADE: a regression check on our own examples, not evidence of recall on real leaks. These
// tests keep it honest as a measuring tool: the generator is deterministic, the committed corpus is
// what it writes, every label points at a real value on a real line, and the values are valid for
// their kind (so a rule that rejects them is wrong, not the corpus).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsAccountFromKeyId } from '../src/detect/validators/aws.js';
import { crc32TokenChecksum } from '../src/detect/validators/checksum.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'config-leaks');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function generate(): string {
  const out = mkdtempSync(join(tmpdir(), 'config-leaks-'));
  temps.push(out);
  const res = spawnSync(process.execPath, [join(dir, 'generate.mjs'), out], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return out;
}

/** Every file under root, by relative path, with its bytes. */
function tree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else files.set(relative(root, abs), readFileSync(abs));
    }
  };
  walk(root);
  return files;
}

interface Label { path: string; line: number; column: number; length: number; class: string; what: string; family: string; binary?: boolean }
interface NearMiss { path: string; line: number; class: string; what: string }
const jsonl = <T>(file: string): T[] => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const labels = jsonl<Label>('labels.jsonl');
const nearMisses = jsonl<NearMiss>('near-misses.jsonl');
const lineOf = (path: string, line: number): string | undefined =>
  readFileSync(join(dir, 'corpus', path)).toString('latin1').split('\n')[line - 1];
const valueOf = (l: Label): string => lineOf(l.path, l.line)!.slice(l.column - 1, l.column - 1 + l.length);

// The classes of issue 11, each of which must have positives and near-miss negatives.
const CLASSES = ['yaml', 'properties', 'xml', 'ini-toml', 'json', 'shell-env', 'github-legacy', 'aws-secret-38', 'url', 'framework', 'tool-config', 'docker-auths', 'password-hash', 'binary'];

describe('self-made config-leak corpus (regression, not evidence)', () => {
  it('is written the same way twice, and the committed copy is what the generator writes', () => {
    const a = tree(generate());
    const b = tree(generate());
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [p, data] of a) expect(data.equals(b.get(p)!), p).toBe(true);
    const committed = tree(dir);
    committed.delete('generate.mjs');
    expect([...committed.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [p, data] of a) expect(data.equals(committed.get(p)!), `${p} differs: rerun node fixtures/config-leaks/generate.mjs`).toBe(true);
  });

  it('labels point at a whole value on a line that exists', () => {
    expect(labels.length).toBeGreaterThan(150);
    for (const l of labels) {
      const where = `${l.path}:${l.line} (${l.what})`;
      const line = lineOf(l.path, l.line);
      expect(line, where).toBeDefined();
      expect(l.column + l.length - 1, where).toBeLessThanOrEqual(line!.length);
      const v = valueOf(l);
      expect(v, where).toMatch(/^\S(?:.*\S)?$/s);
      if (l.binary) continue;
      // A whole value: the characters around it end it (quote, separator, space, end of line).
      const before = line![l.column - 2] ?? '';
      const after = line![l.column - 1 + l.length] ?? '';
      expect(before, where).toMatch(/^(?:|[\s"'=:>(,@])$/);
      expect(after, where).toMatch(/^(?:|[\s"'<;,):@]|"""|\?)/);
    }
  });

  it('near misses point at lines that exist, and no label shares a line with one', () => {
    const labelled = new Set(labels.map((l) => `${l.path}:${l.line}`));
    for (const n of nearMisses) {
      expect(lineOf(n.path, n.line)?.trim(), `${n.path}:${n.line}`).toBeTruthy();
      expect(labelled.has(`${n.path}:${n.line}`), `${n.path}:${n.line}`).toBe(false);
    }
    expect(labels.some((l) => l.path.startsWith('negative/'))).toBe(false);
  });

  it('covers every class of the issue with positives and near misses', () => {
    for (const c of CLASSES) {
      expect(labels.filter((l) => l.class === c).length, c).toBeGreaterThanOrEqual(4);
      expect(nearMisses.filter((n) => n.class === c).length, c).toBeGreaterThanOrEqual(1);
    }
  });

  it('holds values that are valid for their kind', () => {
    let checked = 0;
    for (const l of labels) {
      const v = valueOf(l);
      const where = `${l.path}:${l.line} (${l.what})`;
      for (const prefix of ['ghp_', 'npm_']) {
        if (v.startsWith(prefix)) expect(crc32TokenChecksum(prefix)(v).valid, where).toBe(true);
      }
      if (/^AKIA/.test(v)) expect(awsAccountFromKeyId(v), where).toMatch(/^\d{12}$/);
      if (l.class === 'aws-secret-38') expect(v, where).toMatch(/^[A-Za-z0-9/+]{38}$/);
      if (l.class === 'github-legacy' || /40 hex/.test(l.what)) expect(v, where).toMatch(/^[0-9a-f]{40}$/);
      if (l.class === 'docker-auths' && !/dockerconfigjson/.test(l.what)) {
        expect(Buffer.from(v, 'base64').toString('utf8'), where).toMatch(/^[^:\s]+:\S{8,}$/);
      }
      if (l.class === 'password-hash') {
        expect(v, where).toMatch(
          /^(?:\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{85}[./01]|\$5\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{42}[./0-9A-D]|\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}|\$(?:1|apr1)\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{21}[./01]|\$2[aby]\$\d\d\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{30}[.Oeu]|\{SHA\}[A-Za-z0-9+/]{27}=|pbkdf2_sha256\$\d+\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=)$/,
        );
      }
      if (/^WordPress (?!DB_)/.test(l.what)) expect(v, where).toHaveLength(64);
      if (/APP_KEY=base64/.test(l.what)) expect(Buffer.from(v.slice(7), 'base64')).toHaveLength(32);
      checked++;
    }
    expect(checked).toBe(labels.length);
  });
});
