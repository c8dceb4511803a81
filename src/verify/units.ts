/**
 * `--jobs N` over regular files: the logs are cut into units (byte ranges that start and end
 * on line boundaries), and each unit is read, split and checked by one thread (unit.ts): a
 * worker, or this thread when every worker already has units waiting. This thread cuts the
 * units, which costs a small read at each cut, and applies their records in input order:
 * line numbers made absolute, ordinals, the chain check. So the report is the one a single
 * thread gives, byte for byte, whichever thread checked which unit.
 *
 * A line belongs to the unit in which it starts, and a cut is placed at the first line start
 * at or after the nominal unit size, found by reading forward from there: every byte is
 * scanned for a cut at most once, even inside a line far longer than a unit.
 */
import { fstatSync, openSync, closeSync } from 'node:fs';
import type { LineRef } from '../envelope/types.js';
import { cannotOpen, endsAtSync, readFailed, shorterThanResumed, sizeChanged, type ReadProblem } from '../ingest/read.js';
import { nextLineStartSync } from '../ingest/range.js';
import type { LogSource } from '../ingest/sources.js';
import { addUnitRecords } from './apply.js';
import { takePool } from './pool.js';
import type { RunOptions } from './run.js';
import type { FileStart, FileTotals, IntegrityVerifier } from './verifier.js';
import { processUnit, SPARES, unitContext } from './unit.js';
import type { UnitRequest, UnitResult, WorkerInit } from './worker-protocol.js';

/**
 * The nominal size of a unit. Large enough that cutting and messaging are noise (a cut is one
 * 4 KiB read; a message ~50 us against ~10 ms of checking), small enough that the threads
 * finish together and a unit's results (~1.5 MB of strings) stay small.
 */
export const UNIT_BYTES = 2 * 1024 * 1024;
/**
 * The last this many units' worth of input is cut in quarter units: as many as 4 threads hold
 * at once (LinePool.QUEUED each), so all of them finish together.
 */
const TAIL_UNITS = 16;
/** Units cut and not yet applied, at most: what bounds memory when one thread runs behind. */
const MAX_OUTSTANDING = 24;

/**
 * A part of one log to check: bytes [start, end) of the file, both line starts. A whole file
 * is [0, its size when opened); a resumed one starts where its checkpoint ends; a shard's part
 * (src/shard/shard.ts) is cut in advance, for the file's size as the shard saw it.
 */
export interface UnitPart {
  readonly source: LogSource;
  readonly start: number;
  /** Null: to the file's size when it is opened, and a change of size after is LOG_CHANGED. */
  readonly cut: { readonly end: number; readonly size: number } | null;
  /** The number of the part's first line. */
  readonly firstLine: number;
  /** A resumed file: the digest of the line that ends at `start` (FileStart). */
  readonly resumedTail?: string;
}

/**
 * Where the units' results go, in input order: the integrity verifier, which makes them into
 * records for its chain check (verifierSink), or a shard's result file, which keeps them as
 * they are (src/shard/shard.ts). Each file is begun once, before its first unit and its end.
 */
export interface UnitSink {
  /**
   * A file's units follow; the function takes each with the lines of the file before it, in
   * order, before the result's memory is reused.
   */
  begin(file: string, firstLine: number, from: FileStart | null): (r: UnitResult, lineBase: number) => void;
  end(file: string, totals: FileTotals, problem: ReadProblem | null): void;
  readonly linesSeen: number;
}

/** The integrity verifier as a sink: each unit's records, as one thread makes them. */
export function verifierSink(verifier: IntegrityVerifier): UnitSink {
  const nextRef = (file: string, line: number): LineRef => verifier.nextRef(file, line);
  return {
    begin(file, firstLine, from) {
      const add = verifier.beginRecords(file, firstLine, from);
      return (r, lineBase) => addUnitRecords(r, file, lineBase, nextRef, add);
    },
    end: (file, totals, problem) => verifier.endRecords(file, totals, problem),
    get linesSeen() {
      return verifier.linesSeen;
    },
  };
}

interface FileState {
  readonly display: string;
  fd: number;
  size: number;
  /** The part's end: the file's size, or a shard's cut. */
  end: number;
  readonly fixedSize: boolean;
  readonly firstLine: number;
  /** Where a resumed part starts (FileStart). */
  readonly from: FileStart | null;
  /** Lines of the file before the next unit to apply (past the resumed ones). */
  lineBase: number;
  bytes: number;
  content: number;
  /** The last applied unit's UnitResult.tail with a line in it, and the empty lines after that line. */
  tail: string | null;
  emptyLines: number;
  emptyBytes: number;
  /** What stopped reading this file; its later units are not applied. */
  problem: ReadProblem | null;
  take: ((r: UnitResult, lineBase: number) => void) | null;
}

interface UnitSlot {
  readonly kind: 'unit';
  readonly file: FileState;
  readonly req: UnitRequest;
  result: UnitResult | null;
  pending: Promise<UnitResult> | null;
}
type Slot = UnitSlot | { readonly kind: 'end'; readonly file: FileState; readonly openProblem: ReadProblem | null };

/** Checks `parts` (of regular files only) with `jobs` threads, into `sink`. */
export async function runUnits(
  opts: Pick<RunOptions, 'progress' | 'mainThreadUnits'>,
  parts: readonly UnitPart[],
  sink: UnitSink,
  init: WorkerInit,
  jobs: number,
  /** The bytes to check (from the files' sizes before they are opened: only a guide for cutting). */
  totalBytes: number,
  unitBytes = UNIT_BYTES,
): Promise<void> {
  const pool = takePool(jobs, init);
  let ctx: Awaited<ReturnType<typeof unitContext>>;
  try {
    ctx = await unitContext(init);
  } catch (e) {
    await pool.close();
    throw e;
  }
  const scratch = Buffer.allocUnsafe(1 << 20);
  const slots: Slot[] = [];
  const spares: ArrayBuffer[] = [];
  const progress = opts.progress;
  let bytesDone = 0;
  let bytesCut = 0;
  let nextId = 0;
  /** Descriptors open now (closed as each file ends, or when the run stops). */
  const fds = new Set<number>();
  try {
    for (const part of parts) {
      const source = part.source;
      // A file is open from here to its end slot: as many at once as there are slots.
      while (slots.length >= MAX_OUTSTANDING) await applyHead();
      const file: FileState = {
        display: source.display,
        fd: -1,
        size: part.cut?.size ?? 0,
        end: part.cut?.end ?? 0,
        fixedSize: part.cut !== null,
        firstLine: part.firstLine,
        from: part.resumedTail === undefined ? null : { bytes: part.start, tail: part.resumedTail },
        lineBase: part.firstLine - 1,
        bytes: 0,
        content: 0,
        tail: part.resumedTail ?? null,
        emptyLines: 0,
        emptyBytes: 0,
        problem: null,
        take: null,
      };
      let openProblem: ReadProblem | null = null;
      try {
        file.fd = openSync(source.path!, 'r');
        fds.add(file.fd);
        if (!file.fixedSize) file.size = file.end = fstatSync(file.fd).size;
      } catch (e) {
        openProblem = file.fd < 0 ? cannotOpen(source, e) : readFailed(e);
      }
      if (openProblem === null && part.start > file.end) openProblem = shorterThanResumed(file.end, part.start);
      const end = file.end;
      let pos = openProblem === null ? Math.min(part.start, end) : end;
      while (pos < end) {
        // Near the end, units a quarter the size: the main thread has nothing left to check
        // while the workers finish what they hold, so what they hold should be small. Where
        // that starts does not depend on the threads: the cuts, and so a shard's result, are
        // the same for every --jobs N.
        const size = totalBytes - bytesCut < TAIL_UNITS * unitBytes ? Math.max(1, unitBytes >> 2) : unitBytes;
        const next = pos + size >= end ? end : nextLineStartSync(file.fd, pos + size - 1, end, scratch);
        // A cut that cannot be read (the file shrank, an I/O error) makes the rest one last
        // unit: its own read stops where the file does, and says so as one thread would.
        const cut = typeof next === 'number' ? next : end;
        const req: UnitRequest = { id: nextId++, fd: file.fd, file: file.display, start: pos, end: cut, size: file.size };
        bytesCut += cut - pos;
        pos = cut;
        while (slots.length >= MAX_OUTSTANDING) await applyHead();
        // On this thread, checking blocks the event loop: the workers' answers are taken (and
        // the head applied) after a turn of it.
        if (dispatch(req, file, false)) await new Promise<void>((resolve) => setImmediate(resolve));
        applyReady();
      }
      slots.push({ kind: 'end', file, openProblem });
      applyReady();
    }
    while (slots.length > 0) await applyHead();
  } finally {
    // The workers stop before the descriptors they may still read from are closed.
    await pool.close();
    for (const fd of fds) {
      try {
        closeSync(fd);
      } catch {
        // already closed: nothing to release
      }
    }
  }

  /**
   * Has `req` checked: by this thread when every worker has units waiting (returns true), else
   * by a worker. Its slot goes last, or `first`: the rest of a unit that stopped short, which
   * comes next and is checked here, since nothing can be applied before it (and its many short
   * records would cost more to clone across threads than to check: 20 MB of bad two-byte
   * lines took 40 s with --jobs 2 that way, 9 s on one thread). With one job there is no
   * worker, and every unit is checked here, mainThreadUnits or not.
   */
  function dispatch(req: UnitRequest, file: FileState, first: boolean): boolean {
    const slot: UnitSlot = { kind: 'unit', file, req, result: null, pending: null };
    if (first) slots.unshift(slot);
    else slots.push(slot);
    if ((opts.mainThreadUnits !== false || pool.threads === 0) && (first || pool.saturated)) {
      const spare = spares.pop();
      if (spare !== undefined && ctx.spares.length < SPARES) ctx.spares.push(spare);
      slot.result = processUnit(req, ctx);
      return true;
    }
    slot.pending = pool.run(req, spares.pop() ?? null).then((r) => (slot.result = r));
    // A failed worker rejects every unit it held; the run fails on the first one applied,
    // and the others must not surface as unhandled rejections meanwhile.
    slot.pending.catch(() => undefined);
    return false;
  }

  function applyReady(): void {
    while (slots.length > 0) {
      const s = slots[0]!;
      if (s.kind === 'unit' && s.result === null) return;
      slots.shift();
      apply(s);
    }
  }

  async function applyHead(): Promise<void> {
    const s = slots[0]!;
    if (s.kind === 'unit' && s.result === null) await s.pending;
    applyReady();
  }

  function apply(s: Slot): void {
    const file = s.file;
    file.take ??= sink.begin(file.display, file.firstLine, file.from);
    if (s.kind === 'end') {
      let problem = file.problem ?? s.openProblem;
      // A shard's part was cut for the size the shard saw; the merge compares the shards' sizes.
      if (problem === null && file.fd >= 0 && !file.fixedSize) problem = sizeChange(file);
      // Every unit of the file was answered before this slot: nothing reads it any more. (A
      // directory of many rotated files must not hold a descriptor for each.)
      if (file.fd >= 0) {
        fds.delete(file.fd);
        // Every byte was read and checked: an error closing it is ignored, as one thread
        // ignores it (read.ts). It was an internal error ("Please report it").
        try {
          closeSync(file.fd);
        } catch {
          // the descriptor is released either way
        }
      }
      sink.end(file.display, { lines: file.lineBase - (file.firstLine - 1), bytes: file.bytes, content: file.content, tail: file.tail, emptyLines: file.emptyLines, emptyBytes: file.emptyBytes }, problem);
      return;
    }
    if (file.problem !== null) return;
    const r = s.result!;
    file.take(r, file.lineBase);
    // A unit that stopped short (unit.ts, MAX_UNIT_LINES: lines far shorter than any event's):
    // the rest of it is checked next, once this part is applied, so that such input holds at
    // most MAX_OUTSTANDING short units at once instead of piling up parts ahead of the head.
    const req = s.req;
    if (r.problem === null && r.bytes < req.end - req.start) dispatch({ ...req, id: nextId++, start: req.start + r.bytes }, file, true);
    // Its buffer goes back to a thread with the next unit: units reuse a few buffers (flat
    // memory: new ones for each unit piled up as external memory between collections).
    if (spares.length < SPARES) spares.push(r.mem);
    file.lineBase += r.lines;
    file.bytes += r.bytes;
    file.content += r.content;
    if (r.bytes > r.emptyBytes) {
      file.tail = r.tail;
      file.emptyLines = r.emptyLines;
      file.emptyBytes = r.emptyBytes;
    } else {
      // Only empty lines: the line before them is still the file's last.
      file.emptyLines += r.emptyLines;
      file.emptyBytes += r.emptyBytes;
    }
    file.problem = r.problem;
    bytesDone += r.bytes;
    progress?.update(bytesDone, sink.linesSeen);
  }
}

/** LOG_CHANGED when the file is no longer the size it had when it was opened (as read.ts). */
function sizeChange(file: FileState): ReadProblem | null {
  try {
    return sizeChanged(file.size, fstatSync(file.fd).size) ?? endsAtSync(file.fd, file.size);
  } catch (e) {
    return readFailed(e);
  }
}
