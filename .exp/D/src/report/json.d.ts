/**
 * `--format json`: one object `{ "summary": {...}, "findings": [...] }` (SPEC.md §7).
 * `--format jsonl`: one finding per line, then a last line `{"summary": {...}}`.
 * Key order is the order the objects are built in, so the same input gives the same bytes.
 */
import type { Report } from './report.js';
export declare function renderJson(report: Report): string;
export declare function renderJsonl(report: Report): string;
