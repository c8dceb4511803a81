/**
 * --jobs and shards + merge against one thread on heavily disordered logs. The single-mutation
 * fuzz (units.ts, shards.ts) changes a valid log once; here several chains are interleaved and
 * then many things happen at once: events moved within and beyond the reorder window, runs
 * reversed (nested moves and reversals), deletions next to displaced events, duplicates, forged
 * rivals (same seq, another content, sealed on the real predecessor, alone or with a branch)
 * read before or after the real event, damaged and unreadable lines; the log is then cut into
 * rotated files given in any order, or as a directory. One thread (with --reorder-window 1, 2,
 * 3 or 64) is the reference: --jobs 2 or 3 in small units, and 1 to 6 shards merged, must give
 * the same result and the same JSON report. And the one thread says nothing only of a log
 * whose every chain is still a chain (benign()), and nothing of one that is. Shared by the test
 * suite (few cases) and `npm run fuzz` (many). Real files and real worker threads (the built
 * dist/ worker).
 */
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { mergeShards } from '../../src/shard/merge.js';
import { runShard } from '../../src/shard/shard.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { chainLines } from '../helpers/chains.js';

/** Counts what the property compared, for the long run's report. */
export const disorderStats = { logs: 0, findings: 0, shards: 0 };

const CHAINS = ['a', 'b', 'c'] as const;
const MAX_PER_CHAIN = 300;
const REAL = new Map<string, string[]>(CHAINS.map((c) => [c, chainLines(MAX_PER_CHAIN, c)]));

/** What one step does to the log's lines (indices taken modulo the current length). */
export type Step =
  | { op: 'move'; from: number; to: number }
  | { op: 'near'; from: number; by: number }
  | { op: 'reverse'; at: number; len: number }
  | { op: 'delete'; at: number; len: number }
  | { op: 'dup'; at: number; to: number }
  | { op: 'copy'; at: number; len: number; to: number }
  | { op: 'forge'; at: number; len: number; to: number }
  | { op: 'damage'; at: number }
  | { op: 'junk'; to: number; json: boolean }
  | { op: 'join'; at: number }
  | { op: 'torn'; at: number; keep: number }
  | { op: 'reseal'; at: number }
  | { op: 'crlf'; at: number }
  | { op: 'blank'; to: number };

export interface Disorder {
  /** Events per chain (0: the chain is absent). */
  readonly sizes: readonly number[];
  /**
   * The interleaving: each draw takes a run of so many events from one chain (modulo the chains
   * present), then the next; long runs put a chain's next event past a file's first 64 lines.
   */
  readonly weave: readonly (readonly [number, number])[];
  readonly steps: readonly Step[];
  /** Line indices (modulo) where rotated files are cut. */
  readonly cuts: readonly number[];
  /**
   * How the files are named on the command line: in log order, reversed, shuffled by `seed`,
   * their directory, the directory and its last file again, or the directory with a hard link
   * to its first file in it (another file: its events read twice).
   */
  readonly naming: 'inOrder' | 'reversed' | 'shuffled' | 'dir' | 'dirAndFile' | 'hardLink';
  readonly seed: number;
  readonly window: number;
  /** The last file in log order ends without a line feed. */
  readonly unterminated: boolean;
  /** Below an event's size (~650 bytes), some lines are LINE_TOO_LONG. */
  readonly maxLineBytes: number;
  readonly maxFindings: number;
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('near' as const), from: fc.nat(), by: fc.integer({ min: -6, max: 6 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('reverse' as const), at: fc.nat(), len: fc.integer({ min: 2, max: 80 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('dup' as const), at: fc.nat(), to: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('copy' as const), at: fc.nat(), len: fc.integer({ min: 2, max: 40 }), to: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('forge' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 3 }), to: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('damage' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('junk' as const), to: fc.nat(), json: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('join' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('torn' as const), at: fc.nat(), keep: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('reseal' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('crlf' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('blank' as const), to: fc.nat() }), weight: 1 },
);

export const steps = fc.array(step, { maxLength: 14 });

export const disorder: fc.Arbitrary<Disorder> = fc.record({
  // Now and then a chain longer than the 256 accepted events remembered (a copy or rival past them).
  sizes: fc.tuple(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 90 }), weight: 9 }, { arbitrary: fc.integer({ min: 250, max: MAX_PER_CHAIN }), weight: 1 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 25 })),
  weave: fc.array(fc.tuple(fc.nat({ max: 5 }), fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 90 }), weight: 1 })), { maxLength: 100 }),
  steps,
  cuts: fc.array(fc.nat(), { maxLength: 3 }),
  naming: fc.constantFrom('inOrder' as const, 'reversed' as const, 'shuffled' as const, 'dir' as const, 'dirAndFile' as const, 'hardLink' as const),
  seed: fc.nat(),
  window: fc.constantFrom(1, 2, 3, 64),
  unterminated: fc.boolean(),
  maxLineBytes: fc.constantFrom(DEFAULT_VERIFY_OPTIONS.maxLineBytes, DEFAULT_VERIFY_OPTIONS.maxLineBytes, 655),
  maxFindings: fc.constantFrom(DEFAULT_VERIFY_OPTIONS.maxFindings, 0, 3),
});

/** Every line forge() made: sealed events, which continue a chain as well as its real ones. */
const FORGED = new Set<string>();

/**
 * A rival of `line` (same chain, seq and prev_hash, another request), sealed, and `len - 1`
 * events after it on its branch: the real event's body otherwise, so replay judges it too. The
 * same line and length give the same rival (fast-check replays a counterexample to shrink it).
 */
function forge(line: string, len: number): string[] {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  const { v: _v, chain, seq, prev_hash: prev, request_fingerprint: _f, hash: _h, ...body } = e;
  if (typeof chain !== 'string' || typeof seq !== 'number' || typeof prev !== 'string' || !('request' in body)) return [];
  const out: string[] = [];
  try {
    const w = seq === 0 ? new ChainWriter(chain) : new ChainWriter(chain, { lastSeq: seq - 1, lastHash: prev });
    for (let i = 0; i < len; i++) out.push(w.append({ ...body, request: { forged: len, n: i, was: body['request'] } } as unknown as EventInput).line);
  } catch {
    // Not an event the producer can seal again (a damaged one): what was made so far.
  }
  for (const l of out) FORGED.add(l);
  return out;
}

/** The log's lines, after interleaving and every step. */
export function disorderedLines(d: Disorder): string[] {
  const queues = d.sizes.map((n, i) => REAL.get(CHAINS[i]!)!.slice(0, n)).filter((q) => q.length > 0);
  const lines: string[] = [];
  let w = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const [which, run] = d.weave[w++ % Math.max(1, d.weave.length)] ?? [0, 1];
    lines.push(...live[which % live.length]!.splice(0, run));
  }
  return applySteps(lines, d.steps);
}

/** `lines` after every step, in place. */
export function applySteps(lines: string[], steps: readonly Step[]): string[] {
  for (const s of steps) {
    const n = lines.length;
    if (n === 0) break;
    switch (s.op) {
      case 'move': {
        const [x] = lines.splice(s.from % n, 1);
        lines.splice(s.to % n, 0, x!);
        break;
      }
      case 'near': {
        const from = s.from % n;
        const [x] = lines.splice(from, 1);
        lines.splice(Math.max(0, Math.min(n - 1, from + s.by)), 0, x!);
        break;
      }
      case 'reverse': {
        const at = s.at % n;
        lines.splice(at, s.len, ...lines.slice(at, at + s.len).reverse());
        break;
      }
      case 'delete':
        if (n > 1) lines.splice(s.at % n, Math.min(s.len, n - 1));
        break;
      case 'dup':
        lines.splice(s.to % (n + 1), 0, lines[s.at % n]!);
        break;
      // A run of lines read again elsewhere.
      case 'copy':
        lines.splice(s.to % (n + 1), 0, ...lines.slice(s.at % n, (s.at % n) + s.len));
        break;
      case 'forge':
        lines.splice(s.to % (n + 1), 0, ...forge(lines[s.at % n]!, s.len));
        break;
      case 'damage':
        lines[s.at % n] = lines[s.at % n]!.replace('"action":"', '"action":"x');
        break;
      case 'junk':
        lines.splice(s.to % (n + 1), 0, s.json ? '{"not":"an event"}' : '{"not": json');
        break;
      // Line feeds lost: one line holds two events (or more, after several joins).
      case 'join':
        if (n > 1) lines.splice(s.at % (n - 1), 2, lines[s.at % (n - 1)]! + lines[(s.at % (n - 1)) + 1]!);
        break;
      case 'torn': {
        const l = lines[s.at % n]!;
        lines[s.at % n] = l.slice(0, s.keep % Math.max(1, l.length));
        break;
      }
      // Rewritten and sealed again in place: its successor's prev_hash no longer names it.
      case 'reseal': {
        const [x] = forge(lines[s.at % n]!, 1);
        if (x !== undefined) lines[s.at % n] = x;
        break;
      }
      case 'crlf':
        lines[s.at % n] += '\r';
        break;
      case 'blank':
        lines.splice(s.to % (n + 1), 0, '');
        break;
    }
  }
  return lines;
}

const REAL_LINES = new Set([...REAL.values()].flat());

/**
 * Whether the files hold a log no check may fault: in every file, only sealed events and at
 * least one (one empty last line allowed; the last file's last line not torn), each chain from seq 0 in order
 * with none left out, each event linked to the one before it. Its last events may be missing,
 * or replaced by forged ones that link (a branch at the chain's end): only anchors show that.
 * (Open when written: a chain that begins no file, among one file's first 64 lines and only
 * past another's, can misorder rotated files, a false SEQ_REORDER; about 1 log in 10 000 of
 * the generator without steps.)
 */
export function benign(parts: readonly (readonly string[])[], unterminated: boolean): boolean {
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const [i, part] of parts.entries()) {
    const lines = [...part];
    if (unterminated && i === parts.length - 1) {
      // Written without its last LF: a last line with content is torn; an empty one is no line.
      if (lines.length > 0 && lines[lines.length - 1] !== '') return false;
      lines.pop();
    }
    // One empty last line is allowed, and so is a lone CR, an empty line as CRLF writes it (src/ingest/lines.ts).
    if (lines.length > 0 && (lines[lines.length - 1] === '' || lines[lines.length - 1] === '\r')) lines.pop();
    if (lines.length === 0) return false; // LOG_EMPTY
    for (const l of lines) {
      if (!REAL_LINES.has(l) && !FORGED.has(l)) return false;
      const e = JSON.parse(l) as { chain: string; seq: number; prev_hash: string; hash: string };
      const head = heads.get(e.chain);
      if (head === undefined ? e.seq !== 0 : e.seq !== head.seq + 1 || e.prev_hash !== head.hash) return false;
      heads.set(e.chain, { seq: e.seq, hash: e.hash });
    }
  }
  return true;
}

/** The log's lines cut into its rotated files, in log order. */
export function disorderParts(d: Disorder): string[][] {
  const lines = disorderedLines(d);
  const at = [...new Set(d.cuts.map((c) => (lines.length === 0 ? 0 : c % lines.length)))].filter((c) => c > 0).sort((x, y) => x - y);
  const parts: string[][] = [];
  let from = 0;
  for (const c of [...at, lines.length]) {
    parts.push(lines.slice(from, c));
    from = c;
  }
  return parts;
}

/** Writes the log as rotated files in `dir`; returns the arguments naming them. */
export function writeDisorder(d: Disorder, dir: string): string[] {
  const parts = disorderParts(d);
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  // Names that sort against the log's order: the last part gets the first name.
  const files = parts.map((p, i) => {
    const f = join(logs, `seg-${String(parts.length - i).padStart(2, '0')}.jsonl`);
    writeFileSync(f, p.length === 0 ? '' : `${p.join('\n')}${d.unterminated && i === parts.length - 1 ? '' : '\n'}`);
    return f;
  });
  switch (d.naming) {
    case 'inOrder': return files;
    case 'reversed': return [...files].reverse();
    case 'dir': return [logs];
    case 'dirAndFile': return [logs, files[files.length - 1]!];
    case 'hardLink':
      linkSync(files[0]!, join(logs, 'seg-linked.jsonl'));
      return [logs];
    case 'shuffled': {
      const out = [...files];
      let s = d.seed;
      for (let i = out.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        const j = s % (i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
  }
}

const NOT_REPLAYED = { performed: false, reason: 'no --repo given' } as const;

/**
 * The property: one thread's result against --jobs 2 or 3 (small units, with or without the
 * main thread's share) and against `of` shards merged, each in small units on 1 or 2 threads.
 */
export function disorderAgrees(dir: string) {
  let n = 0;
  return fc.asyncProperty(
    disorder,
    fc.integer({ min: 200, max: 3000 }),
    fc.constantFrom(2, 3),
    fc.boolean(),
    fc.integer({ min: 1, max: 6 }),
    fc.constantFrom(1, 2),
    async (d, unitBytes, jobs, mainThreadUnits, of, shardJobs) => {
      const run = join(dir, `disorder-${n++}`);
      mkdirSync(run);
      try {
        const logs = writeDisorder(d, run);
        const chain = { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: d.window };
        const opts = { ...DEFAULT_VERIFY_OPTIONS, chain, maxLineBytes: d.maxLineBytes, maxFindings: d.maxFindings };
        const one = await verifyLogs(logs, { ...opts, jobs: 1 });
        const many = await verifyLogs(logs, { ...opts, jobs, unitBytes, mainThreadUnits });
        disorderStats.logs++;
        disorderStats.findings += one.findings.length;
        const parts = disorderParts(d);
        const harmless = benign(parts, d.unterminated) && (d.naming !== 'hardLink' || parts[0]!.every((l) => l === ''));
        if (one.findings.length === 0 && !harmless) throw new Error('a disordered log gave no finding');
        if (one.findings.length > 0 && harmless && d.maxLineBytes > 1000) throw new Error(`a log in order gave ${one.findings.map((f) => f.code).join(', ')}`);
        if (!isDeepStrictEqual(many, one)) throw new Error(`--jobs ${jobs} with ${unitBytes}-byte units${mainThreadUnits ? '' : ', all in workers'} differs from one thread`);
        const outs: string[] = [];
        for (let i = 0; i < of; i++) {
          outs.push(join(run, `s${i}`));
          await runShard(logs, i, of, outs[i]!, { ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: d.maxLineBytes, unitBytes, jobs: shardJobs });
        }
        disorderStats.shards += of;
        const merged = renderJson(buildReport((await mergeShards({ shards: outs, options: { chain, maxFindings: d.maxFindings } })).result, NOT_REPLAYED, 'error'));
        if (merged !== renderJson(buildReport(one, NOT_REPLAYED, 'error'))) throw new Error(`${of} shards (${unitBytes}-byte units, --jobs ${shardJobs}) merge to another report than one run's`);
      } finally {
        rmSync(run, { recursive: true, force: true });
      }
    },
  );
}
