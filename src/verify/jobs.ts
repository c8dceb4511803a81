/**
 * How many threads a run uses (`--jobs N`): the default, and the rule that applies it, without
 * the pool, so that a run that turns out to use one thread never loads worker_threads.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The most threads --jobs takes. */
export const MAX_JOBS = 64;

/**
 * The default --jobs is one thread below this many bytes of input, the cores above it (an
 * explicit --jobs N is always obeyed). Measured on a 2-core machine (npm run bench, 3 reps,
 * 2026-12-01): --jobs 2 / --jobs 1 = 0.68x at 30 MB, 0.93x at 100 MB, 1.13x at 150 MB, 1.17x
 * at 200 MB, 1.33x at 300 MB, 1.65x at 1 GB. A second thread costs a fixed time up front (its
 * start, and warming up a second copy of the hot code while the first warms up too), then
 * runs 1.6x-1.7x as fast. That cost was ~0.15 s, and the default 160 MiB; once the warm-up
 * stopped compiling the hot code several times over (docs/performance.md, `--jobs N`),
 * alternating pairs measured 1.06x-1.10x at 100 MB and 1.24x at 150 MB (12-16 pairs, later
 * that day): it pays from ~90 MB, and the default switches with a margin. (It was 256 MiB at
 * first, which left shards of a 1 GB log in 4, 250 MB each, on one thread.)
 */
export const PARALLEL_MIN_BYTES = 128 * 1024 * 1024;

/** The threads a run uses: `jobs`, unless it was defaulted and the input is small or a stream. */
export function effectiveJobs(jobs: number, jobsAuto: boolean, totalBytes: number | null): number {
  if (jobsAuto && (totalBytes === null || totalBytes < PARALLEL_MIN_BYTES)) return 1;
  return Math.max(1, jobs);
}

/** Reads a small system file; null when it is not there or cannot be read. */
export type ReadSystemFile = (path: string) => string | null;

const readSystemFile: ReadSystemFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/**
 * The CPUs a CFS quota gives this process's cgroup (and its ancestors), rounded up; null when
 * no quota applies or none can be read. A container with a CPU limit but no CPU set (the usual
 * Kubernetes pod) shows Node.js every core of its node: 64 threads on a 2-CPU pod only take
 * turns, and each adds ~35 MB. cgroup v2 `cpu.max` ("max 100000" or "200000 100000"), v1
 * `cpu.cfs_quota_us` (-1: none) over `cpu.cfs_period_us`, as Go and the JVM read them.
 */
export function cpuQuota(read: ReadSystemFile = readSystemFile): number | null {
  const cgroups = read('/proc/self/cgroup') ?? '';
  let best: number | null = null;
  const take = (quota: number, period: number): void => {
    if (!(quota > 0 && period > 0)) return;
    const cpus = Math.max(1, Math.ceil(quota / period));
    best = best === null ? cpus : Math.min(best, cpus);
  };
  for (const line of cgroups.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined || controllers === undefined) continue;
    // From the process's cgroup up to the root: a limit on any of them applies.
    for (const dir of ancestors(path)) {
      if (controllers === '') {
        const max = read(`/sys/fs/cgroup${dir}/cpu.max`)?.trim().split(/\s+/);
        if (max !== undefined && max[0] !== 'max') take(Number(max[0]), Number(max[1] ?? 100_000));
      } else if (controllers.split(',').includes('cpu')) {
        for (const root of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
          const quota = read(`${root}${dir}/cpu.cfs_quota_us`);
          if (quota !== null) take(Number(quota.trim()), Number(read(`${root}${dir}/cpu.cfs_period_us`)?.trim() ?? 100_000));
        }
      }
    }
  }
  return best;
}

/** "/a/b" -> "/a/b", "/a", "" (the mount's root, as paths are joined to it). */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter((p) => p.length > 0);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(i === 0 ? '' : `/${parts.slice(0, i).join('/')}`);
  return out;
}

/**
 * --jobs when not given: the cores Node.js sees (`cores`: tests give theirs), no more than
 * MAX_JOBS (the run refuses more) or a CPU quota allows.
 */
export function defaultJobs(read: ReadSystemFile = readSystemFile, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_JOBS, cpuQuota(read) ?? cores));
}
