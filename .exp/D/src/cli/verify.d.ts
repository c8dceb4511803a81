/** `sel verify LOG... [options]` (SPEC.md §7). */
import { Command } from 'commander';
import type { ChalkInstance } from 'chalk';
import { type Report } from '../report/report.js';
export declare const FORMATS: readonly ["text", "json", "jsonl"];
export type Format = (typeof FORMATS)[number];
export declare function render(report: Report, format: Format, chalk: ChalkInstance): string;
export declare function verifyCommand(chalk: () => ChalkInstance): Command;
