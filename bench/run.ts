/**
 * `npm run bench`: three measurements in one run, every program in a fresh process.
 *
 *   node dist/bench/run.js [--sizes 30,300] [--replay-sizes 30,300] [--reps 5] [--quick] [--regen]
 *                          [--integrity] [--replay] [--index] [--no-integrity] [--no-replay] [--no-index]
 *                          [--index-commits 1000]
 *
 * 1. integrity  integrity-only `sel verify LOG` against the floor (bench/floor.ts), on
 *               generated logs of several sizes (bench/generate.ts), and memory flatness.
 * 2. replay     full replay `sel verify LOG --repo REPO` against integrity-only `sel verify LOG`
 *               on the same log: a log whose every decision is the evaluator's under the policy
 *               version it names, and a repository holding those versions (bench/replay-data.ts),
 *               so the replay is clean. Target: full replay >= 0.6x integrity-only throughput.
 * 3. index      `sel verify TINY --repo REPO` on a 1 000-commit history where every commit
 *               changes the policy, and on one where only 10 do (bench/index-data.ts): the time
 *               to index the history, which dominates a run on a 5-event log.
 *
 * --sizes          log sizes in MB (10^6 bytes) for integrity, default 30,300
 * --replay-sizes   log sizes in MB for replay, default: the --sizes list
 * --reps           runs of each program per size (and per repository), default 5; throughput is
 *                  the best run, ratios the median of per-rep ratios (see SizeResult.ratio)
 * --quick          10 MB logs, one rep: a smoke test of the harness, not a measurement
 * --regen          rebuild logs and repositories even when bench/data holds current ones
 * --integrity, --replay, --index      run only the sections named (any combination)
 * --no-integrity, --no-replay, --no-index   skip a section
 * --index-commits  length of the indexing histories, default 1000
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
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, ensureLog } from './generate.js';
import { ensureReplayLog, ensureReplayRepo } from './replay-data.js';
import { ensureIndexRepo, type IndexShape } from './index-data.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FLOOR_JS = join(HERE, 'floor.js');
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
} as const;

type Section = 'integrity' | 'replay' | 'index';
const SECTIONS: readonly Section[] = ['integrity', 'replay', 'index'];

interface Options {
  readonly sizesMb: readonly number[];
  readonly replaySizesMb: readonly number[];
  readonly reps: number;
  readonly regen: boolean;
  readonly quick: boolean;
  readonly sections: Readonly<Record<Section, boolean>>;
  readonly indexCommits: number;
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
  let reps = 5;
  let regen = false;
  let quick = false;
  let indexCommits = 1000;
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
    else if (a === '--reps') {
      reps = Number(value());
      if (!Number.isInteger(reps) || reps < 1) throw new BenchError('--reps takes a positive integer');
    } else if (a === '--index-commits') {
      indexCommits = Number(value());
      if (!Number.isInteger(indexCommits) || indexCommits < 10) throw new BenchError('--index-commits takes an integer of at least 10');
    } else if (a === '--quick') quick = true;
    else if (a === '--regen') regen = true;
    else if (SECTIONS.includes(a.slice(2) as Section) && a.startsWith('--')) only.add(a.slice(2) as Section);
    else if (a.startsWith('--no-') && SECTIONS.includes(a.slice(5) as Section)) skip.add(a.slice(5) as Section);
    else {
      throw new BenchError(
        `unknown argument ${a} (use --sizes 30,300 --replay-sizes 30,300 --reps 3 --quick --regen --integrity --replay --index --no-integrity --no-replay --no-index --index-commits 1000)`,
      );
    }
  }
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, (only.size === 0 || only.has(s)) && !skip.has(s)])) as Record<Section, boolean>;
  if (!SECTIONS.some((s) => sections[s])) throw new BenchError('every section is excluded: nothing to measure');
  if (quick) return { sizesMb: [10], replaySizesMb: [10], reps: 1, regen, quick, sections, indexCommits };
  const sorted = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);
  return { sizesMb: sorted(sizesMb), replaySizesMb: sorted(replaySizesMb ?? sizesMb), reps, regen, quick, sections, indexCommits };
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

interface ReplayCounts {
  readonly events: number;
  readonly replayed: number;
  readonly matched: number;
  readonly diverged: number;
  readonly unverifiable: number;
  readonly skipped: number;
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
async function runSel(file: string, selArgs: readonly string[] = []): Promise<{ run: Run; report: SelReport }> {
  const p = await spawnNode(CHILD_JS, [file, ...selArgs], true);
  const what = `sel verify ${file}${selArgs.length > 0 ? ` ${selArgs.join(' ')}` : ''}`;
  // sel's own exit status passes through the child: 1 means findings, which the report
  // below describes; anything else, or no measurement, means sel did not complete.
  if ((p.code !== 0 && p.code !== 1) || p.fd3.trim() === '') {
    throw new BenchError(`${what} did not complete (${describeExit(p)}); report starts: ${JSON.stringify(p.stdout.slice(0, 300))}`);
  }
  const m = parseJson(p.fd3, 'the sel measurement') as { seconds: number; exitCode: number; maxRssBytes: number };
  const report = parseJson(p.stdout, 'the sel report') as SelReport;
  const s = report.summary;
  if (m.exitCode !== 0 || s.result !== 'pass' || s.findings.total !== 0) {
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
      const { run: s } = await runSel(file);
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

function printIntegrity(results: readonly SizeResult[], opts: Options): Record<string, unknown> {
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

// --- 2. full replay against integrity-only ----------------------------------------------

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
      const { run: i } = await runSel(file);
      integrityRuns.push(i);
      const { run: r, report } = await runSel(file, ['--repo', repo.dir]);
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
  for (const r of results) {
    rows.push([
      `${fmt(r.bytes / MB)} MB`,
      r.events.toLocaleString('en-US'),
      fmt(mbps(r.integrity.best)),
      fmt(eps(r.integrity.best), 0),
      fmt(mbps(r.replay.best)),
      fmt(eps(r.replay.best), 0),
      `${fmt(r.ratio, 2)}x (${fmt(r.bestRatio, 2)}x)`,
      fmt(r.integrity.maxRssBytes / MB),
      fmt(r.replay.maxRssBytes / MB),
    ]);
  }
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

// --- 3. indexing a long policy history --------------------------------------------------

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
  const rows: string[][] = [['repository', 'commits', 'policy commits', 'bundles', 'seconds', 'commits/s', 'net s', 'net commits/s', 'RSS MB']];
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
    ]);
  }
  const events = results[0]?.withRepo.best.events ?? 0;
  console.log('\n== policy index: sel verify TINY_LOG --repo REPO (a long history, a log naming its last bundle) ==');
  console.log(
    `TINY_LOG: ${events} events; seconds: best of ${opts.reps} run(s) of the whole sel verify; commits/s = commits / seconds;\n` +
      'net = seconds minus the best run of sel verify TINY_LOG without --repo (start-up and the log): the indexing cost\n',
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

// --- main -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const opts = parseArgs(process.argv.slice(2));
  const integrity = opts.sections.integrity ? await measureIntegrity(opts) : [];
  const replay = opts.sections.replay ? await measureReplay(opts) : [];
  const index = opts.sections.index ? await measureIndex(opts) : [];

  if (opts.quick) console.log('\n--quick: 10 MB logs, one rep each: a smoke test of the harness, not a measurement');
  const results: Record<string, unknown> = {};
  if (integrity.length > 0) Object.assign(results, printIntegrity(integrity, opts));
  if (replay.length > 0) Object.assign(results, printReplay(replay, opts));
  if (index.length > 0) Object.assign(results, printIndex(index, opts));

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
        replay,
        index,
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
