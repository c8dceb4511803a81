/**
 * The first thing the `sel` binary does, before it loads the command line parser: when the
 * arguments ask for a `sel verify` that will use more than one thread, start the worker
 * threads (pool.ts, prestartPool). A worker takes 50-100 ms to boot; started here, ~30 ms
 * before commander has parsed the arguments, it boots while this thread loads the rest of
 * sel: its first unit began ~45 ms sooner (132-148 ms into the process, was 180-197).
 *
 * This is a guess from a light reading of the arguments, and only a guess: the run decides
 * again, on the same rule, from what commander parsed (verify.ts, prestart), and takes the
 * started pool only if it has the right number of threads (pool.ts, takePool). A wrong
 * guess costs the threads' boot, on a run of PARALLEL_MIN_BYTES or more (or an explicit --jobs); a
 * missed one, those milliseconds. So anything unusual (a value commander would refuse,
 * help, standard input, a file it cannot stat) is no guess, and nothing here reports or
 * throws.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultJobs, effectiveJobs, MAX_JOBS } from '../verify/jobs.js';

/**
 * The options of `sel verify` that take a value (verify.ts), long and short names. A test
 * holds this list to the command's definition.
 */
export const VERIFY_VALUE_OPTIONS: readonly string[] = [
  '--repo',
  '--ref',
  '-j',
  '--jobs',
  '--unit-bytes',
  '--shard',
  '--shard-out',
  '--checkpoint',
  '--max-line-bytes',
  '--max-depth',
  '--format',
  '--fail-on',
  '--max-findings',
  '--reorder-window',
];

/** The command of `sel ARGS` is its first argument that is not an option (the global ones take no value). */
export function isCommandName(arg: string): boolean {
  return !arg.startsWith('-');
}

/** What the arguments ask of a verify run, as far as starting threads goes; null: not a plain one. */
export function readVerifyArgs(args: readonly string[]): { logs: string[]; jobs: number | null } | null {
  const at = args.findIndex(isCommandName);
  if (at < 0 || args[at] !== 'verify') return null;
  const logs: string[] = [];
  let jobs: number | null = null;
  for (let i = at + 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      logs.push(...args.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      logs.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (name === '-h' || name === '--help') return null;
    if (!VERIFY_VALUE_OPTIONS.includes(name)) continue;
    const value = name === a ? args[++i] : a.slice(eq + 1);
    if (value === undefined) return null;
    // A shard is verified by its own path (no early start there).
    if (name === '--shard') return null;
    if (name === '-j' || name === '--jobs') {
      // What commander would refuse is no guess (--jobs 100 is an error, not 64 threads).
      jobs = /^[1-9][0-9]{0,3}$/.test(value) ? Number(value) : MAX_JOBS + 1;
      if (jobs > MAX_JOBS) return null;
    }
  }
  return logs.length > 0 ? { logs, jobs } : null;
}

/** The bytes of the regular files the logs name (a directory: its *.jsonl files); null: not all regular. */
function logBytes(logs: readonly string[]): number | null {
  // Each file once, as the run reads it once (a file named twice, or also by its directory).
  const sizes = new Map<string, number>();
  const add = (path: string, size: number) => sizes.set(realpathSync(path), size);
  for (const log of logs) {
    if (log === '-') return null;
    const st = statSync(log);
    if (st.isDirectory()) {
      for (const name of readdirSync(log)) {
        if (!name.endsWith('.jsonl')) continue;
        const f = statSync(join(log, name));
        if (f.isFile()) add(join(log, name), f.size);
      }
    } else if (st.isFile()) {
      add(log, st.size);
    } else {
      return null;
    }
  }
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

/**
 * Starts the worker threads now when `argv` (process.argv) is a verify run that will use them
 * (the pool's module, and worker_threads, are loaded only then).
 */
export async function startEarly(argv: readonly string[]): Promise<void> {
  try {
    const run = readVerifyArgs(argv.slice(2));
    if (run === null) return;
    const total = logBytes(run.logs);
    if (total === null) return;
    // Most runs are small: their default is one thread, whatever the cores (no cgroup reads).
    const jobs = run.jobs ?? (effectiveJobs(2, true, total) < 2 ? 1 : defaultJobs());
    if (effectiveJobs(jobs, run.jobs === null, total) < 2) return;
    (await import('../verify/pool.js')).prestartPool(jobs);
  } catch {
    // No guess, and nothing said: the run reports what is wrong with its arguments, and a
    // pool that cannot start fails the run the same way when the run starts it itself.
  }
}
