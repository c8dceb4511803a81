// The option parsers of src/cli/options.ts as commander runs them: what a run is told. Their
// messages and bounds at the command line are in verify.e2e.test.ts and import.e2e.test.ts.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { jobsOptions, jobsRunOptions } from '../../src/cli/options.js';
import { MAX_JOBS } from '../../src/verify/jobs.js';

/** `args` parsed by a command with jobsOptions(oneByDefault), and what jobsRunOptions makes of them. */
function parsed(args: string[], oneByDefault = false) {
  const cmd = new Command('c').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const o of jobsOptions(oneByDefault)) cmd.addOption(o);
  cmd.parse(args, { from: 'user' });
  return jobsRunOptions(cmd.opts<{ jobs: number; unitBytes?: number }>(), cmd);
}

describe('--jobs as run options', () => {
  it('is automatic only when --jobs is not given: an explicit --jobs N is kept on a small input (from mutation testing)', () => {
    // jobsAuto makes a run of less than PARALLEL_MIN_BYTES use one thread (jobs.ts): with the
    // source test inverted, `--jobs 4` ran on one thread and the default on every core.
    expect(parsed([])).toMatchObject({ jobsAuto: true });
    expect(parsed([], true)).toEqual({ jobs: 1, jobsAuto: true });
    for (const args of [['--jobs', '4'], ['-j4'], ['--jobs=1'], ['-j', String(MAX_JOBS)]]) {
      expect(parsed(args), args.join(' ')).toEqual({ jobs: Number(args.at(-1)!.replace(/^(-j|--jobs=)/, '')), jobsAuto: false });
    }
    expect(parsed(['--jobs', '2', '--unit-bytes', '4096'])).toEqual({ jobs: 2, jobsAuto: false, unitBytes: 4096 });
    expect(parsed(['--jobs', '02'])).toEqual({ jobs: 2, jobsAuto: false });
  });

  it('refuses what is not a whole number from 1 to MAX_JOBS', () => {
    for (const bad of ['-1', '1.5', '2x', '', ' 2', '+2', '１', '0x2', '2e1']) {
      expect(() => parsed(['--jobs', bad]), JSON.stringify(bad)).toThrow(`--jobs must be a whole number from 1 to ${MAX_JOBS}.`);
    }
    for (const bad of ['0', '00', String(MAX_JOBS + 1), '99999999999999999999']) {
      expect(() => parsed(['--jobs', bad]), bad).toThrow(`--jobs must be between 1 and ${MAX_JOBS}.`);
    }
    expect(() => parsed(['--unit-bytes', String(2 ** 30 + 1)])).toThrow('--unit-bytes must be between 1 and 1073741824.');
    expect(() => parsed(['--unit-bytes', '0'])).toThrow('--unit-bytes must be between 1 and 1073741824.');
  });
});
