/**
 * The integrity verifier as a pure state machine: fed with the bytes of each log file in
 * order, it runs the line check and the chain check and collects findings and counts. It
 * does no I/O; `run.ts` reads files and feeds it, and so can a test, a worker or a shard.
 */
import { checkLine, type CheckOptions } from '../envelope/check.js';
import type { EventRecord, LineRef, PlacedEvent } from '../envelope/types.js';
import { ChainVerifier, type BranchHook, type ChainPosition, type ChainSummary } from '../chain/chain.js';
import { checkVerifyOptions, checkWholeNumber, DEFAULT_VERIFY_OPTIONS, type VerifyOptions } from './options.js';
export { DEFAULT_VERIFY_OPTIONS, type VerifyOptions } from './options.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import { FindingTally, type FindingCounts } from '../findings/counts.js';
import { severityRank } from '../findings/codes.js';
export type { FindingCounts } from '../findings/counts.js';
import { LineSplitter, type LineSink } from '../ingest/lines.js';
import { isDigestForm, sha256Digest } from '../canonical/digest.js';
import { OperatorError } from '../errors.js';
import { emptyLineHole, tooLongHole, tornHole } from './holes.js';
export { emptyLineHole, tooLongHole, tornHole } from './holes.js';

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
  /** Per file (by its name in the report): where this run left it (what a checkpoint records). */
  readonly ends: ReadonlyMap<string, FileEnd>;
}

/**
 * The end of what was verified of a file, by the bytes read (src/verify/checkpoint.ts): not the
 * file as it is later, when a writer may have appended bytes that nobody verified.
 */
export interface FileEnd {
  /** The byte offset the run read to: where it resumed (0, or a checkpoint's), plus the bytes it read. */
  readonly bytes: number;
  /** The lines before that offset. */
  readonly lines: number;
  /**
   * The digest of the line that ends there, with its LF (of nothing at offset 0); the
   * resumed checkpoint's when the run read nothing; null when that line is torn or too long.
   */
  readonly tail: string | null;
}

/** What a file's units add up to (a run with --jobs, a shard). */
export interface FileTotals {
  readonly lines: number;
  readonly bytes: number;
  readonly content: number;
  /** FileEnd.tail as the units saw it (absent: a merge, which records no checkpoint). */
  readonly tail?: string | null;
  /** Empty lines after the last line with content, and their bytes (FileStats). */
  readonly emptyLines?: number;
  readonly emptyBytes?: number;
}

/** Where a file resumes: a checkpoint's byte offset, and the digest of the line that ends there. */
export interface FileStart {
  readonly bytes: number;
  readonly tail: string;
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
  /** The byte offset read from (FileStart), and FileEnd.tail. */
  start: number;
  tail: string | null;
  /**
   * Empty lines read after the line `tail` is of, and their bytes: a file's end as a checkpoint
   * records it is before them (an append puts them in the middle, where they are LINE_EMPTY).
   */
  emptyLines: number;
  emptyBytes: number;
}

interface Kept {
  /** Its position (file index, then line); null: its file had not begun when it was found. */
  readonly order: number | null;
  /** The files begun when it was found: where one of a file never begun is listed. */
  readonly begun: number;
  readonly index: number;
  readonly finding: Finding;
}

export class IntegrityVerifier {
  private readonly chain: ChainVerifier;
  private readonly check: CheckOptions;
  private readonly files: FileStats[] = [];
  private readonly fileIndex = new Map<string, number>();
  private ordinal = 0;
  /**
   * The findings kept for the report, by severity (note, warning, error), each in the order
   * found. Past --max-findings a finding displaces the latest-found one of the lowest severity
   * below its own, so the report lists the most severe first found: the first N by (severity,
   * order found), the same with any --jobs and with shards, whose merge finds them in one order.
   */
  private readonly kept: [Kept[], Kept[], Kept[]] = [[], [], []];
  private keptCount = 0;
  private readonly tally = new FindingTally();
  private tsMin: string | null = null;
  private tsMax: string | null = null;
  private events = 0;

  constructor(
    private readonly opts: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
    onEvent: EventHook | null = null,
    /** onEvent reads requests only member by member (CheckOptions.lazyRequest). */
    requestsByName = false,
    /** Sees each event set aside as a fork branch (not a copy) or arrived late, as onEvent sees the chain's. */
    onBranch: BranchHook | null = null,
  ) {
    checkVerifyOptions(opts);
    this.check = { maxDepth: opts.maxDepth, keepEvent: onEvent !== null, lazyRequest: requestsByName && onEvent !== null };
    this.chain = new ChainVerifier((f) => this.report(f), opts.chain, opts.starts, onEvent, opts.onForkBranch ?? null, onBranch);
  }

  /** Records a finding (from any stage). */
  report(f: Finding): void {
    this.tally.add(f);
    if (this.opts.keepFinding !== undefined && !this.opts.keepFinding(f)) return;
    const bucket = severityRank(f.severity) - 1;
    if (this.opts.maxFindings > 0 && this.keptCount >= this.opts.maxFindings) {
      this.tally.omitted++;
      let lower = 0;
      while (lower < bucket && this.kept[lower]!.length === 0) lower++;
      if (lower === bucket) return;
      this.kept[lower]!.pop();
      this.keptCount--;
    }
    // A finding about a file not begun yet (a checkpoint's CHECKPOINT_MISMATCH, a committed log's
    // LEDGER_REWRITTEN, found before the logs are read) takes its place when the file begins.
    const at = f.location === null ? undefined : this.fileIndex.get(f.location.file);
    const order = f.location === null ? Number.MAX_SAFE_INTEGER : at === undefined ? null : at * 2 ** 32 + f.location.line;
    this.kept[bucket]!.push({ order, begun: this.files.length, index: this.tally.total, finding: f });
    this.keptCount++;
  }

  /** Starts a file (or resumes one at `firstLine`); returns the splitter to push its bytes into. */
  beginFile(file: string, firstLine = 1, from: FileStart | null = null): LineSplitter {
    const index = this.files.length;
    const stats = fileStats(file, firstLine, from);
    this.files.push(stats);
    this.fileIndex.set(file, index);
    const sink: LineSink = {
      line: (bytes, lineNo) => {
        stats.content++;
        this.record(checkLine(bytes, this.ref(file, lineNo), this.check), stats);
      },
      emptyLine: (lineNo) => {
        this.record(emptyLineHole(this.ref(file, lineNo)), stats);
      },
      tooLong: (lineNo, length) => {
        stats.content++;
        this.record(tooLongHole(this.ref(file, lineNo), length, this.opts.maxLineBytes), stats);
      },
      torn: (lineNo, bytes) => {
        stats.content++;
        this.record(tornHole(this.ref(file, lineNo), bytes.length), stats);
      },
    };
    return new LineSplitter(sink, this.opts.maxLineBytes, firstLine);
  }

  /**
   * Starts a file whose line records were made elsewhere (a shard): returns the function to
   * add them with, in order. Records' refs must carry this file and an ordinal from `nextRef`.
   */
  beginRecords(file: string, firstLine = 1, from: FileStart | null = null): (rec: EventRecord) => void {
    const stats = fileStats(file, firstLine, from);
    this.fileIndex.set(file, this.files.length);
    this.files.push(stats);
    return (rec) => this.record(rec, stats);
  }

  /** Ends a file whose records came from elsewhere, with its totals. */
  endRecords(file: string, totals: FileTotals, problem: { code: 'LOG_UNREADABLE' | 'LOG_CHANGED'; message: string } | null = null): void {
    const stats = this.files[this.fileIndex.get(file)!]!;
    stats.lines = totals.lines;
    stats.bytes = totals.bytes;
    stats.content = totals.content;
    stats.emptyLines = totals.emptyLines ?? 0;
    stats.emptyBytes = totals.emptyBytes ?? 0;
    if (totals.bytes > stats.emptyBytes) stats.tail = totals.tail ?? null;
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
    for (const f of findings) this.report(f);
  }

  /**
   * Ends a file; `problem` is what went wrong reading it, if anything. A file that held no
   * line at all is reported as empty, unless it could not be read in the first place.
   */
  endFile(file: string, splitter: LineSplitter, problem: { code: 'LOG_UNREADABLE' | 'LOG_CHANGED'; message: string } | null = null): void {
    splitter.end();
    const stats = this.files[this.fileIndex.get(file)!]!;
    stats.lines = splitter.lines - (stats.firstLine - 1);
    // Every byte read, a last empty line's LF too (no sink call stands for that line).
    stats.bytes = splitter.bytes;
    const last = splitter.lastLine;
    const empty = splitter.emptyAfter;
    stats.emptyLines = empty.lines;
    stats.emptyBytes = empty.bytes;
    // Only empty lines read: the line before them (the resumed one, or none) is still the last.
    if (stats.bytes > empty.bytes) stats.tail = last === null ? null : sha256Digest(last);
    this.fileFindings(file, stats, problem);
  }

  /** A file that could not be read, or that changed under the reader. */
  fileProblem(file: string, code: 'LOG_UNREADABLE' | 'LOG_CHANGED', message: string): void {
    if (!this.fileIndex.has(file)) {
      this.fileIndex.set(file, this.files.length);
      this.files.push({ ...fileStats(file, 1, null), tail: null });
    }
    this.report(makeFinding(code, { location: { file, line: 1 }, message }));
  }

  /**
   * Ends the input. `after` runs once the chains are complete (every gap resolved), with
   * their summaries, and may still report findings (replay's anchor checks do).
   */
  finish(after?: (chains: readonly ChainSummary[]) => void): IntegrityResult {
    this.chain.finish();
    this.opts.onSettled?.();
    after?.(this.chain.summaries());
    const kept = this.kept.flat().map((k) => ({ ...k, order: k.order ?? this.positionOf(k) })).sort((a, b) => a.order - b.order || a.index - b.index);
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
      ends: new Map(this.files.map((f) => [f.file, { bytes: f.start + f.bytes - f.emptyBytes, lines: f.firstLine - 1 + f.lines - f.emptyLines, tail: f.tail }])),
    };
  }

  /** The position of a finding found before its file began: that file's, or after the files begun then. */
  private positionOf(k: Kept): number {
    const loc = k.finding.location!;
    return (this.fileIndex.get(loc.file) ?? k.begun) * 2 ** 32 + loc.line;
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
    this.opts.onSettled?.(rec.kind === 'hole' ? rec.ref : undefined);
  }
}

function fileStats(file: string, firstLine: number, from: FileStart | null): FileStats {
  checkFileStart(file, firstLine, from);
  return { file, bytes: 0, lines: 0, events: 0, content: 0, firstLine, start: from?.bytes ?? 0, tail: from?.tail ?? sha256Digest(''), emptyLines: 0, emptyBytes: 0 };
}

/**
 * Throws OperatorError unless a file begins where one can (beginFile, beginRecords; once per
 * file). Unchecked, a library caller's firstLine of 0 left an empty file without its LOG_EMPTY
 * and put findings at line 0 (NaN: at no line), and a `from` of bytes NaN or a tail that is no
 * digest was the file's end in `ends`, what a checkpoint is written from (found by review).
 */
function checkFileStart(file: unknown, firstLine: unknown, from: unknown): void {
  if (typeof file !== 'string') throw new OperatorError(`a file is named by a string, not ${file === null ? 'null' : typeof file}`);
  checkWholeNumber('firstLine', firstLine, 1, Number.MAX_SAFE_INTEGER);
  if (from === null) return;
  if (typeof from !== 'object') throw new OperatorError(`from must be where the file resumes (bytes, tail) or null, not ${typeof from}`);
  const { bytes, tail } = from as Partial<Record<keyof FileStart, unknown>>;
  checkWholeNumber('from.bytes', bytes, 0, Number.MAX_SAFE_INTEGER);
  if (typeof tail !== 'string' || !isDigestForm(tail)) throw new OperatorError('from.tail must be the digest of the line that ends at from.bytes, such as sha256: and 64 lowercase hex digits');
}
