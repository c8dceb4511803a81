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
export declare class LineSplitter {
    private readonly sink;
    private readonly maxLineBytes;
    private carry;
    private carryLen;
    private skipping;
    private skippedLen;
    private lineNo;
    /** Line number of an empty line seen but not yet known to be the last one. */
    private pendingEmpty;
    private sawAnyByte;
    constructor(sink: LineSink, maxLineBytes: number);
    /** Number of lines started so far (including a torn or empty last one). */
    get lines(): number;
    push(chunk: Buffer): void;
    /** Signals the end of input. */
    end(): void;
    /** True when no byte at all was pushed. */
    get empty(): boolean;
    private emit;
    /** Starts a line that will not go through emit (a too-long one). */
    private beginLine;
    private flushPendingEmpty;
    private appendCarry;
}
