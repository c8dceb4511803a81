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
import { shiftLines, type Finding } from '../findings/finding.js';
import type { AnchorSummary, Replayer } from '../replay/replay.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type IntegrityResult, type VerifyOptions } from '../verify/verifier.js';
import { decode, isRow, SHARD_VERSION, type Encoded, type ShardHeader, type ShardTrailer } from './format.js';

const CHUNK = 1 << 20;
/** A header or trailer longer than this is not one sel wrote (it is a few bytes per log file). */
const MAX_FRAME = 64 << 20;

const notAShard = (path: string, why: string) => new OperatorError(`${path} is not a complete ${SHARD_VERSION} shard result (${why}); write it again with sel verify --shard I/N --shard-out FILE`);

/** One shard file: header and trailer read up front, the body streamed row by row. */
class ShardReader {
  header!: ShardHeader;
  trailer!: ShardTrailer;
  private bodyStart = 0;
  private bodyEnd = 0;
  /** The file offset of buf[0]. */
  private at = 0;
  /** Body bytes read, [0, filled) of buf; rows are parsed from `pos` on. */
  private buf = Buffer.allocUnsafe(CHUNK);
  private filled = 0;
  private pos = 0;
  /** buf[0, checked) is known to be UTF-8 (up to a row's end). */
  private checked = 0;
  private head: Encoded | null = null;
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
    this.at = 0;
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
   * The next row, without taking it; null when the body is done. Rows are found and parsed in
   * the bytes read (one string per row, as JSON.parse needs): decoding whole chunks and
   * splitting the text was half of the merge's time.
   */
  peek(): Encoded | null {
    if (this.head !== null) return this.head;
    let lf = this.buf.indexOf(0x0a, this.pos);
    while (lf < 0 || lf >= this.filled) {
      if (this.at + this.filled >= this.bodyEnd) {
        if (this.pos < this.filled) throw notAShard(this.path, 'its last row has no line feed');
        return null;
      }
      this.fill();
      lf = this.buf.indexOf(0x0a, this.pos);
    }
    if (lf >= this.checked) {
      // Up to the last row end read: a row's bytes are checked once, and never cut mid-character.
      const end = this.buf.subarray(0, this.filled).lastIndexOf(0x0a) + 1;
      if (!isUtf8(this.buf.subarray(this.checked, end))) throw notAShard(this.path, 'it is not UTF-8');
      this.checked = end;
    }
    const row = this.parse(this.buf.toString('utf8', this.pos, lf), `row ${this.rowsRead + 1}`);
    this.pos = lf + 1;
    if (!isRow(row, this.header.files.length)) throw notAShard(this.path, `row ${this.rowsRead + 1} is malformed`);
    this.head = row;
    return row;
  }

  take(): void {
    this.head = null;
    this.rowsRead++;
  }

  /**
   * Reads more of the body after what is left unparsed, which moves to the buffer's start.
   * Synchronous: rows are taken one by one, and a promise per row cost more than the reads.
   */
  private fill(): void {
    if (this.at === 0 && this.filled === 0) {
      // The header is digested too: every byte before the trailer is.
      const head = Buffer.allocUnsafe(this.bodyStart);
      this.readFully(head, 0);
      this.hash.update(head);
      this.at = this.bodyStart;
    }
    const keep = this.filled - this.pos;
    this.buf.copy(this.buf, 0, this.pos, this.filled);
    this.at += this.pos;
    this.checked = Math.max(0, this.checked - this.pos);
    this.pos = 0;
    this.filled = keep;
    // A row longer than the buffer: a bigger buffer, rather than a row cut in two.
    if (keep === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, keep);
      this.buf = bigger;
    }
    const want = Math.min(this.buf.length - keep, this.bodyEnd - (this.at + keep));
    if (want === 0) return;
    const bytesRead = this.read(this.buf, keep, want, this.at + keep);
    if (bytesRead === 0) throw notAShard(this.path, 'it changed while it was read');
    this.hash.update(this.buf.subarray(keep, keep + bytesRead));
    this.filled += bytesRead;
  }

  private read(b: Buffer, at: number, length: number, from: number): number {
    try {
      return readSync(this.fh.fd, b, at, length, from);
    } catch (e) {
      throw new OperatorError(`cannot read shard ${this.path}: ${describeIoError(e)}`);
    }
  }

  private readFully(b: Buffer, from: number): void {
    for (let got = 0; got < b.length;) {
      const bytesRead = this.read(b, got, b.length - got, from + got);
      if (bytesRead === 0) throw notAShard(this.path, 'it changed while it was read');
      got += bytesRead;
    }
  }

  /** Checks that every row was read and the digest holds. */
  done(): void {
    if (this.peek() !== null) throw notAShard(this.path, `row ${this.rowsRead + 1} is out of order`);
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
      const fix = (x: Finding): Finding => shiftLines(x, display, base);
      for (let row = shard.peek(); row !== null && row[1] === f; row = shard.peek()) {
        if (row[2] > counts.lines) throw notAShard(shard.path, `a row names line ${row[2]} of a part with ${counts.lines} lines`);
        add(decode(row, verifier.nextRef(display, base + row[2]), fix));
        shard.take();
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
