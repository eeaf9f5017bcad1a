import { Command, CommanderError } from 'commander';
import { NhiscanError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { safeMessage } from '../safe-message.js';
import { VERSION } from '../version.js';

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

/** One line on stderr, redacted; with --debug the stack follows, redacted too. */
async function report(line: string, stack: string | undefined): Promise<void> {
  // Paths and names in a message can carry terminal escapes; the line is printed escaped.
  process.stderr.write(`${escapeControl(await safeMessage(line))}\n`);
  if (stack) process.stderr.write(`${(await safeMessage(stack)).split('\n').map(escapeControl).join('\n')}\n`);
}

/** The program with the named commands (all of them when `only` is not one). */
export async function buildProgram(setExit: (code: number) => void, errors: string[] = [], only?: string): Promise<Command> {
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
  // Subcommands inherit the program's error handling so bad flags anywhere exit 2.
  const inherit = (c: Command): void => {
    for (const sub of c.commands) {
      sub.exitOverride().showSuggestionAfterError(true);
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
  try {
    program = await buildProgram((c) => (code = c), errors, wanted);
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
    if (err instanceof CommanderError) {
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
      const sub = argv[2] && program.commands.some((c) => c.name() === argv[2]) ? ` ${argv[2]}` : '';
      // Commander quotes the rejected value; the user knows what they typed, and it could be a secret.
      const said = withoutUserValues((errors[0] ?? oneLine(err)).replace(/^error: /, '').replace(/argument '(?:[^'\\]|\\.)*'/, 'argument'));
      await report(`nhiscan: ${said} (see nhiscan${sub} --help)`, undefined);
      return 2;
    }
    if (err instanceof NhiscanError) {
      await report(`nhiscan: ${oneLine(err)}`, debug ? err.stack : undefined);
      return err.exitCode;
    }
    await report(`nhiscan: unexpected error: ${oneLine(err)}${debug ? '' : ' (run with --debug for details)'}`, debug && err instanceof Error ? err.stack : undefined);
    return 3;
  }
}
