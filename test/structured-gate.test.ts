import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../src/detect/structured/context.js';
import { mayHoldCredentialKey, scanStructured, scanStructuredUngated } from '../src/detect/structured/index.js';

// The key gate in front of the YAML, JSON and XML parsers (mayHoldCredentialKey) only saves time:
// whatever the parsers and the judge would report without it must still be reported with it.
// Checked on the config-leak corpus and on a matrix of keys, value shapes, formats and tiers
// built to sit on the gate's edges (quotes, escapes, comments, `:=`, values on the next line).

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const hitsOf = (text: string, path: string) => scanStructured(text, path).map((h) => `${h.ruleId} ${h.start}`);
const ungatedOf = (text: string, path: string) => scanStructuredUngated(text, path).map((h) => `${h.ruleId} ${h.start}`);

function files(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

describe('the key gate before the tree parsers', () => {
  it('loses no hit on the config-leak corpus', () => {
    const out = mkdtempSync(join(tmpdir(), 'gate-corpus-'));
    temps.push(out);
    const res = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'config-leaks', 'generate.mjs'), out], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    let withHits = 0;
    for (const file of files(out)) {
      const path = relative(out, file).replace(/^(?:positive|negative)\/[^/]+\//, '');
      const text = readFileSync(file, 'latin1');
      const ungated = ungatedOf(text, path);
      if (ungated.length) withHits++;
      expect(hitsOf(text, path), path).toEqual(ungated);
    }
    // Not vacuous: the corpus holds structured hits.
    expect(withHits).toBeGreaterThan(20);
  });

  const KEYS = [
    'password', 'DB_PASSWORD', 'db.password', 'dbPass', 'passwd', 'api_key', 'apiKey', 'secret_key_base', 'client_secret', 'auth_token',
    'token', 'auth', 'key', 'cookie_secret', 'salt', 'NONCE_SALT', 'credentials', 'password_hash', 'Set-Cookie', 'Authorization', 'oauth',
  ];
  const VALUES = [
    'Xk9#mQ2v!pL7', 'hunter2', 'password123', 'c2VjcmV0OnZhbHVlMTIzNDU2Nzg5MA==', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', '$6$rounds=5000$abcdefgh$Zx9Vq1',
    'a"b"c', "it's-Q9#x", 'Q9x#2 # trailing comment', 'x'.repeat(40), 'Tulip-Garden-14', 'a<b>c-9Kq', 'ab,cd-9Kq!ZZ',
  ];
  const yamlValue = (v: string): string[] => [v, `"${v.replace(/["\\]/g, '\\$&')}"`, `'${v.replace(/'/g, "''")}'`, `${v}  # note`, `|\n    ${v}`, `>-\n    ${v}`];
  const jsonValue = (v: string): string => JSON.stringify(v);
  const xmlEsc = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const PATHS = {
    yaml: ['config/values.yaml', 'settings.yml', 'tests/fixtures/app.yml', '.github/workflows/ci.yml'],
    json: ['appsettings.json', 'settings.json', 'test/fixtures/app.json'],
    xml: ['hibernate.cfg.xml', 'build.xml', 'tests/data/case.xml'],
  };

  function* matrix(): Generator<[string, string]> {
    for (const key of KEYS) {
      for (const value of VALUES) {
        for (const path of PATHS.yaml) {
          for (const v of yamlValue(value)) {
            yield [`app:\n  ${key}: ${v}\n`, path];
            yield [`- name: ${key}\n  value: ${v}\n`, path];
          }
          yield [`env:\n  - ${key}=${value}\n`, path];
          yield [`${key}:\n  github.com: ${value}\n`, path];
          yield [`flow: {${key}: ${jsonValue(value)}}\n`, path];
          yield [`registry:\n  DOCKER_AUTH_CONFIG: '{"auths":{"r.io":{"${key}":${jsonValue(value)}}}}'\n`, path];
        }
        for (const path of PATHS.json) {
          yield [`{"db": {"${key}": ${jsonValue(value)}}}`, path];
          yield [`{\n  "db": {\n    "${key}":\n      ${jsonValue(value)}\n  }\n}\n`, path];
          yield [`{"${key}": {"github.com": ${jsonValue(value)}}}`, path];
          yield [`[{"Name": "${key}", "Value": ${jsonValue(value)}}]`, path];
        }
        for (const path of PATHS.xml) {
          const v = xmlEsc(value);
          yield [`<config>\n  <${key.replace(/[^\w.-]/g, '')}>${v}</${key.replace(/[^\w.-]/g, '')}>\n</config>\n`, path];
          yield [`<config>\n  <property name="connection.${key}">${v}</property>\n</config>\n`, path];
          yield [`<config>\n  <add key="${key}" value="${v}"/>\n</config>\n`, path];
          yield [`<config>\n  <db ${key.replace(/[^\w.-]/g, '')}="${v}" host="h"/>\n</config>\n`, path];
          yield [`<config>\n  <${key.replace(/[^\w.-]/g, '')}>\n    ${v}\n  </${key.replace(/[^\w.-]/g, '')}>\n</config>\n`, path];
          yield [`<config><${key.replace(/[^\w.-]/g, '')}><![CDATA[${value}]]></${key.replace(/[^\w.-]/g, '')}></config>`, path];
        }
      }
    }
  }

  it('loses no hit on a matrix of keys, value shapes, formats and tiers', () => {
    let cases = 0;
    let hits = 0;
    let gatedOut = 0;
    for (const [text, path] of matrix()) {
      cases++;
      const ungated = ungatedOf(text, path);
      const gated = hitsOf(text, path);
      expect(gated, `${path}\n${text}`).toEqual(ungated);
      if (ungated.length) hits++;
      else if (gated.length === 0) gatedOut++;
    }
    // Not vacuous: many cases are hits, and many are not (so the gate had something to refuse).
    expect(cases).toBeGreaterThan(5000);
    expect(hits).toBeGreaterThan(500);
    expect(gatedOut).toBeGreaterThan(500);
  });

  it('refuses what cannot be a hit, so the parsers do not run, and passes what can', () => {
    const gate = (text: string, path: string) => mayHoldCredentialKey(text, classify(path, text)!);
    // Weak names in a strict file, a bare `key` outside a credential file, a constant value:
    // judge() reports none of them, and the gate says so before any parsing.
    const refused: Array<[string, string]> = [
      ['<case>\n<reply>\nSet-Cookie: sid=abcdefghijklmnop0123456789\nAuthorization: Basic dXNlcjpwYXNz\n</reply>\n</case>\n', 'tests/data/test1'],
      ['steps:\n  - uses: actions/checkout@v4\n    with:\n      persist-credentials: false\n', '.github/workflows/ci.yml'],
      ['map:\n  key: AbCdEfGhIjKlMnOpQrStUvWx0123\n', 'settings.yml'],
      ['{"password": "changeme", "token": "${TOKEN}"}', 'settings.json'],
    ];
    for (const [text, path] of refused) {
      expect(scanStructuredUngated(text, path), path).toEqual([]);
      expect(gate(text, path), path).toBe(false);
    }
    const passed: Array<[string, string]> = [
      ['<case>\n<password>Q9x#2vLm!8zR</password>\n</case>\n', 'tests/data/test2'],
      ['<add key="SmtpPassword" value="Xk9#mQ2v!pL7"/>', 'Web.config'],
      ['github-oauth:\n  github.com: Zq8LmN3pR7tV1xY5bC9dF2gH\n', 'auth.yml'],
    ];
    for (const [text, path] of passed) {
      expect(gate(text, path), path).toBe(true);
      expect(scanStructured(text, path).length, path).toBe(1);
    }
  });
});
