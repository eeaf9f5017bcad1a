import { Command, CommanderError } from 'commander';
import { NhiscanError } from '../errors.js';
import { VERSION } from '../version.js';
import { awsCommand } from './aws.js';
import { baselineCommand } from './baseline.js';
import { auditCommand } from './audit.js';
import { logCommand } from './log.js';
import { revokeCommand } from './revoke.js';
import { rotateCommand } from './rotate.js';
import { hookCommand } from './hook.js';
import { scanCommand } from './scan.js';

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('nhiscan')
    .description('find exposed and over-aged machine credentials, and help contain them')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`${s.trim()}\n(see nhiscan --help)\n`),
    });
  for (const cmd of [scanCommand(setExit), awsCommand(setExit), auditCommand(setExit), revokeCommand(setExit), rotateCommand(setExit), logCommand(setExit), baselineCommand(setExit), hookCommand(setExit), auditCommand(setExit, 'demo')]) {
    program.addCommand(cmd);
  }
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

/** Parses argv and runs a command; resolves with the process exit code, never throws. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  const debug = argv.includes('--debug');
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof NhiscanError) {
      process.stderr.write(`nhiscan: ${oneLine(err)}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    process.stderr.write(`nhiscan: unexpected error: ${oneLine(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 3;
  }
}
