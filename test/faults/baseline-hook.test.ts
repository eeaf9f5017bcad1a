// Fault suite: baseline files and flags, and the hook installer, keep the contract.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepos } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const repo = tempRepos();

describe('a baseline that is not a baseline is a usage error (exit 2), never "unexpected"', () => {
  for (const [name, text] of [
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['an entry that is null', '{"entries": [null]}'],
  ] as const) {
    it(name, async () => {
      const r = repo();
      r.commit('init', { 'a.txt': 'nothing\n' });
      writeFileSync(join(r.dir, 'b.json'), text);
      expectContract(await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']), { code: 2, says: /b\.json/ });
    });
  }

  it('invalid JSON holding a token: the parser\'s snippet is not echoed', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    const token = githubToken();
    writeFileSync(join(r.dir, 'b.json'), `{"entries": [${token}]}`);
    const run = await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']);
    expectContract(run, { code: 2, secrets: [token], says: /not valid JSON/ });
    // --debug adds the stack, and still no value.
    const debug = await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/at parseBaseline/);
    expect(debug.stderr.includes(token)).toBe(false);
  });

  it('an expiry that is no calendar date is refused, in the flag and in the file', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    expectContract(await cli(['baseline', 'create', r.dir, '--expires', '2027-13-45']), { code: 2, says: /--expires/ });
    writeFileSync(join(r.dir, 'b.json'), '{"entries": [{"fingerprint": "x", "ruleId": "y", "expires": "2027-02-30"}]}');
    expectContract(await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']), { code: 2, says: /invalid "expires"/ });
    const ok = await cli(['baseline', 'create', r.dir, '--expires', '2028-02-29']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('hook install', () => {
  it('an existing hook it cannot read is named with its error, not "unexpected"', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    mkdirSync(join(r.dir, '.git', 'hooks', 'pre-commit'), { recursive: true });
    expectContract(await cli(['hook', 'install', r.dir]), { code: 3, says: /cannot read the existing hook .*pre-commit: EISDIR/ });
  });
});
