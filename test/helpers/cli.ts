/** Runs the built CLI as a user would: a real process, real files, exit status and streams. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The bundle npm installs as `sel` (src/cli/bundle.mjs), not tsc's modules. */
export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'sel', 'sel.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function sel(args: readonly string[], opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '',
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeout ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user's mistake: exit 2 and exactly one line on stderr, without a stack trace. */
export function expectOneSentence(r: CliResult): string {
  const lines = r.stderr.trimEnd().split('\n');
  if (r.status !== 2) throw new Error(`expected exit 2, got ${r.status}: ${r.stderr}`);
  if (lines.length !== 1 && !(lines.length === 2 && lines[1]!.startsWith('(run with --help'))) {
    throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  }
  if (/\n\s+at /.test(r.stderr)) throw new Error(`stack trace on stderr:\n${r.stderr}`);
  return lines[0]!;
}

/**
 * `sel verify LOG... --repo REPO --format json`, checked to give the same bytes with --jobs 3 in
 * small units and from 3 shards merged (their results written in `dir`).
 */
export function verifyEverywhere(logs: string | readonly string[], repo: string, dir: string): CliResult {
  const log = typeof logs === 'string' ? [logs] : logs;
  const one = sel(['verify', ...log, '--repo', repo, '--format', 'json']);
  const same = (what: string, r: CliResult) => {
    if (r.stdout !== one.stdout) throw new Error(`${what} gave another report than one thread:\n${r.stdout}\n---\n${one.stdout}`);
  };
  same('--jobs 3', sel(['verify', ...log, '--repo', repo, '--format', 'json', '--jobs', '3', '--unit-bytes', '2000']));
  const shards = [1, 2, 3].map((i) => {
    const file = join(dir, `shard-${i}`);
    const r = sel(['verify', ...log, '--repo', repo, '--shard', `${i}/3`, '--shard-out', file]);
    if (r.status !== 0) throw new Error(`shard ${i}/3 exited ${r.status}: ${r.stderr}`);
    return file;
  });
  same('3 shards + merge', sel(['merge', ...shards, '--repo', repo, '--format', 'json']));
  return one;
}
