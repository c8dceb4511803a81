/**
 * Verification past one machine (issue 6): `sel verify LOG... --shard I/N --shard-out FILE`
 * checks the lines that start in one Nth of the log set's bytes (cut on line boundaries) and
 * writes their records; `sel merge FILE...` runs the chain check over all shards' records in
 * order and reports exactly what one run would have, faults that straddle a boundary
 * included. The expensive per-line work (parse, canonical form, hashes, schema, replay
 * evaluation) is what is spread; the stitch is a linear pass over small records.
 *
 * A shard file (`sel.shard/1`, docs/shards.md) is JSON lines: a header, one row per log line,
 * and a trailer:
 *   {"v":"sel.shard/1", ...}                                              the header
 *   ["e", file, line, chain, seq, prevHash, hash, ts, findings, replay]   an event
 *   ["h", file, line, chain, hashes, capacity, findings]                  a hole
 *   ["end", {"rows", "digest", "files"}]                                  the trailer
 * `line` counts from 1 within the shard's part of the file; the merge adds the lines of the
 * file that earlier shards read. Line numbers in findings are fixed up the same way. The
 * trailer's digest covers every byte before it, so a truncated or damaged result is refused.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { checkLine } from '../envelope/check.js';
import type { EventRecord, LineRef } from '../envelope/types.js';
import { OperatorError, describeIoError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import { CODES, type FindingCode } from '../findings/codes.js';
import { LineSplitter } from '../ingest/lines.js';
import { nextLineStartSync } from '../ingest/range.js';
import { orderSources, resolveSources, type LogSource } from '../ingest/sources.js';
import { replayEvent, type ReplayOutcome } from '../replay/replay.js';
import type { PolicyIndex } from '../git/history.js';
import type { Ledger } from '../policy/ledger.js';
import { emptyLineHole, tooLongHole, tornHole, DEFAULT_VERIFY_OPTIONS, type VerifyOptions } from '../verify/verifier.js';

export const SHARD_VERSION = 'sel.shard/1';

export interface ShardFile {
  readonly display: string;
  readonly size: number;
  /** The part of the file this shard read: [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface ShardHeader {
  readonly v: typeof SHARD_VERSION;
  readonly shard: number;
  readonly of: number;
  /** Every source of the run, in order (all shards agree on it), with this shard's part. */
  readonly files: readonly ShardFile[];
  readonly options: { readonly maxLineBytes: number; readonly maxDepth: number };
  readonly replay: { readonly ref: string; readonly commit: string } | null;
}

/** The last line of a shard file: what was read, and a digest that proves the body whole. */
export interface ShardTrailer {
  readonly rows: number;
  /** SHA-256 of the header and body bytes (every byte before the trailer). */
  readonly digest: string;
  /** Per file: lines in this shard's part, and how many of them had content (for LOG_EMPTY). */
  readonly files: readonly { readonly lines: number; readonly content: number }[];
}

/** Parses "I/N" (1-based I). */
export function parseShard(text: string): { index: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m === null ? NaN : Number(m[1]);
  const of = m === null ? NaN : Number(m[2]);
  if (!(of >= 1 && of <= 100_000 && index >= 1 && index <= of)) throw new OperatorError(`--shard ${text} is not I/N with 1 <= I <= N`);
  return { index: index - 1, of };
}

/**
 * The first byte after the line containing byte `p` (the next line start), or `size`. A file
 * that cannot be read that far is cut at `size`: reading the part then reports it.
 */
function nextLineStart(fh: FileHandle, p: number, size: number, scratch: Buffer): number {
  const at = nextLineStartSync(fh.fd, p, size, scratch);
  return typeof at === 'number' ? at : size;
}

/** Buffered, digesting writer of a shard file. */
class ShardWriter {
  private chunks: string[] = [];
  private pending = 0;
  private readonly hash = createHash('sha256');
  rows = 0;
  constructor(private readonly fh: FileHandle) {}
  line(text: string): void {
    this.chunks.push(text, '\n');
    this.pending += text.length;
  }
  row(value: unknown): void {
    this.rows++;
    this.line(JSON.stringify(value));
  }
  async flush(force = false): Promise<void> {
    if (this.chunks.length === 0 || (!force && this.pending < 1 << 20)) return;
    const data = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.hash.update(data);
    await this.fh.write(data);
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/**
 * Checks the lines of one shard and writes its result to `out`. Lines belong to the shard in
 * whose byte range they start; the boundaries of shard k and k+1 are found the same way by
 * both, so every line is checked exactly once. The result is written as it is made (memory
 * stays flat), to a temporary name renamed into place at the end, so a shard that fails
 * leaves no file a merge could mistake for a result.
 */
export async function runShard(
  logs: readonly string[],
  index: number,
  of: number,
  out: string,
  opts: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
  replay: { index: PolicyIndex; ledger: Ledger; ref: string; commit: string } | null = null,
): Promise<{ header: ShardHeader; trailer: ShardTrailer }> {
  const { sources } = await resolveSources(logs);
  if (sources.some((s) => !s.regular || s.path === null)) throw new OperatorError('--shard needs regular files: a stream cannot be split by bytes');
  const ordered: LogSource[] = await orderSources(sources, opts.maxLineBytes);
  const sizes = await Promise.all(ordered.map(async (s) => (await stat(s.path!)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const from = Math.floor((index * total) / of);
  const to = Math.floor(((index + 1) * total) / of);
  // Where this shard's part of each file starts and ends.
  const files: ShardFile[] = [];
  const scratch = Buffer.allocUnsafe(1 << 20);
  let base = 0;
  for (let f = 0; f < ordered.length; f++) {
    const s = ordered[f]!;
    const size = sizes[f]!;
    const lo = Math.max(0, from - base);
    const hi = Math.min(size, to - base);
    base += size;
    let start = size;
    let end = size;
    if (lo < hi) {
      const fh = await open(s.path!, 'r');
      try {
        start = lo === 0 ? 0 : nextLineStart(fh, lo - 1, size, scratch);
        end = hi >= size ? size : nextLineStart(fh, hi - 1, size, scratch);
      } finally {
        await fh.close();
      }
    }
    files.push({ display: s.display, size, start, end });
  }
  const header: ShardHeader = {
    v: SHARD_VERSION,
    shard: index,
    of,
    files,
    options: { maxLineBytes: opts.maxLineBytes, maxDepth: opts.maxDepth },
    replay: replay === null ? null : { ref: replay.ref, commit: replay.commit },
  };
  const temp = `${out}.partial`;
  let outFh: FileHandle;
  try {
    outFh = await open(temp, 'w');
  } catch (e) {
    throw new OperatorError(`cannot write the shard result ${out}: ${describeIoError(e)}`);
  }
  const w = new ShardWriter(outFh);
  const counts: { lines: number; content: number }[] = [];
  try {
    w.line(JSON.stringify(header));
    const check = { maxDepth: opts.maxDepth, keepEvent: replay !== null };
    for (let f = 0; f < ordered.length; f++) {
      const s = ordered[f]!;
      const { start, end, size } = files[f]!;
      let lines = 0;
      let content = 0;
      if (start < end) {
        const fh = await open(s.path!, 'r');
        try {
          const emit = (rec: EventRecord) => w.row(encode(rec, f, replay === null ? null : rec.kind === 'event' ? replayEvent(rec, replay) : null));
          const ref = (line: number): LineRef => ({ file: s.display, line, ordinal: 0 });
          const splitter = new LineSplitter({
            line: (bytes, lineNo) => {
              content++;
              emit(checkLine(bytes, ref(lineNo), check));
            },
            emptyLine: (lineNo) => emit(emptyLineHole(ref(lineNo))),
            tooLong: (lineNo, length) => {
              content++;
              emit(tooLongHole(ref(lineNo), length, opts.maxLineBytes));
            },
            torn: (lineNo, bytes) => {
              content++;
              emit(tornHole(ref(lineNo), bytes.length));
            },
          }, opts.maxLineBytes);
          const buf = Buffer.allocUnsafe(1 << 20);
          for (let at = start; at < end;) {
            const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - at), at);
            if (bytesRead === 0) throw new OperatorError(`${s.display} changed while it was read (it is shorter than ${end} bytes)`);
            splitter.push(buf.subarray(0, bytesRead));
            at += bytesRead;
            await w.flush();
          }
          splitter.end(end >= size);
          lines = splitter.lines;
        } finally {
          await fh.close();
        }
      }
      counts.push({ lines, content });
    }
    await w.flush(true);
    const trailer: ShardTrailer = { rows: w.rows, digest: w.digest(), files: counts };
    await outFh.write(`${JSON.stringify(['end', trailer])}\n`);
    await outFh.close();
    await rename(temp, out);
    return { header, trailer };
  } catch (e) {
    await outFh.close().catch(() => undefined);
    await rm(temp, { force: true });
    if (e instanceof OperatorError) throw e;
    throw new OperatorError(`cannot write the shard result ${out}: ${describeIoError(e)}`);
  }
}

export type Encoded =
  | ['e', number, number, string, number, string, string, string | null, Finding[] | 0, ReplayOutcome | 0]
  | ['h', number, number, string | null, readonly string[], number, Finding[]];

function encode(rec: EventRecord, file: number, replay: ReplayOutcome | null): Encoded {
  if (rec.kind === 'hole') return ['h', file, rec.ref.line, rec.chain, rec.hashes, rec.capacity, [...rec.findings]];
  return ['e', file, rec.ref.line, rec.chain, rec.seq, rec.prevHash, rec.hash, rec.ts, rec.findings.length === 0 ? 0 : [...rec.findings], replay ?? 0];
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

function isFinding(x: unknown): x is Finding {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const f = x as Record<string, unknown>;
  if (!isStr(f['code']) || !Object.hasOwn(CODES, f['code']) || f['severity'] !== CODES[f['code'] as FindingCode].severity) return false;
  if (!isStr(f['message']) || !(f['chain'] === null || isStr(f['chain'])) || !(f['seq'] === null || isInt(f['seq']))) return false;
  const l = f['location'];
  return l === null || (typeof l === 'object' && l !== null && isStr((l as Record<string, unknown>)['file']) && isInt((l as Record<string, unknown>)['line']));
}

const isFindings = (x: unknown): x is Finding[] => Array.isArray(x) && x.every(isFinding);

function isOutcome(x: unknown): x is ReplayOutcome {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (o['type'] === 'skipped' || o['type'] === 'matched') return true;
  return o['type'] === 'finding' && isFinding(o['finding']) && (o['counted'] === 'diverged' || o['counted'] === 'unverifiable') && typeof o['replayed'] === 'boolean';
}

/** Checks a body row's shape; a result that is not what `sel verify --shard` writes is refused. */
export function isRow(row: unknown, files: number): row is Encoded {
  if (!Array.isArray(row) || !isInt(row[1]) || row[1] < 0 || row[1] >= files || !isInt(row[2]) || row[2] < 1) return false;
  if (row[0] === 'h') {
    return row.length === 7 && (row[3] === null || isStr(row[3])) && Array.isArray(row[4]) && row[4].every(isStr) && isInt(row[5]) && row[5] >= 0 && isFindings(row[6]);
  }
  return row[0] === 'e' && row.length === 10 && isStr(row[3]) && isInt(row[4]) && isStr(row[5]) && isStr(row[6]) && (row[7] === null || isStr(row[7])) &&
    (row[8] === 0 || isFindings(row[8])) && (row[9] === 0 || isOutcome(row[9]));
}

/** Decodes a checked body row into a record, with its ref and its findings' lines fixed up. */
export function decode(row: Encoded, ref: LineRef, fixLine: (f: Finding) => Finding): EventRecord {
  if (row[0] === 'h') {
    return { kind: 'hole', ref, chain: row[3], hashes: row[4], capacity: row[5], findings: row[6].map(fixLine) };
  }
  const replay = row[9] === 0 ? undefined : row[9];
  const fixedReplay = replay !== undefined && replay.type === 'finding' ? { ...replay, finding: fixLine(replay.finding) } : replay;
  return {
    kind: 'event',
    ref,
    chain: row[3],
    seq: row[4],
    prevHash: row[5],
    hash: row[6],
    ts: row[7],
    findings: row[8] === 0 ? [] : row[8].map(fixLine),
    event: null,
    ...(fixedReplay === undefined ? {} : { replay: fixedReplay }),
  };
}
