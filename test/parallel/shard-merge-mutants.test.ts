/**
 * The merge's own checks, each pinned by a test that fails without it (second mutation pass
 * over src/shard/ and src/ingest/range.ts), in-process: what a result's trailer says about its
 * part, a trailer or header member of a shape sel never writes, the options a result names, a
 * result that changes while the merge reads it, and where a shard cuts a file.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { mergeShards } from '../../src/shard/merge.js';
import { runShard } from '../../src/shard/shard.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { verifyLogs } from '../../src/verify/run.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import { chainLines } from '../helpers/chains.js';
import { joinShard, splitShard } from '../helpers/shard-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-shard-merge-mutants-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 'merged' with the findings' codes, or the refusal (an OperatorError's message). */
const outcome = (p: Promise<{ result: { findings: readonly { code: string }[] } }>): Promise<string> =>
  p.then((r) => `merged ${r.result.findings.map((f) => f.code).join(',')}`, (e: unknown) => {
    if (e instanceof OperatorError) return e.message;
    throw e;
  });

describe('what a shard result\'s trailer says about its part is checked against its blocks', () => {
  let shards: string[];
  beforeAll(async () => {
    // An empty log: LOG_EMPTY, which a trailer's count of lines with content decides.
    const log = join(tmp, 'empty.jsonl');
    writeFileSync(log, '\n\n\n\n');
    shards = [join(tmp, 'empty-1'), join(tmp, 'empty-2')];
    for (const [i, out] of shards.entries()) await runShard([log], i, 2, out, DEFAULT_VERIFY_OPTIONS);
  });

  it('a trailer that counts a line with content its blocks do not have is refused, not a LOG_EMPTY hidden', async () => {
    expect(await outcome(mergeShards({ shards }))).toMatch(/^merged .*LOG_EMPTY/);
    const parts = splitShard(readFileSync(shards[1]!));
    expect(parts.trailer[1].files).toEqual([{ lines: 2, content: 0 }]);
    const forged = join(tmp, 'empty-2-forged');
    writeFileSync(forged, joinShard({ ...parts, trailer: ['end', { ...parts.trailer[1], files: [{ lines: 2, content: 1 }] }] }));
    expect(await outcome(mergeShards({ shards: [shards[0]!, forged] }))).toMatch(/its units of "[^"]*empty\.jsonl" do not add up to its part/);
  });
});

describe('a trailer of the wrong shape (from mutation testing)', () => {
  it('a row count or digest that is not one is refused as such, not counted or compared', async () => {
    const log = join(tmp, 'trailer.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'trailer-1');
    await runShard([log], 0, 1, out, DEFAULT_VERIFY_OPTIONS);
    const bytes = readFileSync(out);
    const trailerStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const [, trailer] = JSON.parse(bytes.toString('utf8', trailerStart, bytes.length - 1)) as ['end', Record<string, unknown>];
    const forged = join(tmp, 'trailer-forged');
    const withTrailer = (edit: Record<string, unknown>) => {
      writeFileSync(forged, Buffer.concat([bytes.subarray(0, trailerStart), Buffer.from(`${JSON.stringify(['end', { ...trailer, ...edit }])}\n`)]));
      return outcome(mergeShards({ shards: [forged] }));
    };
    expect(await withTrailer({})).toBe('merged ');
    for (const edit of [{ rows: String(trailer['rows']) }, { rows: 1.5 }, { digest: 5 }, { digest: null }]) {
      expect(await withTrailer(edit), JSON.stringify(edit)).toMatch(/trailer-forged is not a complete sel\.shard\/9 shard result \(its header or trailer is malformed\)/);
    }
  });
});

describe('a shard result that changes between its header being read and its body', () => {
  it('grown (appended to) is refused, though the bytes its trailer covers are unchanged', async () => {
    const log = join(tmp, 'grows.jsonl');
    writeFileSync(log, `${chainLines(20).join('\n')}\n`);
    const shards = [join(tmp, 'grows-1'), join(tmp, 'grows-2')];
    for (const [i, out] of shards.entries()) await runShard([log], i, 2, out, DEFAULT_VERIFY_OPTIONS);
    expect(await outcome(mergeShards({ shards }))).toBe('merged ');
    // The merge reads every header and trailer first, then each body in turn: `begin` runs between.
    const grown = mergeShards({ shards, begin: () => appendFileSync(shards[1]!, 'x') });
    expect(await outcome(grown)).toMatch(/grows-2 is not a complete sel\.shard\/9 shard result \(it changed while it was read\)/);
  });
});

describe('a resealed header with a member sel never writes', () => {
  it('a skipped entry or a replay with another member, nested deep, is refused in one sentence, not an internal error (found by mutation testing)', async () => {
    const log = join(tmp, 'deep.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'deep-1');
    await runShard([log], 0, 1, out, DEFAULT_VERIFY_OPTIONS);
    const parts = splitShard(readFileSync(out));
    // 100 000 arrays deep: JSON.parse reads it, JSON.stringify overflows the stack on it.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const forged = join(tmp, 'deep-forged');
    const header = (edit: (h: Record<string, unknown>) => void, raw = deep) => {
      const h = JSON.parse(parts.header) as Record<string, unknown>;
      edit(h);
      writeFileSync(forged, joinShard({ ...parts, header: JSON.stringify(h).replace('"@deep@"', raw) }));
      return outcome(mergeShards({ shards: [forged] }));
    };
    // Resealed with extra members of a shallow value, and as written: each refusal below is the member's.
    expect(await header(() => undefined)).toBe('merged ');
    const replay = { ref: 'HEAD', commit: '0'.repeat(40), paths: [null] };
    expect(await header((h) => (h['replay'] = replay))).toBe('merged ');
    for (const raw of [deep, '1']) {
      expect(await header((h) => (h['skipped'] = [{ display: 'x', reason: 'y', more: '@deep@' }]), raw)).toMatch(/deep-forged is not a complete sel\.shard\/9 shard result \(its header or trailer is malformed\)/);
      expect(await header((h) => (h['replay'] = { ...replay, more: '@deep@' }), raw)).toMatch(/deep-forged is not a complete sel\.shard\/9 shard result \(its header or trailer is malformed\)/);
    }
  });
});

describe('the options a result was checked with are the merge\'s', () => {
  it('a resealed header naming options no shard runs with is refused, not merged under the defaults (from mutation testing)', async () => {
    const log = join(tmp, 'options.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'options-1');
    await runShard([log], 0, 1, out, DEFAULT_VERIFY_OPTIONS);
    const parts = splitShard(readFileSync(out));
    const forged = join(tmp, 'options-forged');
    const withOptions = (options: unknown) => {
      const h = JSON.parse(parts.header) as Record<string, unknown>;
      h['options'] = options;
      writeFileSync(forged, joinShard({ ...parts, header: JSON.stringify(h) }));
      return outcome(mergeShards({ shards: [forged] }));
    };
    expect(await withOptions({ maxLineBytes: 4096, maxDepth: 40 })).toBe('merged ');
    expect(await withOptions({ maxLineBytes: 0, maxDepth: 40 })).toMatch(/^maxLineBytes must be a whole number/);
    expect(await withOptions({ maxLineBytes: 4096, maxDepth: 0.5 })).toMatch(/^maxDepth must be a whole number/);
  });
});

describe('where a shard cuts a file (from mutation testing)', () => {
  it('cuts next to empty lines and one-byte lines, at every shard count up to 24, give one run\'s report', async () => {
    // Runs of empty lines and lines of one byte: a cut moved by one byte either way lands on
    // another line start, which the shard either side would not agree on.
    const lines = chainLines(8).flatMap((l, i) => [l, ...Array<string>(i + 1).fill(''), 'x', '', 'y']);
    const log = join(tmp, 'short-lines.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const notReplayed = { performed: false, reason: 'no --repo given' } as const;
    const one = renderJson(buildReport(await verifyLogs([log], { jobs: 1 }), notReplayed, 'error'));
    expect(one).toContain('LINE_EMPTY');
    for (let of = 2; of <= 24; of++) {
      const outs = [...Array(of).keys()].map((i) => join(tmp, `short-lines-${of}-${i}`));
      for (const [i, out] of outs.entries()) await runShard([log], i, of, out, { ...DEFAULT_VERIFY_OPTIONS, unitBytes: 300 });
      const merged = await mergeShards({ shards: outs }).then((r) => renderJson(buildReport(r.result, notReplayed, 'error')), (e: Error) => e.message);
      expect(merged, `${of} shards`).toBe(one);
    }
  });
});

describe('a result whose size is not its length', () => {
  it('is refused as such, not called empty: a /proc file says 0 bytes and holds text', async () => {
    expect(await outcome(mergeShards({ shards: ['/proc/self/status'] }))).toMatch(/its size says 0 bytes but it holds more/);
  });
});
