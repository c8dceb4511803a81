/**
 * `sel merge SHARD...`: stitches shard results into the report one run would have given.
 * The shards' records go through the chain check in log order, with line numbers made
 * absolute; replay outcomes come from the shards, anchors are checked here. Shard files are
 * streamed, never held whole, so the merge's memory is flat in the log's size; each one's
 * digest is checked before anything is reported.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { OperatorError, describeIoError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import type { AnchorSummary, Replayer } from '../replay/replay.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type IntegrityResult, type VerifyOptions } from '../verify/verifier.js';
import { addUnitRecords, type UnitColumns } from '../verify/apply.js';
import { resultLayout } from '../verify/worker-protocol.js';
import { assertLittleEndian, BLOCK_MAGIC, BLOCK_PREFIX_BYTES, blockColumns, isBlockMeta, MAX_BLOCK_META, SHARD_VERSION, type BlockMeta, type ShardHeader, type ShardTrailer } from './format.js';

const CHUNK = 1 << 20;
/** A header or trailer longer than this is not one sel wrote (it is a few bytes per log file). */
const MAX_FRAME = 64 << 20;

const notAShard = (path: string, why: string) => new OperatorError(`${path} is not a complete ${SHARD_VERSION} shard result (${why}); write it again with sel verify --shard I/N --shard-out FILE`);

/** A block of a shard file, checked: one unit's records. */
interface Block {
  readonly meta: BlockMeta;
  readonly columns: UnitColumns;
}

/** One shard file: header and trailer read up front, the body streamed block by block. */
class ShardReader {
  header!: ShardHeader;
  trailer!: ShardTrailer;
  private bodyStart = 0;
  private bodyEnd = 0;
  /** The file offset of the next byte to read (-1: the header is not digested yet). */
  private at = -1;
  /** The current block's columns (blocks are applied one at a time, so one buffer serves). */
  private mem = new ArrayBuffer(1 << 20);
  private head: Block | null = null;
  private rowsRead = 0;
  private readonly hash: Hash = createHash('sha256');

  private constructor(readonly path: string, private readonly fh: FileHandle) {}

  static async open(path: string): Promise<ShardReader> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new OperatorError(`cannot read shard ${path}: ${describeIoError(e)}`);
    }
    const r = new ShardReader(path, fh);
    try {
      await r.frame();
    } catch (e) {
      await fh.close();
      throw e;
    }
    return r;
  }

  /** Reads the first line (header) and the last (trailer). */
  private async frame(): Promise<void> {
    const size = (await this.fh.stat()).size;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    let headerEnd = -1;
    for (let at = 0; at < size && at < MAX_FRAME && headerEnd < 0; at += buf.length) {
      const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, size - at), at);
      const lf = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (lf >= 0) headerEnd = at + lf + 1;
    }
    if (headerEnd < 0) throw notAShard(this.path, 'no header line');
    if (size === 0 || (await this.byteAt(size - 1)) !== 0x0a) throw notAShard(this.path, 'it does not end with its trailer line: truncated?');
    let trailerStart = -1;
    for (let end = size - 1; end > headerEnd - 1 && size - end < MAX_FRAME && trailerStart < 0;) {
      const from = Math.max(headerEnd - 1, end - buf.length);
      const { bytesRead } = await this.fh.read(buf, 0, end - from, from);
      const lf = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (lf >= 0) trailerStart = from + lf + 1;
      end = from;
    }
    if (trailerStart < headerEnd) throw notAShard(this.path, 'no trailer line: truncated?');
    const header = this.parse(await this.slice(0, headerEnd - 1), 'its header');
    const trailer = this.parse(await this.slice(trailerStart, size - 1), 'its trailer');
    if (typeof header !== 'object' || header === null || (header as { v?: unknown }).v !== SHARD_VERSION) throw notAShard(this.path, `no ${SHARD_VERSION} header`);
    if (!Array.isArray(trailer) || trailer[0] !== 'end' || typeof trailer[1] !== 'object' || trailer[1] === null) throw notAShard(this.path, 'no trailer: truncated?');
    this.header = header as ShardHeader;
    this.trailer = trailer[1] as ShardTrailer;
    const h = this.header;
    const t = this.trailer;
    const ok = Number.isSafeInteger(h.shard) && Number.isSafeInteger(h.of) && h.shard >= 0 && h.shard < h.of &&
      Array.isArray(h.files) && h.files.every((f) => typeof f?.display === 'string' && [f.size, f.start, f.end].every((n) => Number.isSafeInteger(n) && n >= 0) && f.start <= f.end && f.end <= f.size) &&
      typeof h.options?.maxLineBytes === 'number' && typeof h.options?.maxDepth === 'number' &&
      (h.replay === null || (typeof h.replay?.ref === 'string' && typeof h.replay?.commit === 'string' && /^[0-9a-f]{40,64}$/.test(h.replay.commit))) &&
      Array.isArray(t.files) && t.files.length === h.files.length && t.files.every((c) => Number.isSafeInteger(c?.lines) && Number.isSafeInteger(c?.content)) &&
      Number.isSafeInteger(t.rows) && typeof t.digest === 'string';
    if (!ok) throw notAShard(this.path, 'its header or trailer is malformed');
    this.bodyStart = headerEnd;
    this.bodyEnd = trailerStart;
  }

  private async byteAt(p: number): Promise<number> {
    const b = Buffer.alloc(1);
    await this.fh.read(b, 0, 1, p);
    return b[0]!;
  }

  private async slice(from: number, to: number): Promise<string> {
    const b = Buffer.allocUnsafe(to - from);
    await this.fh.read(b, 0, b.length, from);
    return b.toString('utf8');
  }

  private parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw notAShard(this.path, `${what} is not JSON`);
    }
  }

  /**
   * The next block, checked, without taking it; null when the body is done. Read with
   * readSync: blocks are taken one by one, each applied before the next is read.
   */
  peek(): Block | null {
    if (this.head !== null) return this.head;
    if (this.at < 0) {
      // The header is digested too: every byte before the trailer is.
      this.consume(this.bodyStart, Buffer.allocUnsafe(this.bodyStart), 0);
    }
    if (this.at >= this.bodyEnd) return null;
    const where = `block ${this.blocks + 1}`;
    if (this.at + BLOCK_PREFIX_BYTES > this.bodyEnd) throw notAShard(this.path, `${where} is cut short`);
    const prefix = this.consume(BLOCK_PREFIX_BYTES, Buffer.allocUnsafe(BLOCK_PREFIX_BYTES), this.at);
    if (!prefix.subarray(0, 4).equals(BLOCK_MAGIC)) throw notAShard(this.path, `${where} does not start as a block`);
    const metaBytes = prefix.readUInt32LE(4);
    const columnBytes = prefix.readUInt32LE(8);
    if (metaBytes > MAX_BLOCK_META || this.at + metaBytes + columnBytes + 1 > this.bodyEnd) throw notAShard(this.path, `${where} is longer than the file`);
    const json = this.consume(metaBytes, Buffer.allocUnsafe(metaBytes), this.at);
    const meta = isUtf8(json) ? this.parse(json.toString('utf8'), `${where}'s meta`) : null;
    if (!isBlockMeta(meta, this.header.files.length) || resultLayout(meta.n, meta.textBytes).total !== columnBytes) throw notAShard(this.path, `${where} is malformed`);
    if (this.mem.byteLength < columnBytes) this.mem = new ArrayBuffer(Math.max(columnBytes, 2 * this.mem.byteLength));
    this.consume(columnBytes, new Uint8Array(this.mem, 0, columnBytes), this.at);
    if (this.consume(1, Buffer.allocUnsafe(1), this.at)[0] !== 0x0a) throw notAShard(this.path, `${where} does not end with a line feed`);
    const columns = blockColumns(meta, this.mem);
    if (columns === null) throw notAShard(this.path, `${where} is malformed`);
    this.head = { meta, columns };
    return this.head;
  }

  take(): void {
    this.rowsRead += this.head!.meta.n;
    this.blocks++;
    this.head = null;
  }

  private blocks = 0;

  /** Reads `n` bytes at `from` into `b`, digests them, and moves past them. */
  private consume<T extends Uint8Array>(n: number, b: T, from: number): T {
    for (let got = 0; got < n;) {
      let bytesRead: number;
      try {
        bytesRead = readSync(this.fh.fd, b, got, n - got, from + got);
      } catch (e) {
        throw new OperatorError(`cannot read shard ${this.path}: ${describeIoError(e)}`);
      }
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
    if (this.rowsRead !== this.trailer.rows) throw notAShard(this.path, `it has ${this.rowsRead} rows, its trailer says ${this.trailer.rows}`);
    if (`sha256:${this.hash.digest('hex')}` !== this.trailer.digest) throw notAShard(this.path, 'its digest does not match its bytes: it was damaged or edited');
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

export interface MergeInput {
  readonly shards: readonly string[];
  readonly options?: Partial<VerifyOptions>;
  /** With replay: counts outcomes, checks anchors (built by the caller from the repository). */
  readonly replayer?: (report: (f: Finding) => void) => Replayer;
  /** Findings that do not come from a line (about the repository), reported first. */
  readonly begin?: (report: (f: Finding) => void) => void;
}

/** Reads only the shards' headers: what the merge needs to know before it starts (the replay ref). */
export async function readShardHeader(path: string): Promise<ShardHeader> {
  const r = await ShardReader.open(path);
  await r.close();
  return r.header;
}

export async function mergeShards(input: MergeInput): Promise<{ result: IntegrityResult; headers: readonly ShardHeader[]; replayer: Replayer | null; anchors: AnchorSummary[] }> {
  assertLittleEndian();
  const readers: ShardReader[] = [];
  try {
    for (const path of input.shards) readers.push(await ShardReader.open(path));
    return await merge(readers.sort((a, b) => a.header.shard - b.header.shard), input);
  } finally {
    for (const r of readers) await r.close();
  }
}

async function merge(loaded: ShardReader[], input: MergeInput): Promise<{ result: IntegrityResult; headers: readonly ShardHeader[]; replayer: Replayer | null; anchors: AnchorSummary[] }> {
  const of = loaded[0]!.header.of;
  if (loaded.length !== of || loaded.some((l, i) => l.header.of !== of || l.header.shard !== i)) {
    throw new OperatorError(`the shards are not one complete set: expected shards 1..${of} of ${of}, got ${loaded.map((l) => `${l.header.shard + 1}/${l.header.of}`).join(', ')}`);
  }
  const first = loaded[0]!.header;
  const files = first.files;
  const sameRun = loaded.every((l) =>
    l.header.files.length === files.length &&
    l.header.files.every((f, i) => f.display === files[i]!.display) &&
    l.header.options.maxLineBytes === first.options.maxLineBytes &&
    l.header.options.maxDepth === first.options.maxDepth &&
    JSON.stringify(l.header.replay) === JSON.stringify(first.replay));
  if (!sameRun) throw new OperatorError('the shards come from different runs (other logs, options or ref): merge the shards of one run');
  const opts: VerifyOptions = { ...DEFAULT_VERIFY_OPTIONS, ...input.options, maxLineBytes: first.options.maxLineBytes, maxDepth: first.options.maxDepth };
  let replayer: Replayer | null = null;
  const verifier = new IntegrityVerifier(opts, input.replayer === undefined ? null : (rec) => replayer!.onEvent(rec));
  if (input.replayer !== undefined) replayer = input.replayer((f) => verifier.report(f));
  input.begin?.((f) => verifier.report(f));
  const nextRef = (file: string, line: number) => verifier.nextRef(file, line);
  for (let f = 0; f < files.length; f++) {
    const display = files[f]!.display;
    const sizes = new Set(loaded.map((l) => l.header.files[f]!.size));
    const add = verifier.beginRecords(display);
    let base = 0;
    let bytes = 0;
    let content = 0;
    let covered = 0;
    for (const shard of loaded) {
      const part = shard.header.files[f]!;
      const counts = shard.trailer.files[f]!;
      if (part.start < part.end) {
        if (part.start !== covered) throw new OperatorError(`the shards do not cover ${display} contiguously (a gap or overlap at byte ${covered}): they come from different runs`);
        covered = part.end;
      }
      // The shard's units of this file, in order; what they add up to must be what it says.
      let lines = 0;
      let partBytes = 0;
      let partContent = 0;
      for (let b = shard.peek(); b !== null && b.meta.file === f; b = shard.peek()) {
        addUnitRecords(b.columns, display, base + lines, nextRef, add);
        lines += b.meta.lines;
        partBytes += b.meta.bytes;
        partContent += b.meta.content;
        shard.take();
      }
      if (lines !== counts.lines || partContent !== counts.content || partBytes !== part.end - part.start) {
        throw notAShard(shard.path, `its units of ${display} do not add up to its part: ${counts.lines} lines, ${part.end - part.start} bytes`);
      }
      base += counts.lines;
      bytes += part.end - part.start;
      content += counts.content;
    }
    const size = files[f]!.size;
    const changed = sizes.size > 1 || (size > 0 && covered !== size);
    verifier.endRecords(display, { lines: base, bytes, content }, changed ? { code: 'LOG_CHANGED', message: 'the file is not the same size in every shard: it changed while the shards read it' } : null);
  }
  for (const shard of loaded) shard.done();
  let anchors: AnchorSummary[] = [];
  const result = verifier.finish((chains) => {
    anchors = replayer?.finish(chains) ?? [];
  });
  return { result, headers: loaded.map((l) => l.header), replayer, anchors };
}
