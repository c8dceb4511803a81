/**
 * `npm run bench`: integrity-only `sel verify` against the floor (bench/floor.ts), on
 * generated logs of several sizes, and the memory-flatness check.
 *
 *   node dist/bench/run.js [--sizes 30,300] [--reps 3] [--quick] [--regen]
 *
 * --sizes  log sizes in MB (10^6 bytes), default 30,300
 * --reps   runs of each program per size, default 5 (see SizeResult.ratio for how they combine)
 * --quick  one 10 MB log, one rep: a smoke test of the harness, not a measurement
 * --regen  rebuild the logs even when bench/data holds current ones
 *
 * Floor and sel run alternately (floor, sel, floor, sel, ...) so that machine noise — another
 * process, thermal throttling, a cold page cache — hits both alike; the minimum time of each
 * is the least noisy estimate of what the code itself costs. Each run is a fresh process, so
 * every figure includes JIT warm-up, as a real `sel verify` invocation does.
 *
 * Target misses are printed, not failed on: this is a measurement (exit 0). What does fail
 * (exit 1) is a run that measured the wrong thing: sel exiting non-zero, reporting findings on
 * the clean log, or seeing a different number of events than the floor.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, ensureLog } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FLOOR_JS = join(HERE, 'floor.js');
const CHILD_JS = join(HERE, 'child.js');

const MB = 1e6;

/** Targets from the project issues; the ratios are sel throughput over the floor's. */
const TARGETS = {
  ratioIssue2: 0.6,
  ratioLater: 0.8,
  maxRssBytes: 200 * MB,
  /** Peak RSS at the largest size within this fraction of the smallest size's. */
  rssFlatness: 0.1,
} as const;

interface Options {
  readonly sizesMb: readonly number[];
  readonly reps: number;
  readonly regen: boolean;
}

class BenchError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  let sizesMb: number[] = [30, 300];
  let reps = 5;
  let regen = false;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BenchError(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') {
      sizesMb = value().split(',').map(Number);
      if (sizesMb.length === 0 || sizesMb.some((n) => !(n > 0))) throw new BenchError('--sizes takes positive numbers of MB, e.g. 30,300');
    } else if (a === '--reps') {
      reps = Number(value());
      if (!Number.isInteger(reps) || reps < 1) throw new BenchError('--reps takes a positive integer');
    } else if (a === '--quick') quick = true;
    else if (a === '--regen') regen = true;
    else throw new BenchError(`unknown argument ${a} (use --sizes 30,300 --reps 3 --quick --regen)`);
  }
  if (quick) return { sizesMb: [10], reps: 1, regen };
  return { sizesMb: [...sizesMb].sort((x, y) => x - y), reps, regen };
}

// --- running the two programs -----------------------------------------------------------

interface Run {
  readonly seconds: number;
  /** Spawn to exit, as seen from here: includes Node's own start-up (~40 ms). */
  readonly processSeconds: number;
  readonly events: number;
  readonly bytes: number;
  readonly maxRssBytes: number;
}

interface Spawned {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly fd3: string;
  readonly seconds: number;
}

/** Runs `node script args`, collecting stdout, stderr and (when asked) a pipe on fd 3. */
function spawnNode(script: string, args: readonly string[], withFd3: boolean): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [script, ...args], {
      stdio: withFd3 ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
    const collect = (stream: NodeJS.ReadableStream | null | undefined): (() => string) => {
      const chunks: Buffer[] = [];
      stream?.on('data', (c: Buffer) => chunks.push(c));
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    const fd3 = collect(withFd3 ? (child.stdio[3] as NodeJS.ReadableStream | null) : null);
    child.on('error', reject);
    // 'close', not 'exit': every pipe has been drained by then.
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, signal, stdout: out(), stderr: err(), fd3: fd3(), seconds });
    });
  });
}

function describeExit(p: Spawned): string {
  const status = p.signal !== null ? `signal ${p.signal}` : `exit ${p.code}`;
  const stderr = p.stderr.trim();
  return stderr === '' ? status : `${status}; stderr:\n${stderr.slice(0, 4000)}`;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BenchError(`${what} is not JSON: ${JSON.stringify(text.slice(0, 300))}`);
  }
}

async function runFloor(file: string): Promise<Run> {
  const p = await spawnNode(FLOOR_JS, [file], false);
  if (p.code !== 0) throw new BenchError(`the floor failed (${describeExit(p)})`);
  const r = parseJson(p.stdout, 'the floor output') as { events: number; bytes: number; seconds: number; maxRssBytes: number };
  return { seconds: r.seconds, processSeconds: p.seconds, events: r.events, bytes: r.bytes, maxRssBytes: r.maxRssBytes };
}

interface SelReport {
  readonly summary: {
    readonly events: number;
    readonly bytes: number;
    readonly result: string;
    readonly findings: { readonly total: number; readonly byCode: Record<string, number> };
  };
}

async function runSel(file: string): Promise<Run> {
  const p = await spawnNode(CHILD_JS, [file], true);
  if (p.code !== 0 || p.fd3.trim() === '') {
    throw new BenchError(`sel verify did not complete (${describeExit(p)}); report starts: ${JSON.stringify(p.stdout.slice(0, 300))}`);
  }
  const m = parseJson(p.fd3, 'the sel measurement') as { seconds: number; exitCode: number; maxRssBytes: number };
  const report = parseJson(p.stdout, 'the sel report') as SelReport;
  const s = report.summary;
  // The generated log is clean; anything else means sel (or the generator) is broken and the
  // time measured is not the time of a clean verification.
  if (m.exitCode !== 0 || s.result !== 'pass' || s.findings.total !== 0) {
    throw new BenchError(
      `sel verify reported ${s.findings.total} finding(s) on the clean log ${file} (exit ${m.exitCode}, result ${s.result}): ` +
        `${JSON.stringify(s.findings.byCode)}. Fix sel, or rerun with --regen if the log predates a contract change.`,
    );
  }
  return { seconds: m.seconds, processSeconds: p.seconds, events: s.events, bytes: s.bytes, maxRssBytes: m.maxRssBytes };
}

// --- reporting --------------------------------------------------------------------------

interface SizeResult {
  readonly sizeMb: number;
  readonly file: string;
  readonly bytes: number;
  readonly events: number;
  readonly floor: { readonly best: Run; readonly maxRssBytes: number; readonly runs: readonly Run[] };
  readonly sel: { readonly best: Run; readonly maxRssBytes: number; readonly runs: readonly Run[] };
  /**
   * sel throughput / floor throughput: the median over the reps of the ratio within each rep
   * (floor and sel run back to back). This machine's speed drifts by up to 2x between
   * minutes; a ratio of two runs made seconds apart is far steadier than a ratio of the two
   * best runs, which may come from different minutes.
   */
  readonly ratio: number;
  /** The ratio of the two best runs, for reference. */
  readonly bestRatio: number;
}

const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const peak = (runs: readonly Run[]): number => Math.max(...runs.map((r) => r.maxRssBytes));
const mbps = (r: Run): number => r.bytes / MB / r.seconds;
const eps = (r: Run): number => r.events / r.seconds;
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mark = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function printResults(results: readonly SizeResult[], opts: Options): { targets: Record<string, unknown> } {
  const rows: string[][] = [
    ['size', 'events', 'floor MB/s', 'floor ev/s', 'sel MB/s', 'sel ev/s', 'sel/floor', 'floor RSS MB', 'sel RSS MB'],
  ];
  for (const r of results) {
    rows.push([
      `${fmt(r.bytes / MB)} MB`,
      r.events.toLocaleString('en-US'),
      fmt(mbps(r.floor.best)),
      fmt(eps(r.floor.best), 0),
      fmt(mbps(r.sel.best)),
      fmt(eps(r.sel.best), 0),
      `${fmt(r.ratio, 2)}x (${fmt(r.bestRatio, 2)}x)`,
      fmt(r.floor.maxRssBytes / MB),
      fmt(r.sel.maxRssBytes / MB),
    ]);
  }
  console.log(`\nthroughput: best of ${opts.reps} run(s) each; sel/floor: median of the per-rep ratios (best-run ratio in brackets);\nMB = 10^6 bytes; RSS = highest peak over the runs\n`);
  console.log(table(rows));

  console.log('\ntargets');
  const lines: string[][] = [];
  const targets: Record<string, unknown> = {};
  for (const r of results) {
    const label = `${fmt(r.bytes / MB, 0)} MB`;
    const rssOk = r.sel.maxRssBytes < TARGETS.maxRssBytes;
    lines.push([`  integrity-only >= ${TARGETS.ratioIssue2}x floor (issue 2), ${label}`, `${fmt(r.ratio, 2)}x`, mark(r.ratio >= TARGETS.ratioIssue2)]);
    lines.push([`  integrity-only >= ${TARGETS.ratioLater}x floor (later issue), ${label}`, `${fmt(r.ratio, 2)}x`, mark(r.ratio >= TARGETS.ratioLater)]);
    lines.push([`  sel peak RSS < ${TARGETS.maxRssBytes / MB} MB, ${label}`, `${fmt(r.sel.maxRssBytes / MB)} MB`, mark(rssOk)]);
    targets[label] = { ratio: r.ratio, ratioIssue2: r.ratio >= TARGETS.ratioIssue2, ratioLater: r.ratio >= TARGETS.ratioLater, rss: rssOk };
  }
  // Flat memory is the claim that matters for logs of any size (DESIGN.md: 110–160 MB RSS
  // "for any log size when nothing per event is kept"); compare the extremes measured.
  const small = results[0]!;
  const large = results[results.length - 1]!;
  if (results.length >= 2 && large.bytes > small.bytes) {
    const growth = large.sel.maxRssBytes / small.sel.maxRssBytes;
    const flat = Math.abs(growth - 1) <= TARGETS.rssFlatness;
    lines.push([
      `  sel peak RSS flat: ${fmt(large.bytes / MB, 0)} MB vs ${fmt(small.bytes / MB, 0)} MB within ${TARGETS.rssFlatness * 100}%`,
      `${fmt(growth, 2)}x (${fmt(large.sel.maxRssBytes / MB)} / ${fmt(small.sel.maxRssBytes / MB)} MB)`,
      mark(flat),
    ]);
    targets['rssFlatness'] = { growth, pass: flat };
  } else {
    lines.push(['  sel peak RSS flat across sizes', 'n/a (needs two sizes)', '-']);
  }
  console.log(table(lines));
  return { targets };
}

// --- main -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const results: SizeResult[] = [];
  for (const sizeMb of opts.sizesMb) {
    const file = await ensureLog(`log-${sizeMb}mb`, Math.round(sizeMb * MB), { force: opts.regen });
    const floorRuns: Run[] = [];
    const selRuns: Run[] = [];
    for (let rep = 1; rep <= opts.reps; rep++) {
      const f = await runFloor(file);
      floorRuns.push(f);
      const s = await runSel(file);
      selRuns.push(s);
      // Two independent counts of the same file must agree, or one of them is not
      // processing what we think it is.
      if (f.events !== s.events || f.bytes !== s.bytes) {
        throw new BenchError(`floor and sel disagree on ${file}: floor ${f.events} events / ${f.bytes} bytes, sel ${s.events} / ${s.bytes}`);
      }
      process.stderr.write(
        `  ${sizeMb} MB rep ${rep}/${opts.reps}: floor ${f.seconds.toFixed(3)} s, sel ${s.seconds.toFixed(3)} s (${fmt(s.maxRssBytes / MB)} MB RSS)\n`,
      );
    }
    const fb = best(floorRuns);
    const sb = best(selRuns);
    results.push({
      sizeMb,
      file,
      bytes: fb.bytes,
      events: fb.events,
      floor: { best: fb, maxRssBytes: peak(floorRuns), runs: floorRuns },
      sel: { best: sb, maxRssBytes: peak(selRuns), runs: selRuns },
      ratio: median(floorRuns.map((f, i) => f.seconds / selRuns[i]!.seconds)),
      bestRatio: mbps(sb) / mbps(fb),
    });
  }

  const { targets } = printResults(results, opts);
  const out = join(DATA_DIR, 'last-run.json');
  const cpu = cpus();
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        when: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model ?? null,
        options: opts,
        targets: { definitions: TARGETS, results: targets },
        sizes: results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults written to ${out}`);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof BenchError)) throw e;
  process.stderr.write(`bench: ${e.message}\n`);
  process.exitCode = 1;
}
