import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Data flows one way (sources -> detect -> score -> report -> remediate), and src/cloud/aws holds
// every AWS call, each wrapped once. A structure test, so a second wrapper or a back-import fails CI.
const SRC = join(process.cwd(), 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const all = files(SRC).map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }));

describe('AWS layering', () => {
  it('src/cloud/aws imports nothing from score, report, remediate or cli', () => {
    const back = all.filter((f) => f.file.startsWith('cloud/aws/') && /from '\.\.\/\.\.\/(score|report|remediate|cli)\//.test(f.text)).map((f) => f.file);
    expect(back).toEqual([]);
  });

  it('every AWS SDK client and command is imported inside src/cloud/aws only', () => {
    const outside = all.filter((f) => !f.file.startsWith('cloud/aws/') && /from '@aws-sdk\/client-/.test(f.text)).map((f) => f.file);
    expect(outside).toEqual([]);
  });

  it('each AWS call is sent from one wrapper', () => {
    const sites = new Map<string, string[]>();
    for (const f of all) for (const m of f.text.matchAll(/\.send\(new (\w+)Command\(/g)) sites.set(m[1]!, [...(sites.get(m[1]!) ?? []), f.file]);
    // GetCallerIdentity has a second site on purpose: verifying a newly created key needs a client signed with that key.
    const extra: Record<string, number> = { GetCallerIdentity: 1 };
    const twice = [...sites].filter(([op, at]) => at.length > 1 + (extra[op] ?? 0));
    expect(twice).toEqual([]);
    for (const op of ['ListAccessKeys', 'GetAccessKeyLastUsed', 'ListAccounts', 'AssumeRole']) expect(sites.get(op), op).toHaveLength(1);
  });
});
