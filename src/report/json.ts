import type { Report } from '../model.js';
import { jsonSafe } from './escape.js';

export function renderJson(report: Report): string {
  return `${jsonSafe(JSON.stringify(report, null, 2))}\n`;
}

/** One finding per line, then the summary as a final record, for `jq -c` and log shippers. */
export function renderJsonl(report: Report): string {
  const lines = report.findings.map((f) => JSON.stringify({ type: 'finding', ...f }));
  lines.push(
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
  );
  return `${jsonSafe(lines.join('\n'))}\n`;
}
