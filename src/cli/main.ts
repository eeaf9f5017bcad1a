import type { Command } from 'commander';
import { NhiscanError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { safeMessage } from '../safe-message.js';
import { VERSION } from '../version.js';

// commander loads with the first program built, not with this module: `--version` (answered in
// main() before any) pays neither for it nor for the child_process and stream modules it requires.
const commander = () => import('commander');

type Factory = (setExit: (code: number) => void) => Command;

/**
 * Commands load on demand: `nhiscan scan --staged` must not pay for the AWS SDK, and `--version`
 * for nothing at all. Only the top-level help loads every command, to list them.
 */
const COMMANDS: Record<string, () => Promise<Factory>> = {
  scan: async () => (await import('./scan.js')).scanCommand,
  aws: async () => (await import('./aws.js')).awsCommand,
  audit: async () => (await import('./audit.js')).auditCommand,
  revoke: async () => (await import('./revoke.js')).revokeCommand,
  rotate: async () => (await import('./rotate.js')).rotateCommand,
  log: async () => (await import('./log.js')).logCommand,
  baseline: async () => (await import('./baseline.js')).baselineCommand,
  hook: async () => (await import('./hook.js')).hookCommand,
  rules: async () => (await import('./rules.js')).rulesCommand,
  demo: async () => {
    const { auditCommand } = await import('./audit.js');
    return (setExit) => auditCommand(setExit, 'demo');
  },
};

/**
 * Examples shown at the end of each command's --help, keyed by the command's path. Kept here, in
 * one table, so every command has them (help.test.ts walks the whole tree and fails on a command
 * without) and the commands' own files stay about behaviour.
 */
const EXAMPLES: Record<string, string[]> = {
  '': [
    'nhiscan demo                                  # the full demo audit, offline, no credentials',
    'nhiscan scan                                  # this repository: every blob in its history',
    'nhiscan aws -p audit -r eu-west-1             # the AWS account\'s machine identities',
    'nhiscan audit ./app -p audit                  # both, joined: leaked keys that are still live',
    'nhiscan hook install                          # block commits that add a secret',
  ],
  scan: [
    'nhiscan scan                                  # this repository: every blob in its history',
    'nhiscan scan ~/src/app -f sarif -o app.sarif  # SARIF for GitHub code scanning',
    'nhiscan scan . --since origin/main            # only what this branch introduced',
    'nhiscan scan --staged                         # what is about to be committed',
    'nhiscan scan ./build --no-git --fail-on high  # plain files; exit 1 only for high or critical',
    'printenv | nhiscan scan -                     # standard input',
  ],
  aws: [
    'nhiscan aws -p audit -r eu-west-1             # live, read-only',
    'nhiscan aws --regions us-east-1,eu-west-1 -f csv -o nhi.csv',
    'nhiscan aws --credential-report report.json --authorization-details auth.json   # offline',
    'nhiscan aws --print-policy                    # the read-only IAM policy it needs',
  ],
  audit: [
    'nhiscan audit ./payments ./infra -p audit -r eu-west-1',
    'nhiscan audit --repos-from repos.txt -f markdown >> "$GITHUB_STEP_SUMMARY"',
    'nhiscan audit . --credential-report r.json --authorization-details a.json --html audit.html',
    'nhiscan audit --demo --fail-on high           # the demo, gating like a real audit',
  ],
  demo: [
    'nhiscan demo                                  # text report of the demo audit; exit 0',
    'nhiscan demo --html demo.html                 # and the HTML report',
    'nhiscan demo -f json -o demo.json             # the JSON report, for revoke --from-report --dry-run',
    'nhiscan demo --fail-on critical               # exit 1, as a real audit with a critical finding',
  ],
  revoke: [
    'nhiscan revoke access-key AKIA... --dry-run -p prod-admin',
    'nhiscan revoke access-key --from-report audit.json --only leaked-active -p prod-admin',
    'nhiscan revoke role-sessions deploy-role -p prod-admin',
  ],
  'revoke access-key': [
    'nhiscan revoke access-key AKIA... --dry-run -p prod-admin      # show the plan only',
    'nhiscan revoke access-key AKIA... --user svc-deploy -p prod-admin',
    'nhiscan revoke access-key --from-report audit.json --only leaked-active --yes',
    'nhiscan revoke access-key AKIA... --delete -p prod-admin       # once it is inactive',
  ],
  'revoke role-sessions': ['nhiscan revoke role-sessions deploy-role --dry-run -p prod-admin', 'nhiscan revoke role-sessions deploy-role -p prod-admin'],
  rotate: [
    'nhiscan rotate access-key AKIA... --user svc-deploy --to-secret prod/svc-deploy/aws-key -p prod-admin',
    'nhiscan rotate finish AKIA... --user svc-deploy -p prod-admin',
    'nhiscan rotate secret prod/db-password -p prod-admin',
  ],
  'rotate access-key': [
    'nhiscan rotate access-key AKIA... --user svc-deploy --to-secret prod/svc-deploy/aws-key -p prod-admin',
    'nhiscan rotate access-key AKIA... --user svc-deploy --to-secret prod/svc-deploy/aws-key --deactivate-old -p prod-admin',
    'nhiscan rotate access-key AKIA... --to-file ./new-key.json --dry-run',
  ],
  'rotate finish': ['nhiscan rotate finish AKIA... --user svc-deploy -p prod-admin   # deletes the old key once unused'],
  'rotate secret': ['nhiscan rotate secret prod/db-password -p prod-admin', 'nhiscan rotate secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db --dry-run'],
  log: ['nhiscan log                                   # every remediation step, newest last', 'nhiscan log --key AKIA... --since 2026-01-01', 'nhiscan log -f json | jq .'],
  baseline: ['nhiscan baseline create --reason "accepted before 2026-12" --author sec-team', 'nhiscan baseline update'],
  'baseline create': [
    'nhiscan baseline create                       # .nhiscan-baseline.json in the repository root',
    'nhiscan baseline create --reason "legacy, tracked in SEC-12" --expires 2027-03-31',
    'nhiscan baseline create ./app --file app-baseline.json --force',
  ],
  'baseline update': ['nhiscan baseline update                       # add new findings, keep reasons, drop entries no longer seen', 'nhiscan baseline update --keep-stale --reason "triaged 2026-12"'],
  hook: ['nhiscan hook install', 'nhiscan hook install --force                  # keeps the old hook as pre-commit.nhiscan-backup', 'nhiscan hook uninstall'],
  'hook install': ['nhiscan hook install                          # this repository', 'nhiscan hook install ~/src/app --force          # replace a hook; the old one is kept as pre-commit.nhiscan-backup'],
  'hook uninstall': ['nhiscan hook uninstall                        # and put back the hook install --force replaced'],
  rules: ['nhiscan rules list', 'nhiscan rules check -c .nhiscan.toml'],
  'rules list': ['nhiscan rules list', 'nhiscan rules list -f json | jq -r ".[].id"'],
  'rules check': ['nhiscan rules check                           # the built-in rules and .nhiscan.toml\'s own', 'nhiscan rules check -c ci/nhiscan.toml -f json'],
};

/** `baseline create`, `scan`, or '' for the program itself. */
function commandPath(cmd: Command | null | undefined): string {
  const names: string[] = [];
  for (let c = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function addExamples(cmd: Command): void {
  const lines = EXAMPLES[commandPath(cmd)];
  if (lines) cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

/**
 * What commander quotes is either nhiscan's own vocabulary (a command, a flag, an option spec) or
 * what the user typed, which may be a pasted secret. Only the first kind is shown: lower-case
 * words with hyphens, short, no digits, like config.ts's `nameable`; everything else is dropped.
 */
const OWN_WORD = /^(?:-{0,2}[a-z][a-z-]{0,23}|(?:-[A-Za-z], )?--[a-z][a-z-]{0,23}(?: [<[][a-z-]+[>\]])?)$/;

function withoutUserValues(said: string): string {
  return said
    .replace(/ ?'((?:[^'\\]|\\.)*)'/g, (m: string, inner: string) => (OWN_WORD.test(inner) ? m : ''))
    .replace(/\s{2,}/g, ' ')
    .trim();
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/**
 * A usage error about an option points at the help of the command that was run, as commander's
 * own errors do. Errors about a file's content (a config line, a baseline) name the file instead.
 */
function helpPointer(err: NhiscanError, running: Command | undefined): string {
  const line = oneLine(err);
  if (err.exitCode !== 2 || !running || /\(see nhiscan/.test(line) || !/(?:^|[\s(])--[a-z]/.test(line)) return '';
  return ` (see nhiscan ${commandPath(running)} --help)`;
}

/** One line on stderr, redacted; with --debug the stack follows, redacted too. */
async function report(line: string, stack: string | undefined): Promise<void> {
  // Paths and names in a message can carry terminal escapes; the line is printed escaped.
  process.stderr.write(`${escapeControl(await safeMessage(line))}\n`);
  if (stack) process.stderr.write(`${(await safeMessage(stack)).split('\n').map(escapeControl).join('\n')}\n`);
}

/** The command a parse error or an action belongs to, for "(see nhiscan <command> --help)". */
interface Where {
  failed?: Command;
  running?: Command;
}

/** The program with the named commands (all of them when `only` is not one). */
export async function buildProgram(setExit: (code: number) => void, errors: string[] = [], only?: string, where: Where = {}): Promise<Command> {
  const { Command } = await commander();
  const program = new Command('nhiscan')
    .description('find exposed and over-aged machine credentials, and help contain them')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      // Commander writes help to stderr only for a group run without its command (`nhiscan hook`):
      // main() prints one line for that instead.
      writeErr: () => undefined,
      // Held back and printed by main() after redaction: commander quotes the offending argument.
      outputError: (s) => errors.push(s.trim().split('\n')[0] ?? s.trim()),
    });
  const names = only && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  const factories = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const make of factories) program.addCommand(make(setExit));
  // Parent hooks run for every subcommand's action: an error thrown there is that command's.
  program.hook('preAction', (_self, action) => {
    where.running = action;
  });
  // Subcommands inherit the program's error handling so bad flags anywhere exit 2; each records
  // itself as the one that failed, so the error line can point at its own help.
  const inherit = (c: Command): void => {
    addExamples(c);
    for (const sub of c.commands) {
      sub.exitOverride((err) => {
        where.failed ??= sub;
        throw err;
      });
      sub.showSuggestionAfterError(true);
      sub.configureOutput(program.configureOutput());
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

let watching: { error: NodeJS.ErrnoException | null; done: boolean } | null = null;

/**
 * A write to stdout that fails (closed pipe, full disk) must never crash with a stack or pass as
 * success. The listener stays for the life of the process: an error that arrives after main()
 * settled still turns the exit into 3, with its one line.
 */
function watchStdout(): { error: NodeJS.ErrnoException | null } {
  if (watching) return watching;
  const state = (watching = { error: null as NodeJS.ErrnoException | null, done: false });
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    const first = state.error === null;
    state.error ??= err;
    if (first && state.done) {
      process.stderr.write(`nhiscan: incomplete: standard output could not be written (${err.code ?? 'write failed'})\n`);
      process.exitCode = 3;
    }
  });
  return state;
}

/** Called by bin/ once main() has settled. */
export function settled(): void {
  if (watching) watching.done = true;
}

/** Parses argv and runs a command; resolves with the process exit code, never throws. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const stdoutFailed = watchStdout();
  const errors: string[] = [];
  const debug = argv.includes('--debug');
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const wanted = argv[2] === 'help' ? argv[3] : argv[2];
  let program: Command;
  const where: Where = {};
  try {
    program = await buildProgram((c) => (code = c), errors, wanted, where);
  } catch (err) {
    await report(`nhiscan: unexpected error: ${oneLine(err)}`, debug && err instanceof Error ? err.stack : undefined);
    return 3;
  }
  try {
    if (argv.length <= 2) {
      // One line, like every other usage error; the help is one flag away.
      await report('nhiscan: missing command (see nhiscan --help)', undefined);
      return 2;
    }
    // `nhiscan help` and `nhiscan help scan` are requests for help, like --help: exit 0.
    if (argv[2] === 'help') {
      const sub = argv[3] ? program.commands.find((c) => c.name() === argv[3]) : undefined;
      if (argv[3] && !sub) {
        await report(`nhiscan: unknown command for help (see nhiscan --help)`, undefined);
        return 2;
      }
      (sub ?? program).outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    if (stdoutFailed.error) {
      await report(`nhiscan: incomplete: standard output could not be written (${stdoutFailed.error.code ?? 'write failed'})`, undefined);
      return 3;
    }
    return code;
  } catch (err) {
    if (err instanceof (await commander()).CommanderError) {
      // --help and --version arrive here too, with exit code 0; `nhiscan hook help` with the code
      // commander read from process.exitCode, which bin/ set to 3 until main() settles.
      if (err.exitCode === 0) return 0;
      if (err.code === 'commander.help' || err.code === 'commander.helpDisplayed') {
        if (argv.some((a) => a === 'help' || a === '--help' || a === '-h')) return 0;
        const group = program.commands.find((c) => c.name() === argv[2]);
        const subs = group?.commands.map((c) => c.name()).filter((n) => n !== 'help') ?? [];
        await report(`nhiscan: ${argv[2] ?? 'nhiscan'} needs a command${subs.length ? `: ${subs.join(', ')}` : ''} (see nhiscan ${argv[2] ?? ''} --help)`.replace(/ {2,}/g, ' '), undefined);
        return 2;
      }
      // The deepest command that rejected the arguments (`baseline create`), or the program.
      const path = commandPath(where.failed);
      const sub = path ? ` ${path}` : '';
      // Commander quotes the rejected value; the user knows what they typed, and it could be a secret.
      const said = withoutUserValues((errors[0] ?? oneLine(err)).replace(/^error: /, '').replace(/argument '(?:[^'\\]|\\.)*'/, 'argument'));
      await report(`nhiscan: ${said} (see nhiscan${sub} --help)`, undefined);
      return 2;
    }
    if (err instanceof NhiscanError) {
      await report(`nhiscan: ${oneLine(err)}${helpPointer(err, where.running)}`, debug ? err.stack : undefined);
      return err.exitCode;
    }
    await report(`nhiscan: unexpected error: ${oneLine(err)}${debug ? '' : ' (run with --debug for details)'}`, debug && err instanceof Error ? err.stack : undefined);
    return 3;
  }
}
