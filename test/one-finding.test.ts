import { describe, expect, it } from 'vitest';
import { builtinRules } from '../src/detect/rules/index.js';
import { runCli, tempRepos } from './helpers/git.js';

// The key file rules say "this file is a key"; when the content rule reported the key itself, that
// is the finding. On curl's history 105 of 181 findings were such copies.
const pem = builtinRules.find((r) => r.id === 'private-key')!.examples.positive[0]!.text;

describe('one secret, one finding', () => {
  const repos = tempRepos();

  it('reports a .pem holding a private key once, as the key', () => {
    const repo = repos();
    repo.commit('tls', { 'certs/server.pem': `${pem}\n` });
    const r = runCli(['scan', repo.dir, '-f', 'json']);
    expect(r.code).toBe(1);
    const ids = (JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId);
    expect(ids).toEqual(['private-key']);
  });

  it('keeps the file finding when no content rule reported what it holds', () => {
    const repo = repos();
    repo.commit('ks', { 'certs/server.pem': '-----BEGIN PRIVATE KEY-----\n(truncated)\n' });
    const r = runCli(['scan', repo.dir, '-f', 'json']);
    const ids = (JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId);
    expect(ids).toEqual(['file-pem-private-key']);
  });
});
