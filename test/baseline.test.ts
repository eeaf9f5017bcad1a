import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, mergeBaseline } from '../src/baseline.js';
import type { Report } from '../src/model.js';
import { runCli, tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

const repo = tempRepos();

const json = (stdout: string): Report => JSON.parse(stdout) as Report;

describe('baseline', () => {
  it('create, then scan reports only new findings; moving lines does not churn it', () => {
    const r = repo();
    const known = githubToken();
    r.commit('known', { 'a.env': `T=${known}\n` });
    const created = runCli(['baseline', 'create', r.dir, '--reason', 'test fixture', '--author', 'sec-team']);
    expect(created.code).toBe(0);
    const file = join(r.dir, '.nhiscan-baseline.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({ ruleId: 'github-personal-access-token', path: 'a.env', reason: 'test fixture', author: 'sec-team' });
    expect(readFileSync(file, 'utf8')).not.toContain(known);

    // Same secret, moved to other lines and another file: still known.
    r.commit('move it', { 'a.env': `# header\n\n\nT=${known}\n`, 'b.env': `X=1\nT=${known}\n` });
    const clean = runCli(['scan', r.dir, '-f', 'json']);
    expect(clean.code).toBe(0);
    expect(json(clean.stdout).baseline).toMatchObject({ suppressed: 1, stale: [], expired: [] });

    const fresh = githubToken('gho_');
    r.commit('new leak', { 'c.env': `T=${fresh}\n` });
    const next = runCli(['scan', r.dir, '-f', 'json']);
    expect(next.code).toBe(1);
    expect(json(next.stdout).findings.map((f) => f.ruleId)).toEqual(['github-oauth-access-token']);
    // The pre-commit path honours it too.
    r.write('d.env', `T=${known}\n`);
    r.git('add', 'd.env');
    expect(runCli(['scan', '--staged', '-f', 'json'], { cwd: r.dir }).code).toBe(0);
  });

  it('reports stale entries on full scans only, and expired entries as new findings', () => {
    const r = repo();
    const t = githubToken();
    r.commit('leak', { 'a.env': `T=${t}\n` });
    const file = join(r.dir, 'base.json');
    expect(runCli(['baseline', 'create', r.dir, '--file', file, '--expires', '2000-01-01']).code).toBe(0);
    const expired = json(runCli(['scan', r.dir, '-f', 'json', '-b', file]).stdout);
    expect(expired.findings).toHaveLength(1);
    expect(expired.baseline?.expired).toHaveLength(1);

    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.entries.push({ fingerprint: 'f'.repeat(32), ruleId: 'aws-secret-access-key', path: 'gone.env', added: '2024-01-01' });
    delete doc.entries[0].expires;
    writeFileSync(file, JSON.stringify(doc));
    const full = json(runCli(['scan', r.dir, '-f', 'json', '-b', file]).stdout);
    expect(full.findings).toHaveLength(0);
    expect(full.baseline?.stale.map((e) => e.path)).toEqual(['gone.env']);
    const partial = json(runCli(['scan', r.dir, '-f', 'json', '-b', file, '--since', 'HEAD~0']).stdout);
    expect(partial.baseline?.stale).toEqual([]);
    const text = runCli(['scan', r.dir, '-f', 'text', '-b', file]).stdout;
    expect(text).toMatch(/\(stale\): aws-secret-access-key at gone\.env/);
  });

  it('update keeps reasons, adds new findings and drops entries no longer seen', () => {
    const report = (fps: string[]) => ({ findings: fps.map((fp) => ({ kind: 'secret', fingerprint: fp, ruleId: 'r', location: { path: 'p' } })) }) as unknown as Report;
    const previous = [
      { fingerprint: 'a', ruleId: 'r', path: 'p', added: '2024-01-01', reason: 'accepted risk' },
      { fingerprint: 'gone', ruleId: 'r', path: 'p', added: '2024-01-01' },
    ];
    const merged = mergeBaseline(report(['a', 'b']), previous, { reason: 'new' }, false, '2026-01-01');
    expect(merged).toMatchObject({ added: 1, removed: 1 });
    expect(merged.entries.map((e) => [e.fingerprint, e.reason])).toEqual([
      ['a', 'accepted risk'],
      ['b', 'new'],
    ]);
    expect(mergeBaseline(report(['a']), previous, {}, true).entries).toHaveLength(2);
    const applied = applyBaseline(report(['a', 'b']).findings, { file: 'x', entries: merged.entries }, true);
    expect(applied.findings).toEqual([]);
  });

  it('refuses to overwrite with create, rejects a malformed file with exit 2', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    expect(runCli(['baseline', 'create', r.dir]).code).toBe(0);
    expect(runCli(['baseline', 'create', r.dir]).code).toBe(2);
    writeFileSync(join(r.dir, 'bad.json'), '{"entries": [{"ruleId": 1}]}');
    const bad = runCli(['scan', r.dir, '-b', join(r.dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: entry 1 needs "fingerprint" and "ruleId"/);
  });
});

describe('config: custom rules and line allowlists', () => {
  it('adds a rule from [[rule]], and line regexes silence matching lines in every mode', () => {
    const r = repo();
    writeFileSync(
      join(r.dir, '.nhiscan.toml'),
      ['[allowlist]', 'lines = ["EXAMPLE_ONLY"]', '', '[[rule]]', 'id = "acme-token"', 'title = "ACME internal token"', 'severity = "critical"', "regex = 'acme_[a-z0-9]{24}'", 'keywords = ["acme_"]'].join('\n'),
    );
    const t = githubToken();
    r.commit('x', { 'a.env': `ACME=acme_${'k3'.repeat(12)}\nT=${t} # EXAMPLE_ONLY\n` });
    const report = json(runCli(['scan', r.dir, '-f', 'json', '--show-secrets']).stdout);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['acme-token']);
    expect(report.findings[0]!.severity).toBe('critical');
    const dir = json(runCli(['scan', r.dir, '--no-git', '-f', 'json']).stdout);
    expect(dir.findings.map((f) => f.ruleId)).toEqual(['acme-token']);
  });

  it('rejects a custom rule without a regex, naming file and line', () => {
    const r = repo();
    writeFileSync(join(r.dir, '.nhiscan.toml'), '\n[[rule]]\nid = "x"\n');
    const res = runCli(['scan', r.dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/\.nhiscan\.toml:3: \[\[rule\]\] x needs a string "regex"/);
  });
});
