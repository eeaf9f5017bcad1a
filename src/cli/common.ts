import { chmod, open } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { OutputError, UsageError } from '../errors.js';
import { atLeast, finalizeReport, isSeverity, type Report, type Severity } from '../model.js';
import { escapeControl } from '../report/escape.js';
import { FORMATS, renderPieces, type Format, type RenderOptions } from '../report/index.js';
import { selectRules, showAtLeast, type ReportFlags } from './report-options.js';

export interface GlobalFlags {
  debug?: boolean;
  color?: boolean;
}

/** Every command takes these, so they work after the subcommand name as users type them. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd.option('--debug', 'show stack traces and internal counters').option('--no-color', 'disable colour (NO_COLOR is honoured too)');
}

export function useColor(flags: GlobalFlags, stream: NodeJS.WriteStream): boolean {
  if (flags.color === false) return false;
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function formatOption(extra: readonly string[] = []): Option {
  return new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices([...FORMATS, ...extra]);
}

export function failOnOption(note = ''): Option {
  return new Option('--fail-on <severity>', `exit 1 when a finding is at or above this severity${note}`)
    .choices(['critical', 'high', 'medium', 'low', 'info'])
    .default('low');
}

export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(value.trim());
  // Not echoed: the user knows what they typed, and a mistyped argument can be a pasted secret.
  if (!m) throw new UsageError('invalid size given to --max-file-size (try 10MiB, 512k or a number of bytes)');
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function resolveFormat(format: string | undefined): Format {
  if (format) return format as Format;
  return process.stdout.isTTY ? 'text' : 'json';
}

/**
 * Write a file that can hold a secret: created 0600, and an existing file is reset to 0600 before
 * a byte is written (its old mode would otherwise survive the overwrite). Only a regular file: a
 * device or pipe (`-o /dev/null`, `-o /dev/stdout`) holds nothing afterwards, and as root a chmod
 * would take /dev/null away from every other user of the machine (it did, on ours).
 */
export async function writePrivateFile(path: string, text: string | readonly string[]): Promise<void> {
  let fh;
  let regular = false;
  try {
    fh = await open(path, 'w', 0o600);
    regular = (await fh.stat()).isFile();
    if (regular) await fh.chmod(0o600);
    for (const piece of typeof text === 'string' ? [text] : text) await fh.writeFile(piece);
  } catch (err) {
    throw new OutputError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'write failed'}`);
  } finally {
    await fh?.close().catch(() => undefined);
  }
  // A file we could open but not chmod (another owner) must not keep a wider mode silently.
  if (regular) await chmod(path, 0o600).catch(() => undefined);
}

/**
 * Write to stdout and wait until the bytes are handed to the OS. A closed pipe (EPIPE), a full
 * disk (ENOSPC) or any other write error becomes an OutputError (exit 3), never a crash.
 */
export async function writeStdout(text: string | readonly string[]): Promise<void> {
  for (const piece of typeof text === 'string' ? [text] : text) await writeStdoutPiece(piece);
}

function writeStdoutPiece(text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      process.stdout.off('error', fail);
      reject(new OutputError(`incomplete: standard output could not be written (${err.code ?? 'write failed'})`));
    };
    process.stdout.on('error', fail);
    try {
      process.stdout.write(text, (err) => {
        process.stdout.off('error', fail);
        if (err) fail(err as NodeJS.ErrnoException);
        else resolve();
      });
    } catch (err) {
      fail(err as NodeJS.ErrnoException);
    }
  });
}

/**
 * The width the text report wraps at: the terminal's, or COLUMNS (a script capturing output, as
 * scripts/screenshots.mjs does), or 100 off a terminal and for files.
 */
export function reportWidth(output: string | undefined): number {
  if (output) return 100;
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 40 && env <= 1000 ? env : 100;
}

/** Reports go to stdout or to a 0600 file: a report can hold secrets with --show-secrets. */
export async function emit(report: Report, format: Format, output: string | undefined, flags: GlobalFlags & ReportFlags, extra: Partial<RenderOptions> = {}): Promise<void> {
  const text = await renderPieces(report, format, {
    color: output ? false : useColor(flags, process.stdout),
    width: reportWidth(output),
    verbose: Boolean(flags.verbose),
    quiet: Boolean(flags.quiet),
    ...extra,
  });
  if (output) await writePrivateFile(output, text);
  else await writeStdout(text);
}

/** The one stderr line every incomplete run prints, whatever the format or stream. */
export function incompleteLine(report: Report): string {
  const gaps = report.coverage.gaps;
  const first = gaps[0];
  const what = escapeControl(first ? `${first.scope}: ${first.reason}` : 'coverage incomplete');
  return `incomplete: ${what}${gaps.length > 1 ? ` (+${gaps.length - 1} more gap(s) in coverage.gaps)` : ''}`;
}

/** Why the run exits as it does, for the last line of the text report. */
function exitReason(report: Report, code: number, failOn: string, lenient: boolean): string {
  if (code === 3) return `exit 3: ${incompleteLine(report)}`;
  const n = report.findings.filter((f) => isSeverity(failOn) && atLeast(f.severity, failOn)).length;
  if (lenient && n) return 'exit 0: the demo shows its findings; add --fail-on to gate on them';
  return code === 1 ? `exit 1: ${n} finding(s) at or above --fail-on ${failOn}` : `exit 0: nothing at or above --fail-on ${failOn}`;
}

/**
 * Write the report, then decide the exit code. An incomplete report is still written, and
 * its gap is named on stderr in one line; a report that could not be written is exit 3.
 * --only/--exclude choose the findings the run reports and fails on; --severity only hides
 * (report-options.ts). `lenient`: findings alone do not fail the run (the bundled demo).
 */
export async function conclude(report: Report, opts: { format: Format; output?: string | undefined; failOn: string; flags: GlobalFlags & ReportFlags; lenient?: boolean }): Promise<number> {
  const selected = finalizeReport(selectRules(report, opts.flags));
  const strict = exitCodeFor(selected, opts.failOn);
  const code = opts.lenient && strict === 1 ? 0 : strict;
  const shown = showAtLeast(selected, opts.flags.severity);
  await emit(shown, opts.format, opts.output, opts.flags, { exitReason: exitReason(selected, strict, opts.failOn, Boolean(opts.lenient)) });
  // The main report first: an HTML copy that cannot be written must not cost the report. It can
  // hold secrets (--show-secrets): 0600 even over an existing wider file; its failure is an
  // OutputError (exit 3, one line).
  if (opts.flags.html) await writePrivateFile(opts.flags.html, (await import('../report/html.js')).renderHtml(shown));
  if (code === 3) process.stderr.write(`nhiscan: ${incompleteLine(report)}\n`);
  return code;
}

/** Exit codes: 3 wins over 1 because an incomplete scan cannot vouch for anything. */
export function exitCodeFor(report: Report, failOn: string): number {
  if (!report.coverage.complete) return 3;
  if (!isSeverity(failOn)) throw new UsageError(`invalid --fail-on ${failOn}`);
  const threshold: Severity = failOn;
  return report.findings.some((f) => atLeast(f.severity, threshold)) ? 1 : 0;
}
