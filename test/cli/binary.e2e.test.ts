// The sel binary as npm installs it: a link to dist/sel/sel.js (which loads the bundle), run
// through its first two lines (sh, then node with sel's flags), not as `node main.js` like the
// other CLI tests.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sel-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A link named sel in a bin directory, as node_modules/.bin/sel is; npm makes the target executable. */
function linkedBinary(): string {
  chmodSync(CLI, 0o755);
  const bin = join(dir, 'sel');
  symlinkSync(CLI, bin);
  return bin;
}

describe('the sel binary', () => {
  const bin = linkedBinary();
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };

  it('runs through a link, from another directory, by its #! line and under plain sh', () => {
    const direct = spawnSync(bin, ['verify', '-'], { cwd: tmpdir(), env, input: '', encoding: 'utf8' });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(0);
    const viaSh = spawnSync('sh', [bin, '--version'], { cwd: tmpdir(), env, encoding: 'utf8' });
    expect(viaSh.stderr).toBe('');
    expect(viaSh.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('starts with node alone on PATH (no coreutils): nothing on standard error', () => {
    const only = join(dir, 'node-only');
    mkdirSync(only);
    symlinkSync(process.execPath, join(only, 'node'));
    const r = spawnSync(bin, ['--version'], { cwd: tmpdir(), env: { PATH: only, HOME: env.HOME }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('says nothing more with many threads, or when the early start guessed another number of them', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'incident');
    const one = spawnSync(process.execPath, [CLI, 'verify', log, '--format', 'json', '--jobs', '1'], { env, encoding: 'utf8' });
    expect(one.status).toBe(1);
    // Each worker listens on stdout: 11 of them once made Node warn on standard error.
    const many = spawnSync(bin, ['verify', log, '--format', 'json', '--jobs', '12'], { env, encoding: 'utf8' });
    expect(many.stderr).toBe('');
    expect(many.stdout).toBe(one.stdout);
    expect(many.status).toBe(1);
    // early.ts reads --jobs 2 and starts one worker; commander takes the last, -j3: the run
    // closes that pool and starts its own.
    const guessed = spawnSync(bin, ['verify', log, '--format', 'json', '--jobs', '2', '-j3'], { env, encoding: 'utf8' });
    expect(guessed.stderr).toBe('');
    expect(guessed.stdout).toBe(one.stdout);
    expect(guessed.status).toBe(1);
  });

  it('ends when the run stops before it takes the worker the early start began: a usage error after --jobs 2 is status 2 (from mutation testing)', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'incident');
    // early.ts starts a worker for --jobs 2 before commander refuses --format: a pool nobody
    // takes must not keep the process alive (the timeout only ends a process that hangs).
    const r = spawnSync(bin, ['verify', log, '--jobs', '2', '--format', 'bogus'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sel: option '--format <format>' argument 'bogus' is invalid/);
  });

  it('exits with the run\'s status also when it sets none itself: a usage error or a log it cannot read is 2 (from mutation testing)', () => {
    const usage = spawnSync(bin, ['verify', '-', '--jobs', '0'], { cwd: tmpdir(), env, input: '', encoding: 'utf8' });
    expect(usage.stderr).toContain('--jobs');
    expect(usage.status).toBe(2);
    const missing = spawnSync(bin, ['verify', join(dir, 'no-such.jsonl')], { cwd: tmpdir(), env, encoding: 'utf8' });
    expect(missing.stderr).toMatch(/^sel: /);
    expect(missing.status).toBe(2);
    const help = spawnSync(bin, ['verify', '--help'], { cwd: tmpdir(), env, encoding: 'utf8' });
    expect(help.status).toBe(0);
  });

  it.runIf(process.platform === 'linux')('runs node with its flags, in the process the shell started (exec)', async () => {
    const child = spawn(bin, ['verify', '-', '--format', 'json'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Until the shell has become node (exec keeps the process id), its command line is sh's;
    // node waits for standard input to end.
    let argv: string[] = [];
    for (let i = 0; i < 400 && !/node$/.test(argv[0] ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 25));
      argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    }
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(argv[0]).toMatch(/node$/);
    // Exactly this flag: each V8 flag that changes the hash of V8's flags makes every thread
    // compile Node.js's own modules from source (src/cli/main.ts).
    expect(argv.slice(1, argv.findIndex((a, i) => i > 0 && !a.startsWith('--')))).toEqual(['--single-threaded-gc']);
    expect(argv.slice(-4)).toEqual(['verify', '-', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).summary.tool.name).toBe('sel');
  });
});

describe('a report that cannot be written', () => {
  it.runIf(process.platform === 'linux')('is one sentence and exit status 2 (a full disk: /dev/full), and the checkpoint does not advance past it', () => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean');
    const cp = join(dir, 'full-disk-checkpoint.json');
    for (const format of ['text', 'json']) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [CLI, 'verify', log, '--checkpoint', cp, '--format', format], { env, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
        expect(r.stderr).toBe('sel: cannot write to standard output: no space left on the device\n');
        expect(r.status).toBe(2);
      } finally {
        closeSync(full);
      }
      expect(existsSync(cp)).toBe(false);
    }
    // Written where it can be, the same run advances it.
    expect(spawnSync(process.execPath, [CLI, 'verify', log, '--checkpoint', cp], { env, encoding: 'utf8' }).status).toBe(0);
    expect(existsSync(cp)).toBe(true);
  });

  // A disk that fills up mid-report, or a file size limit, first cuts a write short: Node.js's
  // stream for a file dropped the rest, and the run said nothing, exited 0 and advanced its
  // checkpoint past a report cut at 512 bytes (found by review). `ulimit -f` makes that short
  // write for real: the first write(2) past the limit writes what fits, the next fails with EFBIG.
  it.runIf(process.platform === 'linux')('is one sentence and exit status 2 when a write is cut short (a file size limit), for a report and for timeline rows', () => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean');
    const tampered = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered');
    const cp = join(dir, 'limited-checkpoint.json');
    const out = join(dir, 'limited.out');
    const limited = (args: string[]) => spawnSync('sh', ['-c', 'ulimit -f 1 && exec "$@" > "$OUT"', 'sh', process.execPath, CLI, ...args], { env: { ...env, OUT: out }, encoding: 'utf8' });
    for (const args of [['verify', log, '--format', 'json'], ['verify', tampered, '--checkpoint', cp, '--format', 'text', '--color'], ['timeline', log]]) {
      // What the command writes is longer than the limit (one 512-byte block, as sh counts it).
      const whole = spawnSync(process.execPath, [CLI, ...args.filter((a) => a !== '--checkpoint' && a !== cp)], { env, encoding: 'utf8' });
      expect(Buffer.byteLength(whole.stdout), args.join(' ')).toBeGreaterThan(1024);
      const r = limited(args);
      expect(r.stderr, args.join(' ')).toBe('sel: cannot write to standard output: the file would grow past the largest size allowed (by the file system, or by ulimit -f)\n');
      expect(r.status, args.join(' ')).toBe(2);
      // What was written is the report's beginning, cut where the limit is.
      const written = readFileSync(out, 'utf8');
      expect(written.length).toBeGreaterThan(0);
      expect(whole.stdout.startsWith(written)).toBe(true);
      expect(existsSync(cp)).toBe(false);
    }
    // Under the limit, the same command writes it all.
    const small = spawnSync('sh', ['-c', 'ulimit -f 4096 && exec "$@" > "$OUT"', 'sh', process.execPath, CLI, 'verify', log, '--format', 'json'], { env: { ...env, OUT: out }, encoding: 'utf8' });
    expect(small.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.tool.name).toBe('sel');
  });
});
