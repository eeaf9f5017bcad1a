import { finalizeReport, type Report } from '../model.js';
import { jsonChunks, jsonlChunks } from './json.js';
import { maskSecrets } from './mask.js';

export const FORMATS = ['text', 'json', 'jsonl', 'sarif'] as const;
export type Format = (typeof FORMATS)[number] | 'csv' | 'markdown';

/**
 * Writers other than JSON load on first use: a pre-commit hook writing JSON (or nothing) should not
 * pay for the CSV library, chalk or the SARIF rule catalogue at start-up.
 */
export interface RenderOptions {
  color: boolean;
  /** Text: the width to wrap at (default 100). */
  width?: number;
  /** Text: every occurrence and evidence field. */
  verbose?: boolean;
  /** Text: the summary and the exit reason only. */
  quiet?: boolean;
  /** Text: the last line, why the run exits as it does. */
  exitReason?: string;
}

export async function render(unmasked: Report, format: Format, opts: RenderOptions): Promise<string> {
  return (await renderPieces(unmasked, format, opts)).join('');
}

/**
 * The report as pieces to write in turn. JSON and JSON Lines come in pieces of about 1 MiB, so a
 * report of any size is written (one string of it could pass V8's longest); the others are one.
 */
export async function renderPieces(unmasked: Report, format: Format, opts: RenderOptions): Promise<string[]> {
  // Masking is the last stage before any writer: no field can carry a secret past it. The
  // envelope (order, `where` on every finding, `targets`) is filled first, for every writer alike.
  const report = maskSecrets(finalizeReport(unmasked));
  switch (format) {
    case 'json':
      return jsonChunks(report);
    case 'jsonl':
      return jsonlChunks(report);
    case 'sarif':
      return [(await import('./sarif.js')).renderSarif(report)];
    case 'csv':
      return [(await import('./csv.js')).renderCsv(report)];
    case 'markdown':
      return [(await import('./markdown.js')).renderMarkdown(report)];
    case 'text':
      return [(await import('./text.js')).renderText(report, opts)];
  }
}
