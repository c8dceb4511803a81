/**
 * `sel verify` without a repository: resolve the logs, read them in order, feed the pure
 * verifier. The I/O edge of the integrity check.
 */
import { realpath } from 'node:fs/promises';
import type { Resume } from './checkpoint.js';
import { orderSources, resolveSources, totalBytes, type LogSource, type ResolvedSources } from '../ingest/sources.js';
import type { WorkerInit } from './worker-protocol.js';
import { effectiveJobs, MAX_JOBS } from './jobs.js';
import { readSource } from '../ingest/read.js';
import { OperatorError } from '../errors.js';
import { isDigestForm } from '../canonical/digest.js';
import { checkHook, checkVerifyOptions, checkWholeNumber } from './options.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type EventHook, type IntegrityResult, type VerifyOptions } from './verifier.js';
import type { BranchHook, ChainSummary } from '../chain/chain.js';
import type { Finding } from '../findings/finding.js';
import { makeNoter, type EventNote, type NoteSpec } from './notes.js';
import type { PlacedEvent } from '../envelope/types.js';
import type { EventFilter } from '../envelope/filter.js';

export interface RunOptions extends VerifyOptions {
  /** Threads for the per-line work, this one included; 1 checks lines on this thread. */
  readonly jobs?: number;
  /** With jobs > 1: the nominal size of a unit of work (units.ts); tests make it small. */
  readonly unitBytes?: number;
  /**
   * With jobs > 1, false: every unit goes to a worker, the main thread only cuts and applies
   * them. Slower; tests use it so that the workers' path is taken whatever their timing.
   */
  readonly mainThreadUnits?: boolean;
  /** `jobs` was not asked for but defaulted: small inputs then run on one thread. */
  readonly jobsAuto?: boolean;
  /** Standard input, for `-` (tests pass their own stream). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Resume from a checkpoint: files start past what was verified, chains at their positions. */
  readonly resume?: Resume | null;
  /**
   * The logs as listed when `resume` was prepared: the files read are those the checkpoint was
   * compared with. Listed again, a segment deleted in between (while the governance history is
   * read) was neither compared nor read, and the resumed run passed over its events (review).
   */
  readonly resolved?: ResolvedSources;
  /** Findings made before reading (e.g. a checkpoint mismatch), reported first. */
  readonly preFindings?: readonly Finding[];
  /** Progress display: the total bytes to read (null when a stream is read), then running counts. */
  readonly progress?: {
    readonly start: (totalBytes: number | null) => void;
    readonly update: (bytes: number, lines: number) => void;
    readonly stop: () => void;
  };
}

/**
 * Stages that ride on the integrity pass (replay; gate, explain, impact and timeline): every
 * accepted event, then the end.
 */
export interface VerifyExtension {
  readonly onEvent: EventHook;
  /** Each event set aside as a fork branch, never a copy, or arrived late (`late`; replay evaluates those too), noted as onEvent's are. */
  readonly onBranch?: BranchHook;
  /**
   * With --jobs > 1: replay runs in the workers from this data, and onEvent receives
   * records carrying the outcome (`rec.replay`) instead of the parsed event. When this,
   * sendWhole and note are all absent, the workers send every parsed event.
   */
  readonly workerReplay?: WorkerInit['replay'];
  /**
   * What to note of each accepted event (src/verify/notes.ts): onEvent receives it as
   * `rec.note`, made by the thread that parsed the event, this one included.
   */
  readonly note?: NoteSpec;
  /**
   * The only events onEvent reads whole (sel explain, sel timeline; src/envelope/filter.ts).
   * With --jobs > 1 the workers send those (their requests parsed in full: a request read
   * member by member cannot be cloned) and no other. On one thread every event is on its
   * record, and a request read member by member reads as the parsed one (the --jobs equality
   * tests hold explain's and timeline's output to that, byte for byte).
   */
  readonly sendWhole?: EventFilter;
  /**
   * onEvent reads an event's request only through its members (the evaluator; explain's and
   * timeline's output), never keeping it: the line check may then give requests that are
   * parsed as they are read.
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
  if (base.resume != null) checkResume(base.resume);
  const opts: RunOptions = base.resume == null ? base : { ...base, starts: base.resume.starts };
  // A library caller's mistakes, before anything is read (the CLI's bounds: options.ts). A
  // string for `logs` was read as one log per character, and `jobs: 1e6` asked the pool for a million threads.
  if (!Array.isArray(logs) || logs.some((l) => typeof l !== 'string')) throw new OperatorError('logs must be an array of paths (a file, a directory of *.jsonl files, or - for standard input)');
  checkVerifyOptions(opts);
  if (opts.jobs !== undefined) checkWholeNumber('jobs', opts.jobs, 1, MAX_JOBS);
  if (opts.unitBytes !== undefined) checkWholeNumber('unitBytes', opts.unitBytes, 1, 2 ** 30);
  // Each was a TypeError once called, mid-run, or never (found by mutation review).
  if (opts.preFindings !== undefined && !Array.isArray(opts.preFindings)) throw new OperatorError('preFindings must be an array of findings');
  if (opts.progress !== undefined && !isProgress(opts.progress)) throw new OperatorError('progress must be an object { start, update, stop } of functions');
  if (extension !== null) checkExtension(extension);
  const { sources, skipped } = opts.resolved ?? (await resolveSources(logs));
  const ordered = await orderSources(sources, opts.maxLineBytes);
  const total = await totalBytes(ordered);
  const jobs = effectiveJobs(opts.jobs ?? 1, opts.jobsAuto === true, total);
  // Units are byte ranges: a stream (standard input, a pipe) is checked on this thread.
  const parallel = jobs > 1 && total !== null && ordered.length > 0;
  // In units, each thread notes the events it parses (unit.ts); on this one, the note is made
  // here, from the record's event, before the extension sees the record.
  const noter = extension?.note === undefined || parallel ? null : await makeNoter(extension.note);
  // One wrapper for both hooks (onEvent's takes no `late`, and is given undefined).
  const noted = (hook: BranchHook): BranchHook => noter === null ? hook : (rec, late) => {
    const note = noter(rec.event);
    hook(note === null ? rec : withNote(rec, note), late);
  };
  const onEvent = extension === null ? null : (noted(extension.onEvent) as EventHook);
  const onBranch = extension?.onBranch === undefined ? null : noted(extension.onBranch);
  const verifier = new IntegrityVerifier(opts, onEvent, extension?.requestsByName === true, onBranch);
  for (const f of opts.preFindings ?? []) verifier.report(f);
  extension?.begin?.((f) => verifier.report(f));
  if (parallel) {
    const init: WorkerInit = {
      maxDepth: opts.maxDepth,
      maxLineBytes: opts.maxLineBytes,
      keepEvents: extension !== null && extension.workerReplay === undefined && extension.sendWhole === undefined && extension.note === undefined,
      replay: extension?.workerReplay ?? null,
      note: extension?.note ?? null,
      sendWhole: extension?.sendWhole ?? null,
    };
    // The pool and the unit code are loaded only for a parallel run.
    const { runUnits, verifierSink } = await import('./units.js');
    const parts = await Promise.all(ordered.map(async (source) => {
      const at = await resumeAt(opts, source);
      return at === undefined
        ? { source, start: 0, cut: null, firstLine: 1 }
        : { source, start: at.bytes, cut: null, firstLine: at.lines + 1, resumedTail: at.tail };
    }));
    opts.progress?.start(total);
    try {
      await runUnits(opts, parts, verifierSink(verifier), init, jobs, total - parts.reduce((a, p) => a + p.start, 0), opts.unitBytes);
    } finally {
      opts.progress?.stop();
    }
  } else {
    await run(opts, ordered, total, verifier);
  }
  for (const s of skipped) verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
  return verifier.finish((chains) => extension?.finish?.((f) => verifier.report(f), chains));
}

/**
 * `rec` with its note, for a record made on this thread. Written out member by member: a
 * `{ ...rec, note }` made one-thread gates 15% slower (a 300 MB log with --policy-at, where
 * most events have a note). A record made here carries no replay outcome (the replayer runs
 * after the note); one that did would keep it.
 */
function withNote(rec: PlacedEvent, note: EventNote): PlacedEvent {
  const { ref, chain, seq, prevHash, hash, ts, findings, event, replay } = rec;
  return replay === undefined
    ? { kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event, note }
    : { kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event, replay, note };
}

/** One thread: each file read in order, its lines checked as they are split. */
async function run(opts: RunOptions, ordered: readonly LogSource[], total: number | null, verifier: IntegrityVerifier): Promise<void> {
  const progress = opts.progress;
  progress?.start(total);
  let bytes = 0;
  try {
    for (const source of ordered) {
      const at = await resumeAt(opts, source);
      const splitter = verifier.beginFile(source.display, at === undefined ? 1 : at.lines + 1, at ?? null);
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
      );
      verifier.endFile(source.display, splitter, problem);
    }
  } finally {
    progress?.stop();
  }
}

/**
 * Throws OperatorError unless `resume` holds what a checkpoint does (its `starts` are checked
 * by the chain check). Unchecked, a library caller's `bytes` of 1.5 aborted the process in
 * Node.js's read (a native assertion, no exception), one of NaN verified nothing and passed,
 * -5 read the file from its start, and a plain object for `files` was a TypeError (found by
 * review). No string is made unless a file is refused: a checkpoint may hold a million.
 */
function checkResume(resume: Resume): void {
  if (typeof resume !== 'object' || !(resume.files instanceof Map)) {
    throw new OperatorError("resume.files must be a Map from each log's real path to where its verified part ends (bytes, lines, tail)");
  }
  if (!Array.isArray(resume.starts)) throw new OperatorError('resume.starts must be an array of chain positions');
  const at = (path: unknown): string => `resume.files of ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`;
  for (const [path, f] of resume.files as ReadonlyMap<unknown, unknown>) {
    if (typeof path !== 'string' || typeof f !== 'object' || f === null) throw new OperatorError(`${at(path)} must map a path to where its verified part ends (bytes, lines, tail)`);
    const { bytes, lines, tail } = f as Partial<Record<'bytes' | 'lines' | 'tail', unknown>>;
    checkWholeNumber(() => `${at(path)}: bytes`, bytes, 0, Number.MAX_SAFE_INTEGER);
    checkWholeNumber(() => `${at(path)}: lines`, lines, 0, Number.MAX_SAFE_INTEGER);
    if (typeof tail !== 'string' || !isDigestForm(tail)) throw new OperatorError(`${at(path)}: tail must be a digest, such as sha256: and 64 lowercase hex digits`);
  }
}

function isProgress(p: unknown): boolean {
  if (typeof p !== 'object' || p === null) return false;
  const { start, update, stop } = p as Partial<Record<'start' | 'update' | 'stop', unknown>>;
  return typeof start === 'function' && typeof update === 'function' && typeof stop === 'function';
}

/** Throws OperatorError unless `extension` has an onEvent function, and functions for the hooks it gives. */
function checkExtension(extension: VerifyExtension): void {
  if (typeof extension !== 'object' || typeof (extension as Partial<VerifyExtension>).onEvent !== 'function') throw new OperatorError('the extension must be an object with an onEvent function');
  checkHook('extension.onBranch', extension.onBranch, false);
  checkHook('extension.begin', extension.begin);
  checkHook('extension.finish', extension.finish);
}

/** Where a checkpoint says `source` was verified up to, if it does. */
async function resumeAt(opts: RunOptions, source: LogSource): Promise<{ bytes: number; lines: number; tail: string } | undefined> {
  if (!source.regular || source.path === null || opts.resume == null) return undefined;
  return opts.resume.files.get(await realpath(source.path).catch(() => source.path!));
}
