/**
 * The per-line work of one unit (`--jobs N`): read the unit's bytes, split them into lines,
 * and check each (UTF-8, canonical form, hash, fingerprint, schema), with --repo also the
 * replay evaluation, into columnar results (worker-protocol.ts). Run by the worker threads,
 * and by the main thread for its own share, so every unit is checked by the same code.
 */
import { checkLine, type CheckOptions } from '../envelope/check.js';
import type { EventRecord, LineRef } from '../envelope/types.js';
import { plainEvent } from '../envelope/lazy-request.js';
import { matchesFilter } from '../envelope/filter.js';
import type { BundleVersion, PolicyIndex } from '../git/history.js';
import { LineSplitter } from '../ingest/lines.js';
import { sha256Digest } from '../canonical/digest.js';
import { readRangeSync } from '../ingest/range.js';
import type { Ledger } from '../policy/ledger.js';
import type { ReplayOutcome } from '../replay/replay.js';
import { makeNoter, type EventNote, type Noter } from './notes.js';
import { emptyLineHole, tooLongHole, tornHole } from './holes.js';
import { KIND_EVENT, KIND_EVENT_EXTRA, KIND_HOLE, LINKED, NO_TS, resultLayout, type ExtraEvent, type ExtraHole, type UnitRequest, type UnitResult, type WorkerInit } from './worker-protocol.js';

export interface UnitContext {
  readonly init: WorkerInit;
  /** With replay: the evaluation of one event, at its policy version. */
  readonly replay: ((rec: Extract<EventRecord, { kind: 'event' }>) => ReplayOutcome) | null;
  /** With `sel gate` or `sel impact`: what the command notes of one event (notes.ts). */
  readonly note: Noter | null;
  readonly check: CheckOptions;
  /** The read buffer, reused unit after unit. */
  readonly buf: Buffer;
  /** The result columns, reused unit after unit. */
  readonly cols: Columns;
  /** Result buffers sent back by the main thread, to write results into (at most SPARES). */
  readonly spares: ArrayBuffer[];
}

/**
 * The most lines one unit checks: a unit of short lines stops at the first line start past
 * this many, and the rest of its bytes is checked as another unit (units.ts). Events are
 * 600 bytes and more (two digests alone are 142), ~2 800 to a 2 MiB unit, so no log of events
 * stops short; 2 MiB of bad two-byte lines would make a million records, each with a finding,
 * held until the unit is applied (--jobs 2 on a 20 MB log of them peaked at 3.3 GB).
 */
export const MAX_UNIT_LINES = 8192;

/** Result buffers a thread keeps for reuse; more than the units it holds at once is waste. */
export const SPARES = 8;

/**
 * Builds what checking units needs from the set-up data (each thread does this once). The
 * policy and replay modules are loaded only for a replay (or impact): integrity-only workers
 * start ~15 ms sooner without them.
 */
export async function unitContext(init: WorkerInit): Promise<UnitContext> {
  const replay = init.replay === null ? null : await replayFor(init.replay);
  const note = init.note === null ? null : await makeNoter(init.note);
  // Requests parsed as they are read when only this thread reads them (replay's and impact's
  // evaluation; an event sent back to the main thread is cloned, which needs a plain object).
  // Notes are made from the event too, and the events a filter keeps are sent whole (their
  // requests made plain first), the others not at all.
  const keepEvent = init.keepEvents || replay !== null || note !== null || init.sendWhole !== null;
  const check: CheckOptions = { maxDepth: init.maxDepth, keepEvent, lazyRequest: keepEvent && !init.keepEvents };
  return { init, replay, note, check, buf: Buffer.allocUnsafe(1 << 20), cols: new Columns(), spares: [] };
}

/** Replay in this thread, from the governance state as data. */
async function replayFor(data: NonNullable<WorkerInit['replay']>): Promise<NonNullable<UnitContext['replay']>> {
  const [{ replayEvent }, { ledgerFromFiles }, { CompiledCache, compiledOnDemand, COMPILED_KEPT }] = await Promise.all([
    import('../replay/replay.js'),
    import('./bundle-files.js'),
    import('../policy/on-demand.js'),
  ]);
  // Each bundle is loaded (validated, compiled) when an event first names it: a history of
  // a thousand policy versions took each worker ~0.3 s to load whole before its first unit.
  // Compiled policies are kept as the main thread keeps them (on-demand.ts): the last 256.
  const files = new Map(data.bundles.map((b) => [b.hash, b]));
  const invalid = new Map(data.invalid.map((b) => [b.hash, b]));
  const compiled = new CompiledCache(COMPILED_KEPT);
  const byHash = new VersionsOnDemand((hash) => {
    const b = files.get(hash);
    if (b !== undefined) {
      const texts = new Map(JSON.parse(Buffer.from(data.texts, b.at, b.length).toString('utf8')) as [string, string][]);
      const loaded = compiledOnDemand(hash, texts, b.inherited, compiled);
      if (loaded.ok) void loaded.policy; // compiled now: files that do not load as the version fail here, as they did
      return { hash, loaded, commits: b.commits, inherited: b.inherited };
    }
    const bad = invalid.get(hash);
    return bad === undefined ? undefined : { hash, loaded: { ok: false, hash, problems: bad.problems as never, texts: new Map() }, commits: bad.commits, inherited: [] };
  });
  const input: { index: PolicyIndex; ledger: Ledger } = { index: { byHash, unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger: { ...ledgerFromFiles(data.ledger), problems: data.ledgerProblems } };
  return (rec) => replayEvent(rec, input);
}

/**
 * The policy versions by hash, each made on its first look-up. Replay reads the index only
 * with get() (replayEvent); size and iteration see the versions made so far.
 */
class VersionsOnDemand extends Map<string, BundleVersion> {
  constructor(private readonly make: (hash: string) => BundleVersion | undefined) {
    super();
  }

  override get(hash: string): BundleVersion | undefined {
    let v = super.get(hash);
    if (v === undefined) {
      v = this.make(hash);
      if (v !== undefined) super.set(hash, v);
    }
    return v;
  }

  override has(hash: string): boolean {
    return this.get(hash) !== undefined;
  }
}

/** A typed array twice as long, with `a`'s elements first. */
function grow<T extends Uint8Array | Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** Growable columns of one unit's records (worker-protocol.ts, UnitResult). */
class Columns {
  n = 0;
  kinds = new Uint8Array(1024);
  lineNos = new Int32Array(1024);
  seqs = new Float64Array(1024);
  chainIdx = new Int32Array(1024);
  replay = new Uint8Array(1024);
  lens = new Int32Array(3 * 1024);
  text = Buffer.allocUnsafe(128 * 1024);
  used = 0;
  /**
   * The unit's chain names and extras. These arrays, and lastHash, live as long as the columns
   * and are emptied by length: a new `[]` for each unit starts out holding small integers, and
   * the first string or object pushed into it changed its kind under the optimised code, which
   * was thrown away (and compiled again) at the start of a thread's early units. The result
   * takes copies (pack).
   */
  readonly chainNames: string[] = [];
  readonly extra: (ExtraEvent | ExtraHole)[] = [];
  private readonly chainAt = new Map<string, number>();
  /** Per chain index: the hash of the unit's last event of that chain (null: none yet). */
  private readonly lastHash: (string | null)[] = [];

  /**
   * Empties the columns for the next unit. Their buffers are kept: a unit's result is a copy
   * of the part used, so each unit allocates what it sends and no more (buffers grown afresh
   * for every unit were ~1.4 MB of external memory a unit, and --jobs 2 peaked at 196 MB on a
   * 1 GB log against 168 MB on 300 MB).
   */
  reset(): void {
    this.n = 0;
    this.used = 0;
    this.chainNames.length = 0;
    this.extra.length = 0;
    this.chainAt.clear();
    this.lastHash.length = 0;
  }

  private slot(lineNo: number, kind: number): number {
    const i = this.n++;
    if (i === this.kinds.length) {
      this.kinds = grow(this.kinds);
      this.lineNos = grow(this.lineNos);
      this.seqs = grow(this.seqs);
      this.chainIdx = grow(this.chainIdx);
      this.replay = grow(this.replay);
      this.lens = grow(this.lens);
    }
    this.kinds[i] = kind;
    this.lineNos[i] = lineNo;
    return i;
  }

  /** Appends `s` as UTF-8; returns its byte length. */
  private write(s: string): number {
    // A UTF-8 string takes at most 3 bytes per UTF-16 code unit.
    if (this.used + 3 * s.length > this.text.length) {
      const t = Buffer.allocUnsafe(Math.max(this.text.length * 2, this.used + 3 * s.length));
      this.text.copy(t, 0, 0, this.used);
      this.text = t;
    }
    const n = this.text.write(s, this.used, 'utf8');
    this.used += n;
    return n;
  }

  hole(rec: { chain: string | null; hashes: readonly string[]; capacity: number; findings: EventRecord['findings'] }, lineNo: number): void {
    const i = this.slot(lineNo, KIND_HOLE);
    // Every column is written for every record: a shard writes them as they are, and its
    // result must not depend on what an earlier unit left in the buffers.
    this.chainIdx[i] = -1;
    this.seqs[i] = 0;
    this.lens[3 * i] = this.lens[3 * i + 1] = this.lens[3 * i + 2] = 0;
    this.replay[i] = 0;
    this.extra.push({ chain: rec.chain, hashes: rec.hashes, capacity: rec.capacity, findings: rec.findings });
  }

  event(rec: Extract<EventRecord, { kind: 'event' }>, lineNo: number, outcome: ReplayOutcome | undefined, keepEvent: boolean, note: EventNote | null): void {
    const keep = keepEvent ? plainEvent(rec.event) : null;
    // An outcome crosses as a code (replay column) unless it is a finding or a match that relied
    // on a review or exception (its windows, judged at the chain's time on the main thread).
    const whole = outcome !== undefined && (outcome.type === 'finding' || (outcome.type === 'matched' && outcome.relied !== undefined));
    const odd = rec.findings.length > 0 || keep !== null || whole || note !== null;
    let c = this.chainAt.get(rec.chain);
    if (c === undefined) {
      c = this.chainNames.length;
      this.chainAt.set(rec.chain, c);
      this.chainNames.push(rec.chain);
      this.lastHash.push(null);
    }
    // Most events link to the one before them in their chain: that prev_hash need not cross.
    const linked = rec.prevHash === this.lastHash[c];
    const i = this.slot(lineNo, (odd ? KIND_EVENT_EXTRA : KIND_EVENT) | (linked ? LINKED : 0) | (rec.ts === null ? NO_TS : 0));
    this.lastHash[c] = rec.hash;
    this.chainIdx[i] = c;
    this.seqs[i] = rec.seq;
    // One write for the event's strings (a write costs ~50 ns before its first byte); when one
    // of them is not ASCII, their byte lengths are not their lengths: written one by one.
    const prev = linked ? '' : rec.prevHash;
    const ts = rec.ts ?? '';
    const at = this.used;
    if (this.write(rec.hash + prev + ts) === rec.hash.length + prev.length + ts.length) {
      this.lens[3 * i] = rec.hash.length;
      this.lens[3 * i + 1] = prev.length;
      this.lens[3 * i + 2] = ts.length;
    } else {
      this.used = at;
      this.lens[3 * i] = this.write(rec.hash);
      this.lens[3 * i + 1] = this.write(prev);
      this.lens[3 * i + 2] = this.write(ts);
    }
    this.replay[i] = outcome === undefined || whole ? 0 : outcome.type === 'matched' ? 1 : 2;
    if (odd) this.extra.push({ findings: rec.findings, event: keep, ...(whole ? { replay: outcome } : {}), ...(note === null ? {} : { note }) });
  }
}

/**
 * Checks the unit [start, end) of `fd`. Line numbers (and findings' lines) count from 1 within
 * the unit; refs carry ordinal 0, which nothing before the chain check reads.
 */
export function processUnit(req: UnitRequest, ctx: UnitContext): UnitResult {
  const { init, replay, note, check } = ctx;
  const cols = ctx.cols;
  cols.reset();
  let content = 0;
  // The name is read here, once: the closure reads no member of `req`, whose shape differs
  // between a request made on this thread and one cloned into a worker.
  const file = req.file;
  const ref = (line: number): LineRef => ({ file, line, ordinal: 0 });
  const splitter = new LineSplitter({
    line: (bytes, lineNo) => {
      content++;
      const rec = checkLine(bytes, ref(lineNo), check);
      if (rec.kind === 'hole') {
        cols.hole(rec, lineNo);
        return;
      }
      const keep = init.keepEvents || (init.sendWhole !== null && matchesFilter(init.sendWhole, rec, rec.event));
      cols.event(rec, lineNo, replay === null ? undefined : replay(rec), keep, note === null ? null : note(rec.event));
    },
    emptyLine: (lineNo) => cols.hole(emptyLineHole(ref(lineNo)), lineNo),
    tooLong: (lineNo, length) => {
      content++;
      cols.hole(tooLongHole(ref(lineNo), length, init.maxLineBytes), lineNo);
    },
    torn: (lineNo, bytes) => {
      content++;
      cols.hole(tornHole(ref(lineNo), bytes.length), lineNo);
    },
  }, init.maxLineBytes);
  splitter.stopAfter(MAX_UNIT_LINES);
  const problem = readRangeSync(req.fd, req.start, req.end, req.size, ctx.buf, (chunk) => {
    splitter.push(chunk);
    return !splitter.stoppedShort;
  });
  // A unit that ends before the file does ends on a line start: its last line is complete,
  // and an empty last line is not the file's last. So does one that stopped short (the main
  // thread checks the rest as a unit of its own). A read that failed ends the file where it
  // stopped, as on one thread (verifier.endFile): a line cut there is torn, a long one is
  // reported with the length read.
  splitter.end(problem !== null || (!splitter.stoppedShort && req.end >= req.size));
  const last = splitter.lastLine;
  const tail = last === null ? null : sha256Digest(last);
  const empty = splitter.emptyAfter;
  return { id: req.id, lines: splitter.lines, content, bytes: splitter.bytes, problem, tail, emptyLines: empty.lines, emptyBytes: empty.bytes, ...pack(cols, ctx.spares) };
}

/**
 * The used part of the columns, copied into one buffer: a spare one that is large enough, or
 * a new one rounded up to 1 MiB (the size of most units' results) so that it can be reused.
 */
function pack(cols: Columns, spares: ArrayBuffer[]): Omit<UnitResult, 'id' | 'lines' | 'content' | 'bytes' | 'problem' | 'tail' | 'emptyLines' | 'emptyBytes'> {
  const n = cols.n;
  const at = resultLayout(n, cols.used);
  let k = spares.findIndex((b) => b.byteLength >= at.total);
  const mem = k >= 0 ? spares.splice(k, 1)[0]! : new ArrayBuffer(Math.ceil(at.total / (1 << 20)) * (1 << 20));
  const seqs = new Float64Array(mem, at.seqs, n);
  seqs.set(cols.seqs.subarray(0, n));
  const lineNos = new Int32Array(mem, at.lineNos, n);
  lineNos.set(cols.lineNos.subarray(0, n));
  const chainIdx = new Int32Array(mem, at.chainIdx, n);
  chainIdx.set(cols.chainIdx.subarray(0, n));
  const lens = new Int32Array(mem, at.lens, 3 * n);
  lens.set(cols.lens.subarray(0, 3 * n));
  const kinds = new Uint8Array(mem, at.kinds, n);
  kinds.set(cols.kinds.subarray(0, n));
  const replay = new Uint8Array(mem, at.replay, n);
  replay.set(cols.replay.subarray(0, n));
  const text = new Uint8Array(mem, at.text, cols.used);
  text.set(cols.text.subarray(0, cols.used));
  return { kinds, lineNos, seqs, chainIdx, chainNames: cols.chainNames.slice(), text, lens, replay, extra: cols.extra.slice(), mem };
}
