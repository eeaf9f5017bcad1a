import type { Report } from '../model.js';
import { jsonSafe } from './escape.js';

/**
 * Pieces of at least this many characters: few enough writes, and far below V8's longest string
 * (2^29 - 24 characters, which one string of a JSON report of about 280,000 findings passes).
 */
const PIECE = 1 << 20;

/** Joins consecutive parts into pieces of about PIECE characters. */
function pieces(parts: Iterable<string>): string[] {
  const out: string[] = [];
  let held: string[] = [];
  let size = 0;
  for (const p of parts) {
    held.push(p);
    size += p.length;
    if (size >= PIECE) {
      out.push(held.join(''));
      held = [];
      size = 0;
    }
  }
  if (held.length) out.push(held.join(''));
  return out;
}

/**
 * The JSON report as pieces that joined are `JSON.stringify(report, null, 2)` (made safe, and a
 * final newline): each finding is made a string on its own, so no one string holds them all.
 */
export function jsonChunks(report: Report): string[] {
  const { findings } = report;
  if (findings.length === 0) return [`${jsonSafe(JSON.stringify(report, null, 2))}\n`];
  const envelope = JSON.stringify({ ...report, findings: [] }, null, 2);
  // The top-level key, two spaces in; a string cannot hold it, its quotes being escaped there.
  const marker = '\n  "findings": []';
  const at = envelope.indexOf(marker);
  const before = envelope.slice(0, at + marker.length - 1);
  const after = envelope.slice(at + marker.length);
  function* parts(): Generator<string> {
    yield jsonSafe(before);
    for (let i = 0; i < findings.length; i++) {
      // An element of the array, as JSON.stringify indents it: four spaces, and four more on each
      // of its lines (a string inside holds no raw newline).
      yield `${i ? ',' : ''}\n    ${jsonSafe(JSON.stringify(findings[i], null, 2)).replace(/\n/g, '\n    ')}`;
    }
    yield `\n  ]${jsonSafe(after)}\n`;
  }
  return pieces(parts());
}

/** One finding per line, then the summary as a final record, for `jq -c` and log shippers. */
export function jsonlChunks(report: Report): string[] {
  function* parts(): Generator<string> {
    for (const f of report.findings) yield `${jsonSafe(JSON.stringify({ type: 'finding', ...f }))}\n`;
    yield `${jsonSafe(
      JSON.stringify({
        type: 'summary',
        tool: report.tool,
        version: report.version,
        command: report.command,
        target: report.target,
        targets: report.targets,
        account: report.account,
        caller: report.caller,
        mode: report.mode,
        generatedAt: report.generatedAt,
        summary: report.summary,
        coverage: report.coverage,
      }),
    )}\n`;
  }
  return pieces(parts());
}
