/**
 * How many threads a run uses (`--jobs N`): the rule alone, without the pool, so that a run
 * that turns out to use one thread never loads worker_threads, and the binary can apply the
 * rule before it loads anything else (src/cli/early.ts).
 */

/** The most threads --jobs takes. */
export const MAX_JOBS = 64;

/**
 * The default --jobs is one thread below this many bytes of input, the cores above it (an
 * explicit --jobs N is always obeyed). Measured on a 2-core machine (alternating pairs):
 * --jobs 2 / --jobs 1 = 0.75x at 30 MB, 0.93x at 100 MB, 1.2-1.3x at 300 MB. A second thread
 * costs ~0.13 s up front (its start, and warming up a second copy of the hot code while the
 * first warms up too), then runs ~1.45x as fast; so it pays from ~150 MB, and the default
 * switches with a margin.
 */
export const PARALLEL_MIN_BYTES = 256 * 1024 * 1024;

/** The threads a run uses: `jobs`, unless it was defaulted and the input is small or a stream. */
export function effectiveJobs(jobs: number, jobsAuto: boolean, totalBytes: number | null): number {
  if (jobsAuto && (totalBytes === null || totalBytes < PARALLEL_MIN_BYTES)) return 1;
  return Math.max(1, jobs);
}
