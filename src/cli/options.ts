/** Option parsers shared by the commands. Bad values are the operator's: exit status 2. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isChainIdForm } from '../schemas/formats.js';
import { defaultJobs, MAX_JOBS, PARALLEL_MIN_BYTES } from '../verify/jobs.js';
import { DEFAULT_VERIFY_OPTIONS, MAX_DEPTH_LIMIT, MAX_LINE_BYTES_LIMIT, MAX_REORDER_WINDOW } from '../verify/options.js';
import { prestartFor } from './early.js';

export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be between 1 and ${max}.`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more.`);
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} is too large.`);
    return n;
  };
}

/**
 * An option that takes one of `values`: --help lists them (commander's choices), and another
 * value gets sel's message (oneOf, the parser set after choices, is the one that runs).
 */
export function choiceOption<T extends string>(flags: string, description: string, values: readonly T[]): Option {
  const name = flags.split(' ')[0]!;
  return new Option(flags, description).choices(values).argParser(oneOf(name, values));
}

/** The parser of an option that takes one of `values`, with sel's message for another value. */
export function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    }
    return value as T;
  };
}

/** A value that may not be empty: an empty filter names nothing, and would select nothing in silence (found by review). */
export function nonEmpty(name: string) {
  return (value: string): string => {
    if (value.length === 0) throw new InvalidArgumentError(`${name} is empty: no event has an empty one, so it would select none.`);
    return value;
  };
}

/** A chain id of the envelope's form (SPEC.md §2): any other names no event, and would select nothing in silence. */
export function chainId(name: string) {
  return (value: string): string => {
    if (!isChainIdForm(value)) {
      throw new InvalidArgumentError(`${name} must be a chain id (a letter or digit, then letters, digits, '.', '_' or '-', at most 200 characters), not ${JSON.stringify(value)}.`);
    }
    return value;
  };
}

/**
 * `-j, --jobs N` and the hidden `--unit-bytes N`, of the commands that check lines on several
 * threads (verify, gate, explain, impact, timeline). --unit-bytes sets how big a unit of that
 * work is: for tests that put faults on unit boundaries, and for measuring; not a user's
 * setting, so not in --help (docs/contract.md).
 */
export function jobsOptions(oneByDefault = false): Option[] {
  const jobs = new Option('-j, --jobs <n>', `threads for the per-line work, 1 to ${MAX_JOBS} (the report is the same for any N)`).argParser(positiveInt('--jobs', MAX_JOBS));
  return [
    oneByDefault ? jobs.default(1, 'one') : jobs.default(defaultJobs(), `every core (at most ${MAX_JOBS}; fewer under a CPU quota) for ${PARALLEL_MIN_BYTES / 2 ** 20} MiB of input or more, else one`),
    new Option('--unit-bytes <n>', 'nominal bytes per unit of --jobs work').argParser(positiveInt('--unit-bytes', 2 ** 30)).hideHelp(),
  ];
}

/** What jobsOptions() parsed, as run options: `jobsAuto` when --jobs was not given. */
export function jobsRunOptions(flags: { jobs: number; unitBytes?: number }, command: Command): { jobs: number; jobsAuto: boolean; unitBytes?: number } {
  return {
    jobs: flags.jobs,
    jobsAuto: command.getOptionValueSource('jobs') === 'default',
    ...(flags.unitBytes === undefined ? {} : { unitBytes: flags.unitBytes }),
  };
}

/**
 * The run options of jobsOptions(), with the threads of a run over `logs` started now if the
 * run will use them and the binary's first lines did not start them already (early.ts): they
 * boot while this thread loads the rest and reads the repository.
 */
export async function startJobs(logs: readonly string[], flags: { jobs: number; unitBytes?: number }, command: Command): Promise<{ jobs: number; jobsAuto: boolean; unitBytes?: number }> {
  const jobs = jobsRunOptions(flags, command);
  // A default of one thread (timeline's, or the cores of a machine with one) starts none.
  await prestartFor(logs, jobs.jobsAuto && jobs.jobs > 1 ? null : jobs.jobs);
  return jobs;
}

/**
 * How the logs are read: the longest line, the deepest nesting, the chain check's window. sel
 * verify's options, which merge (the window) and explain, impact and timeline take too, to read
 * the logs as verify was told to (`note` says so in their help).
 */
export function maxLineBytesOption(note = ''): Option {
  return new Option('--max-line-bytes <n>', `longest line read${note}; longer lines are reported unread`)
    .argParser(positiveInt('--max-line-bytes', MAX_LINE_BYTES_LIMIT))
    .default(DEFAULT_VERIFY_OPTIONS.maxLineBytes);
}

export function maxDepthOption(note = ''): Option {
  return new Option('--max-depth <n>', `deepest nesting accepted in an event${note}`).argParser(positiveInt('--max-depth', MAX_DEPTH_LIMIT)).default(DEFAULT_VERIFY_OPTIONS.maxDepth);
}

/** How the logs are read, as the forensics commands and `sel gate` take it (readingOptions). */
export interface ReadingFlags {
  maxLineBytes: number;
  maxDepth: number;
  reorderWindow: number;
}

/**
 * `--max-line-bytes`, `--max-depth` and `--reorder-window` of a command that reads logs sel
 * verify read (explain, impact, timeline, gate): a log that verify was told to read with longer
 * lines had its long events reported LINE_TOO_LONG by a command that did not take the flag, and
 * failed every gate (found by review).
 */
export const readingOptions = (): Option[] => [maxLineBytesOption(', as sel verify reads it'), maxDepthOption(', as sel verify accepts it'), reorderWindowOption(', as sel verify holds them')];

/** The verify options readingOptions set. */
export const reading = (f: ReadingFlags) => ({ maxLineBytes: f.maxLineBytes, maxDepth: f.maxDepth, chain: { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: f.reorderWindow } });

/** The chain check's window (it runs in `verify`, or in `merge` for shards). */
export function reorderWindowOption(note = ''): Option {
  return new Option('--reorder-window <n>', `early events per chain held while waiting for a missing one${note}`)
    .argParser(positiveInt('--reorder-window', MAX_REORDER_WINDOW))
    .default(DEFAULT_VERIFY_OPTIONS.chain.reorderWindow);
}
