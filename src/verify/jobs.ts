/**
 * How many threads a run uses (`--jobs N`): the rule alone, without the pool, so that a run
 * that turns out to use one thread never loads worker_threads, and the binary can apply the
 * rule before it loads anything else (src/cli/early.ts).
 */

/** The most threads --jobs takes. */
export const MAX_JOBS = 64;

/**
 * The default --jobs is one thread below this many bytes of input, the cores above it (an
 * explicit --jobs N is always obeyed). Measured on a 2-core machine (npm run bench, 3 reps,
 * 2026-12-01): --jobs 2 / --jobs 1 = 0.68x at 30 MB, 0.93x at 100 MB, 1.13x at 150 MB, 1.17x
 * at 200 MB, 1.33x at 300 MB, 1.65x at 1 GB. A second thread costs ~0.15 s up front (its start,
 * and warming up a second copy of the hot code while the first warms up too), then runs
 * 1.6x-1.7x as fast; so it pays from ~120 MB, and the default switches with a margin (it was
 * 256 MiB, which left shards of a 1 GB log in 4, 250 MB each, on one thread).
 */
export const PARALLEL_MIN_BYTES = 160 * 1024 * 1024;

/** The threads a run uses: `jobs`, unless it was defaulted and the input is small or a stream. */
export function effectiveJobs(jobs: number, jobsAuto: boolean, totalBytes: number | null): number {
  if (jobsAuto && (totalBytes === null || totalBytes < PARALLEL_MIN_BYTES)) return 1;
  return Math.max(1, jobs);
}
