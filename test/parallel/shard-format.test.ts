/**
 * The merge reads shard results that it did not write: whatever their bytes, it merges them
 * or refuses them in one sentence (an OperatorError), and never crashes or trusts a value it
 * did not check. Properties over damaged results whose digest was made to match again (a
 * digest proves a result whole, not honest), in-process for speed; the CLI's refusals are in
 * shards.e2e.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { mergeShards } from '../../src/shard/merge.js';
import { runShard } from '../../src/shard/shard.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { interleavedLines } from '../helpers/chains.js';
import { joinShard, splitShard, type ShardParts } from '../helpers/shard-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-shard-format-'));
let log: string;
let shards: string[];
let parts: ShardParts;
let clean: string;

beforeAll(async () => {
  const lines = interleavedLines(40, ['a', 'b']);
  for (let i = 7; i < lines.length; i += 19) lines[i] = lines[i]!.replace('"action":"', '"action":"x'); // hash mismatches
  lines.splice(30, 0, '{"not": json'); // a hole
  lines.splice(50, 1); // a gap
  log = join(tmp, 'log.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
  shards = [join(tmp, 's1'), join(tmp, 's2')];
  for (const [i, out] of shards.entries()) await runShard([log], i, 2, out, { ...DEFAULT_VERIFY_OPTIONS, unitBytes: 2048 });
  parts = splitShard(readFileSync(shards[1]!));
  clean = JSON.stringify((await mergeShards({ shards })).result.findings);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Merges shard 1 with `second` in place of shard 2: 'merged', or the refusal's message. */
async function mergeWith(second: Buffer): Promise<string> {
  const path = join(tmp, 'damaged');
  writeFileSync(path, second);
  try {
    await mergeShards({ shards: [shards[0]!, path] });
    return 'merged';
  } catch (e) {
    if (e instanceof OperatorError) return e.message;
    throw e;
  }
}

describe('a damaged shard result is merged or refused, never a crash', () => {
  it('the results used here are several blocks each, and merge to what one run finds', async () => {
    expect(parts.blocks.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(clean)).not.toEqual([]);
    expect(await mergeWith(joinShard(parts))).toBe('merged');
  });

  it('property: any byte of any block\'s columns replaced, digest resealed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), async (b, at, byte) => {
        const copy: ShardParts = { ...parts, blocks: parts.blocks.map((x) => ({ meta: x.meta, columns: Buffer.from(x.columns) })) };
        const target = copy.blocks[b % copy.blocks.length]!;
        if (target.columns.length === 0) return;
        target.columns[at % target.columns.length] = byte;
        const outcome = await mergeWith(joinShard(copy));
        expect(outcome === 'merged' || /is not a complete sel\.shard\/2 shard result/.test(outcome), outcome).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: any byte of the file replaced, or the file cut anywhere (no reseal)', async () => {
    const bytes = readFileSync(shards[1]!);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (at, byte, cut) => {
        const damaged = Buffer.from(bytes);
        const p = at % damaged.length;
        const changed = cut ? damaged.subarray(0, p) : (damaged[p] = byte, damaged);
        const outcome = await mergeWith(changed);
        // The digest covers every byte before the trailer: only a change that keeps the bytes
        // the same, or one inside the trailer that still says the same, can merge.
        if (outcome === 'merged') expect(cut ? p : byte === bytes[p] ? -1 : p, 'merged a changed file').toBeGreaterThanOrEqual(bytes.lastIndexOf(0x0a, bytes.length - 2) + 1);
        else expect(outcome).toMatch(/not a complete sel\.shard\/2 shard result|cannot read shard|different runs|not one complete set/);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a block\'s meta with any value changed to another JSON value, digest resealed', async () => {
    const keys = ['file', 'lines', 'content', 'bytes', 'n', 'textBytes', 'chainNames', 'extra'];
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...keys), fc.jsonValue(), async (b, key, value) => {
        const copy = structuredClone(parts);
        copy.blocks.forEach((x, i) => (x.columns = parts.blocks[i]!.columns));
        copy.blocks[b % copy.blocks.length]!.meta[key] = value;
        const outcome = await mergeWith(joinShard(copy));
        expect(outcome === 'merged' || /is not a complete sel\.shard\/2 shard result/.test(outcome), outcome).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
