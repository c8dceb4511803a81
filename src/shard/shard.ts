/**
 * Verification past one machine (issue 6): `sel verify LOG... --shard I/N --shard-out FILE`
 * checks the lines that start in one Nth of the log set's bytes (cut on line boundaries) and
 * writes their records; `sel merge FILE...` runs the chain check over all shards' records in
 * order and reports exactly what one run would have, faults that straddle a boundary
 * included. The expensive per-line work (parse, canonical form, hashes, schema, replay
 * evaluation) is what is spread; the stitch is a linear pass over small records.
 *
 * A shard file (`sel.shard/9`, docs/shards.md, src/shard/format.ts) is a JSON header line,
 * the shard's units as binary blocks (each unit's records in columns, as --jobs passes them
 * between threads), and a JSON trailer line with the row count and a digest of every byte
 * before it, so a truncated or damaged result is refused. Line numbers count from 1 within
 * each unit; the merge adds the lines before it.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { OperatorError, describeIoError } from '../errors.js';
import { outputTarget, temporaryBeside } from '../ingest/output-file.js';
import { endsAt, type ReadProblem } from '../ingest/read.js';
import { nextLineStartSync } from '../ingest/range.js';
import { committedPathOf, deletedCommittedLogs, workingCopyDifference, type CommittedDifference } from '../git/append-only.js';
import type { GitRepo } from '../git/git.js';
import { orderSources, resolveSources, type LogSource } from '../ingest/sources.js';
import type { PolicyIndex } from '../git/history.js';
import type { Ledger } from '../policy/ledger.js';
import { effectiveJobs, MAX_JOBS } from '../verify/jobs.js';
import { checkVerifyOptions, checkWholeNumber } from '../verify/options.js';
import { checkStarts } from '../chain/options.js';
import { replayData } from '../verify/replay-data.js';
import { runUnits, type UnitPart, type UnitSink } from '../verify/units.js';
import type { RunOptions } from '../verify/run.js';
import { DEFAULT_VERIFY_OPTIONS, type VerifyOptions } from '../verify/verifier.js';
import type { UnitResult, WorkerInit } from '../verify/worker-protocol.js';
import { assertLittleEndian, encodeBlock, SHARD_VERSION, type ShardFile, type ShardHeader, type ShardTrailer } from './format.js';
import { buildId, VERSION } from '../version.js';
export { SHARD_VERSION, type ShardFile, type ShardHeader, type ShardTrailer } from './format.js';

/** The most shards a run is split into: far more machines than any run needs. */
export const MAX_SHARDS = 100_000;

/** Parses "I/N" (1-based I). */
export function parseShard(text: string): { index: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m === null ? NaN : Number(m[1]);
  const of = m === null ? NaN : Number(m[2]);
  if (!(of >= 1 && of <= MAX_SHARDS && index >= 1 && index <= of)) throw new OperatorError(`--shard ${text} is not I/N with 1 <= I <= N <= ${MAX_SHARDS}`);
  return { index: index - 1, of };
}

/**
 * The first byte after the line containing byte `p` (the next line start), or `size`. A file
 * that cannot be read that far is cut at `size`: reading the part then reports it.
 */
function nextLineStart(fh: FileHandle, p: number, size: number, scratch: Buffer): number {
  const at = nextLineStartSync(fh.fd, p, size, scratch);
  return typeof at === 'number' ? at : size;
}

/** Digesting writer of a shard file: every byte before the trailer goes through the digest. */
class ShardWriter {
  private readonly hash = createHash('sha256');
  constructor(private readonly fd: number, private readonly out: string) {}
  write(parts: readonly Uint8Array[]): void {
    for (const p of parts) {
      this.hash.update(p);
      this.put(p);
    }
  }
  /** Writes `p` whole, undigested (the trailer, after the digest). */
  put(p: Uint8Array): void {
    try {
      for (let at = 0; at < p.length;) at += writeSync(this.fd, p, at, p.length - at);
    } catch (e) {
      throw cannotWrite(this.out, e);
    }
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/**
 * The result file's own failure (a write, its close, its rename), named where it happens: an
 * error with a code from anything else (a worker's ERR_WORKER_OUT_OF_MEMORY, a progress hook's
 * EPIPE or ERR_INVALID_ARG_TYPE) was reported as "cannot write the shard result", a wrong cause
 * that hid it (found by review).
 */
function cannotWrite(out: string, e: unknown): OperatorError {
  return new OperatorError(`cannot write the shard result ${out}: ${describeIoError(e)}`);
}

/** Writes each unit's result as a block, in order. A part that cannot be read fails the shard. */
class ShardSink implements UnitSink {
  linesSeen = 0;
  rows = 0;
  readonly counts: { lines: number; content: number }[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(private readonly w: ShardWriter, files: readonly ShardFile[]) {
    this.counts = files.map(() => ({ lines: 0, content: 0 }));
    this.index = new Map(files.map((f, i) => [f.display, i]));
  }

  begin(file: string): (r: UnitResult) => void {
    const f = this.index.get(file)!;
    return (r) => {
      this.w.write(encodeBlock(f, r));
      this.rows += r.kinds.length;
      this.linesSeen += r.lines;
    };
  }

  end(file: string, totals: { lines: number; content: number }, problem: ReadProblem | null): void {
    // A shard's result stands for every line of its part; one it could not read is no result.
    if (problem !== null) throw new OperatorError(`cannot read log ${file}: ${problem.message}`);
    this.counts[this.index.get(file)!] = { lines: totals.lines, content: totals.content };
  }
}

/**
 * What a shard runs with: the line check's options, and its threads and progress display as
 * for a whole run (`jobs` defaults to 1; defaulted, a part smaller than PARALLEL_MIN_BYTES is
 * checked on one thread).
 */
export type ShardOptions = VerifyOptions & Pick<RunOptions, 'jobs' | 'jobsAuto' | 'unitBytes' | 'mainThreadUnits' | 'progress'>;

/**
 * Checks the lines of one shard and writes its result to `out`. Lines belong to the shard in
 * whose byte range they start; the boundaries of shard k and k+1 are found the same way by
 * both, so every line is checked exactly once. The shard's part is checked in units, as a
 * `--jobs N` run checks a whole log (src/verify/units.ts), with `opts.jobs` threads; the rows
 * are written as units are applied, in order (memory stays flat), to a temporary name renamed
 * into place at the end, so a shard that fails leaves no file a merge could mistake for a
 * result.
 */
export async function runShard(
  logs: readonly string[],
  index: number,
  of: number,
  out: string,
  opts: ShardOptions = DEFAULT_VERIFY_OPTIONS,
  replay: { index: PolicyIndex; ledger: Ledger; ref: string; commit: string; repoDir: string; repo: GitRepo } | null = null,
): Promise<{ header: ShardHeader; trailer: ShardTrailer }> {
  assertLittleEndian();
  // A library caller's mistakes, as parseShard and the CLI's options refuse them: shard 6 of 2,
  // or 1 of 0, was written as a result, and a maxDepth of NaN went into its header (found by review).
  if (!(Number.isSafeInteger(of) && of >= 1 && of <= MAX_SHARDS && Number.isSafeInteger(index) && index >= 0 && index < of)) {
    throw new OperatorError(`shard index ${String(index)} of ${String(of)} is not a shard: the index counts from 0 and is below the count, which is 1 to ${MAX_SHARDS}`);
  }
  // As verifyLogs: a string was read as one log per character (found by review).
  if (!Array.isArray(logs) || logs.some((l) => typeof l !== 'string')) throw new OperatorError('logs must be an array of paths (a file, a directory of *.jsonl files, or - for standard input)');
  checkVerifyOptions(opts);
  // No chain check runs here (the merge's does), so none checks them: refused before writing, as there.
  checkStarts(opts.starts);
  if (opts.jobs !== undefined) checkWholeNumber('jobs', opts.jobs, 1, MAX_JOBS);
  if (opts.unitBytes !== undefined) checkWholeNumber('unitBytes', opts.unitBytes, 1, 2 ** 30);
  const { sources, skipped } = await resolveSources(logs);
  if (sources.some((s) => !s.regular || s.path === null)) throw new OperatorError('--shard needs regular files: a stream cannot be split by bytes');
  const ordered: LogSource[] = await orderSources(sources, opts.maxLineBytes);
  // A log the shard cannot open (a file of a named directory too, which one run reports as
  // LOG_UNREADABLE) is no part of a result, as one it cannot read to its end (end, below): one
  // sentence, not an internal error (found by review).
  const unreadable = (s: LogSource) => (e: unknown): never => {
    throw new OperatorError(`cannot read log ${s.display}: ${describeIoError(e)}`);
  };
  const sizes = await Promise.all(ordered.map(async (s) => (await stat(s.path!).catch(unreadable(s))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const from = Math.floor((index * total) / of);
  const to = Math.floor(((index + 1) * total) / of);
  // Where this shard's part of each file starts and ends.
  const files: ShardFile[] = [];
  const scratch = Buffer.allocUnsafe(1 << 20);
  let base = 0;
  for (let f = 0; f < ordered.length; f++) {
    const s = ordered[f]!;
    const size = sizes[f]!;
    const lo = Math.max(0, from - base);
    const hi = Math.min(size, to - base);
    base += size;
    let start = size;
    let end = size;
    // Every log is opened, one whose bytes are all in other shards' parts too: a log a shard
    // cannot open stops it, where one run reports it (LOG_UNREADABLE). An empty log is in no
    // shard's part: unopened, it was merged as LOG_EMPTY, a warning, where one run fails
    // (found by mutation testing).
    const fh = await open(s.path!, 'r').catch(unreadable(s));
    try {
      // A log cut by its size must end there: a /proc file (size 0, and content) was in no
      // shard's part and merged as LOG_EMPTY, where one run reports LOG_CHANGED (read.ts, endsAt).
      const past = await endsAt(fh, size, scratch);
      if (past !== null) {
        throw new OperatorError(past.code === 'LOG_CHANGED'
          ? `cannot cut log ${s.display} into shards: it holds more than the ${size} bytes its size says (it grew after its size was taken, or its size is not its length, as for a /proc file)`
          : `cannot read log ${s.display}: ${past.message}`);
      }
      if (lo < hi) {
        start = lo === 0 ? 0 : nextLineStart(fh, lo - 1, size, scratch);
        end = hi >= size ? size : nextLineStart(fh, hi - 1, size, scratch);
      }
    } finally {
      await fh.close();
    }
    files.push({ display: s.display, size, start, end });
  }
  const paths = replay === null ? null : await Promise.all(ordered.map((s) => committedPathOf(replay.repo, replay.commit, replay.repoDir, s.path!)));
  // Each shard compares its part of a committed log with the committed version; the shard whose
  // part ends where the file ends (shard 1 for an empty file) compares where it ends too.
  const committed: (CommittedDifference | null)[] = [];
  for (let f = 0; f < files.length; f++) {
    const { start, end, size } = files[f]!;
    const ownsEnd = (start < end && end === size) || (size === 0 && index === 0);
    committed.push(replay === null || paths === null || (start >= end && !ownsEnd)
      ? null
      : await workingCopyDifference(replay.repo, replay.commit, paths[f]!, ordered[f]!.path!, { start, end }));
  }
  // Committed logs of a named directory that no shard reads (deleted from the working copy).
  const deleted = replay === null || paths === null ? [] : await deletedCommittedLogs(replay.repo, replay.commit, replay.repoDir, logs, paths, skipped);
  const header: ShardHeader = {
    v: SHARD_VERSION,
    shard: index,
    of,
    files,
    skipped: skipped.map((s) => ({ display: s.display, reason: s.reason })),
    options: { maxLineBytes: opts.maxLineBytes, maxDepth: opts.maxDepth },
    sel: { version: VERSION, build: buildId() },
    replay: replay === null || paths === null ? null : { ref: replay.ref, commit: replay.commit, paths },
    committed,
    deleted,
  };
  const parts: UnitPart[] = [];
  let partBytes = 0;
  for (let f = 0; f < ordered.length; f++) {
    const { start, end, size } = files[f]!;
    if (start >= end) continue;
    parts.push({ source: ordered[f]!, start, cut: { end, size }, firstLine: 1 });
    partBytes += end - start;
  }
  const init: WorkerInit = {
    maxDepth: opts.maxDepth,
    maxLineBytes: opts.maxLineBytes,
    keepEvents: false,
    note: null,
    sendWhole: null,
    replay: replay === null ? null : replayData(replay),
  };
  const jobs = effectiveJobs(opts.jobs ?? 1, opts.jobsAuto === true, partBytes);
  // Never a new *.jsonl file in a directory of logs named: the next shard (or run) would read it as a log.
  const target = await outputTarget(out, 'the shard result', ordered.map((s) => s.path!), logs);
  const temp = await temporaryBeside(target, '.partial');
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw cannotWrite(out, e);
  }
  const w = new ShardWriter(fd, out);
  const sink = new ShardSink(w, files);
  try {
    w.write([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8')]);
    opts.progress?.start(partBytes);
    try {
      await runUnits(opts, parts, sink, init, jobs, partBytes, opts.unitBytes);
    } finally {
      opts.progress?.stop();
    }
    const trailer: ShardTrailer = { rows: sink.rows, digest: w.digest(), files: sink.counts };
    w.put(Buffer.from(`${JSON.stringify(['end', trailer])}\n`, 'utf8'));
    try {
      closeSync(fd);
    } catch (e) {
      fd = -1; // closed or not, not again
      throw cannotWrite(out, e);
    }
    fd = -1;
    await rename(temp, target).catch((e: unknown) => {
      throw cannotWrite(out, e);
    });
    return { header, trailer };
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // nothing more to release
      }
    }
    await rm(temp, { force: true });
    // The file's own failures are OperatorErrors already (cannotWrite); anything else is itself.
    throw e;
  }
}
