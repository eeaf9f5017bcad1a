import type { Report } from '../model.js';
import { renderCsv } from './csv.js';
import { renderJson, renderJsonl } from './json.js';
import { maskSecrets } from './mask.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export const FORMATS = ['text', 'json', 'jsonl', 'sarif'] as const;
export type Format = (typeof FORMATS)[number] | 'csv' | 'markdown';

export function render(unmasked: Report, format: Format, opts: { color: boolean }): string {
  // Masking is the last stage before any writer: no field can carry a secret past it.
  const report = maskSecrets(unmasked);
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'jsonl':
      return renderJsonl(report);
    case 'sarif':
      return renderSarif(report);
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'text':
      return renderText(report, opts.color);
  }
}
