/**
 * `sel verify` without a repository: resolve the logs, read them in order, feed the pure
 * verifier. The I/O edge of the integrity check.
 */
import { realpath, stat } from 'node:fs/promises';
import type { Resume } from './checkpoint.js';
import { orderSources, resolveSources, type LogSource } from '../ingest/sources.js';
import type { LinePool } from './pool.js';
import type { WorkerInit } from './worker-protocol.js';
import { readSource } from '../ingest/read.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type EventHook, type IntegrityResult, type VerifyOptions } from './verifier.js';
import type { ChainSummary } from '../chain/chain.js';
import type { Finding } from '../findings/finding.js';

export interface RunOptions extends VerifyOptions {
  /** Worker threads for the per-line work; 1 checks lines on this thread. */
  readonly jobs?: number;
  /** `jobs` was not asked for but defaulted: small inputs then run on one thread. */
  readonly jobsAuto?: boolean;
  /** Standard input, for `-` (tests pass their own stream). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Resume from a checkpoint: files start past what was verified, chains at their positions. */
  readonly resume?: Resume | null;
  /** Findings made before reading (e.g. a checkpoint mismatch), reported first. */
  readonly preFindings?: readonly Finding[];
  /** Progress display: the total bytes to read (null when a stream is read), then running counts. */
  readonly progress?: {
    readonly start: (totalBytes: number | null) => void;
    readonly update: (bytes: number, lines: number) => void;
    readonly stop: () => void;
  };
}

/** Stages that ride on the integrity pass (replay): every accepted event, then the end. */
export interface VerifyExtension {
  readonly onEvent: EventHook;
  /**
   * With --jobs > 1: replay runs in the workers from this data, and onEvent receives
   * records carrying the outcome (`rec.replay`) instead of the parsed event. Absent: the
   * workers keep parsed events for onEvent.
   */
  readonly workerReplay?: WorkerInit['replay'];
  /**
   * onEvent reads an event's request only member by member (replay's evaluator, nothing
   * else): the line check may then give requests that are parsed as they are read.
   */
  readonly requestsByName?: boolean;
  /** Findings that do not come from a line (e.g. about the repository), reported first. */
  readonly begin?: (report: (f: Finding) => void) => void;
  readonly finish?: (report: (f: Finding) => void, chains: readonly ChainSummary[]) => void;
}

export async function verifyLogs(
  logs: readonly string[],
  options: Partial<RunOptions> = {},
  extension: VerifyExtension | null = null,
): Promise<IntegrityResult> {
  const base: RunOptions = { ...DEFAULT_VERIFY_OPTIONS, ...options };
  const opts: RunOptions = base.resume == null ? base : { ...base, starts: base.resume.starts };
  const { sources, skipped } = await resolveSources(logs);
  const ordered = await orderSources(sources, opts.maxLineBytes);
  // Below PARALLEL_MIN_BYTES one thread is faster (see there).
  const total = await totalBytes(ordered);
  const jobs = opts.jobsAuto === true && total !== null && total < PARALLEL_MIN_BYTES ? 1 : Math.max(1, opts.jobs ?? 1);
  // The pool (and, through the batch code the main thread shares with workers, replay) is
  // loaded only for a parallel run.
  const pool = jobs > 1
    ? new (await import('./pool.js')).LinePool(jobs, { maxDepth: opts.maxDepth, keepEvents: extension !== null && extension.workerReplay === undefined, replay: extension?.workerReplay ?? null })
    : null;
  try {
    return await run(opts, ordered, skipped, pool, extension);
  } finally {
    await pool?.close();
  }
}

/**
 * Below this many bytes of input, the default --jobs is 1 (the report is the same either
 * way). Measured on a 2-core machine since the line check moved to WebAssembly (3 pairs
 * each): --jobs 2 / --jobs 1 = 0.6x-0.8x at 30 MB, 0.8x at 100 MB, 0.9x-1.1x at 300 MB for
 * integrity, and 0.8x-1.0x for full replay at 100 MB. The main thread's share of the parallel
 * path (splitting, copying lines out, decoding results, the chain check, their garbage) now
 * costs about what a worker saves it, so a second thread only pays on inputs larger than
 * these; below 1 GiB the default stays on one thread. An explicit --jobs N is always obeyed.
 */
export const PARALLEL_MIN_BYTES = 1024 * 1024 * 1024;

async function totalBytes(sources: readonly LogSource[]): Promise<number | null> {
  let total = 0;
  for (const s of sources) {
    if (!s.regular || s.path === null) return null;
    total += (await stat(s.path).catch(() => null))?.size ?? 0;
  }
  return total;
}

async function run(
  opts: RunOptions,
  ordered: readonly LogSource[],
  skipped: readonly { display: string; reason: string }[],
  pool: LinePool | null,
  extension: VerifyExtension | null,
): Promise<IntegrityResult> {
  const verifier = new IntegrityVerifier(opts, extension?.onEvent ?? null, pool, extension?.requestsByName === true);
  for (const f of opts.preFindings ?? []) verifier.report(f);
  extension?.begin?.((f) => verifier.report(f));
  const progress = opts.progress;
  if (progress !== undefined) progress.start(await totalBytes(ordered));
  let bytes = 0;
  try {
    for (const source of ordered) {
      const at = source.regular && source.path !== null && opts.resume != null
        ? opts.resume.files.get(await realpath(source.path).catch(() => source.path!))
        : undefined;
      const splitter = verifier.beginFile(source.display, at === undefined ? 1 : at.lines + 1);
      const problem = await readSource(
        source,
        progress === undefined
          ? (chunk) => splitter.push(chunk)
          : (chunk) => {
              splitter.push(chunk);
              bytes += chunk.length;
              progress.update(bytes, verifier.linesSeen);
            },
        opts.stdin,
        at?.bytes ?? 0,
        pool === null ? undefined : () => verifier.settle(),
      );
      verifier.endFile(source.display, splitter, problem);
    }
  } finally {
    progress?.stop();
  }
  for (const s of skipped) verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
  await verifier.settle(true);
  return verifier.finish((chains) => extension?.finish?.((f) => verifier.report(f), chains));
}
