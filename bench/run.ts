/**
 * `npm run bench`: five measurements in one run, every program in a fresh process.
 *
 *   node dist/bench/run.js [--sizes 30,300] [--scale-sizes 30,300,1000] [--replay-sizes 30,300] [--reps 5] [--quick] [--regen]
 *                          [--integrity] [--scale] [--replay] [--index] [--orders]
 *                          [--no-integrity] [--no-scale] [--no-replay] [--no-index] [--no-orders]
 *                          [--index-commits 1000] [--orders-window 30000]
 *
 * 1. integrity  integrity-only `sel verify LOG` against the floor (bench/floor.ts), on
 *               generated logs of several sizes (bench/generate.ts), and memory flatness.
 * 2. scale      on the same logs: `sel verify --jobs 1` against `--jobs 2`, and against a plain
 *               Python verifier (bench/baseline.py: json.loads, sorted json.dumps, hashlib);
 *               what this machine gives two independent processes at once (two floors side by
 *               side: the ceiling for any parallel speed-up here, and two `sel verify --jobs 1`:
 *               the ceiling for sel's own work); and `--shard I/4` x 4 +
 *               `sel merge`, whose report must be byte-identical to one run's.
 * 3. replay     full replay `sel verify LOG --repo REPO` against integrity-only `sel verify LOG`
 *               on the same log: a log whose every decision is the evaluator's under the policy
 *               version it names, and a repository holding those versions (bench/replay-data.ts),
 *               so the replay is clean. Target: full replay >= 0.6x integrity-only throughput.
 * 4. index      `sel verify TINY --repo REPO` on a 1 000-commit history where every commit
 *               changes the policy, and on one where only 10 do (bench/index-data.ts): the time
 *               to index the history, which dominates a run on a 5-event log.
 * 5. orders     `sel verify --jobs 1 --reorder-window W` on one chain in order and in the orders
 *               that once cost the chain check time quadratic in W (bench/orders-data.ts): a
 *               reversed stretch, nested displacements, forged events read before the real
 *               ones. Each against the log in order, per event; quadratic would be ~0.05x.
 *
 * --sizes          log sizes in MB (10^6 bytes) for integrity, default 30,300
 * --scale-sizes    log sizes in MB for the scale section, default: the --sizes list and 1000
 *                  (a second thread costs ~0.13 s up front, so its gain shows on a nightly
 *                  job's millions of events, ~1 GB, more than on 300 MB)
 * --replay-sizes   log sizes in MB for replay, default: the --sizes list
 * --reps           runs of each program per size (and per repository), default 5; throughput is
 *                  the best run, ratios the median of per-rep ratios (see SizeResult.ratio)
 * --quick          10 MB logs, one rep: a smoke test of the harness, not a measurement
 * --regen          rebuild logs and repositories even when bench/data holds current ones
 * --integrity, --scale, --replay, --index, --orders   run only the sections named (any combination)
 * --no-integrity, --no-scale, ...           skip a section
 * --index-commits  length of the indexing histories, default 1000
 * --orders-window  W for the orders section (logs of 2W-3W events), default 30000
 *
 * Paired programs run alternately (floor, sel, floor, sel, ...; integrity, replay, ...) so
 * that machine noise — another process, thermal throttling, a cold page cache — hits both
 * alike; the minimum time of each is the least noisy estimate of what the code itself costs.
 * Each run is a fresh process, so every figure includes JIT warm-up, as a real `sel verify`
 * invocation does.
 *
 * Target misses are printed, not failed on: this is a measurement (exit 0). What does fail
 * (exit 1) is a run that measured the wrong thing: sel exiting non-zero, reporting any
 * finding or a "fail" result on a clean log (with --repo: any decision not replayed and
 * matched), seeing a different number of events than the other program, or indexing another
 * number of commits or bundles than the repository holds.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, ensureLog } from './generate.js';
import { ensureReplayLog, ensureReplayRepo } from './replay-data.js';
import { ensureIndexRepo, type IndexShape } from './index-data.js';
import { writeOrderLogs, type OrderLog } from './orders-data.js';
import type { ReplayCounts } from '../src/replay/replay.js';
import { binaryNodeFlags } from '../src/cli/code-cache.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FLOOR_JS = join(HERE, 'floor.js');
/** The bundle the `sel` binary is (src/cli/bundle.mjs). */
const SEL_JS = join(HERE, '..', 'sel', 'sel.js');
/** bench/baseline.py lives beside the sources (dist/bench/ holds only compiled files). */
const BASELINE_PY = join(HERE, '..', '..', 'bench', 'baseline.py');
const CHILD_JS = join(HERE, 'child.js');

const MB = 1e6;

/** Targets from the project issues; the ratios are throughput over throughput. */
const TARGETS = {
  /** integrity-only sel / floor */
  ratioIssue2: 0.6,
  ratioLater: 0.8,
  maxRssBytes: 200 * MB,
  /** Peak RSS at the largest size within this fraction of the smallest size's. */
  rssFlatness: 0.1,
  /** full replay / integrity-only, same log */
  replayRatio: 0.6,
  /** --jobs 2 / --jobs 1 on a 2-core machine */
  jobs2Speedup: 1.6,
  /** sel / the plain Python verifier (bench/baseline.py) */
  overPython: 4,
} as const;

type Section = 'integrity' | 'scale' | 'replay' | 'index' | 'orders';
const SECTIONS: readonly Section[] = ['integrity', 'scale', 'replay', 'index', 'orders'];

interface Options {
  readonly sizesMb: readonly number[];
  readonly replaySizesMb: readonly number[];
  readonly scaleSizesMb: readonly number[];
  readonly reps: number;
  readonly regen: boolean;
  readonly quick: boolean;
  readonly sections: Readonly<Record<Section, boolean>>;
  readonly indexCommits: number;
  readonly ordersWindow: number;
}

class BenchError extends Error {}

function sizeList(flag: string, v: string): number[] {
  const sizes = v.split(',').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !(n > 0))) throw new BenchError(`${flag} takes positive numbers of MB, e.g. 30,300`);
  return sizes;
}

function parseArgs(argv: readonly string[]): Options {
  let sizesMb: number[] = [30, 300];
  let replaySizesMb: number[] | null = null;
  let scaleSizesMb: number[] | null = null;
  let reps = 5;
  let regen = false;
  let quick = false;
  let indexCommits = 1000;
  let ordersWindow = 30_000;
  const only = new Set<Section>();
  const skip = new Set<Section>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BenchError(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') sizesMb = sizeList(a, value());
    else if (a === '--replay-sizes') replaySizesMb = sizeList(a, value());
    else if (a === '--scale-sizes') scaleSizesMb = sizeList(a, value());
    else if (a === '--reps') {
      reps = Number(value());
      if (!Number.isInteger(reps) || reps < 1) throw new BenchError('--reps takes a positive integer');
    } else if (a === '--index-commits') {
      indexCommits = Number(value());
      if (!Number.isInteger(indexCommits) || indexCommits < 10) throw new BenchError('--index-commits takes an integer of at least 10');
    } else if (a === '--orders-window') {
      ordersWindow = Number(value());
      if (!Number.isInteger(ordersWindow) || ordersWindow < 10) throw new BenchError('--orders-window takes an integer of at least 10');
    } else if (a === '--quick') quick = true;
    else if (a === '--regen') regen = true;
    else if (SECTIONS.includes(a.slice(2) as Section) && a.startsWith('--')) only.add(a.slice(2) as Section);
    else if (a.startsWith('--no-') && SECTIONS.includes(a.slice(5) as Section)) skip.add(a.slice(5) as Section);
    else {
      throw new BenchError(
        `unknown argument ${a} (use --sizes 30,300 --scale-sizes 30,300,1000 --replay-sizes 30,300 --reps 3 --quick --regen --integrity --scale --replay --index --orders --no-integrity --no-scale --no-replay --no-index --no-orders --index-commits 1000 --orders-window 30000)`,
      );
    }
  }
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, (only.size === 0 || only.has(s)) && !skip.has(s)])) as Record<Section, boolean>;
  if (!SECTIONS.some((s) => sections[s])) throw new BenchError('every section is excluded: nothing to measure');
  if (quick) return { sizesMb: [10], replaySizesMb: [10], scaleSizesMb: [10], reps: 1, regen, quick, sections, indexCommits, ordersWindow: 2000 };
  const sorted = (xs: readonly number[]) => [...new Set(xs)].sort((x, y) => x - y);
  return {
    sizesMb: sorted(sizesMb),
    replaySizesMb: sorted(replaySizesMb ?? sizesMb),
    scaleSizesMb: sorted(scaleSizesMb ?? [...sizesMb, 1000]),
    reps,
    regen,
    quick,
    sections,
    indexCommits,
    ordersWindow,
  };
}

// --- running the programs ---------------------------------------------------------------

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

/**
 * The Node flags the sel binary starts node with (its second line: `//bin/sh -c :; exec node
 * FLAGS "$0" "$@"`, src/cli/main.ts): sel is measured as the binary runs, so
 * bench/child.ts and the shards get them too.
 */
function selNodeFlags(): string[] {
  const flags = binaryNodeFlags(readFileSync(SEL_JS, 'utf8'));
  if (flags === null) throw new BenchError(`${SEL_JS} does not start node with its flags on its second line`);
  return flags;
}

/** Runs `node script args`, collecting stdout, stderr and (when asked) a pipe on fd 3. */
function spawnNode(script: string, args: readonly string[], withFd3: boolean, nodeFlags: readonly string[] = []): Promise<Spawned> {
  return spawnProgram(process.execPath, [...nodeFlags, script, ...args], withFd3);
}

/** Runs any program, collecting stdout, stderr and (when asked) a pipe on fd 3, and its wall time. */
function spawnProgram(command: string, args: readonly string[], withFd3 = false): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
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
    readonly replay:
      | { readonly performed: false; readonly reason: string }
      | { readonly performed: true; readonly commit: string; readonly bundles: number; readonly commitsScanned: number; readonly events: ReplayCounts };
  };
  readonly findings: readonly {
    readonly code: string;
    readonly chain: string | null;
    readonly seq: number | null;
    readonly location: { readonly file: string; readonly line: number } | null;
    readonly message: string;
    readonly expected?: unknown;
    readonly actual?: unknown;
  }[];
}

/** The first findings of a report, one line each, with expected and actual. */
function describeFindings(report: SelReport, max = 5): string {
  const lines = report.findings.slice(0, max).map((f) => {
    const where = f.location === null ? '' : ` at ${f.location.file}:${f.location.line}`;
    const ea = f.expected !== undefined || f.actual !== undefined ? `; expected ${JSON.stringify(f.expected)}, actual ${JSON.stringify(f.actual)}` : '';
    return `  ${f.code} chain ${f.chain ?? '-'} seq ${f.seq ?? '-'}${where}: ${f.message}${ea}`;
  });
  const more = report.summary.findings.total - lines.length;
  return `${lines.join('\n')}${more > 0 ? `\n  ... and ${more} more` : ''}`;
}

/**
 * `sel verify FILE --format json ...selArgs` through bench/child.ts. The log is clean, so
 * anything but a passing report without findings means sel (or the generator) is broken and
 * the time measured is not the time of a clean verification. With --repo, every event must
 * also have been replayed and have matched.
 */
async function runSel(file: string, selArgs: readonly string[] = [], expect: Readonly<Record<string, number>> = {}): Promise<{ run: Run; report: SelReport }> {
  const p = await spawnNode(CHILD_JS, [file, ...selArgs], true, selNodeFlags());
  const what = `sel verify ${file}${selArgs.length > 0 ? ` ${selArgs.join(' ')}` : ''}`;
  // sel's own exit status passes through the child: 1 means findings, which the report
  // below describes; anything else, or no measurement, means sel did not complete.
  if ((p.code !== 0 && p.code !== 1) || p.fd3.trim() === '') {
    throw new BenchError(`${what} did not complete (${describeExit(p)}); report starts: ${JSON.stringify(p.stdout.slice(0, 300))}`);
  }
  const m = parseJson(p.fd3, 'the sel measurement') as { seconds: number; exitCode: number; maxRssBytes: number };
  const report = parseJson(p.stdout, 'the sel report') as SelReport;
  const s = report.summary;
  const clean = Object.keys(expect).length === 0;
  if (!clean) {
    // A log with planted faults (the orders section): exactly the findings planted.
    if (m.exitCode !== 1 || JSON.stringify(sortedCounts(s.findings.byCode)) !== JSON.stringify(sortedCounts(expect))) {
      throw new BenchError(`${what} reported ${JSON.stringify(s.findings.byCode)} (exit ${m.exitCode}), where the log holds ${JSON.stringify(expect)}\n${describeFindings(report)}`);
    }
  } else if (m.exitCode !== 0 || s.result !== 'pass' || s.findings.total !== 0) {
    throw new BenchError(
      `${what} reported ${s.findings.total} finding(s) on a clean log (exit ${m.exitCode}, result ${s.result}): ` +
        `${JSON.stringify(s.findings.byCode)}\n${describeFindings(report)}\n` +
        'Fix sel, or rerun with --regen if the data predates a contract change.',
    );
  }
  if (selArgs.includes('--repo')) {
    const r = s.replay;
    if (!r.performed) throw new BenchError(`${what}: replay was not performed (${r.reason})`);
    const c = r.events;
    if (c.replayed !== s.events || c.matched !== s.events || c.diverged !== 0 || c.unverifiable !== 0 || c.skipped !== 0) {
      throw new BenchError(`${what}: not every event was replayed and matched: ${s.events} events, replay counts ${JSON.stringify(c)}`);
    }
  }
  return { run: { seconds: m.seconds, processSeconds: p.seconds, events: s.events, bytes: s.bytes, maxRssBytes: m.maxRssBytes }, report };
}

/** Counts by code, in code order. */
function sortedCounts(byCode: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(byCode).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// --- figures ----------------------------------------------------------------------------

interface Series {
  readonly best: Run;
  readonly maxRssBytes: number;
  readonly runs: readonly Run[];
}

const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const peak = (runs: readonly Run[]): number => Math.max(...runs.map((r) => r.maxRssBytes));
const series = (runs: readonly Run[]): Series => ({ best: best(runs), maxRssBytes: peak(runs), runs });

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const mbps = (r: Run): number => r.bytes / MB / r.seconds;
const eps = (r: Run): number => r.events / r.seconds;
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mark = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
/** A ratio against its target: two decimals, three where two would hide which side it is on. */
const ratioText = (x: number, target: number): string => `${fmt(x, fmt(x, 2) === fmt(target, 2) && x !== target ? 3 : 2)}x`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

// --- 1. integrity-only against the floor ------------------------------------------------

interface SizeResult {
  readonly sizeMb: number;
  readonly file: string;
  readonly bytes: number;
  readonly events: number;
  readonly floor: Series;
  readonly sel: Series;
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

async function measureIntegrity(opts: Options): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const sizeMb of opts.sizesMb) {
    const file = await ensureLog(`log-${sizeMb}mb`, Math.round(sizeMb * MB), { force: opts.regen });
    const floorRuns: Run[] = [];
    const selRuns: Run[] = [];
    for (let rep = 1; rep <= opts.reps; rep++) {
      const f = await runFloor(file);
      floorRuns.push(f);
      const { run: s } = await runSel(file, ['--jobs', '1']);
      selRuns.push(s);
      // Two independent counts of the same file must agree, or one of them is not
      // processing what we think it is.
      if (f.events !== s.events || f.bytes !== s.bytes) {
        throw new BenchError(`floor and sel disagree on ${file}: floor ${f.events} events / ${f.bytes} bytes, sel ${s.events} / ${s.bytes}`);
      }
      process.stderr.write(
        `  integrity ${sizeMb} MB rep ${rep}/${opts.reps}: floor ${f.seconds.toFixed(3)} s, sel ${s.seconds.toFixed(3)} s (${fmt(s.maxRssBytes / MB)} MB RSS)\n`,
      );
    }
    const fb = best(floorRuns);
    const sb = best(selRuns);
    results.push({
      sizeMb,
      file,
      bytes: fb.bytes,
      events: fb.events,
      floor: series(floorRuns),
      sel: series(selRuns),
      ratio: median(floorRuns.map((f, i) => f.seconds / selRuns[i]!.seconds)),
      bestRatio: mbps(sb) / mbps(fb),
    });
  }
  return results;
}

/** A table row comparing two programs on one log: throughput of each, their ratio, their RSS. */
function pairRow(r: { bytes: number; events: number; ratio: number; bestRatio: number }, a: Series, b: Series): string[] {
  return [
    `${fmt(r.bytes / MB)} MB`,
    r.events.toLocaleString('en-US'),
    fmt(mbps(a.best)),
    fmt(eps(a.best), 0),
    fmt(mbps(b.best)),
    fmt(eps(b.best), 0),
    `${fmt(r.ratio, 2)}x (${fmt(r.bestRatio, 2)}x)`,
    fmt(a.maxRssBytes / MB),
    fmt(b.maxRssBytes / MB),
  ];
}

function printIntegrity(results: readonly SizeResult[], opts: Options): Record<string, unknown> {
  const rows: string[][] = [
    ['size', 'events', 'floor MB/s', 'floor ev/s', 'sel MB/s', 'sel ev/s', 'sel/floor', 'floor RSS MB', 'sel RSS MB'],
  ];
  for (const r of results) rows.push(pairRow(r, r.floor, r.sel));
  console.log('\n== integrity only: sel verify LOG against the floor ==');
  console.log(`throughput: best of ${opts.reps} run(s) each; sel/floor: median of the per-rep ratios (best-run ratio in brackets);\nMB = 10^6 bytes; RSS = highest peak over the runs\n`);
  console.log(table(rows));

  console.log('\ntargets');
  const lines: string[][] = [];
  const targets: Record<string, unknown> = {};
  for (const r of results) {
    const label = `${fmt(r.bytes / MB, 0)} MB`;
    const rssOk = r.sel.maxRssBytes < TARGETS.maxRssBytes;
    lines.push([`  integrity-only >= ${TARGETS.ratioIssue2}x floor (issue 2), ${label}`, ratioText(r.ratio, TARGETS.ratioIssue2), mark(r.ratio >= TARGETS.ratioIssue2)]);
    lines.push([`  integrity-only >= ${TARGETS.ratioLater}x floor (later issue), ${label}`, ratioText(r.ratio, TARGETS.ratioLater), mark(r.ratio >= TARGETS.ratioLater)]);
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
  return targets;
}


// --- 2. scale: threads, the Python baseline, shards ---------------------------------------

async function runPython(file: string): Promise<Run> {
  const p = await spawnProgram('python3', [BASELINE_PY, file]);
  if (p.code !== 0) throw new BenchError(`the Python baseline failed (${describeExit(p)}); is python3 installed?`);
  const r = parseJson(p.stdout, 'the Python baseline output') as { events: number; bytes: number; seconds: number; problems: number; maxRssBytes: number };
  if (r.problems !== 0) throw new BenchError(`the Python baseline found ${r.problems} problem(s) in the clean log ${file}: it does not check what sel checks`);
  return { seconds: r.seconds, processSeconds: p.seconds, events: r.events, bytes: r.bytes, maxRssBytes: r.maxRssBytes };
}

/** Two floors at once: what this machine gives two independent CPU-bound processes. */
async function runTwoFloors(file: string): Promise<{ single: Run; pair: number }> {
  const single = await runFloor(file);
  const [a, b] = await Promise.all([runFloor(file), runFloor(file)]);
  // Aggregate throughput of the pair over one floor alone: 2.0 on two free cores.
  return { single, pair: (2 * single.seconds) / Math.max(a!.seconds, b!.seconds) };
}

/**
 * Two `sel verify --jobs 1` at once, over `single` (one alone, just measured): what this
 * machine gives two copies of sel's own per-line work. Lower than two floors here (sel hashes
 * twice a line, scans in WebAssembly and allocates more than JSON.parse + one hash do, and the
 * two cores share a cache and memory), so it is the ceiling for `--jobs 2` over `--jobs 1`,
 * before the second thread's start and the stitching on the main thread are paid.
 */
async function runTwoSels(file: string, single: Run): Promise<number> {
  const [a, b] = await Promise.all([runSel(file, ['--jobs', '1']), runSel(file, ['--jobs', '1'])]);
  return (2 * single.seconds) / Math.max(a.run.seconds, b.run.seconds);
}

interface ShardCheck {
  readonly shards: number;
  /** The slowest shard, as wall time of its process. */
  readonly slowestShardSeconds: number;
  readonly mergeSeconds: number;
  readonly shardBytes: number;
  readonly identical: boolean;
}

async function runShards(file: string, n: number): Promise<ShardCheck> {
  const dir = join(DATA_DIR, 'shards');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const node = [...selNodeFlags(), SEL_JS];
  const single = await spawnProgram(process.execPath, [...node, 'verify', file, '--format', 'json', '--jobs', '1', '--quiet']);
  if (single.code !== 0) throw new BenchError(`sel verify ${file} failed (${describeExit(single)})`);
  let slowest = 0;
  let shardBytes = 0;
  const outs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(dir, `shard-${i}.jsonl`);
    const p = await spawnProgram(process.execPath, [...node, 'verify', file, '--shard', `${i}/${n}`, '--shard-out', out]);
    if (p.code !== 0) throw new BenchError(`sel verify --shard ${i}/${n} failed (${describeExit(p)})`);
    slowest = Math.max(slowest, p.seconds);
    shardBytes += statSync(out).size;
    outs.push(out);
  }
  const m = await spawnProgram(process.execPath, [...node, 'merge', ...outs, '--format', 'json']);
  if (m.code !== 0) throw new BenchError(`sel merge failed (${describeExit(m)})`);
  const identical = m.stdout === single.stdout;
  if (!identical) throw new BenchError(`sel merge of ${n} shards of ${file} did not print the single run's report`);
  rmSync(dir, { recursive: true, force: true });
  return { shards: n, slowestShardSeconds: slowest, mergeSeconds: m.seconds, shardBytes, identical };
}

interface ScaleResult {
  readonly sizeMb: number;
  readonly bytes: number;
  readonly events: number;
  readonly jobs1: Series;
  readonly jobs2: Series;
  readonly python: Series;
  /** Median per-rep ratios. */
  readonly jobs2Speedup: number;
  readonly jobs1OverPython: number;
  readonly jobs2OverPython: number;
  /** Two independent floors at once, aggregate throughput over one (median of reps). */
  readonly machinePairScaling: number;
  /** Two `sel verify --jobs 1` at once, aggregate throughput over one (median of reps). */
  readonly selPairScaling: number;
  readonly shards: ShardCheck;
  /**
   * One machine's --jobs 2 run (best, process wall time) over 4 machines like this one running
   * the shards at once and then the merge (slowest shard + merge, process wall times): what
   * sharding buys end to end, the merge being sequential.
   */
  readonly shardedSpeedup: number;
}

async function measureScale(opts: Options): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const sizeMb of opts.scaleSizesMb) {
    const file = await ensureLog(`log-${sizeMb}mb`, Math.round(sizeMb * MB), { force: opts.regen });
    const j1: Run[] = [];
    const j2: Run[] = [];
    const py: Run[] = [];
    const pairs: number[] = [];
    const selPairs: number[] = [];
    for (let rep = 1; rep <= opts.reps; rep++) {
      const { run: a } = await runSel(file, ['--jobs', '1']);
      const { run: b } = await runSel(file, ['--jobs', '2']);
      const c = await runPython(file);
      const { pair } = await runTwoFloors(file);
      const selPair = await runTwoSels(file, a);
      if (a.events !== c.events || b.events !== a.events) throw new BenchError(`sel and the Python baseline disagree on ${file}: ${a.events} / ${b.events} / ${c.events} events`);
      j1.push(a);
      j2.push(b);
      py.push(c);
      pairs.push(pair);
      selPairs.push(selPair);
      process.stderr.write(
        `  scale ${sizeMb} MB rep ${rep}/${opts.reps}: --jobs 1 ${a.seconds.toFixed(3)} s, --jobs 2 ${b.seconds.toFixed(3)} s (${fmt(b.maxRssBytes / MB)} MB RSS), ` +
          `python ${c.seconds.toFixed(3)} s, two floors at once ${fmt(pair, 2)}x, two sels at once ${fmt(selPair, 2)}x\n`,
      );
    }
    const shards = await runShards(file, 4);
    const shardedSpeedup = series(j2).best.processSeconds / (shards.slowestShardSeconds + shards.mergeSeconds);
    process.stderr.write(`  scale ${sizeMb} MB: 4 shards + merge: identical report; slowest shard ${shardsText(shards)}; ${fmt(shardedSpeedup, 2)}x one --jobs 2 run\n`);
    results.push({
      sizeMb,
      bytes: j1[0]!.bytes,
      events: j1[0]!.events,
      jobs1: series(j1),
      jobs2: series(j2),
      python: series(py),
      jobs2Speedup: median(j1.map((a, i) => a.seconds / j2[i]!.seconds)),
      jobs1OverPython: median(py.map((c, i) => c.seconds / j1[i]!.seconds)),
      jobs2OverPython: median(py.map((c, i) => c.seconds / j2[i]!.seconds)),
      machinePairScaling: median(pairs),
      selPairScaling: median(selPairs),
      shards,
      shardedSpeedup,
    });
  }
  return results;
}

function shardsText(s: ShardCheck): string {
  return `${s.slowestShardSeconds.toFixed(2)} s, merge ${s.mergeSeconds.toFixed(2)} s, results ${fmt(s.shardBytes / MB)} MB`;
}

function printScale(results: readonly ScaleResult[], opts: Options): Record<string, unknown> {
  const rows: string[][] = [['size', 'events', 'python ev/s', '--jobs 1 ev/s', '--jobs 2 ev/s', 'jobs2/jobs1', 'jobs1/python', 'jobs2/python', 'two floors', 'two sels', '--jobs 2 RSS MB']];
  for (const r of results) {
    rows.push([
      `${fmt(r.bytes / MB)} MB`,
      r.events.toLocaleString('en-US'),
      fmt(eps(r.python.best), 0),
      fmt(eps(r.jobs1.best), 0),
      fmt(eps(r.jobs2.best), 0),
      `${fmt(r.jobs2Speedup, 2)}x`,
      `${fmt(r.jobs1OverPython, 2)}x`,
      `${fmt(r.jobs2OverPython, 2)}x`,
      `${fmt(r.machinePairScaling, 2)}x`,
      `${fmt(r.selPairScaling, 2)}x`,
      fmt(r.jobs2.maxRssBytes / MB),
    ]);
  }
  console.log('\n== scale: threads, the Python baseline (bench/baseline.py), shards ==');
  console.log(
    `throughput: best of ${opts.reps} run(s); ratios: median of the per-rep ratios; "two floors": the aggregate throughput of two\n` +
      'floor processes run side by side over one alone (2.00x on two free cores): the most any parallel speed-up can reach here;\n' +
      '"two sels": the same for two `sel verify --jobs 1` processes: the most --jobs 2 can reach over --jobs 1 with sel\'s own work\n',
  );
  console.log(table(rows));
  for (const r of results) {
    console.log(
      `${fmt(r.bytes / MB, 0)} MB: --shard I/4 x 4 + sel merge: report identical to one run; slowest shard ${shardsText(r.shards)};\n` +
        `  on 4 machines like this one (shards at once, then the merge): ${fmt(r.shards.slowestShardSeconds + r.shards.mergeSeconds, 2)} s, ${fmt(r.shardedSpeedup, 2)}x one machine's --jobs 2 (${fmt(r.jobs2.best.processSeconds, 2)} s; process wall times)`,
    );
  }
  console.log('\ntargets');
  const lines: string[][] = [];
  const targets: Record<string, unknown> = {};
  for (const r of results) {
    const label = `${fmt(r.bytes / MB, 0)} MB`;
    const speedOk = r.jobs2Speedup >= TARGETS.jobs2Speedup;
    const best = Math.max(r.jobs1OverPython, r.jobs2OverPython);
    const pyOk = best >= TARGETS.overPython;
    lines.push([`  --jobs 2 >= ${TARGETS.jobs2Speedup}x --jobs 1, ${label} (this machine: two floors ${fmt(r.machinePairScaling, 2)}x, two sels ${fmt(r.selPairScaling, 2)}x)`, ratioText(r.jobs2Speedup, TARGETS.jobs2Speedup), mark(speedOk)]);
    lines.push([`  sel >= ${TARGETS.overPython}x the Python baseline, ${label}`, ratioText(best, TARGETS.overPython), mark(pyOk)]);
    lines.push([`  4 shards + merge = one run's report, ${label}`, 'identical', mark(r.shards.identical)]);
    targets[`scale ${label}`] = { jobs2Speedup: r.jobs2Speedup, machinePairScaling: r.machinePairScaling, selPairScaling: r.selPairScaling, overPython: best, shardsIdentical: r.shards.identical, shardedSpeedup: r.shardedSpeedup };
  }
  console.log(table(lines));
  return targets;
}

// --- 3. full replay against integrity-only ----------------------------------------------

interface ReplayResult {
  readonly sizeMb: number;
  readonly file: string;
  readonly repo: string;
  readonly repoHead: string;
  readonly bundles: number;
  readonly bytes: number;
  readonly events: number;
  /** `sel verify LOG` */
  readonly integrity: Series;
  /** `sel verify LOG --repo REPO` */
  readonly replay: Series;
  /**
   * Full-replay throughput / integrity-only throughput on the same log: the median over the
   * reps of the ratio within each rep (the two run back to back), as SizeResult.ratio.
   */
  readonly ratio: number;
  /** The ratio of the two best runs, for reference. */
  readonly bestRatio: number;
}

async function measureReplay(opts: Options): Promise<ReplayResult[]> {
  const repo = ensureReplayRepo({ force: opts.regen });
  const results: ReplayResult[] = [];
  for (const sizeMb of opts.replaySizesMb) {
    const file = await ensureReplayLog(`replay-${sizeMb}mb`, Math.round(sizeMb * MB), repo, { force: opts.regen });
    const integrityRuns: Run[] = [];
    const replayRuns: Run[] = [];
    let bundles = 0;
    for (let rep = 1; rep <= opts.reps; rep++) {
      const { run: i } = await runSel(file, ['--jobs', '1']);
      integrityRuns.push(i);
      const { run: r, report } = await runSel(file, ['--repo', repo.dir, '--jobs', '1']);
      replayRuns.push(r);
      if (report.summary.replay.performed) bundles = report.summary.replay.bundles;
      if (i.events !== r.events || i.bytes !== r.bytes) {
        throw new BenchError(`integrity-only and replay runs disagree on ${file}: ${i.events} events / ${i.bytes} bytes vs ${r.events} / ${r.bytes}`);
      }
      process.stderr.write(
        `  replay ${sizeMb} MB rep ${rep}/${opts.reps}: integrity-only ${i.seconds.toFixed(3)} s, full replay ${r.seconds.toFixed(3)} s (${fmt(r.maxRssBytes / MB)} MB RSS)\n`,
      );
    }
    const ib = best(integrityRuns);
    const rb = best(replayRuns);
    results.push({
      sizeMb,
      file,
      repo: repo.dir,
      repoHead: repo.head,
      bundles,
      bytes: ib.bytes,
      events: ib.events,
      integrity: series(integrityRuns),
      replay: series(replayRuns),
      ratio: median(integrityRuns.map((i, k) => i.seconds / replayRuns[k]!.seconds)),
      bestRatio: mbps(rb) / mbps(ib),
    });
  }
  return results;
}

function printReplay(results: readonly ReplayResult[], opts: Options): Record<string, unknown> {
  const rows: string[][] = [
    ['size', 'events', 'integrity MB/s', 'integrity ev/s', 'replay MB/s', 'replay ev/s', 'replay/integrity', 'integrity RSS MB', 'replay RSS MB'],
  ];
  for (const r of results) rows.push(pairRow(r, r.integrity, r.replay));
  const first = results[0]!;
  console.log('\n== full replay: sel verify LOG --repo REPO against sel verify LOG, same log ==');
  console.log(
    `log: every decision the evaluator's (replays clean); repo: ${first.repo} (${first.bundles} policy bundles, HEAD ${first.repoHead.slice(0, 12)})\n` +
      `throughput: best of ${opts.reps} run(s) each; replay/integrity: median of the per-rep ratios (best-run ratio in brackets);\n` +
      'RSS = highest peak of the sel process over the runs (the git processes replay starts are not included)\n',
  );
  console.log(table(rows));
  console.log('\ntargets');
  const lines: string[][] = [];
  const targets: Record<string, unknown> = {};
  for (const r of results) {
    const label = `${fmt(r.bytes / MB, 0)} MB`;
    const ok = r.ratio >= TARGETS.replayRatio;
    lines.push([`  full replay >= ${TARGETS.replayRatio}x integrity-only, ${label}`, ratioText(r.ratio, TARGETS.replayRatio), mark(ok)]);
    const rssOk = r.replay.maxRssBytes < TARGETS.maxRssBytes;
    lines.push([`  full replay peak RSS < ${TARGETS.maxRssBytes / MB} MB, ${label}`, `${fmt(r.replay.maxRssBytes / MB)} MB`, mark(rssOk)]);
    targets[`replay ${label}`] = { ratio: r.ratio, pass: ok, rss: rssOk };
  }
  console.log(table(lines));
  return targets;
}

// --- 4. indexing a long policy history --------------------------------------------------

interface IndexResult {
  readonly name: string;
  readonly shape: IndexShape;
  readonly repo: string;
  readonly head: string;
  readonly commits: number;
  readonly policyCommits: number;
  readonly bundles: number;
  readonly tinyLog: string;
  /** `sel verify TINY --repo REPO` */
  readonly withRepo: Series;
  /** `sel verify TINY`: start-up and the log itself, without any Git work */
  readonly baseline: Series;
  /** Best with-repo time, seconds. */
  readonly seconds: number;
  /** Best with-repo time minus best baseline time: the indexing (and ledger) cost. */
  readonly netSeconds: number;
  readonly commitsPerSecond: number;
}

async function measureIndex(opts: Options): Promise<IndexResult[]> {
  const results: IndexResult[] = [];
  for (const shape of ['every', 'few'] as const) {
    const repo = ensureIndexRepo(shape, opts.indexCommits, { force: opts.regen });
    const withRepo: Run[] = [];
    const baseline: Run[] = [];
    for (let rep = 1; rep <= opts.reps; rep++) {
      const { run: b } = await runSel(repo.tinyLog);
      baseline.push(b);
      const { run: w, report } = await runSel(repo.tinyLog, ['--repo', repo.dir]);
      withRepo.push(w);
      const r = report.summary.replay;
      if (!r.performed || r.commitsScanned !== repo.commits || r.bundles !== repo.bundles) {
        throw new BenchError(
          `sel indexed ${r.performed ? `${r.commitsScanned} commits and ${r.bundles} bundles` : 'nothing'} in ${repo.dir}, ` +
            `which holds ${repo.commits} commits and ${repo.bundles} bundles: the run did not measure what it should`,
        );
      }
      process.stderr.write(
        `  index ${repo.name} rep ${rep}/${opts.reps}: with --repo ${w.seconds.toFixed(3)} s, without ${b.seconds.toFixed(3)} s (${fmt(w.maxRssBytes / MB)} MB RSS)\n`,
      );
    }
    const wb = best(withRepo);
    const bb = best(baseline);
    results.push({
      name: repo.name,
      shape,
      repo: repo.dir,
      head: repo.head,
      commits: repo.commits,
      policyCommits: repo.policyCommits,
      bundles: repo.bundles,
      tinyLog: repo.tinyLog,
      withRepo: series(withRepo),
      baseline: series(baseline),
      seconds: wb.seconds,
      netSeconds: wb.seconds - bb.seconds,
      commitsPerSecond: repo.commits / wb.seconds,
    });
  }
  return results;
}

function printIndex(results: readonly IndexResult[], opts: Options): Record<string, unknown> {
  const rows: string[][] = [['repository', 'commits', 'policy commits', 'bundles', 'seconds', 'commits/s', 'net s', 'net commits/s', 'RSS MB', 'net KB/bundle']];
  for (const r of results) {
    rows.push([
      r.name,
      r.commits.toLocaleString('en-US'),
      r.policyCommits.toLocaleString('en-US'),
      r.bundles.toLocaleString('en-US'),
      fmt(r.seconds, 3),
      fmt(r.commitsPerSecond, 0),
      fmt(r.netSeconds, 3),
      fmt(r.commits / r.netSeconds, 0),
      fmt(r.withRepo.maxRssBytes / MB),
      fmt((r.withRepo.maxRssBytes - r.baseline.maxRssBytes) / 1024 / r.bundles, 1),
    ]);
  }
  const events = results[0]?.withRepo.best.events ?? 0;
  console.log('\n== policy index: sel verify TINY_LOG --repo REPO (a long history, a log naming its last bundle) ==');
  console.log(
    `TINY_LOG: ${events} events; seconds: best of ${opts.reps} run(s) of the whole sel verify; commits/s = commits / seconds;\n` +
      'net = seconds minus the best run of sel verify TINY_LOG without --repo (start-up and the log): the indexing cost;\n' +
      'net KB/bundle = peak RSS minus that run\'s, per bundle: what a long policy history costs in memory\n',
  );
  console.log(table(rows));
  const every = results.find((r) => r.shape === 'every');
  const few = results.find((r) => r.shape === 'few');
  const targets: Record<string, unknown> = {};
  for (const r of results) targets[`index ${r.name}`] = { seconds: r.seconds, netSeconds: r.netSeconds, commitsPerSecond: r.commitsPerSecond, bundles: r.bundles };
  if (every !== undefined && few !== undefined) {
    console.log(`\n${few.policyCommits} policy changes index ${fmt(every.netSeconds / few.netSeconds, 1)}x faster (net) than ${every.policyCommits}: the index reads each distinct policy tree once`);
  }
  return targets;
}

// --- orders -----------------------------------------------------------------------------

/** Below this, per event against the log in order, an order costs more than linear time. */
const ORDERS_BOUND = 0.25;

interface OrderResult {
  readonly name: string;
  readonly events: number;
  readonly window: number;
  readonly runs: Series;
  /** Events per second against the log in order's, the median of per-rep ratios. */
  readonly ratio: number;
}

async function measureOrders(opts: Options): Promise<OrderResult[]> {
  const logs = writeOrderLogs(join(DATA_DIR, 'orders'), opts.ordersWindow);
  const base = logs[0]!;
  const baseRuns: Run[] = [];
  const runs = new Map<OrderLog, Run[]>(logs.slice(1).map((l) => [l, []]));
  const ratios = new Map<OrderLog, number[]>(logs.slice(1).map((l) => [l, []]));
  const runOrder = async (l: OrderLog) => (await runSel(l.path, ['--jobs', '1', '--reorder-window', String(l.window), '--max-findings', '5'], l.expect)).run;
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const l of logs.slice(1)) {
      // The log in order beside each, so that each ratio is of two runs back to back.
      const b = await runOrder(base);
      baseRuns.push(b);
      const r = await runOrder(l);
      runs.get(l)!.push(r);
      ratios.get(l)!.push(eps(r) / eps(b));
      process.stderr.write(`  orders rep ${rep}/${opts.reps}: ${l.name} ${r.seconds.toFixed(3)} s, in order ${b.seconds.toFixed(3)} s\n`);
    }
  }
  return [
    { name: base.name, events: base.events, window: base.window, runs: series(baseRuns), ratio: 1 },
    ...logs.slice(1).map((l) => ({ name: l.name, events: l.events, window: l.window, runs: series(runs.get(l)!), ratio: median(ratios.get(l)!) })),
  ];
}

function printOrders(results: readonly OrderResult[], opts: Options): Record<string, unknown> {
  const rows: string[][] = [['order', 'events', 'window', 'seconds', 'events/s', 'MB/s', 'RSS MB', 'vs in order', `>= ${ORDERS_BOUND}x`]];
  for (const r of results) {
    const b = r.runs.best;
    rows.push([r.name, r.events.toLocaleString('en-US'), r.window.toLocaleString('en-US'), fmt(b.seconds, 3), fmt(eps(b), 0), fmt(mbps(b)), fmt(r.runs.maxRssBytes / MB), `${fmt(r.ratio, 2)}x`, r.ratio === 1 ? '' : mark(r.ratio >= ORDERS_BOUND)]);
  }
  console.log('\n== orders: sel verify --jobs 1 --reorder-window W on one chain in adversarial orders ==');
  console.log(
    `W = ${opts.ordersWindow.toLocaleString('en-US')}; seconds: best of ${opts.reps} run(s) of the whole sel verify, start-up included; vs in order: events/s\n` +
      'against the log in order run just before it (median of reps). Linear in W keeps it near 1x; quadratic was ~0.05x.\n',
  );
  console.log(table(rows));
  const targets: Record<string, unknown> = {};
  for (const r of results.slice(1)) targets[`order ${r.name}`] = { ratio: r.ratio, bound: ORDERS_BOUND, met: r.ratio >= ORDERS_BOUND };
  return targets;
}

// --- main -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const opts = parseArgs(process.argv.slice(2));
  const integrity = opts.sections.integrity ? await measureIntegrity(opts) : [];
  const scale = opts.sections.scale ? await measureScale(opts) : [];
  const replay = opts.sections.replay ? await measureReplay(opts) : [];
  const index = opts.sections.index ? await measureIndex(opts) : [];
  const orders = opts.sections.orders ? await measureOrders(opts) : [];

  if (opts.quick) console.log('\n--quick: 10 MB logs, one rep each: a smoke test of the harness, not a measurement');
  const results: Record<string, unknown> = {};
  if (integrity.length > 0) Object.assign(results, printIntegrity(integrity, opts));
  if (scale.length > 0) Object.assign(results, printScale(scale, opts));
  if (replay.length > 0) Object.assign(results, printReplay(replay, opts));
  if (index.length > 0) Object.assign(results, printIndex(index, opts));
  if (orders.length > 0) Object.assign(results, printOrders(orders, opts));

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
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
        seconds,
        targets: { definitions: TARGETS, results },
        sizes: integrity,
        scale,
        replay,
        index,
        orders,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults written to ${out} (whole run ${fmt(seconds / 60, 1)} min)`);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof BenchError)) throw e;
  process.stderr.write(`bench: ${e.message}\n`);
  process.exitCode = 1;
}
