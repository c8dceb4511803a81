/**
 * `--format text`: for people at a terminal. A heading, each finding at file:line with its
 * code and message (and expected/actual where they help), then per-chain and per-code
 * tallies and the verdict. Colour comes from the Chalk instance the CLI passes (level 0 when
 * standard output is not a terminal). No locale-dependent formatting: same input, same bytes.
 */
import type { ChalkInstance } from 'chalk';
import type { Report } from './report.js';
export declare function renderText(report: Report, c: ChalkInstance): string;
