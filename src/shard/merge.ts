/**
 * `sel merge SHARD...`: stitches shard results into the report one run would have given.
 * The shards' records go through the chain check in log order, with line numbers made
 * absolute; replay outcomes come from the shards, anchors are checked here. Shard files are
 * streamed, never held whole, so the merge's memory is flat in the log's size; each one's
 * digest is checked before anything is reported.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { OperatorError, describeIoError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import type { AnchorSummary, Replayer } from '../replay/replay.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type IntegrityResult, type VerifyOptions } from '../verify/verifier.js';
import { addUnitRecords, type UnitColumns } from '../verify/apply.js';
import { resultLayout } from '../verify/worker-protocol.js';
import { buildId, VERSION } from '../version.js';
import { assertLittleEndian, BLOCK_MAGIC, BLOCK_PREFIX_BYTES, blockColumns, isBlockMeta, isHeader, isTrailer, MAX_BLOCK_META, SHARD_VERSION, type BlockMeta, type ShardHeader, type ShardTrailer } from './format.js';

const CHUNK = 1 << 20;
/** A header or trailer longer than this is not one sel wrote (it is a few bytes per log file). */
const MAX_FRAME = 64 << 20;

/**
 * A name read from a shard's header, as a refusal quotes it: one line whatever it holds (a
 * header is input like any other, and a refusal must stay one sentence on one line).
 */
export const quoted = (name: string): string => JSON.stringify(name);

/** A build as a refusal names it: `sel "0.1.0" (build "sha256:…")`. */
const describeBuild = (b: ShardHeader['sel']): string => `sel ${quoted(b.version)} (build ${b.build === null ? 'unknown' : quoted(b.build)})`;

const notAShard = (path: string, why: string) => new OperatorError(`${path} is not a complete ${SHARD_VERSION} shard result (${why}); write it again with sel verify --shard I/N --shard-out FILE`);

/** A block of a shard file whose meta is read and checked; its columns are read when taken. */
interface Block {
  readonly meta: BlockMeta;
  readonly columnBytes: number;
}

/**
 * The columns of the block being applied. The merge applies one block at a time, across all
 * shards, so one buffer serves them all (a thousand shards must not cost a buffer each).
 */
let columnMem = new ArrayBuffer(1 << 20);

/**
 * One shard file: header and trailer read when it is opened, the body read block by block.
 * The file is open only while its body is being read: the merge goes through the shards in
 * order, so a set of many shards holds one or two descriptors, not one each.
 */
class ShardReader {
  header!: ShardHeader;
  trailer!: ShardTrailer;
  private size = 0;
  private bodyStart = 0;
  private bodyEnd = 0;
  private fd: number | null = null;
  /** The file offset of the next byte to read (-1: the header is not digested yet). */
  private at = -1;
  private head: Block | null = null;
  private rowsRead = 0;
  private blocks = 0;
  private readonly hash: Hash = createHash('sha256');

  private constructor(readonly path: string) {}

  static open(path: string): ShardReader {
    const r = new ShardReader(path);
    try {
      r.frame();
    } finally {
      r.close();
    }
    return r;
  }

  private openFile(): number {
    if (this.fd !== null) return this.fd;
    let fd: number;
    try {
      // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, forever,
      // before the check below could refuse it. (No effect on a regular file.)
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new OperatorError(`cannot read shard ${this.path}: ${describeIoError(e)}`);
    }
    this.fd = fd;
    let stat;
    try {
      stat = fstatSync(fd);
    } catch (e) {
      throw new OperatorError(`cannot read shard ${this.path}: ${describeIoError(e)}`);
    }
    if (!stat.isFile()) throw new OperatorError(`cannot read shard ${this.path}: it is not a regular file`);
    if (this.at >= 0 || this.size > 0) {
      if (stat.size !== this.size) throw notAShard(this.path, 'it changed while it was read');
    } else {
      this.size = stat.size;
    }
    return fd;
  }

  /** Reads the first line (header) and the last (trailer). */
  private frame(): void {
    this.openFile();
    const size = this.size;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    let headerEnd = -1;
    for (let at = 0; at < size && at < MAX_FRAME && headerEnd < 0; at += buf.length) {
      const bytesRead = this.read(buf, 0, Math.min(buf.length, size - at), at);
      const lf = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (lf >= 0) headerEnd = at + lf + 1;
    }
    // A size of 0 with bytes at 0 is a /proc file, or one written since it was opened: not empty.
    if (size === 0) throw notAShard(this.path, this.read(buf, 0, 1, 0) > 0 ? 'its size says 0 bytes but it holds more (a /proc file, or one still being written)' : 'the file is empty');
    if (headerEnd < 0) throw notAShard(this.path, 'no header line');
    if (size === 0 || this.slice(size - 1, size)[0] !== 0x0a) throw notAShard(this.path, 'it does not end with its trailer line: truncated?');
    let trailerStart = -1;
    for (let end = size - 1; end > headerEnd - 1 && size - end < MAX_FRAME && trailerStart < 0;) {
      const from = Math.max(headerEnd - 1, end - buf.length);
      const bytesRead = this.read(buf, 0, end - from, from);
      const lf = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (lf >= 0) trailerStart = from + lf + 1;
      end = from;
    }
    if (trailerStart < headerEnd) throw notAShard(this.path, 'no trailer line: truncated?');
    const header = this.parse(this.slice(0, headerEnd - 1), 'its header');
    const trailer = this.parse(this.slice(trailerStart, size - 1), 'its trailer');
    if (typeof header !== 'object' || header === null || (header as { v?: unknown }).v !== SHARD_VERSION) throw notAShard(this.path, `no ${SHARD_VERSION} header`);
    if (!Array.isArray(trailer) || trailer[0] !== 'end' || typeof trailer[1] !== 'object' || trailer[1] === null) throw notAShard(this.path, 'no trailer: truncated?');
    if (!isHeader(header) || !isTrailer(trailer[1], header.files.length)) throw notAShard(this.path, 'its header or trailer is malformed');
    this.header = header;
    this.trailer = trailer[1];
    this.bodyStart = headerEnd;
    this.bodyEnd = trailerStart;
  }

  private read(b: Uint8Array, at: number, length: number, from: number): number {
    const fd = this.openFile();
    try {
      return readSync(fd, b, at, length, from);
    } catch (e) {
      throw new OperatorError(`cannot read shard ${this.path}: ${describeIoError(e)}`);
    }
  }

  private slice(from: number, to: number): Buffer {
    const b = Buffer.allocUnsafe(to - from);
    for (let got = 0; got < b.length;) {
      const n = this.read(b, got, b.length - got, from + got);
      if (n === 0) throw notAShard(this.path, 'it changed while it was read');
      got += n;
    }
    return b;
  }

  private parse(bytes: Buffer, what: string): unknown {
    if (!isUtf8(bytes)) throw notAShard(this.path, `${what} is not UTF-8`);
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw notAShard(this.path, `${what} is not JSON`);
    }
  }

  /** The next block's meta, checked, without taking the block; null when the body is done. */
  peek(): Block | null {
    if (this.head !== null) return this.head;
    if (this.at < 0) {
      // The header is digested too: every byte before the trailer is.
      this.consume(this.bodyStart, Buffer.allocUnsafe(this.bodyStart), 0);
    }
    if (this.at >= this.bodyEnd) {
      this.close();
      return null;
    }
    const where = `block ${this.blocks + 1}`;
    if (this.at + BLOCK_PREFIX_BYTES > this.bodyEnd) throw notAShard(this.path, `${where} is cut short`);
    const prefix = this.consume(BLOCK_PREFIX_BYTES, Buffer.allocUnsafe(BLOCK_PREFIX_BYTES), this.at);
    if (!prefix.subarray(0, 4).equals(BLOCK_MAGIC)) throw notAShard(this.path, `${where} does not start as a block`);
    const metaBytes = prefix.readUInt32LE(4);
    const columnBytes = prefix.readUInt32LE(8);
    if (this.at + metaBytes + columnBytes + 1 > this.bodyEnd) throw notAShard(this.path, `${where} is longer than the file`);
    if (metaBytes > MAX_BLOCK_META) throw notAShard(this.path, `${where}'s meta is longer than ${MAX_BLOCK_META} bytes`);
    const meta = this.parse(this.consume(metaBytes, Buffer.allocUnsafe(metaBytes), this.at), `${where}'s meta`);
    if (!isBlockMeta(meta, this.header.files.length) || resultLayout(meta.n, meta.textBytes).total !== columnBytes) throw notAShard(this.path, `${where} is malformed`);
    this.head = { meta, columnBytes };
    return this.head;
  }

  /** Reads the peeked block's columns, checks them, and takes the block. */
  take(): UnitColumns {
    const { meta, columnBytes } = this.head!;
    const where = `block ${this.blocks + 1}`;
    if (columnMem.byteLength < columnBytes) columnMem = new ArrayBuffer(Math.max(columnBytes, 2 * columnMem.byteLength));
    this.consume(columnBytes, new Uint8Array(columnMem, 0, columnBytes), this.at);
    if (this.consume(1, Buffer.allocUnsafe(1), this.at)[0] !== 0x0a) throw notAShard(this.path, `${where} does not end with a line feed`);
    const columns = blockColumns(meta, columnMem);
    if (columns === null) throw notAShard(this.path, `${where} is malformed`);
    this.rowsRead += meta.n;
    this.blocks++;
    this.head = null;
    // Past its last block, the file is not needed again.
    if (this.at >= this.bodyEnd) this.close();
    return columns;
  }

  /** Reads `n` bytes at `from` into `b`, digests them, and moves past them. */
  private consume<T extends Uint8Array>(n: number, b: T, from: number): T {
    for (let got = 0; got < n;) {
      const bytesRead = this.read(b, got, n - got, from + got);
      if (bytesRead === 0) throw notAShard(this.path, 'it changed while it was read');
      got += bytesRead;
    }
    this.hash.update(b);
    this.at = from + n;
    return b;
  }

  /** Checks that every block was read and the digest holds. */
  done(): void {
    if (this.peek() !== null) throw notAShard(this.path, `block ${this.blocks + 1} is out of order`);
    this.close();
    if (this.rowsRead !== this.trailer.rows) throw notAShard(this.path, `it has ${this.rowsRead} rows, its trailer says ${this.trailer.rows}`);
    if (`sha256:${this.hash.digest('hex')}` !== this.trailer.digest) throw notAShard(this.path, 'its digest does not match its bytes: it was damaged or edited');
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch {
      // nothing to release
    }
  }
}

export interface MergeInput {
  readonly shards: readonly string[];
  readonly options?: Partial<VerifyOptions>;
  /** With replay: counts outcomes, checks anchors (built by the caller from the repository). */
  readonly replayer?: (report: (f: Finding) => void) => Replayer;
  /** Findings that do not come from a line (about the repository), reported first. */
  readonly begin?: (report: (f: Finding) => void, headers: readonly ShardHeader[]) => void;
}

/** Reads only the shards' headers: what the merge needs to know before it starts (the replay ref). */
export function readShardHeader(path: string): ShardHeader {
  return ShardReader.open(path).header;
}

export async function mergeShards(input: MergeInput): Promise<{ result: IntegrityResult; headers: readonly ShardHeader[]; replayer: Replayer | null; anchors: AnchorSummary[] }> {
  assertLittleEndian();
  // A string was read as one shard per character, null a TypeError (found by review).
  if (typeof input !== 'object' || input === null || !Array.isArray(input.shards) || input.shards.some((p) => typeof p !== 'string')) {
    throw new OperatorError('mergeShards takes { shards }: an array of the paths of shard results');
  }
  if (input.shards.length === 0) throw new OperatorError('no shard given: name the results of sel verify --shard I/N --shard-out FILE');
  const readers: ShardReader[] = [];
  try {
    for (const path of input.shards) readers.push(ShardReader.open(path));
    return await merge(readers.sort((a, b) => a.header.shard - b.header.shard), input);
  } finally {
    for (const r of readers) r.close();
  }
}

async function merge(loaded: ShardReader[], input: MergeInput): Promise<{ result: IntegrityResult; headers: readonly ShardHeader[]; replayer: Replayer | null; anchors: AnchorSummary[] }> {
  const of = loaded[0]!.header.of;
  if (loaded.length !== of || loaded.some((l, i) => l.header.of !== of || l.header.shard !== i)) {
    throw new OperatorError(`the shards are not one complete set: expected shards 1..${of} of ${of}, got ${loaded.map((l) => `${l.header.shard + 1}/${l.header.of}`).join(', ')}`);
  }
  // Records are applied as this build makes them: a shard of another build (another line
  // check, evaluator or chain rules, under the same format) would be merged as if it were this
  // one's. An unknown build (tsc's output, no dist/sel/BUILD) matches only an unknown one.
  const own = { version: VERSION, build: buildId() };
  const foreign = loaded.find((l) => l.header.sel.version !== own.version || l.header.sel.build !== own.build);
  if (foreign !== undefined) {
    throw new OperatorError(`shard ${foreign.header.shard + 1}/${of} was written by ${describeBuild(foreign.header.sel)}, and this merge is ${describeBuild(own)}: run the shards and the merge with the same build of sel`);
  }
  const first = loaded[0]!.header;
  const files = first.files;
  const sameRun = loaded.every((l) =>
    l.header.files.length === files.length &&
    l.header.files.every((f, i) => f.display === files[i]!.display) &&
    JSON.stringify(l.header.skipped) === JSON.stringify(first.skipped) &&
    // The committed logs missing from a named directory: the same files, named as the files of
    // a directory or one by one, are another run (a merge reported the first shard given's).
    JSON.stringify(l.header.deleted) === JSON.stringify(first.deleted) &&
    l.header.options.maxLineBytes === first.options.maxLineBytes &&
    l.header.options.maxDepth === first.options.maxDepth &&
    JSON.stringify(l.header.replay) === JSON.stringify(first.replay));
  if (!sameRun) throw new OperatorError('the shards come from different runs (other logs, options or ref): merge the shards of one run');
  const opts: VerifyOptions = { ...DEFAULT_VERIFY_OPTIONS, ...input.options, maxLineBytes: first.options.maxLineBytes, maxDepth: first.options.maxDepth };
  let replayer: Replayer | null = null;
  const verifier = new IntegrityVerifier(opts, input.replayer === undefined ? null : (rec) => replayer!.onEvent(rec), false, input.replayer === undefined ? null : (rec, late) => replayer!.onBranch(rec, late));
  if (input.replayer !== undefined) replayer = input.replayer((f) => verifier.report(f));
  input.begin?.((f) => verifier.report(f), loaded.map((l) => l.header));
  const nextRef = (file: string, line: number) => verifier.nextRef(file, line);
  for (let f = 0; f < files.length; f++) {
    const display = files[f]!.display;
    const sizes = new Set(loaded.map((l) => l.header.files[f]!.size));
    const add = verifier.beginRecords(display);
    let base = 0;
    let bytes = 0;
    let content = 0;
    let covered = 0;
    // Shards cut the log set by its total size: if a file's size was not the same for all of
    // them, their parts of it overlap or leave gaps, and no merge can give one run's report.
    if (sizes.size > 1) {
      // Said before the shards' digests are checked (at their ends): an edited header says it too.
      throw new OperatorError(`${quoted(display)} was not the same size in every shard (${[...sizes].join(' and ')} bytes): it changed while they ran, or a shard result was edited; run the shards again on logs that are not being written`);
    }
    for (const shard of loaded) {
      const part = shard.header.files[f]!;
      const counts = shard.trailer.files[f]!;
      if (part.start < part.end) {
        if (part.start !== covered) throw new OperatorError(`the shards do not cover ${quoted(display)} contiguously (a gap or overlap at byte ${covered}): they come from different runs`);
        covered = part.end;
      }
      // The shard's units of this file, in order; what they add up to must be what it says. A
      // shard with no part of it is not read here (it would hold its file open for nothing).
      let lines = 0;
      let partBytes = 0;
      let partContent = 0;
      for (let b = part.start < part.end ? shard.peek() : null; b !== null && b.meta.file === f; b = shard.peek()) {
        addUnitRecords(shard.take(), display, base + lines, nextRef, add);
        lines += b.meta.lines;
        partBytes += b.meta.bytes;
        partContent += b.meta.content;
      }
      if (lines !== counts.lines || partContent !== counts.content || partBytes !== part.end - part.start) {
        throw notAShard(shard.path, `its units of ${quoted(display)} do not add up to its part: ${counts.lines} lines, ${part.end - part.start} bytes`);
      }
      base += counts.lines;
      bytes += part.end - part.start;
      content += counts.content;
    }
    const size = files[f]!.size;
    if (size > 0 && covered !== size) throw new OperatorError(`the shards do not cover ${quoted(display)} to its end (byte ${covered} of ${size}): they come from different runs`);
    verifier.endRecords(display, { lines: base, bytes, content }, null);
  }
  // As a run reports them: after the files it read.
  for (const s of first.skipped) verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
  for (const shard of loaded) shard.done();
  let anchors: AnchorSummary[] = [];
  const result = verifier.finish((chains) => {
    anchors = replayer?.finish(chains) ?? [];
  });
  return { result, headers: loaded.map((l) => l.header), replayer, anchors };
}
