// Help and options (issue 13): every command's --help has examples that parse, -f is --format
// everywhere, -p/-r as Prowler has them, errors point at the subcommand's own help, and --fail-on
// gates the demo.
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { runCli, TempRepo } from './helpers/git.js';

let program: Command;
beforeAll(async () => {
  program = await buildProgram(() => undefined);
});

/** Every command below the program, with its path (`baseline create`), commander's own `help` left out. */
function walk(c: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return c.commands
    .filter((s) => s.name() !== 'help')
    .flatMap((s) => [{ path: [...path, s.name()], cmd: s }, ...walk(s, [...path, s.name()])]);
}

/** The command an example line runs (`nhiscan baseline create --force` → baseline create) and its flags. */
function parseExample(line: string): { cmd: Command; path: string[]; flags: string[] } {
  const words = line.replace(/\s+#\s.*$/, '').trim().split(/\s+/);
  const start = words.indexOf('nhiscan');
  expect(start, `an example that does not run nhiscan: ${line}`).toBeGreaterThanOrEqual(0);
  let cmd = program;
  const path: string[] = [];
  let i = start + 1;
  for (; i < words.length; i++) {
    const sub = cmd.commands.find((s) => s.name() === words[i]);
    if (!sub) break;
    cmd = sub;
    path.push(words[i]!);
  }
  const rest = words.slice(i);
  const end = rest.findIndex((w) => w === '|' || w.startsWith('>'));
  const flags = (end < 0 ? rest : rest.slice(0, end)).filter((w) => /^-[a-zA-Z-]/.test(w)).map((w) => w.split('=')[0]!);
  return { cmd, path, flags };
}

function examplesOf(help: string): string[] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  return help
    .slice(at + '\nExamples:\n'.length)
    .split('\n')
    .filter((l) => l.startsWith('  nhiscan') || /^ {2}\S.*\| nhiscan/.test(l))
    .map((l) => l.trim());
}

describe('--help', () => {
  it('every command, and the program, shows examples; each example names a real command and only its real flags', () => {
    const all = [{ path: [] as string[], cmd: program }, ...walk(program)];
    expect(all.length).toBeGreaterThan(20);
    for (const { path } of all) {
      const r = runCli([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      const examples = examplesOf(r.stdout);
      expect(examples.length, `nhiscan ${path.join(' ')} --help has no examples`).toBeGreaterThan(0);
      for (const line of examples) {
        const { cmd, path: ran, flags } = parseExample(line);
        // A group alone would only print "needs a command": every example runs a command with an action.
        expect(cmd.commands.filter((s) => s.name() !== 'help'), `example runs a group: ${line}`).toHaveLength(0);
        expect(ran.length, line).toBeGreaterThan(0);
        const known = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
        for (const f of flags) expect(known.has(f), `${f} is not an option of nhiscan ${ran.join(' ')} (in: ${line})`).toBe(true);
      }
    }
  });

  it('`nhiscan help <command>` shows the same examples', () => {
    const r = runCli(['help', 'scan']);
    expect(r.code).toBe(0);
    expect(examplesOf(r.stdout)).toEqual(examplesOf(runCli(['scan', '--help']).stdout));
  });

  it('--regions says it concerns Secrets Manager, and that IAM is global', () => {
    const help = runCli(['aws', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--regions <list> regions whose Secrets Manager secrets are listed.*IAM is global/);
    expect(help).toMatch(/--all-regions list Secrets Manager secrets in every region/);
  });
});

describe('short flags mean the same thing everywhere', () => {
  it('-f is --format in every command that has either, and nothing else', () => {
    let formats = 0;
    for (const { path, cmd } of walk(program)) {
      for (const o of cmd.options) {
        if (o.short === '-f' || o.long === '--format') {
          formats++;
          expect([o.short, o.long], path.join(' ')).toEqual(['-f', '--format']);
        }
      }
    }
    expect(formats).toBeGreaterThan(5);
  });

  it('-p is --profile and -r is --region wherever AWS is called', () => {
    const aws = walk(program).filter(({ cmd }) => cmd.options.some((o) => o.long === '--profile'));
    expect(aws.map(({ path }) => path.join(' '))).toEqual(expect.arrayContaining(['aws', 'audit', 'demo', 'revoke access-key', 'rotate access-key', 'rotate finish']));
    for (const { path, cmd } of aws) {
      expect(cmd.options.find((o) => o.long === '--profile')?.short, path.join(' ')).toBe('-p');
      expect(cmd.options.find((o) => o.long === '--region')?.short, path.join(' ')).toBe('-r');
    }
  });

  it('-p and -r reach the AWS options (an invalid region and an empty profile are refused by name, exit 2)', () => {
    const region = runCli(['aws', '-r', 'not a region']);
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/^nhiscan: --region is not an AWS region name/);
    const profile = runCli(['aws', '-p', '', '-r', 'eu-west-1']);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toMatch(/^nhiscan: --profile is empty/);
  });

  it('baseline: --file has no -f, so -f is refused rather than taken as a file name', () => {
    const r = runCli(['baseline', 'create', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nhiscan: unknown option '-f' \(see nhiscan baseline create --help\)\n$/);
  });
});

describe('errors point at the help of the command that was run', () => {
  it.each([
    [['baseline', 'create', '--bogus'], 'baseline create'],
    [['baseline', 'update', '--force'], 'baseline update'],
    [['hook', 'install', '--nope'], 'hook install'],
    [['hook', 'uninstall', '--force'], 'hook uninstall'],
    [['rules', 'list', '-f', 'xml'], 'rules list'],
    [['scan', '.', '--fail-on', 'sometimes'], 'scan'],
    [['aws', '--max-key-age', 'ninety'], 'aws'],
  ])('%j → see nhiscan %s --help', (args, path) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`\\(see nhiscan ${path} --help\\)\\n$`));
  });

  it('a usage error about an option, raised by the command itself, points there too', () => {
    const r = new TempRepo();
    try {
      r.commit('init', { 'a.txt': 'x\n' });
      const bad = runCli(['baseline', 'create', r.dir, '--expires', '2026-02-31']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('nhiscan: --expires must be a real date, YYYY-MM-DD (see nhiscan baseline create --help)\n');
      const offline = runCli(['audit', r.dir, '--credential-report', join(r.dir, 'a.txt')]);
      expect(offline.code).toBe(2);
      expect(offline.stderr).toMatch(/^nhiscan: offline mode needs both --credential-report and --authorization-details \(see nhiscan audit --help\)\n$/);
      // An error about a file's content names the file, not the help.
      r.write('.nhiscan.toml', '[rules\n');
      const config = runCli(['scan', r.dir, '-f', 'json']);
      expect(config.code).toBe(2);
      expect(config.stderr).toMatch(/\.nhiscan\.toml/);
      expect(config.stderr).not.toMatch(/--help/);
    } finally {
      r.cleanup();
    }
  });
});

describe('--fail-on is honoured with --demo', () => {
  it.each([
    [['demo'], 0],
    [['audit', '--demo'], 0],
    [['demo', '--fail-on', 'critical'], 1],
    [['audit', '--demo', '--fail-on', 'high'], 1],
    [['audit', '--demo', '--fail-on', 'low'], 1],
  ])('%j exits %i', (args, code) => {
    const r = runCli([...args, '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
    // The same report either way: only the exit code follows --fail-on.
    const report = JSON.parse(r.stdout) as { summary: { bySeverity: Record<string, number> } };
    expect(report.summary.bySeverity.critical).toBeGreaterThan(0);
  });
});
