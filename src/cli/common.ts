import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { atLeast, isSeverity, type Report, type Severity } from '../model.js';
import { FORMATS, render, type Format } from '../report/index.js';

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

export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
    .choices(['critical', 'high', 'medium', 'low', 'info'])
    .default('low');
}

export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`invalid size "${value}" (try 10MiB, 512k or a number of bytes)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function resolveFormat(format: string | undefined): Format {
  if (format) return format as Format;
  return process.stdout.isTTY ? 'text' : 'json';
}

/** Reports go to stdout or to a 0600 file: a report can hold secrets with --show-secrets. */
export async function emit(report: Report, format: Format, output: string | undefined, flags: GlobalFlags): Promise<void> {
  const text = render(report, format, { color: output ? false : useColor(flags, process.stdout) });
  if (output) {
    await writeFile(output, text, { mode: 0o600 });
    return;
  }
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** Exit codes: 3 wins over 1 because an incomplete scan cannot vouch for anything. */
export function exitCodeFor(report: Report, failOn: string): number {
  if (!report.coverage.complete) return 3;
  if (!isSeverity(failOn)) throw new UsageError(`invalid --fail-on ${failOn}`);
  const threshold: Severity = failOn;
  return report.findings.some((f) => atLeast(f.severity, threshold)) ? 1 : 0;
}
