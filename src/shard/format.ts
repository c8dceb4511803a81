/**
 * The shard result format (`sel.shard/1`, docs/shards.md): header, rows and trailer, and the
 * codec of a row. Shared by the shard writer (shard.ts) and the merge (merge.ts), which needs
 * nothing of the line check.
 */
import type { EventRecord, LineRef } from '../envelope/types.js';
import type { Finding } from '../findings/finding.js';
import { CODES, type FindingCode } from '../findings/codes.js';
import type { ReplayOutcome } from '../replay/replay.js';

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

export type Encoded =
  | ['e', number, number, string, number, string, string, string | null, Finding[] | 0, ReplayOutcome | 0]
  | ['h', number, number, string | null, readonly string[], number, Finding[]];

export function encode(rec: EventRecord, file: number, replay: ReplayOutcome | null): Encoded {
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
