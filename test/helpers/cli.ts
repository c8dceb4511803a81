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
