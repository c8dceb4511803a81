/**
 * Shards on fuzzed input. Damaged shard results: whatever a result's bytes (its digest made to
 * match again or not), the merge merges it or refuses it in one sentence (an OperatorError),
 * and never crashes or uses a value it did not check. Fuzzed logs: shards + merge print one
 * run's report. Used by test/parallel/ and by the long fuzz run (`npm run fuzz`), which runs
 * many more cases.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { OperatorError } from '../../src/errors.js';
import { mergeShards } from '../../src/shard/merge.js';
import { runShard } from '../../src/shard/shard.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { verifyLogs } from '../../src/verify/run.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import { mutate, mutation } from './properties.js';
import { interleavedLines } from '../helpers/chains.js';
import { joinShard, splitShard, type ShardParts } from '../helpers/shard-file.js';

export interface ShardFixture {
  readonly dir: string;
  /** Two shard results of one small log with faults, a few blocks each. */
  readonly shards: readonly string[];
  /** The second one taken apart. */
  readonly parts: ShardParts;
  /** Merges the first with `second` in its place: 'merged', or the refusal's message (anything else throws). */
  mergeWith(second: Buffer): Promise<string>;
  remove(): void;
}

export async function shardFixture(): Promise<ShardFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sel-shard-fuzz-'));
  const lines = interleavedLines(40, ['a', 'b']);
  for (let i = 7; i < lines.length; i += 19) lines[i] = lines[i]!.replace('"action":"', '"action":"x'); // hash mismatches
  lines.splice(30, 0, '{"not": json'); // a hole
  lines.splice(50, 1); // a gap
  const log = join(dir, 'log.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const shards = [join(dir, 's1'), join(dir, 's2')];
  for (const [i, out] of shards.entries()) await runShard([log], i, 2, out, { ...DEFAULT_VERIFY_OPTIONS, unitBytes: 2048 });
  const damaged = join(dir, 'damaged');
  return {
    dir,
    shards,
    parts: splitShard(readFileSync(shards[1]!)),
    async mergeWith(second: Buffer): Promise<string> {
      writeFileSync(damaged, second);
      try {
        await mergeShards({ shards: [shards[0]!, damaged] });
        return 'merged';
      } catch (e) {
        if (e instanceof OperatorError) return e.message;
        throw e;
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const REFUSED = /is not a complete sel\.shard\/9 shard result/;

/** Any byte of any block's columns replaced, digest resealed. */
export function columnsDamaged(fx: ShardFixture) {
  return fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), async (b, at, byte) => {
    const copy: ShardParts = { ...fx.parts, blocks: fx.parts.blocks.map((x) => ({ meta: x.meta, columns: Buffer.from(x.columns) })) };
    const target = copy.blocks[b % copy.blocks.length]!;
    if (target.columns.length === 0) return;
    target.columns[at % target.columns.length] = byte;
    const outcome = await fx.mergeWith(joinShard(copy));
    if (outcome !== 'merged' && !REFUSED.test(outcome)) throw new Error(`neither merged nor refused as a shard result: ${outcome}`);
  });
}

/** Any byte of the file replaced, or the file cut anywhere, without a reseal. */
export function bytesDamaged(fx: ShardFixture) {
  const bytes = readFileSync(fx.shards[1]!);
  const trailerStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  return fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (at, byte, cut) => {
    const damaged = Buffer.from(bytes);
    const p = at % damaged.length;
    if (!cut) damaged[p] = byte;
    const outcome = await fx.mergeWith(cut ? damaged.subarray(0, p) : damaged);
    const unchanged = !cut && byte === bytes[p];
    // The digest covers every byte before the trailer: only a change inside the trailer that
    // still says the same can merge. A log's size changed in the header is refused before the
    // digest is checked, as a log that changed between shards (and says so).
    if (outcome === 'merged') {
      if (!unchanged && p < trailerStart) throw new Error(`merged a file changed at byte ${p}`);
    } else if (!/not a complete sel\.shard\/9 shard result|cannot read shard|different runs|not one complete set|same build of sel|not the same size in every shard/.test(outcome)) {
      throw new Error(`refused in an unexpected way: ${outcome}`);
    }
  });
}

/** A block's meta with any value replaced by any JSON value, digest resealed. */
export function metaDamaged(fx: ShardFixture) {
  const keys = ['file', 'lines', 'content', 'bytes', 'n', 'textBytes', 'chainNames', 'extra'];
  return fc.asyncProperty(fc.nat(), fc.constantFrom(...keys), fc.jsonValue(), async (b, key, value) => {
    const copy = structuredClone(fx.parts);
    copy.blocks.forEach((x, i) => (x.columns = fx.parts.blocks[i]!.columns));
    copy.blocks[b % copy.blocks.length]!.meta[key] = value;
    const outcome = await fx.mergeWith(joinShard(copy));
    if (outcome !== 'merged' && !REFUSED.test(outcome)) throw new Error(`neither merged nor refused as a shard result: ${outcome}`);
  });
}

/** Counts what shardsAgree compared, for the long run's report. */
export const shardStats = { logs: 0, shards: 0 };

/**
 * Shards + merge against one run on fuzzed logs: every mutation of a valid log, split into 1
 * to 6 shards checked in units of a random size on 1 or 2 threads, merged, must print exactly
 * the one run's JSON report.
 */
export function shardsAgree(dir: string) {
  let n = 0;
  return fc.asyncProperty(mutation, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(1, 2), async (m, of, unitBytes, jobs) => {
    const bytes = mutate(m);
    if (bytes === null) return;
    const run = join(dir, `shards-${n++}`);
    mkdirSync(run);
    try {
      const log = join(run, 'log.jsonl');
      writeFileSync(log, bytes);
      const notReplayed = { performed: false, reason: 'no --repo given' } as const;
      const one = renderJson(buildReport(await verifyLogs([log], { jobs: 1 }), notReplayed, 'error'));
      const outs: string[] = [];
      for (let i = 0; i < of; i++) {
        outs.push(join(run, `s${i}`));
        await runShard([log], i, of, outs[i]!, { ...DEFAULT_VERIFY_OPTIONS, unitBytes, jobs });
      }
      const merged = renderJson(buildReport((await mergeShards({ shards: outs })).result, notReplayed, 'error'));
      shardStats.logs++;
      shardStats.shards += of;
      if (merged !== one) throw new Error(`${of} shards (${unitBytes}-byte units, --jobs ${jobs}) merge to another report than one run's`);
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  });
}
