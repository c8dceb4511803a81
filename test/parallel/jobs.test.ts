/**
 * The default --jobs: the cores Node.js sees, but no more than a CFS quota gives the process's
 * cgroup (a Kubernetes pod with a CPU limit sees every core of its node). The cgroup files
 * are given as fixtures: the machines this runs on have no quota to test against.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuQuota, defaultJobs, effectiveJobs, MAX_JOBS, PARALLEL_MIN_BYTES, type ReadSystemFile } from '../../src/verify/jobs.js';

const files = (map: Record<string, string>): ReadSystemFile => (path) => map[path] ?? null;

describe('cpuQuota', () => {
  it('cgroup v2: the process\'s cpu.max, rounded up to whole CPUs', () => {
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n', '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': '150000 100000\n' }))).toBe(2);
    // A cgroup namespace: the process's cgroup is the mount's root.
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '200000 100000\n' }))).toBe(2);
  });

  it('cgroup v2: a limit on an ancestor applies, the smallest wins, "max" is none', () => {
    const fs = {
      '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '400000 100000\n',
      '/sys/fs/cgroup/kubepods/cpu.max': '800000 100000\n',
    };
    expect(cpuQuota(files(fs))).toBe(4);
    expect(cpuQuota(files({ ...fs, '/sys/fs/cgroup/kubepods/pod1/cpu.max': 'max 100000' }))).toBe(8);
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': 'max 100000\n' }))).toBeNull();
  });

  it('cgroup v1: cpu.cfs_quota_us over cpu.cfs_period_us, under either mount name; -1 is none', () => {
    const v1 = '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n';
    expect(cpuQuota(files({ '/proc/self/cgroup': v1, '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '50000\n', '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n' }))).toBe(1);
    expect(cpuQuota(files({ '/proc/self/cgroup': v1, '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us': '300000\n', '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us': '100000\n' }))).toBe(3);
    expect(cpuQuota(files({ '/proc/self/cgroup': v1, '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us': '100000\n' }))).toBeNull();
  });

  it('the parts left out take their defaults: a cpu.max with no period, a cfs_quota_us with no cfs_period_us, a period of 100 000 us (from mutation testing)', () => {
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': '150000\n' }))).toBe(2);
    expect(cpuQuota(files({ '/proc/self/cgroup': '4:cpu:/b\n', '/sys/fs/cgroup/cpu/b/cpu.cfs_quota_us': '150000\n' }))).toBe(2);
  });

  it('rounds a fraction of a CPU up, however small the fraction (from mutation testing)', () => {
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': '120000 100000\n' }))).toBe(2);
    expect(cpuQuota(files({ '/proc/self/cgroup': '4:cpu:/b\n', '/sys/fs/cgroup/cpu/b/cpu.cfs_quota_us': '210000\n', '/sys/fs/cgroup/cpu/b/cpu.cfs_period_us': '100000\n' }))).toBe(3);
  });

  it('cgroup v1: only the cpu controller\'s cgroup is read, not one of a controller whose name merely holds "cpu" (cpuset) (from mutation testing)', () => {
    const cgroup = '3:cpuset:/pinned\n4:cpu,cpuacct:/docker/abc\n';
    const fs = {
      '/proc/self/cgroup': cgroup,
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us': '300000\n',
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us': '100000\n',
      // A cpu cgroup named as this process's cpuset cgroup is: not this process's.
      '/sys/fs/cgroup/cpu/pinned/cpu.cfs_quota_us': '100000\n',
      '/sys/fs/cgroup/cpu/pinned/cpu.cfs_period_us': '100000\n',
    };
    expect(cpuQuota(files(fs))).toBe(3);
  });

  it('nothing readable, or nonsense: no quota', () => {
    expect(cpuQuota(files({}))).toBeNull();
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/x\n', '/sys/fs/cgroup/x/cpu.max': 'lots\n' }))).toBeNull();
    expect(cpuQuota(files({ '/proc/self/cgroup': 'garbage\n\n' }))).toBeNull();
    // A period that is no number: no quota, not NaN CPUs (from mutation testing).
    expect(cpuQuota(files({ '/proc/self/cgroup': '0::/x\n', '/sys/fs/cgroup/x/cpu.max': '200000 often\n' }))).toBeNull();
    expect(cpuQuota(files({ '/proc/self/cgroup': '4:cpu:/y\n', '/sys/fs/cgroup/cpu/y/cpu.cfs_quota_us': '200000\n', '/sys/fs/cgroup/cpu/y/cpu.cfs_period_us': '0\n' }))).toBeNull();
  });
});

describe('defaultJobs and the rule', () => {
  it('the cores, no more than the quota, at least one', () => {
    const cores = availableParallelism();
    expect(defaultJobs(files({}))).toBe(Math.min(cores, MAX_JOBS));
    expect(defaultJobs(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' }))).toBe(1);
    expect(defaultJobs(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '10000 100000\n' }))).toBe(1);
    expect(defaultJobs(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': `${1000 * 100000} 100000\n` }))).toBe(Math.min(cores, MAX_JOBS));
  });

  it('never more than MAX_JOBS, however many cores a machine has: a run refuses more (from mutation testing)', () => {
    expect(defaultJobs(files({}), 256)).toBe(MAX_JOBS);
    expect(defaultJobs(files({}), MAX_JOBS + 1)).toBe(MAX_JOBS);
    expect(defaultJobs(files({}), 3)).toBe(3);
    expect(defaultJobs(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': `${100 * 100000} 100000\n` }), 128)).toBe(MAX_JOBS);
    expect(defaultJobs(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '300000 100000\n' }), 128)).toBe(3);
  });

  it('a defaulted --jobs is one thread below PARALLEL_MIN_BYTES and for streams; an explicit one is obeyed', () => {
    expect(effectiveJobs(4, true, PARALLEL_MIN_BYTES - 1)).toBe(1);
    expect(effectiveJobs(4, true, PARALLEL_MIN_BYTES)).toBe(4);
    expect(effectiveJobs(4, true, null)).toBe(1);
    expect(effectiveJobs(4, false, 10)).toBe(4);
    // Never fewer than one thread, whatever a library caller asks (from mutation testing).
    expect(effectiveJobs(0, false, 10)).toBe(1);
  });
});
