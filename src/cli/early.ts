/**
 * The first thing the `sel` binary does, before it loads the command line parser, from a
 * light reading of the arguments. Two things start here and run while this thread loads the
 * rest of sel (~100 ms with commander, the verifier and, for a replay, the policy code):
 *
 * - The git commands a run with `--repo` begins with (readRepoArgs; git.ts,
 *   prefetchGovernance). The run's own calls take their outputs, each only for the very same
 *   command, so a misreading costs a git process, never a different answer. This is started
 *   even when commander will refuse the arguments: what it runs is what the run would run,
 *   and what nothing takes is stopped at exit.
 * - The worker threads of a run that will use more than one (`sel verify`, `gate`, `explain`,
 *   `impact`, `timeline`; pool.ts, prestartPool). A worker takes 50-100 ms to boot; started
 *   here, ~30 ms before commander has parsed the arguments, its first unit began ~45 ms
 *   sooner (132-148 ms into the process, was 180-197). This is a guess, and only a guess: the run decides again, on
 *   the same rule, from what commander parsed (options.ts, startJobs), and takes the started
 *   pool only if it has the right number of threads (pool.ts, takePool). A wrong guess costs
 *   the threads' boot, on a run of PARALLEL_MIN_BYTES or more (or an explicit --jobs); a
 *   missed one, those milliseconds. So anything unusual (a value commander would refuse,
 *   help, standard input, a log the run cannot read) is no guess.
 *
 * Nothing here reports or throws.
 */
import { resolveSources, totalBytes } from '../ingest/sources.js';
import { defaultJobs, effectiveJobs, MAX_JOBS } from '../verify/jobs.js';

/** The options of every command that checks lines on several threads, and of how it reads the logs (as sel verify does). */
const THREADS = ['-j', '--jobs', '--unit-bytes'];
const READING = ['--max-line-bytes', '--max-depth', '--reorder-window'];

/**
 * The commands that check lines on several threads, and their options that take a value
 * (verify.ts, gate.ts, forensics.ts), long and short names. A test holds these lists to the
 * commands' definitions.
 */
export const PARALLEL_VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  verify: ['--repo', '--ref', ...THREADS, '--shard', '--shard-out', '--checkpoint', ...READING, '--format', '--fail-on', '--max-findings'],
  gate: ['--repo', '--ref', '--since', '--max-severity', '--policy-at', '--min-events', '--max-findings', '--format', ...THREADS, ...READING],
  explain: ['--repo', '--ref', '--seq', '--chain', '--policy', '--format', ...THREADS, ...READING],
  impact: ['--repo', '--ref', '--policy', '--max-events', '--format', ...THREADS, ...READING],
  timeline: ['--actor', '--tool', '--action', '--kind', '--chain', '--from', '--to', '--format', ...THREADS, ...READING],
};

/** Of PARALLEL_VALUE_OPTIONS's commands, those whose default --jobs is one thread. */
export const ONE_THREAD_BY_DEFAULT: readonly string[] = ['timeline'];

/** The command of `sel ARGS` is its first argument that is not an option (the global ones take no value). */
export function isCommandName(arg: string): boolean {
  return !arg.startsWith('-');
}

/** The name of the option argument `a`: `--name` of `--name=value`, or `a` itself. */
function optionName(a: string): string {
  const eq = a.indexOf('=');
  return a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
}

/** The value of the option at `args[i]` (after its `=`, or the next argument) and the index of its last argument. */
function optionValue(args: readonly string[], i: number): { value: string | undefined; last: number } {
  const a = args[i]!;
  const name = optionName(a);
  return name === a ? { value: args[i + 1], last: i + 1 } : { value: a.slice(name.length + 1), last: i };
}

/**
 * The options of a cluster of short ones (`-qj2`, past the command), one by one: flags up to
 * the first that takes a value, which takes the rest of the cluster when there is any (else
 * the next argument).
 */
function shortCluster(a: string, valueOptions: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 1; k < a.length; k++) {
    const o = `-${a[k]!}`;
    out.push(o);
    if (valueOptions.includes(o)) {
      if (k + 1 < a.length) out.push(a.slice(k + 1));
      break;
    }
  }
  return out;
}

/** One reading of the arguments of a run of one of PARALLEL_VALUE_OPTIONS's commands. */
interface Reading {
  readonly command: string;
  readonly logs: string[];
  /** --jobs; NaN: a value commander would refuse. */
  jobs: number | null;
  dir: string | null;
  ref: string;
  /** Help was asked for, or an option that takes a value has none: no run. */
  stopped: { readonly help: boolean; readonly missing: string | null } | null;
  shard: boolean;
}

/**
 * The program's own options (program.ts), which commander reads anywhere before the first `--`,
 * past the command too, even where an option of the command expects its value: `verify --format
 * --color json` is `--color` and `--format json` (from mutation testing).
 */
const PROGRAM_FLAGS = ['--color', '--no-color'];

/** The program's version option, acted on anywhere before the first `--`: alone, or first of a cluster of short ones. */
const isVersion = (a: string): boolean => a === '--version' || (a.length >= 2 && a[0] === '-' && a[1] === 'V');

/** What commander reads as an argument (a log) of a command without options named by a digit, not as an option: `-5`, `-1.5`, `-2e3`. */
const NEGATIVE_NUMBER = /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/;

/** The arguments read once for both early starts, past each option that takes a value; null: not such a command. */
function readArgs(argv: readonly string[]): Reading | null {
  const literal = argv.indexOf('--');
  const before = literal < 0 ? argv : argv.slice(0, literal);
  // The version asked for: no run.
  if (before.some(isVersion)) return null;
  const args = [...before.filter((a) => !PROGRAM_FLAGS.includes(a)), ...(literal < 0 ? [] : argv.slice(literal))];
  const at = args.findIndex(isCommandName);
  const command = at < 0 ? '' : args[at]!;
  if (!Object.hasOwn(PARALLEL_VALUE_OPTIONS, command)) return null;
  // Before the command only the colour flags (read above) let it run: commander acts on -h
  // there (help) and refuses any other option, and neither needs threads or history.
  if (at > 0) return null;
  const valueOptions = PARALLEL_VALUE_OPTIONS[command]!;
  const r: Reading = { command, logs: [], jobs: null, dir: null, ref: 'HEAD', stopped: null, shard: false };
  for (let i = at + 1; i < args.length; i++) {
    const a = args[i]!;
    // A log, as commander reads it: a negative number is not an option of these commands.
    if (NEGATIVE_NUMBER.test(a)) {
      r.logs.push(a);
      continue;
    }
    // A cluster of short options, as commander reads it: `-qj2` is `-q -j 2`, `-j2` is `-j 2`.
    if (a.length > 2 && a[0] === '-' && a[1] !== '-') {
      args.splice(i, 1, ...shortCluster(a, valueOptions));
      i--;
      continue;
    }
    if (a === '--') {
      r.logs.push(...args.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      r.logs.push(a);
      continue;
    }
    const name = optionName(a);
    if (name === '-h' || name === '--help') {
      r.stopped = { help: true, missing: null };
      break;
    }
    if (!valueOptions.includes(name)) continue;
    const { value, last } = optionValue(args, i);
    i = last;
    if (value === undefined) {
      r.stopped = { help: false, missing: name };
      break;
    }
    if (name === '--shard') r.shard = true;
    else if (name === '--repo') r.dir = value;
    else if (name === '--ref') r.ref = value;
    // What commander would refuse is no guess (--jobs 100 is an error, not 64 threads).
    else if (name === '-j' || name === '--jobs') r.jobs = /^0*[1-9][0-9]{0,3}$/.test(value) && Number(value) <= MAX_JOBS ? Number(value) : NaN;
  }
  return r;
}

/**
 * What the arguments ask of a run of one of PARALLEL_VALUE_OPTIONS's commands, as far as
 * starting threads goes; null: not a plain one.
 */
export function readParallelArgs(args: readonly string[]): { logs: string[]; jobs: number | null } | null {
  const r = readArgs(args);
  // A shard is verified by its own path (no early start there).
  if (r === null || r.stopped !== null || r.shard || Number.isNaN(r.jobs)) return null;
  // timeline uses one thread unless --jobs says otherwise (forensics.ts).
  if (r.jobs === null && ONE_THREAD_BY_DEFAULT.includes(r.command)) return null;
  return r.logs.length > 0 ? { logs: r.logs, jobs: r.jobs } : null;
}

/** The commands that read a governance repository with `--repo DIR [--ref REF]` (default ref HEAD). */
export const REPO_COMMANDS: readonly string[] = Object.keys(PARALLEL_VALUE_OPTIONS).filter((c) => PARALLEL_VALUE_OPTIONS[c]!.includes('--repo') && PARALLEL_VALUE_OPTIONS[c]!.includes('--ref'));

/**
 * The repository and ref a run of one of REPO_COMMANDS names; null: none, or help. Only what
 * to prefetch: the run's own calls take a prefetched output only when they ask for exactly
 * the same command in the same directory (git.ts), so a misreading costs a wasted git process,
 * never a wrong answer.
 */
export function readRepoArgs(args: readonly string[]): { dir: string; ref: string } | null {
  const r = readArgs(args);
  if (r === null || !REPO_COMMANDS.includes(r.command) || r.stopped?.help === true) return null;
  if (r.stopped !== null && (r.stopped.missing === '--repo' || r.stopped.missing === '--ref')) return null;
  // An empty --repo is refused by the run (git.ts, GitRepo.open).
  return r.dir === null || r.dir === '' ? null : { dir: r.dir, ref: r.ref };
}

/**
 * Starts what a run of `argv` (process.argv) can start before the rest of sel has loaded: the
 * worker threads of a run that will use them (PARALLEL_VALUE_OPTIONS's commands), and the
 * first git commands of a run with `--repo` (git.ts, prefetchGovernance).
 */
export async function startEarly(argv: readonly string[]): Promise<void> {
  const args = argv.slice(2);
  const repo = readRepoArgs(args);
  if (repo !== null) {
    try {
      // Not awaited: git works while this thread loads the rest of sel.
      void (await import('../git/git.js')).prefetchGovernance(repo.dir, repo.ref);
    } catch {
      // Nothing said: the run reports what it cannot load or run.
    }
  }
  const run = readParallelArgs(args);
  if (run !== null) await prestartFor(run.logs, run.jobs);
}

/**
 * Starts the worker threads of a run over `logs` with `jobs` threads (null: the default) when
 * the run will use more than one, by the run's own rule (jobs.ts) on the logs as the run
 * resolves them (sources.ts). Called here, before commander loads, and again by those
 * commands once they have parsed their options (options.ts, startJobs; a second call starts
 * nothing). The pool's module, and worker_threads, are loaded only then. Never throws: a log
 * the run cannot read, or a pool that cannot start, is for the run itself to report.
 */
export async function prestartFor(logs: readonly string[], jobs: number | null): Promise<void> {
  if (jobs !== null && jobs < 2) return;
  try {
    const total = await resolveSources(logs).then(({ sources }) => totalBytes(sources));
    if (total === null) return;
    // Most runs are small: their default is one thread, whatever the cores (no cgroup reads).
    const threads = jobs ?? (effectiveJobs(2, true, total) < 2 ? 1 : defaultJobs());
    if (effectiveJobs(threads, jobs === null, total) < 2) return;
    (await import('../verify/pool.js')).prestartPool(threads);
  } catch {
    // No guess, and nothing said.
  }
}
