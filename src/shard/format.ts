/**
 * The shard result format (`sel.shard/9`, docs/shards.md): a JSON header line, the shard's
 * units as blocks, a JSON trailer line. A block is one unit's result as `--jobs N` passes it
 * between threads (worker-protocol.ts: columns and UTF-8 text), so the merge turns it into
 * records with the code that applies units (src/verify/apply.ts), after checking every value a
 * hostile file could get wrong. Shared by the shard writer (shard.ts) and the merge
 * (merge.ts), which needs nothing of the line check.
 *
 *   block = "SELU" | u32 LE meta bytes | u32 LE column bytes | meta (JSON) | columns | LF
 *
 * meta: {file, lines, content, bytes, n, textBytes, chainNames, extra}; columns: exactly
 * resultLayout(n, textBytes) bytes, little-endian. (sel.shard/1 was a JSON row per line:
 * parsing the rows was most of the merge's time. sel.shard/2 had the same layout, but its
 * records were made by an older line check: a damaged line's capacity counted every "v"
 * member, a lone low surrogate passed, a lone CR was a bad line. A merge must apply records
 * the way this verifier makes them, so those results are refused, not merged. sel.shard/3 had
 * no window on a match that a review or exception granted, which the merge judges at the
 * chain's time: merged, they would pass a backdated use of an expired artifact, so they are
 * refused too. sel.shard/4 did not say where its logs are in the governance repository: a
 * merge run from another directory resolved their names elsewhere, found no committed log, and
 * passed a log whose history was rewritten, so those are refused as well. sel.shard/5 did not
 * say which build of sel wrote it: a merge applied records made by another line check or
 * evaluator as its own, so those are refused too. sel.shard/6 did not compare its part of a
 * log committed in the governance repository with the committed version: merged, a log sealed
 * again in the working copy passed, which one run reports (LEDGER_REWRITTEN); refused too.
 * sel.shard/7 did not say which committed logs of a named directory it did not find: merged, a
 * committed segment deleted from the working copy passed, which one run reports; refused too.
 * sel.shard/8 gave only the line where a file first differs from a committed version: the merge
 * named the commit at the ref, which for a log kept in Git LFS may be a pointer the file does
 * begin with, not the version it differs from; refused too.)
 */
import { isUtf8 } from 'node:buffer';
import { endianness } from 'node:os';
import { OperatorError } from '../errors.js';
import type { CommittedDifference } from '../git/append-only.js';
import type { Finding } from '../findings/finding.js';
import { CODES, type FindingCode } from '../findings/codes.js';
import { isDigestFormBytes } from '../canonical/digest.js';
import { isChainIdForm, isSelTimestampBytes } from '../schemas/formats.js';
import type { ReplayOutcome } from '../replay/replay.js';
import type { UnitColumns } from '../verify/apply.js';
import { KIND_EVENT_EXTRA, KIND_HOLE, KIND_MASK, LINKED, NO_TS, resultLayout, type ExtraEvent, type ExtraHole, type UnitResult } from '../verify/worker-protocol.js';

export const SHARD_VERSION = 'sel.shard/9';

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
  /** Entries of a named directory that are not logs read (a dangling link, a subdirectory): as a run reports them. */
  readonly skipped: readonly { readonly display: string; readonly reason: string }[];
  readonly options: { readonly maxLineBytes: number; readonly maxDepth: number };
  /** The sel that wrote the result: its version and build (src/version.ts, buildId; null: unknown). */
  readonly sel: { readonly version: string; readonly build: string | null };
  /**
   * With --repo: the ref and the commit it resolved to, and each file's path in the repository
   * (null: outside it), as the shard resolved it, for the merge's LEDGER_REWRITTEN.
   */
  readonly replay: { readonly ref: string; readonly commit: string; readonly paths: readonly (string | null)[] } | null;
  /**
   * Per file, with --repo: where this shard's part of it first differs from the log committed
   * at the replay's commit, which it must begin with (where the file ends, by the shard whose
   * part ends there, or shard 1 for an empty file): the line, and the commit of the version it
   * differs from (workingCopyDifference); null when it does not, or the file is not committed.
   * All null without --repo. The merge reports the first shard's.
   */
  readonly committed: readonly (CommittedDifference | null)[];
  /**
   * With --repo: the logs committed at the replay's commit in a directory of logs named on the
   * command line that the run did not read (deleted from the working copy), by the names a run
   * gives them; empty without --repo. The merge reports the first shard's.
   */
  readonly deleted: readonly string[];
}

/** The last line of a shard file: what was read, and a digest that proves the body whole. */
export interface ShardTrailer {
  /** Records in all blocks (one per line read). */
  readonly rows: number;
  /** SHA-256 of the header and body bytes (every byte before the trailer). */
  readonly digest: string;
  /** Per file: lines in this shard's part, and how many of them had content (for LOG_EMPTY). */
  readonly files: readonly { readonly lines: number; readonly content: number }[];
}

/** What opens every block. */
export const BLOCK_MAGIC = Buffer.from('SELU', 'latin1');
export const BLOCK_PREFIX_BYTES = 12;
/** A block's meta is a few hundred bytes plus its findings; more than this is not one sel wrote. */
export const MAX_BLOCK_META = 256 << 20;

/** A block's JSON part: what the unit is, and what does not fit the columns. */
export interface BlockMeta {
  /** The file, as an index into the header's files. */
  readonly file: number;
  readonly lines: number;
  readonly content: number;
  readonly bytes: number;
  readonly n: number;
  readonly textBytes: number;
  readonly chainNames: readonly string[];
  readonly extra: readonly (ExtraEvent | ExtraHole)[];
}

/** The columns are written and read as the machine lays out typed arrays. */
export function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new OperatorError(`${SHARD_VERSION} results are little-endian and this machine is not: run shards and merge on little-endian machines`);
}

/** A unit's result (`file`: its index in the header) as the parts of one block, in order. */
export function encodeBlock(file: number, r: UnitResult): Uint8Array[] {
  const n = r.kinds.length;
  const textBytes = r.text.byteLength;
  const meta: BlockMeta = { file, lines: r.lines, content: r.content, bytes: r.bytes, n, textBytes, chainNames: r.chainNames, extra: r.extra };
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const columns = new Uint8Array(r.mem, 0, resultLayout(n, textBytes).total);
  const prefix = Buffer.allocUnsafe(BLOCK_PREFIX_BYTES);
  BLOCK_MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(json.length, 4);
  prefix.writeUInt32LE(columns.length, 8);
  return [prefix, json, columns, LF];
}

const LF = Buffer.from('\n', 'latin1');

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** Deepest nesting accepted in a finding's expected, actual or detail (sel's are a few levels). */
const MAX_VALUE_DEPTH = 32;

/** A JSON value no deeper than MAX_VALUE_DEPTH: what renderers can print without recursing away. */
function isJsonValue(x: unknown, depth = 0): boolean {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return true;
  if (typeof x === 'number') return Number.isFinite(x);
  if (typeof x !== 'object' || depth >= MAX_VALUE_DEPTH) return false;
  return (Array.isArray(x) ? x : Object.values(x)).every((v) => isJsonValue(v, depth + 1));
}

const FINDING_KEYS = new Set(['code', 'severity', 'chain', 'seq', 'location', 'message', 'expected', 'actual', 'detail']);
const LOCATION_KEYS = new Set(['file', 'line', 'column']);

/**
 * A finding as sel makes them (findings/finding.ts), every member checked: renderers print
 * them into text, SARIF, JUnit and GitHub workflow commands, where a column that is not a
 * number, or a value nested deep enough to exhaust the stack, must never arrive.
 */
function isFinding(x: unknown): x is Finding {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const f = x as Record<string, unknown>;
  if (!Object.keys(f).every((k) => FINDING_KEYS.has(k))) return false;
  if (!isStr(f['code']) || !Object.hasOwn(CODES, f['code']) || f['severity'] !== CODES[f['code'] as FindingCode].severity) return false;
  if (!isStr(f['message']) || !(f['chain'] === null || isStr(f['chain'])) || !(f['seq'] === null || isInt(f['seq']))) return false;
  for (const k of ['expected', 'actual'] as const) if (f[k] !== undefined && !isJsonValue(f[k])) return false;
  const d = f['detail'];
  if (d !== undefined && (typeof d !== 'object' || d === null || Array.isArray(d) || !isJsonValue(d))) return false;
  const l = f['location'];
  if (l === null) return true;
  if (typeof l !== 'object' || l === undefined || Array.isArray(l)) return false;
  const loc = l as Record<string, unknown>;
  return Object.keys(loc).every((k) => LOCATION_KEYS.has(k)) && isStr(loc['file']) && isInt(loc['line']) && loc['line'] >= 1 &&
    (loc['column'] === undefined || (isInt(loc['column']) && loc['column'] >= 1));
}

const isFindings = (x: unknown): x is Finding[] => Array.isArray(x) && x.every(isFinding);

/** A path in a Git tree as repoPathOf makes it: relative, "/"-separated, no empty, "." or ".." segment. */
const isGitPath = (p: unknown): boolean => typeof p === 'string' && p.split('/').every((x) => x !== '' && x !== '.' && x !== '..') && !/[\0\n\r]/.test(p);

/** A commit's full object id (SHA-1 or SHA-256), never a rev git would resolve, nor an option. */
const isObjectId = (x: unknown): boolean => typeof x === 'string' && /^[0-9a-f]{40,64}$/.test(x);

/**
 * A header of the right shape (the merge then checks the shards agree). The skipped entries and
 * the replay have no other member: the merge compares them whole (JSON.stringify), and a value
 * nested deep enough in a member no check reads overflowed the stack, an internal error where a
 * damaged result is refused in one sentence (found by mutation testing).
 */
export function isHeader(x: unknown): x is ShardHeader {
  const h = x as ShardHeader;
  return isInt(h.shard) && isInt(h.of) && h.shard >= 0 && h.shard < h.of &&
    Array.isArray(h.files) && h.files.every((f) => typeof f?.display === 'string' && [f.size, f.start, f.end].every((n) => isInt(n) && n >= 0) && f.start <= f.end && f.end <= f.size) &&
    Array.isArray(h.skipped) && h.skipped.every((s) => isObject(s) && hasOnly(s, ['display', 'reason']) && typeof s.display === 'string' && typeof s.reason === 'string') &&
    typeof h.options?.maxLineBytes === 'number' && typeof h.options?.maxDepth === 'number' &&
    typeof h.sel?.version === 'string' && (h.sel.build === null || typeof h.sel.build === 'string') &&
    (h.replay === null || (isObject(h.replay) && hasOnly(h.replay, ['ref', 'commit', 'paths']) && typeof h.replay.ref === 'string' && isObjectId(h.replay.commit) &&
      Array.isArray(h.replay.paths) && h.replay.paths.length === h.files.length && h.replay.paths.every((p) => p === null || isGitPath(p)))) &&
    Array.isArray(h.committed) && h.committed.length === h.files.length &&
    h.committed.every((d) => d === null || (h.replay !== null && isObject(d) && hasOnly(d, ['line', 'commit']) && isInt(d.line) && d.line >= 1 && isObjectId(d.commit))) &&
    Array.isArray(h.deleted) && h.deleted.every((d) => typeof d === 'string') && (h.replay !== null || h.deleted.length === 0);
}

/** A trailer of the right shape for a header of `files` files. */
export function isTrailer(x: unknown, files: number): x is ShardTrailer {
  const t = x as ShardTrailer;
  return Array.isArray(t.files) && t.files.length === files && t.files.every((c) => isInt(c?.lines) && isInt(c?.content)) && isInt(t.rows) && typeof t.digest === 'string';
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const hasOnly = (o: Record<string, unknown>, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));

function isDecision(x: unknown): boolean {
  return isObject(x) && hasOnly(x, ['action', 'rule', 'severity']) && isStr(x['action']) && (x['rule'] === null || isStr(x['rule'])) && isStr(x['severity']);
}

/** [from, until) of an artifact: two times, as the ledger's schemas have them. */
function isWindow(x: unknown, keys: readonly string[]): x is Record<string, unknown> {
  return isObject(x) && hasOnly(x, keys) && isStr(x['ref']) && isStr(x['from']) && isStr(x['until']);
}

/** A match's `relied` (replay.ts): what the main thread judges at the chain's time. */
function isRelied(x: unknown): boolean {
  if (!isObject(x) || !hasOnly(x, ['decision', 'artifacts']) || !isDecision(x['decision'])) return false;
  const a = x['artifacts'];
  return Array.isArray(a) && a.length > 0 && a.length <= 2 && a.every((w) =>
    isWindow(w, ['kind', 'ref', 'from', 'until', 'review', 'without']) && (w['kind'] === 'review' || w['kind'] === 'exception') && isDecision(w['without']) &&
    (w['kind'] === 'exception' ? isWindow(w['review'], ['ref', 'from', 'until']) : w['review'] === undefined));
}

/** An outcome that crosses in `extra`: a finding, or a match that relied on a review or exception (the others are codes). */
function isOutcome(x: unknown): x is ReplayOutcome {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (o['type'] === 'matched') return hasOnly(o, ['type', 'relied']) && isRelied(o['relied']);
  return o['type'] === 'finding' && isFinding(o['finding']) && (o['counted'] === 'diverged' || o['counted'] === 'unverifiable') && typeof o['replayed'] === 'boolean';
}

function isHole(x: unknown): x is ExtraHole {
  if (typeof x !== 'object' || x === null) return false;
  const h = x as Record<string, unknown>;
  return (h['chain'] === null || (isStr(h['chain']) && isChainIdForm(h['chain']))) && Array.isArray(h['hashes']) && h['hashes'].every(isStr) &&
    isInt(h['capacity']) && h['capacity'] >= 0 && isFindings(h['findings']);
}

function isExtraEvent(x: unknown): x is ExtraEvent {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  // A shard keeps no parsed events and makes no notes; a replay outcome here is a finding or a
  // match that relied on a review or exception (the others are codes).
  return isFindings(e['findings']) && e['event'] === null && e['note'] === undefined && (e['replay'] === undefined || isOutcome(e['replay']));
}

/** Checks a block's meta; `files` is the header's file count. */
export function isBlockMeta(x: unknown, files: number): x is BlockMeta {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  const counts = ['lines', 'content', 'bytes', 'n', 'textBytes'].every((k) => isInt(m[k]) && (m[k] as number) >= 0);
  return counts && isInt(m['file']) && m['file'] >= 0 && m['file'] < files && (m['n'] as number) <= (m['lines'] as number) &&
    (m['content'] as number) <= (m['lines'] as number) && Array.isArray(m['chainNames']) && m['chainNames'].every((c) => isStr(c) && isChainIdForm(c)) && Array.isArray(m['extra']);
}

/**
 * The block's columns over `mem` (resultLayout(meta.n, meta.textBytes).total bytes), checked
 * so that applying them cannot fail or misplace a record: every kind and flag known, lines
 * increasing within the unit, chains named, seqs integers, text lengths that add up and cut
 * the text only between characters, each hash and prev_hash a digest, each ts a timestamp,
 * one `extra` per record that needs one, of its shape.
 * Null when any of it does not hold.
 */
export function blockColumns(meta: BlockMeta, mem: ArrayBuffer): UnitColumns | null {
  const { n, textBytes } = meta;
  const at = resultLayout(n, textBytes);
  const seqs = new Float64Array(mem, at.seqs, n);
  const lineNos = new Int32Array(mem, at.lineNos, n);
  const chainIdx = new Int32Array(mem, at.chainIdx, n);
  const lens = new Int32Array(mem, at.lens, 3 * n);
  const kinds = new Uint8Array(mem, at.kinds, n);
  const replay = new Uint8Array(mem, at.replay, n);
  const text = new Uint8Array(mem, at.text, textBytes);
  const chains = meta.chainNames.length;
  const seen = new Uint8Array(chains);
  const extra = meta.extra;
  let line = 0;
  let t = 0;
  let e = 0;
  const boundary = (p: number): boolean => p >= textBytes || (text[p]! & 0xc0) !== 0x80;
  for (let i = 0; i < n; i++) {
    if (!(lineNos[i]! > line && lineNos[i]! <= meta.lines)) return null;
    line = lineNos[i]!;
    const kind = kinds[i]!;
    const base = kind & KIND_MASK;
    const flags = kind & ~KIND_MASK;
    if (replay[i]! > 2) return null;
    if (base === KIND_HOLE) {
      const blank = chainIdx[i] === -1 && seqs[i] === 0 && lens[3 * i] === 0 && lens[3 * i + 1] === 0 && lens[3 * i + 2] === 0;
      if (flags !== 0 || replay[i] !== 0 || !blank || !isHole(extra[e++])) return null;
      continue;
    }
    if (base !== KIND_EVENT_EXTRA && base !== 0) return null;
    if ((flags & ~(LINKED | NO_TS)) !== 0) return null;
    const c = chainIdx[i]!;
    // An event takes a place only with a seq >= 0 and a chain id (the envelope schema's).
    if (!(c >= 0 && c < chains) || !Number.isSafeInteger(seqs[i]!) || seqs[i]! < 0) return null;
    const [h, p, s] = [lens[3 * i]!, lens[3 * i + 1]!, lens[3 * i + 2]!];
    if (h < 0 || p < 0 || s < 0) return null;
    if ((flags & LINKED) !== 0 && (p !== 0 || seen[c] === 0)) return null;
    if ((flags & NO_TS) !== 0 && s !== 0) return null;
    seen[c] = 1;
    if (t + h + p + s > textBytes || !boundary(t + h) || !boundary(t + h + p) || !boundary(t + h + p + s)) return null;
    // The hash and an unlinked prev_hash are digests, as the line check places only events whose
    // are (checkDigest): renderers print them as they are.
    if (!isDigestFormBytes(text, t, h) || ((flags & LINKED) === 0 && !isDigestFormBytes(text, t + h, p))) return null;
    // A ts is one the line check keeps (isSelTimestamp): renderers print it as it is.
    if ((flags & NO_TS) === 0 && (s !== 24 || !isSelTimestampBytes(text, t + h + p))) return null;
    t += h + p + s;
    if (base === KIND_EVENT_EXTRA) {
      const x = extra[e++];
      if (!isExtraEvent(x) || (x.replay !== undefined && replay[i] !== 0)) return null;
    }
  }
  if (e !== extra.length || t !== textBytes || !isUtf8(text)) return null;
  return { seqs, lineNos, chainIdx, lens, kinds, replay, text, chainNames: meta.chainNames, extra };
}
