/**
 * The integrity verifier as a pure state machine: fed with the bytes of each log file in
 * order, it runs the line check and the chain check and collects findings and counts. It
 * does no I/O; `run.ts` reads files and feeds it, and so can a test, a worker or a shard.
 */
import { checkLine, type CheckOptions } from '../envelope/check.js';
import type { EventRecord, Hole, LineRef, PlacedEvent } from '../envelope/types.js';
import { ChainVerifier, DEFAULT_CHAIN_OPTIONS, type ChainOptions, type ChainPosition, type ChainSummary } from '../chain/chain.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import { FindingTally, type FindingCounts } from '../findings/counts.js';
export type { FindingCounts } from '../findings/counts.js';
import { LineSplitter, type LineSink } from '../ingest/lines.js';
import { DEFAULT_MAX_DEPTH } from '../canonical/scan.js';
import type { LinePool } from './pool.js';
import type { BatchRequest, BatchResult, ExtraEvent, ExtraHole } from './worker-protocol.js';
import type { ReplayOutcome } from '../replay/replay.js';

export interface VerifyOptions {
  /** Longest line read; longer lines are LINE_TOO_LONG (SPEC.md §2: default 1 MiB). */
  readonly maxLineBytes: number;
  /** Deepest nesting accepted in an event. */
  readonly maxDepth: number;
  readonly chain: ChainOptions;
  /** How many findings are kept for the report; the rest are counted. 0: no limit. */
  readonly maxFindings: number;
  /** Chains start here instead of at seq 0 (a checkpoint). */
  readonly starts: readonly ChainPosition[];
}

export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = {
  maxLineBytes: 1024 * 1024,
  maxDepth: DEFAULT_MAX_DEPTH,
  chain: DEFAULT_CHAIN_OPTIONS,
  maxFindings: 100_000,
  starts: [],
};

export interface FileSummary {
  readonly file: string;
  /** Bytes read in this run. */
  readonly bytes: number;
  /** Lines read in this run. */
  readonly lines: number;
  readonly events: number;
  /** The first line read (past 1 when a checkpoint resumed the file). */
  readonly firstLine: number;
}

export interface IntegritySummary {
  readonly files: readonly FileSummary[];
  readonly lines: number;
  readonly events: number;
  readonly bytes: number;
  readonly chains: readonly ChainSummary[];
  readonly timeRange: { readonly from: string; readonly to: string } | null;
  readonly findings: FindingCounts;
}

export interface IntegrityResult {
  readonly summary: IntegritySummary;
  /** Findings in report order: by position in the input, then in the order found. */
  readonly findings: readonly Finding[];
  readonly positions: readonly ChainPosition[];
}

/** Per-event hook for stages downstream of integrity (replay): every placed event, in seq order. */
export type EventHook = (rec: PlacedEvent) => void;

interface FileStats {
  file: string;
  bytes: number;
  lines: number;
  events: number;
  /** Lines with content (events or not). */
  content: number;
  firstLine: number;
}

/** The record for an empty line that is not the last of its file (SPEC.md §2). */
export function emptyLineHole(ref: LineRef): Hole {
  const f = makeFinding('LINE_EMPTY', { location: { file: ref.file, line: ref.line }, message: 'empty line; only the very last line of a file may be empty' });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}

export function tooLongHole(ref: LineRef, length: number, max: number): Hole {
  const f = makeFinding('LINE_TOO_LONG', {
    location: { file: ref.file, line: ref.line },
    message: `line of ${length} bytes exceeds the limit of ${max} bytes (--max-line-bytes); it was skipped unread`,
    expected: `<= ${max}`,
    actual: length,
  });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}

export function tornHole(ref: LineRef, length: number): Hole {
  const f = makeFinding('LINE_TORN', {
    location: { file: ref.file, line: ref.line },
    message: `the last line (${length} bytes) has no line feed: a torn write; it is not evaluated`,
    detail: { bytes: length },
  });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}

interface RecordStep {
  readonly kind: 'record';
  rec: EventRecord | null;
  readonly stats: FileStats;
}

type Step = RecordStep | { readonly kind: 'findings'; readonly findings: readonly Finding[] };

/**
 * Batch buffers, recycled: a worker sends each batch's buffer back with its results. A fresh
 * 1 MiB ArrayBuffer per batch (two, with the copy that was sent) is external memory, and V8
 * answers that much of it with full collections: with --jobs 2 the main thread spent ~0.5 s
 * of a 300 MB run in the garbage collector (profile), against ~0.1 s on one thread.
 */
const BATCH_BYTES = 1 << 20;
const spareBuffers: ArrayBuffer[] = [];

function takeBuffer(): ArrayBuffer {
  return spareBuffers.pop() ?? new ArrayBuffer(BATCH_BYTES);
}

/** Returns a batch buffer for reuse (a grown one is left to the collector). */
function recycleBuffer(ab: ArrayBuffer | undefined): void {
  if (ab !== undefined && ab.byteLength === BATCH_BYTES && spareBuffers.length < 16) spareBuffers.push(ab);
}

/** Lines copied into one buffer, to be checked together by a worker. */
class BatchBuilder {
  static readonly MAX_LINES = 1024;
  static readonly MAX_BYTES = BATCH_BYTES;
  private buf = Buffer.from(takeBuffer());
  private used = 0;
  private offsets: number[] = [];
  private fileIdx: number[] = [];
  private lines: number[] = [];
  private ordinals: number[] = [];
  private readonly files: string[] = [];
  readonly slots: RecordStep[] = [];
  readonly refs: LineRef[] = [];

  get count(): number {
    return this.slots.length;
  }

  get full(): boolean {
    return this.slots.length >= BatchBuilder.MAX_LINES || this.used >= BatchBuilder.MAX_BYTES;
  }

  add(bytes: Buffer, ref: LineRef, slot: RecordStep): void {
    if (this.used + bytes.length > this.buf.length) {
      const grown = Buffer.from(new ArrayBuffer(Math.max(this.buf.length * 2, this.used + bytes.length)));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    bytes.copy(this.buf, this.used);
    this.offsets.push(this.used, this.used + bytes.length);
    this.used += bytes.length;
    let fi = this.files.length - 1;
    if (fi < 0 || this.files[fi] !== ref.file) {
      this.files.push(ref.file);
      fi = this.files.length - 1;
    }
    this.fileIdx.push(fi);
    this.lines.push(ref.line);
    this.ordinals.push(ref.ordinal);
    this.slots.push(slot);
    this.refs.push(ref);
  }

  /** Done with the batch here (checked on this thread): its buffer can be reused. */
  release(): void {
    recycleBuffer(this.buf.buffer as ArrayBuffer);
  }

  /** Line `i` of the batch, as added. */
  line(i: number): Buffer {
    return this.buf.subarray(this.offsets[2 * i]!, this.offsets[2 * i + 1]!);
  }

  /** The batch for a worker: its buffer goes along (transferred, not copied), and comes back. */
  request(id: number): BatchRequest {
    return {
      id,
      buf: this.buf.buffer as ArrayBuffer,
      offsets: Int32Array.from(this.offsets),
      files: this.files,
      fileIdx: Int32Array.from(this.fileIdx),
      lines: Float64Array.from(this.lines),
      ordinals: Float64Array.from(this.ordinals),
    };
  }
}

const NONE: readonly Finding[] = Object.freeze([]);
const MATCHED: ReplayOutcome = { type: 'matched' };
const SKIPPED: ReplayOutcome = { type: 'skipped' };

/** One line's record from a worker's columns (see BatchResult). */
function decodeRecord(r: BatchResult, i: number, ref: LineRef): EventRecord {
  const kind = r.kinds[i]!;
  if (kind === 2) {
    const h = r.extra[i] as ExtraHole;
    return { kind: 'hole', ref, chain: h.chain, hashes: h.hashes, capacity: h.capacity, findings: h.findings };
  }
  const x = kind === 1 ? (r.extra[i] as ExtraEvent) : null;
  const code = r.replay[i]!;
  const replay = code === 1 ? MATCHED : code === 2 ? SKIPPED : x?.replay;
  return {
    kind: 'event',
    ref,
    chain: r.chains[i]!,
    seq: r.seqs[i]!,
    prevHash: r.prevHashes[i]!,
    hash: r.hashes[i]!,
    ts: r.ts[i]!,
    findings: x?.findings ?? NONE,
    event: x?.event ?? null,
    ...(replay === undefined ? {} : { replay }),
  };
}

interface Kept {
  readonly order: number;
  readonly index: number;
  readonly finding: Finding;
}

export class IntegrityVerifier {
  private readonly chain: ChainVerifier;
  private readonly check: CheckOptions;
  private readonly files: FileStats[] = [];
  private readonly fileIndex = new Map<string, number>();
  private ordinal = 0;
  private readonly kept: Kept[] = [];
  private readonly tally = new FindingTally();
  private tsMin: string | null = null;
  private tsMax: string | null = null;
  private events = 0;

  constructor(
    private readonly opts: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
    onEvent: EventHook | null = null,
    /** With a pool, lines are checked by worker threads in batches; the result is the same. */
    private readonly pool: LinePool | null = null,
    /** onEvent reads requests only member by member (CheckOptions.lazyRequest). */
    requestsByName = false,
  ) {
    this.check = { maxDepth: opts.maxDepth, keepEvent: onEvent !== null, lazyRequest: requestsByName && onEvent !== null };
    this.chain = new ChainVerifier((f) => this.report(f), opts.chain, opts.starts, onEvent);
  }

  // --- ordering: records (and findings between them) are applied strictly in input order,
  // whether a line was checked here or in a worker.
  private readonly queue: Step[] = [];
  private batch: BatchBuilder | null = null;
  private readonly inflight: Promise<void>[] = [];
  private batchId = 0;

  private enqueue(step: Step): void {
    this.queue.push(step);
    if (step.kind !== 'record' || step.rec !== null) this.drain();
  }

  /** A record checked here: applied at once when nothing is waiting before it (one thread). */
  private recordNow(rec: EventRecord, stats: FileStats): void {
    if (this.queue.length === 0) this.record(rec, stats);
    else this.enqueue({ kind: 'record', rec, stats });
  }

  private drain(): void {
    let i = 0;
    for (; i < this.queue.length; i++) {
      const step = this.queue[i]!;
      if (step.kind === 'record') {
        if (step.rec === null) break;
        this.record(step.rec, step.stats);
      } else {
        for (const f of step.findings) this.report(f);
      }
    }
    if (i > 0) this.queue.splice(0, i);
  }

  private dispatch(): void {
    const b = this.batch;
    if (b === null || b.count === 0) return;
    this.batch = null;
    const slots = b.slots;
    const refs = b.refs;
    if (this.pool!.saturated) {
      // The main thread's share: checked here, into records, as one thread would.
      for (let i = 0; i < slots.length; i++) slots[i]!.rec = checkLine(b.line(i), refs[i]!, this.check);
      b.release();
      this.drain();
      return;
    }
    const req = b.request(this.batchId++);
    const p = this.pool!.run(req).then((r) => {
      recycleBuffer(r.buf);
      for (let i = 0; i < slots.length; i++) slots[i]!.rec = decodeRecord(r, i, refs[i]!);
      this.drain();
    });
    this.inflight.push(p);
  }

  /**
   * Waits for batches in flight: call between reads to bound memory (at most `jobs * 2`
   * batches outstanding), and before `finish`.
   */
  async settle(all = false): Promise<void> {
    if (all) this.dispatch();
    const limit = all ? 0 : Math.max(2, (this.pool === null ? 0 : 4 * this.poolSize));
    while (this.inflight.length > limit) await this.inflight.shift();
  }

  private get poolSize(): number {
    return this.pool?.size ?? 0;
  }

  /** Records a finding (from any stage). */
  report(f: Finding): void {
    this.tally.add(f);
    if (this.opts.maxFindings > 0 && this.kept.length >= this.opts.maxFindings) {
      this.tally.omitted++;
      return;
    }
    const order = f.location === null
      ? Number.MAX_SAFE_INTEGER
      : (this.fileIndex.get(f.location.file) ?? this.files.length) * 2 ** 32 + f.location.line;
    this.kept.push({ order, index: this.tally.total, finding: f });
  }

  /** Starts a file (or resumes one at `firstLine`); returns the splitter to push its bytes into. */
  beginFile(file: string, firstLine = 1): LineSplitter {
    const index = this.files.length;
    const stats: FileStats = { file, bytes: 0, lines: 0, events: 0, content: 0, firstLine };
    this.files.push(stats);
    this.fileIndex.set(file, index);
    const sink: LineSink = {
      line: (bytes, lineNo) => {
        stats.bytes += bytes.length + 1;
        stats.content++;
        const ref = this.ref(file, lineNo);
        if (this.pool === null) {
          this.recordNow(checkLine(bytes, ref, this.check), stats);
          return;
        }
        const slot: RecordStep = { kind: 'record', rec: null, stats };
        this.queue.push(slot);
        this.batch ??= new BatchBuilder();
        this.batch.add(bytes, ref, slot);
        if (this.batch.full) this.dispatch();
      },
      emptyLine: (lineNo) => {
        stats.bytes += 1;
        this.enqueue({ kind: 'record', rec: emptyLineHole(this.ref(file, lineNo)), stats });
      },
      tooLong: (lineNo, length, terminated) => {
        stats.bytes += length + (terminated ? 1 : 0);
        stats.content++;
        this.enqueue({ kind: 'record', rec: tooLongHole(this.ref(file, lineNo), length, this.opts.maxLineBytes), stats });
      },
      torn: (lineNo, bytes) => {
        stats.bytes += bytes.length;
        stats.content++;
        this.enqueue({ kind: 'record', rec: tornHole(this.ref(file, lineNo), bytes.length), stats });
      },
    };
    return new LineSplitter(sink, this.opts.maxLineBytes, firstLine);
  }

  /**
   * Starts a file whose line records were made elsewhere (a shard): returns the function to
   * add them with, in order. Records' refs must carry this file and an ordinal from `nextRef`.
   */
  beginRecords(file: string, firstLine = 1): (rec: EventRecord) => void {
    const stats: FileStats = { file, bytes: 0, lines: 0, events: 0, content: 0, firstLine };
    this.fileIndex.set(file, this.files.length);
    this.files.push(stats);
    return (rec) => this.enqueue({ kind: 'record', rec, stats });
  }

  /** Ends a file whose records came from elsewhere, with its totals. */
  endRecords(file: string, totals: { lines: number; bytes: number; content: number }, problem: { code: 'LOG_UNREADABLE' | 'LOG_CHANGED'; message: string } | null = null): void {
    const stats = this.files[this.fileIndex.get(file)!]!;
    stats.lines = totals.lines;
    stats.bytes = totals.bytes;
    stats.content = totals.content;
    this.fileFindings(file, stats, problem);
  }

  /** A LineRef for a record made elsewhere, with the next ordinal. */
  nextRef(file: string, line: number): LineRef {
    return this.ref(file, line);
  }

  private fileFindings(file: string, stats: FileStats, problem: { code: 'LOG_UNREADABLE' | 'LOG_CHANGED'; message: string } | null): void {
    const findings: Finding[] = [];
    if (problem !== null) findings.push(makeFinding(problem.code, { location: { file, line: 1 }, message: problem.message }));
    if (stats.content === 0 && stats.firstLine === 1 && problem?.code !== 'LOG_UNREADABLE') {
      findings.push(makeFinding('LOG_EMPTY', { location: { file, line: 1 }, message: 'the file holds no events' }));
    }
    if (findings.length > 0) this.enqueue({ kind: 'findings', findings });
  }

  /**
   * Ends a file; `problem` is what went wrong reading it, if anything. A file that held no
   * line at all is reported as empty, unless it could not be read in the first place.
   */
  endFile(file: string, splitter: LineSplitter, problem: { code: 'LOG_UNREADABLE' | 'LOG_CHANGED'; message: string } | null = null): void {
    splitter.end();
    const stats = this.files[this.fileIndex.get(file)!]!;
    stats.lines = splitter.lines - (stats.firstLine - 1);
    this.fileFindings(file, stats, problem);
  }

  /** A file that could not be read, or that changed under the reader. */
  fileProblem(file: string, code: 'LOG_UNREADABLE' | 'LOG_CHANGED', message: string): void {
    if (!this.fileIndex.has(file)) {
      this.fileIndex.set(file, this.files.length);
      this.files.push({ file, bytes: 0, lines: 0, events: 0, content: 0, firstLine: 1 });
    }
    this.report(makeFinding(code, { location: { file, line: 1 }, message }));
  }

  /**
   * Ends the input. `after` runs once the chains are complete (every gap resolved), with
   * their summaries, and may still report findings (replay's anchor checks do).
   */
  finish(after?: (chains: readonly ChainSummary[]) => void): IntegrityResult {
    if (this.queue.length > 0 || this.inflight.length > 0) throw new Error('finish() before settle(true): lines are still being checked');
    this.chain.finish();
    after?.(this.chain.summaries());
    const kept = [...this.kept].sort((a, b) => a.order - b.order || a.index - b.index);
    return {
      summary: {
        files: this.files.map((f) => ({ file: f.file, bytes: f.bytes, lines: f.lines, events: f.events, firstLine: f.firstLine })),
        lines: this.files.reduce((n, f) => n + f.lines, 0),
        events: this.events,
        bytes: this.files.reduce((n, f) => n + f.bytes, 0),
        chains: this.chain.summaries(),
        timeRange: this.tsMin === null || this.tsMax === null ? null : { from: this.tsMin, to: this.tsMax },
        findings: this.tally.counts(),
      },
      findings: kept.map((k) => k.finding),
      positions: this.chain.positions(),
    };
  }

  /** Lines read so far, over all files. */
  get linesSeen(): number {
    return this.ordinal;
  }

  private ref(file: string, line: number): LineRef {
    return { file, line, ordinal: this.ordinal++ };
  }

  private record(rec: EventRecord, stats: { events: number }): void {
    for (const f of rec.findings) this.report(f);
    if (rec.kind === 'event') {
      stats.events++;
      this.events++;
      if (rec.ts !== null) {
        if (this.tsMin === null || rec.ts < this.tsMin) this.tsMin = rec.ts;
        if (this.tsMax === null || rec.ts > this.tsMax) this.tsMax = rec.ts;
      }
    }
    this.chain.push(rec);
  }
}
