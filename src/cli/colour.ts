/**
 * The colours of text output. chalk is loaded only when text is rendered: with its terminal
 * checks (node:tty, and node:process, whose module facade reads every property of process)
 * it was ~7 ms of every run, one that prints JSON or SARIF included.
 */
import type { ChalkInstance } from 'chalk';

/** The Chalk instance to render text with, as --color / --no-color and the terminal say. */
export type Colour = () => Promise<ChalkInstance>;

/** `force`: --color (true), --no-color (false), neither (undefined: chalk's own detection). */
export function colourFor(force: () => boolean | undefined): Colour {
  return async () => {
    const { default: chalk, Chalk } = await import('chalk');
    const f = force();
    if (f === true) return new Chalk({ level: Math.max(1, chalk.level) as 1 | 2 | 3 });
    if (f === false) return new Chalk({ level: 0 });
    // NO_COLOR (no-color.org), which chalk does not read: a terminal that asks for none gets
    // none. FORCE_COLOR, set too, wins, as it does for Node.js itself (found by review).
    if ((process.env['NO_COLOR'] ?? '') !== '' && process.env['FORCE_COLOR'] === undefined) return new Chalk({ level: 0 });
    // Colour on a terminal only (README): chalk colours a pipe or a file in Azure Pipelines
    // (TF_BUILD and AGENT_NAME set), where a report redirected to a file got escape codes.
    if (process.env['FORCE_COLOR'] === undefined && process.stdout.isTTY !== true) return new Chalk({ level: 0 });
    return chalk;
  };
}
