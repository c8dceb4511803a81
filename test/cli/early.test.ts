// The early start of a parallel run's threads and of a replay's first git commands
// (src/cli/early.ts): its reading of the arguments. That a guess never changes a report is shown
// by every --jobs and --repo run of the CLI in the e2e tests; that the binary takes the git
// commands it prefetched, by test/hostile/git.e2e.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ONE_THREAD_BY_DEFAULT, PARALLEL_VALUE_OPTIONS, readParallelArgs, readRepoArgs, REPO_COMMANDS } from '../../src/cli/early.js';
import { buildProgram } from '../../src/cli/program.js';

describe('early start: reading the arguments', () => {
  it('knows every option of each command that checks lines on several threads that takes a value, and no other', async () => {
    const parallel: string[] = [];
    for (const cmd of (await buildProgram()).commands) {
      // The commands that check lines on several threads.
      if (!cmd.options.some((o) => o.long === '--jobs')) continue;
      parallel.push(cmd.name());
      const takingValues = cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((n): n is string => n !== undefined));
      expect([...PARALLEL_VALUE_OPTIONS[cmd.name()]!].sort()).toEqual(takingValues.sort());
      // Its default --jobs: one thread exactly for ONE_THREAD_BY_DEFAULT's commands.
      const jobs = cmd.options.find((o) => o.long === '--jobs')!;
      expect(jobs.defaultValueDescription === 'one', cmd.name()).toBe(ONE_THREAD_BY_DEFAULT.includes(cmd.name()));
    }
    expect(parallel.sort()).toEqual(Object.keys(PARALLEL_VALUE_OPTIONS).sort());
  });

  it('finds the logs and --jobs of a verify run', () => {
    expect(readParallelArgs(['verify', 'a.jsonl', '--jobs', '2'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['--no-color', 'verify', '--repo', 'gov', 'logs/', '-q', 'b.jsonl'])).toEqual({ logs: ['logs/', 'b.jsonl'], jobs: null });
    expect(readParallelArgs(['verify', '--jobs=3', '--format', 'json', '--', '-odd.jsonl'])).toEqual({ logs: ['-odd.jsonl'], jobs: 3 });
    expect(readParallelArgs(['verify', '-j', '4', '-'])).toEqual({ logs: ['-'], jobs: 4 });
    // With leading zeros, as the option itself takes them (a review: --jobs 02 ran two threads
    // without starting its worker early).
    expect(readParallelArgs(['verify', 'a.jsonl', '--jobs', '02'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['verify', 'a.jsonl', '--jobs', '00'])).toBeNull();
    expect(readParallelArgs(['verify', '--max-findings', '10', 'x.jsonl'])).toEqual({ logs: ['x.jsonl'], jobs: null });
    // Short options run together, as commander reads them.
    expect(readParallelArgs(['verify', '-j2', 'a.jsonl'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['verify', '-qj3', 'a.jsonl'])).toEqual({ logs: ['a.jsonl'], jobs: 3 });
    expect(readParallelArgs(['verify', '-qj', '3', 'a.jsonl'])).toEqual({ logs: ['a.jsonl'], jobs: 3 });
    expect(readParallelArgs(['verify', '-jq', 'a.jsonl'])).toBeNull();
    expect(readParallelArgs(['verify', 'a.jsonl', '-qh'])).toBeNull();
    expect(readParallelArgs(['gate', '--since', '-j9', 'a.jsonl'])).toEqual({ logs: ['a.jsonl'], jobs: null });
  });

  it('finds the logs and --jobs of a gate, explain, impact or timeline run, past the options of its own that take a value', () => {
    expect(readParallelArgs(['explain', '--seq', '41817', 'a.jsonl', '--chain', 'prod', '--repo', 'gov', '-j', '2'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    // timeline: one thread unless --jobs says otherwise.
    expect(readParallelArgs(['timeline', '--actor', 'ops-bot', 'logs/', '--from', '2026-11-01T00:00:00Z'])).toBeNull();
    expect(readParallelArgs(['timeline', '--actor', 'ops-bot', 'logs/', '--jobs', '2'])).toEqual({ logs: ['logs/'], jobs: 2 });
    expect(readParallelArgs(['impact', 'a.jsonl', '--repo', 'gov', '--policy', 'HEAD', '--max-events', '5', '--jobs=2'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['gate', '--repo', 'gov', '--since', 'v1', '--policy-at', 'HEAD', 'a.jsonl', '-j', '2'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['gate', '--max-severity', 'none', '--no-divergence', 'logs/'])).toEqual({ logs: ['logs/'], jobs: null });
    expect(readParallelArgs(['gate', '--policy-at=v2', '--jobs=2', '--', '--odd.jsonl'])).toEqual({ logs: ['--odd.jsonl'], jobs: 2 });
    expect(readParallelArgs(['gate', 'a.jsonl', '--jobs', '100'])).toBeNull();
    expect(readParallelArgs(['gate', 'a.jsonl', '-h'])).toBeNull();
    // --since takes a value in gate, not in verify.
    expect(readParallelArgs(['verify', '--since', 'v1', 'a.jsonl'])).toEqual({ logs: ['v1', 'a.jsonl'], jobs: null });
  });

  it('makes no guess for other commands, shards, or arguments it cannot read', () => {
    expect(readParallelArgs(['policy', 'check', 'dir'])).toBeNull();
    expect(readParallelArgs(['merge', 'a.shard'])).toBeNull();
    expect(readParallelArgs(['policy', 'eval', 'dir', '--event', 'e.json'])).toBeNull();
    expect(readParallelArgs(['constructor', 'a.jsonl'])).toBeNull();
    expect(readParallelArgs(['--version'])).toBeNull();
    expect(readParallelArgs(['verify', '--shard', '1/4', '--shard-out', 'o', 'x.jsonl'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', 'two'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '0'])).toBeNull();
    expect(readParallelArgs(['verify', '--repo', 'gov'])).toBeNull();
    // What commander refuses, and help, start no thread (--jobs 100 was read as 64 threads).
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '100'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs=65'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '99999999999999999999'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '2', '--help'])).toBeNull();
    expect(readParallelArgs(['verify', '-h'])).toBeNull();
    // Before the command, commander acts on help and the version, and refuses other options:
    // only the colour flags let the command run.
    for (const before of [['-h'], ['--help'], ['-V'], ['--version'], ['--bogus'], ['--color=x'], ['--color', '-h']]) {
      expect(readParallelArgs([...before, 'verify', 'x.jsonl', '--jobs', '2']), before.join(' ')).toBeNull();
      expect(readRepoArgs([...before, 'verify', 'x.jsonl', '--repo', 'gov']), before.join(' ')).toBeNull();
    }
    expect(readParallelArgs(['--no-color', '--color', 'verify', 'x.jsonl', '--jobs', '2'])).toEqual({ logs: ['x.jsonl'], jobs: 2 });
    expect(readRepoArgs(['--color', 'verify', 'x.jsonl', '--repo', 'gov'])).toEqual({ dir: 'gov', ref: 'HEAD' });
  });

  it('reads --jobs as commander does: 1 to 64, digits only (from mutation testing)', () => {
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '64'])).toEqual({ logs: ['x.jsonl'], jobs: 64 });
    expect(readParallelArgs(['verify', 'x.jsonl', '-j64'])).toEqual({ logs: ['x.jsonl'], jobs: 64 });
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs', '2x'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '-j2x'])).toBeNull();
    expect(readParallelArgs(['verify', 'x.jsonl', '--jobs=2.5'])).toBeNull();
  });
});

describe('early start: the repository to prefetch from', () => {
  it('is read for the commands that read a repository at --ref, and only for them', async () => {
    const withRepo: string[] = [];
    // All commands: what `sel --help` loads.
    for (const cmd of (await buildProgram()).commands) {
      const ref = cmd.options.find((o) => o.long === '--ref');
      if (ref === undefined || !cmd.options.some((o) => o.long === '--repo')) continue;
      withRepo.push(cmd.name());
      // Each defaults --ref to HEAD, as the prefetch does.
      expect(ref.defaultValue).toBe('HEAD');
    }
    expect(withRepo.sort()).toEqual([...REPO_COMMANDS].sort());
  });

  it('finds --repo and --ref in either form, the last of each', () => {
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo', 'gov'])).toEqual({ dir: 'gov', ref: 'HEAD' });
    expect(readRepoArgs(['--no-color', 'gate', '--repo=gov', '--ref', 'v1', 'a.jsonl'])).toEqual({ dir: 'gov', ref: 'v1' });
    expect(readRepoArgs(['explain', 'a.jsonl', '--ref=main', '--seq', '3', '--repo', 'x', '--repo', 'y'])).toEqual({ dir: 'y', ref: 'main' });
  });

  it('is nothing without --repo, for help, after --, or with a missing value', () => {
    expect(readRepoArgs(['verify', 'a.jsonl'])).toBeNull();
    expect(readRepoArgs(['policy', 'check', '--repo', 'gov'])).toBeNull();
    expect(readRepoArgs(['timeline', 'a.jsonl', '--repo', 'gov'])).toBeNull();
    expect(readRepoArgs(['merge', 'a.shard', '--repo', 'gov'])).toBeNull();
    expect(readRepoArgs(['verify', '--repo', 'gov', '--help'])).toBeNull();
    expect(readRepoArgs(['verify', 'a.jsonl', '--', '--repo', 'gov'])).toBeNull();
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo'])).toBeNull();
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo='])).toBeNull();
    // No command at all: commander refuses the option, and no repository is read (from mutation testing).
    expect(readRepoArgs(['--repo=gov'])).toBeNull();
    expect(readRepoArgs(['--color', '--repo=gov', '--jobs=2'])).toBeNull();
  });

  it('is nothing when --repo or --ref lacks its value, but is read when another option lacks one (from mutation testing)', () => {
    // Which ref a run that commander refuses would read is unknown: no HEAD in its place.
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo', 'gov', '--ref'])).toBeNull();
    expect(readRepoArgs(['gate', 'a.jsonl', '--repo', 'gov', '--repo'])).toBeNull();
    // Started even when commander will refuse the arguments (early.ts): what it runs is what the run would.
    expect(readRepoArgs(['verify', '--repo', 'gov', '--ref', 'v1', 'a.jsonl', '--format'])).toEqual({ dir: 'gov', ref: 'v1' });
  });

  it('reads a short cluster as commander does: -jh is --jobs h, not help (from mutation testing)', () => {
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo', 'gov', '-jh'])).toEqual({ dir: 'gov', ref: 'HEAD' });
    expect(readRepoArgs(['explain', 'a.jsonl', '-j2', '--repo', 'gov', '--ref', 'main'])).toEqual({ dir: 'gov', ref: 'main' });
  });

  it('is what commander parses as --repo and --ref, for every argument list commander accepts (from mutation testing)', async () => {
    const tokens = ['a.jsonl', '--repo', '--repo=g2', 'gov', '--ref', '--ref=r2', 'v1', '-j', '-j2', '-jh', '-qj', '--', '-', '-h', '--help', '--format', 'json', '--seq', '3', '--since', '-q', '--jobs=2', '--no-divergence', '--repo=', '-x', '--policy', '--chain', '-jq', '--ref=', '--max-severity', 'none'];
    let withRepo = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REPO_COMMANDS), fc.array(fc.constantFrom(...tokens), { maxLength: 7 }), async (name, rest) => {
        const cmd = (await buildProgram()).commands.find((c) => c.name() === name)!;
        cmd.configureOutput({ writeErr: () => {}, writeOut: () => {} });
        let unknown: string[];
        try {
          ({ unknown } = cmd.parseOptions(rest));
        } catch {
          return; // Refused (a missing or bad value): the run never reads the repository.
        }
        // Unknown options and help are refused or answered before any run.
        if (unknown.length > 0) return;
        const o = cmd.opts<{ repo?: string; ref?: string }>();
        const expected = o.repo === undefined || o.repo === '' ? null : { dir: o.repo, ref: o.ref ?? 'HEAD' };
        if (expected !== null) withRepo++;
        expect(readRepoArgs([name, ...rest]), `${name} ${rest.join(' ')}`).toEqual(expected);
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    expect(withRepo).toBeGreaterThan(10);
  });
});

describe('early start: as the whole program reads the arguments', () => {
  /**
   * What commander runs for `sel NAME ...REST`: the program reads its own options first,
   * anywhere before `--` (the colour flags, the version), then the command reads the rest.
   * undefined: no run (refused, help, the version).
   */
  async function commanderRun(name: string, rest: string[]): Promise<{ logs: string[]; opts: Record<string, unknown>; jobsGiven: boolean } | undefined> {
    const program = await buildProgram();
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    for (const c of program.commands) c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    try {
      const { operands, unknown } = program.parseOptions([name, ...rest]);
      if (operands[0] !== name) return undefined;
      const cmd = program.commands.find((c) => c.name() === name)!;
      const parsed = cmd.parseOptions(unknown);
      if (parsed.unknown.length > 0) return undefined;
      return { logs: [...operands.slice(1), ...parsed.operands], opts: cmd.opts(), jobsGiven: cmd.getOptionValueSource('jobs') === 'cli' };
    } catch {
      return undefined;
    }
  }

  it('finds the logs, --jobs, --repo and --ref commander finds, past the program\'s own options and negative numbers (from mutation testing)', async () => {
    // `--format --color json`: commander read `--color` as the program's, and `json` as the
    // format; the early start read the format `--color` and a log `json`. A log named `-5` was
    // no log to it, and `verify a.jsonl -V` (the version) a run.
    const tokens = ['a.jsonl', '-5', '-1.5', '--color', '--no-color', '-V', '--version', '-Vq', '--format', 'json', '-j', '2', '--jobs', '-j2', '--repo', 'gov', '--ref', 'v1', '--', '-q', '-qj', '--shard', '1/2', '-x', '-h', '--jobs=3'];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(PARALLEL_VALUE_OPTIONS)), fc.array(fc.constantFrom(...tokens), { maxLength: 7 }), async (name, rest) => {
        const run = await commanderRun(name, rest);
        const label = `${name} ${rest.join(' ')}`;
        // Refused, help or the version: the early start may guess (a wasted start, early.ts).
        if (run === undefined) return;
        runs++;
        const jobs = run.jobsGiven ? (run.opts['jobs'] as number) : null;
        const parallel = run.opts['shard'] !== undefined || run.logs.length === 0 || (jobs === null && ONE_THREAD_BY_DEFAULT.includes(name)) ? null : { logs: run.logs, jobs };
        expect(readParallelArgs([name, ...rest]), label).toEqual(parallel);
        const repo = run.opts['repo'] as string | undefined;
        const expected = !REPO_COMMANDS.includes(name) || repo === undefined || repo === '' ? null : { dir: repo, ref: (run.opts['ref'] as string | undefined) ?? 'HEAD' };
        expect(readRepoArgs([name, ...rest]), label).toEqual(expected);
      }),
      { numRuns: 1500, seed: 20261206 },
    );
    expect(runs).toBeGreaterThan(50);
    expect(readParallelArgs(['verify', '--format', '--color', 'json', 'a.jsonl', '-j', '2'])).toEqual({ logs: ['a.jsonl'], jobs: 2 });
    expect(readRepoArgs(['verify', 'a.jsonl', '--repo', '--no-color', 'gov'])).toEqual({ dir: 'gov', ref: 'HEAD' });
    expect(readParallelArgs(['verify', '-5', 'a.jsonl', '-j', '2'])).toEqual({ logs: ['-5', 'a.jsonl'], jobs: 2 });
    expect(readParallelArgs(['verify', 'a.jsonl', '-j', '2', '-V'])).toBeNull();
    expect(readParallelArgs(['verify', 'a.jsonl', '-j', '2', '--', '-V', '--color'])).toEqual({ logs: ['a.jsonl', '-V', '--color'], jobs: 2 });
  });
});
