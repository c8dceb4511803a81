/**
 * `--format json`: one object `{ "summary": {...}, "findings": [...] }` (SPEC.md §7).
 * `--format jsonl`: one finding per line, then a last line `{"summary": {...}}`.
 * Key order is the order the objects are built in, so the same input gives the same bytes.
 */
import { jsonDocument, jsonForLogs } from './printable.js';
import type { Report } from './report.js';

export function renderJson(report: Report): string {
  return jsonDocument({ summary: report.summary, findings: report.findings });
}

export function renderJsonl(report: Report): string {
  let out = '';
  for (const f of report.findings) out += `${JSON.stringify(f)}\n`;
  return jsonForLogs(`${out}${JSON.stringify({ summary: report.summary })}\n`);
}
