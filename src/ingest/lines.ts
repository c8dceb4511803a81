/**
 * Byte-level line splitting (SPEC.md §2).
 *
 * Not `readline`: it drops CR, replaces invalid bytes with U+FFFD and buffers whole lines
 * of any length. This splitter works on raw bytes, hands each line to the caller as a view
 * into the read buffer (no string is made here), never holds more than `maxLineBytes` of one
 * line, and reports the shapes SPEC.md §2 cares about: empty lines, a torn last line, lines
 * over the limit.
 *
 * It is synchronous and push-based (`push(chunk)`, then `end()`), so the same code serves a
 * file read in 1 MiB chunks, standard input, and a byte range of a shard.
 */

export interface LineSink {
  /** A complete line, without its LF. `bytes` is only valid during the call. */
  line(bytes: Buffer, lineNo: number): void;
  /** An empty line that is not the last line of the input (SPEC.md §2). */
  emptyLine(lineNo: number): void;
  /** A line longer than the limit; its bytes were skipped, not buffered. */
  tooLong(lineNo: number, length: number, terminated: boolean): void;
  /** The input ended after `length` bytes that no LF terminated. */
  torn(lineNo: number, bytes: Buffer): void;
}

const LF = 0x0a;

export class LineSplitter {
  private carry: Buffer | null = null;
  private carryLen = 0;
  private skipping = false;
  private skippedLen = 0;
  private lineNo = 0;
  /** Line number of an empty line seen but not yet known to be the last one. */
  private pendingEmpty = 0;
  private sawAnyByte = false;
  private pushed = 0;
  /** Stop at the first line start once this many lines were started (0: never). */
  private stopAtLines = 0;
  private stopped = false;
  /**
   * The last line taken, with its LF (`lastLine`): kept in `tail` when it went through the
   * carry, else as a range of the current chunk, copied into `tail` when the push returns (one
   * copy per chunk, not per line). tailLen -1: no such line (none yet, or too long, or torn).
   */
  private tail: Buffer | null = null;
  private tailLen = -1;
  private tailStart = -1;
  private tailEnd = -1;
  /**
   * Empty lines (and their bytes, LFs included) after the last line kept in `tail`: a checkpoint
   * ends before them, so that an append, which puts them in the middle of the file, is read
   * with them (a LINE_EMPTY there; found by review).
   */
  private emptyAfterLines = 0;
  private emptyAfterBytes = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number,
    /** The number of the first line pushed (a resumed file starts past line 1). */
    firstLine = 1,
  ) {
    this.lineNo = firstLine - 1;
  }

  /** Number of lines started so far (including a torn or empty last one). */
  get lines(): number {
    return this.lineNo;
  }

  /**
   * Bytes taken so far (a last empty line's LF included, though no sink call counts it); once
   * stopped, up to the line start where it stopped.
   */
  get bytes(): number {
    return this.pushed;
  }

  /**
   * Stops taking input at the first line start after `lines` lines were started: the rest of
   * that chunk and later ones are left (see `stoppedShort`, `bytes`). What bounds the records
   * one unit of --jobs work holds, whatever its lines are like (unit.ts).
   */
  stopAfter(lines: number): void {
    this.stopAtLines = lines;
  }

  /** True when stopAfter stopped it before the end of its input. */
  get stoppedShort(): boolean {
    return this.stopped;
  }

  /**
   * The last line taken (the one that ends at `bytes`), with its LF: null when no line was
   * taken, or the last one is too long or torn (no LF). What a checkpoint recognises the end
   * of the verified part by (src/verify/checkpoint.ts). Valid until the next push.
   */
  get lastLine(): Buffer | null {
    return this.tailLen < 0 ? null : this.tail!.subarray(0, this.tailLen);
  }

  /** The empty lines taken after `lastLine` (or since the start, when none), and their bytes. */
  get emptyAfter(): { readonly lines: number; readonly bytes: number } {
    return { lines: this.emptyAfterLines, bytes: this.emptyAfterBytes };
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.stopped) return;
    this.pushChunk(chunk);
    if (this.tailStart >= 0) {
      this.keepTail(chunk, this.tailStart, this.tailEnd, 0);
      this.tailStart = -1;
    }
  }

  private pushChunk(chunk: Buffer): void {
    this.sawAnyByte = true;
    this.pushed += chunk.length;
    let start = 0;
    const n = chunk.length;
    while (start < n) {
      if (this.stopAtLines > 0 && this.lineNo >= this.stopAtLines && !this.skipping && this.carryLen === 0) {
        // At a line start: the bytes from here on are not taken.
        this.stopped = true;
        this.pushed -= n - start;
        return;
      }
      const lf = chunk.indexOf(LF, start);
      const end = lf < 0 ? n : lf;
      if (this.skipping) {
        this.skippedLen += end - start;
        if (lf < 0) return;
        this.sink.tooLong(this.lineNo, this.skippedLen, true);
        this.noTail();
        this.skipping = false;
        this.skippedLen = 0;
        start = lf + 1;
        continue;
      }
      if (lf < 0) {
        this.appendCarry(chunk, start, n);
        return;
      }
      // A complete line ends at `lf`.
      if (this.carryLen > 0) {
        const need = this.carryLen + (end - start);
        if (need > this.maxLineBytes) {
          this.beginLine();
          this.sink.tooLong(this.lineNo, need, true);
          this.noTail();
          this.carryLen = 0;
        } else {
          this.appendCarry(chunk, start, end);
          const bytes = this.carry!.subarray(0, this.carryLen);
          this.carryLen = 0;
          // Copied now: the carry is reused by a line that ends in a later chunk.
          this.tailStart = -1;
          if (isEmptyLine(bytes, 0, bytes.length)) this.countEmpty(bytes.length + 1);
          else {
            this.emptyAfterLines = this.emptyAfterBytes = 0;
            this.keepTail(bytes, 0, bytes.length, 1);
          }
          this.emit(bytes);
        }
      } else if (end - start > this.maxLineBytes) {
        this.beginLine();
        this.sink.tooLong(this.lineNo, end - start, true);
        this.noTail();
      } else {
        if (isEmptyLine(chunk, start, end)) this.countEmpty(lf + 1 - start);
        else {
          this.tailStart = start;
          this.tailEnd = lf + 1;
          this.emptyAfterLines = this.emptyAfterBytes = 0;
        }
        this.emit(chunk.subarray(start, end));
      }
      start = lf + 1;
    }
  }

  /**
   * Signals the end of input. `atFileEnd` false: the input is a byte range that stops before
   * the end of its file (a shard), so a trailing empty line is not the file's last line.
   */
  end(atFileEnd = true): void {
    if (!atFileEnd) {
      this.flushPendingEmpty();
      this.end();
      return;
    }
    if (this.skipping) {
      this.noTail();
      this.sink.tooLong(this.lineNo, this.skippedLen, false);
      this.skipping = false;
      this.pendingEmpty = 0;
      return;
    }
    if (this.carryLen > 0) {
      this.flushPendingEmpty();
      this.lineNo++;
      this.noTail();
      this.sink.torn(this.lineNo, this.carry!.subarray(0, this.carryLen));
      this.carryLen = 0;
    }
    // An empty line that turns out to be the last line is allowed (SPEC.md §2).
    this.pendingEmpty = 0;
  }

  /** True when no byte at all was pushed. */
  get empty(): boolean {
    return !this.sawAnyByte;
  }

  private emit(bytes: Buffer): void {
    this.flushPendingEmpty();
    this.lineNo++;
    // Empty, or empty as CRLF writes it (a lone CR): allowed as the very last line only.
    if (bytes.length === 0 || (bytes.length === 1 && bytes[0] === 0x0d)) {
      this.pendingEmpty = this.lineNo;
      return;
    }
    this.sink.line(bytes, this.lineNo);
  }

  /** The last line is not one a checkpoint can end at (too long, torn). */
  private noTail(): void {
    this.tailLen = -1;
    this.tailStart = -1;
    this.emptyAfterLines = this.emptyAfterBytes = 0;
  }

  private countEmpty(bytes: number): void {
    this.emptyAfterLines++;
    this.emptyAfterBytes += bytes;
  }

  /** Keeps bytes [start, end) of `from` as the last line, and `lf` LFs after them (0 or 1). */
  private keepTail(from: Buffer, start: number, end: number, lf: 0 | 1): void {
    const len = end - start + lf;
    if (this.tail === null || this.tail.length < len) this.tail = Buffer.allocUnsafe(Math.max(len, 1024));
    from.copy(this.tail, 0, start, end);
    if (lf === 1) this.tail[len - 1] = LF;
    this.tailLen = len;
  }

  /** Starts a line that will not go through emit (a too-long one). */
  private beginLine(): void {
    this.flushPendingEmpty();
    this.lineNo++;
  }

  private flushPendingEmpty(): void {
    if (this.pendingEmpty > 0) {
      this.sink.emptyLine(this.pendingEmpty);
      this.pendingEmpty = 0;
    }
  }

  private appendCarry(chunk: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len === 0) return;
    const need = this.carryLen + len;
    if (need > this.maxLineBytes) {
      // Too long: stop buffering, count the rest of the line instead.
      this.beginLine();
      this.skipping = true;
      this.skippedLen = need;
      this.carryLen = 0;
      return;
    }
    if (this.carry === null || this.carry.length < need) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxLineBytes, Math.max(need, (this.carry?.length ?? 0) * 2, 64 * 1024)));
      if (this.carry !== null) this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLen, start, end);
    this.carryLen = need;
  }
}

/** An empty line, or one empty as CRLF writes it (a lone CR): what `emit` takes for one. */
function isEmptyLine(b: Buffer, start: number, end: number): boolean {
  return end === start || (end - start === 1 && b[start] === 0x0d);
}
