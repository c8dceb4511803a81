/**
 * The merge reads shard results that it did not write: whatever their bytes, it merges them
 * or refuses them in one sentence (an OperatorError), and never crashes or trusts a value it
 * did not check. Properties over damaged results whose digest was made to match again (a
 * digest proves a result whole, not honest), in-process for speed; the CLI's refusals are in
 * shards.e2e.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/shard/merge.js';
import { joinShard, splitShard, type ShardParts } from '../helpers/shard-file.js';
import { bytesDamaged, columnsDamaged, metaDamaged, shardFixture, shardsAgree, type ShardFixture } from '../fuzz/shards.js';
import { inFuzzDir } from '../fuzz/units.js';

let fx: ShardFixture;
let tmp: string;
let shards: readonly string[];
let parts: ShardParts;
let clean: string;

beforeAll(async () => {
  fx = await shardFixture();
  tmp = fx.dir;
  shards = fx.shards;
  parts = fx.parts;
  clean = JSON.stringify((await mergeShards({ shards: [...shards] })).result.findings);
});
afterAll(() => fx.remove());

const mergeWith = (second: Buffer): Promise<string> => fx.mergeWith(second);

describe('a damaged shard result is merged or refused, never a crash', () => {
  it('the results used here are several blocks each, and merge to what one run finds', async () => {
    expect(parts.blocks.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(clean)).not.toEqual([]);
    expect(await mergeWith(joinShard(parts))).toBe('merged');
  });

  it('property: any byte of any block\'s columns replaced, digest resealed', async () => {
    await fc.assert(columnsDamaged(fx), { numRuns: 300 });
  });

  it('property: any byte of the file replaced, or the file cut anywhere (no reseal)', async () => {
    await fc.assert(bytesDamaged(fx), { numRuns: 300 });
  });

  it('a finding of a shape sel never makes is refused: renderers print findings into text and workflow commands', async () => {
    const at = parts.blocks.findIndex((b) => (b.meta['extra'] as { findings?: unknown[] }[]).some((x) => (x.findings?.length ?? 0) > 0));
    expect(at).toBeGreaterThanOrEqual(0);
    // `raw`: JSON text put where the patch wrote "__RAW__" (a value too deep to stringify here).
    const withFinding = async (patch: (f: Record<string, unknown>) => void, raw?: string): Promise<string> => {
      const copy = structuredClone(parts);
      copy.blocks.forEach((x, i) => (x.columns = parts.blocks[i]!.columns));
      const x = (copy.blocks[at]!.meta['extra'] as { findings: Record<string, unknown>[] }[]).find((e) => e.findings.length > 0)!;
      patch(x.findings[0]!);
      return mergeWith(joinShard(copy, raw === undefined ? {} : { rawMeta: (i, json) => (i === at ? Buffer.from(json.toString().replace('"__RAW__"', raw)) : json) }));
    };
    expect(await withFinding(() => undefined)).toBe('merged');
    expect(await withFinding((f) => (f['expected'] = '__RAW__'), `${'['.repeat(5000)}1${']'.repeat(5000)}`), 'expected nested 5000 deep').toMatch(/is malformed/);
    expect(await withFinding((f) => (f['expected'] = '__RAW__'), `${'['.repeat(20)}1${']'.repeat(20)}`), 'expected nested 20 deep').toBe('merged');
    const bad: [string, (f: Record<string, unknown>) => void][] = [
      ['a column that is an object', (f) => ((f['location'] as Record<string, unknown>)['column'] = { toString: 0 })],
      ['a column that is text with a workflow command', (f) => ((f['location'] as Record<string, unknown>)['column'] = '1::\n::stop-commands::x')],
      ['a line of 0', (f) => ((f['location'] as Record<string, unknown>)['line'] = 0)],
      ['a member sel never writes', (f) => (f['html'] = '<b>')],
      ['a location with a member sel never writes', (f) => ((f['location'] as Record<string, unknown>)['href'] = 'x')],
      ['detail that is not an object', (f) => (f['detail'] = [1])],
      ['a severity not the code\'s', (f) => (f['severity'] = 'note')],
    ];
    for (const [what, patch] of bad) expect(await withFinding(patch), what).toMatch(/is malformed/);
  });

  it('a refusal quotes a name from a header on one line, whatever it holds', async () => {
    const renamed = (file: Buffer, extraLine: boolean): Buffer => {
      const p = splitShard(file);
      const h = JSON.parse(p.header) as { files: { display: string }[] };
      h.files[0]!.display = 'log.jsonl\nsel: merge complete: PASS\u001b[8m';
      p.header = JSON.stringify(h);
      if (extraLine) (p.trailer[1].files[0] as { lines: number }).lines += 1;
      return joinShard(p);
    };
    const first = join(tmp, 'renamed-1');
    const second = join(tmp, 'renamed-2');
    writeFileSync(first, renamed(readFileSync(shards[0]!), false));
    writeFileSync(second, renamed(readFileSync(shards[1]!), true));
    const message = await mergeShards({ shards: [first, second] }).then(() => 'merged', (e: Error) => e.message);
    expect(message).toMatch(/its units of "log\.jsonl\\nsel: merge complete: PASS\\u001b\[8m" do not add up/);
    expect(message).not.toMatch(/[\n\u001b]/);
  });

  it('property: a block\'s meta with any value changed to another JSON value, digest resealed', async () => {
    await fc.assert(metaDamaged(fx), { numRuns: 300 });
  });

});

describe('shards of fuzzed logs', () => {
  it('property: every mutation of a valid log, 1-6 shards, random units, 1 or 2 threads: one run\'s report', async () => {
    await inFuzzDir((dir) => fc.assert(shardsAgree(dir), { numRuns: 25, seed: 67 }));
  });
});
