/**
 * The merge reads shard results that it did not write: whatever their bytes, it merges them
 * or refuses them in one sentence (an OperatorError), and never crashes or trusts a value it
 * did not check. Properties over damaged results whose digest was made to match again (a
 * digest proves a result whole, not honest), in-process for speed; the CLI's refusals are in
 * shards.e2e.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { mergeShards } from '../../src/shard/merge.js';
import { MAX_SHARDS, parseShard, runShard } from '../../src/shard/shard.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { chainLines, interleavedLines } from '../helpers/chains.js';
import { columnsAt, joinShard, splitShard, type ShardParts } from '../helpers/shard-file.js';
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

  it('a trailer that is not the end marker or miscounts rows, a body that ends inside a block\'s prefix, a block without its magic, with columns past its layout or no line feed: refused as such (from mutation testing)', async () => {
    const file = joinShard(parts);
    const trailerStart = file.lastIndexOf(0x0a, file.length - 2) + 1;
    const trailer = file.toString('utf8', trailerStart);
    expect(trailer.startsWith('["end",')).toBe(true);
    // The trailer is not digested: its marker is checked as its counts are.
    expect(await mergeWith(Buffer.concat([file.subarray(0, trailerStart), Buffer.from(trailer.replace('["end",', '["fin",'))]))).toMatch(/\(no trailer: truncated\?\)/);
    // A line of eight bytes after the last block, digested: too short for a block's prefix.
    const body = Buffer.concat([file.subarray(0, trailerStart), Buffer.from('SELU\0\0\0\n')]);
    const resealed = JSON.stringify(['end', { ...parts.trailer[1], rows: JSON.parse(trailer)[1].rows, digest: `sha256:${createHash('sha256').update(body).digest('hex')}` }]);
    expect(await mergeWith(Buffer.concat([body, Buffer.from(`${resealed}\n`)]))).toMatch(new RegExp(`\\(block ${parts.blocks.length + 1} is cut short\\)`));
    // The trailer's row count, which the digest does not cover, is checked against the blocks.
    const rows = JSON.parse(trailer)[1].rows as number;
    expect(await mergeWith(Buffer.concat([file.subarray(0, trailerStart), Buffer.from(trailer.replace(`"rows":${rows},`, `"rows":${rows + 1},`))]))).toMatch(new RegExp(`\\(it has ${rows} rows, its trailer says ${rows + 1}\\)`));
    // A byte more of columns than the meta's layout, resealed: not read as the next block's.
    const wider = { ...parts, blocks: parts.blocks.map((b, i) => ({ meta: b.meta, columns: i === 0 ? Buffer.concat([b.columns, Buffer.from('x')]) : b.columns })) };
    expect(await mergeWith(joinShard(wider))).toMatch(/\(block 1 is malformed\)/);
    // A block that does not start with its magic, or ends with another byte than a line feed, resealed.
    const headerEnd = file.indexOf(0x0a) + 1;
    const noMagic = Buffer.from(file.subarray(0, trailerStart));
    noMagic.write('SELX', headerEnd, 'latin1');
    const noMagicTrailer = JSON.stringify(['end', { ...JSON.parse(trailer)[1], digest: `sha256:${createHash('sha256').update(noMagic).digest('hex')}` }]);
    expect(await mergeWith(Buffer.concat([noMagic, Buffer.from(`${noMagicTrailer}\n`)]))).toMatch(/\(block 1 does not start as a block\)/);
    const lf = headerEnd + 12 + file.readUInt32LE(headerEnd + 4) + file.readUInt32LE(headerEnd + 8);
    expect(file[lf]).toBe(0x0a);
    const noLf = Buffer.from(file.subarray(0, trailerStart));
    noLf[lf] = 0x58;
    const noLfTrailer = JSON.stringify(['end', { ...JSON.parse(trailer)[1], digest: `sha256:${createHash('sha256').update(noLf).digest('hex')}` }]);
    expect(await mergeWith(Buffer.concat([noLf, Buffer.from(`${noLfTrailer}\n`)]))).toMatch(/\(block 1 does not end with a line feed\)/);
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

describe('where a shard cuts the log set, and which shards it runs (from mutation testing)', () => {
  const notReplayed = { performed: false, reason: 'no --repo given' } as const;
  /** The JSON report of `of` shards of `logs`, merged, and of one run. */
  const bothReports = async (logs: string[], of: number, dir: string): Promise<{ merged: string; one: string; starts: number[][] }> => {
    const outs: string[] = [];
    const starts: number[][] = [];
    for (let i = 0; i < of; i++) {
      outs.push(join(dir, `cut-${of}-${i}`));
      const { header } = await runShard(logs, i, of, outs[i]!, { ...DEFAULT_VERIFY_OPTIONS, unitBytes: 1000 });
      starts.push(header.files.map((f) => f.start));
    }
    const merged = renderJson(buildReport((await mergeShards({ shards: outs })).result, notReplayed, 'error'));
    const one = renderJson(buildReport(await verifyLogs(logs, { jobs: 1 }), notReplayed, 'error'));
    return { merged, one, starts };
  };

  it('a cut that falls exactly on a line start, or on the boundary of two files, gives one run\'s report (from mutation testing)', async () => {
    // Y twice is a log whose halves are Y: 2 or 4 shards cut it exactly where a line starts
    // (the byte before the cut is a line feed). Y holds a gap and a hash mismatch.
    const lines = chainLines(12);
    lines.splice(5, 1);
    lines[8] = lines[8]!.replace('"action":"', '"action":"x');
    lines.splice(3, 0, ''); // an empty line: a line without content
    const y = `${lines.join('\n')}\n${lines.join('\n')}\n`;
    const dir = join(tmp, 'exact-cuts');
    mkdirSync(dir);
    const one = join(dir, 'one.jsonl');
    writeFileSync(one, y + y);
    for (const of of [2, 4]) {
      const r = await bothReports([one], of, dir);
      expect(r.starts.map((s) => s[0])).toEqual([...Array(of).keys()].map((i) => (i * 2 * Buffer.byteLength(y)) / of));
      expect(r.merged, `${of} shards`).toBe(r.one);
    }
    // Two files of the same size: 2 shards cut exactly between them, 4 also inside each.
    const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    writeFileSync(a, y);
    writeFileSync(b, y);
    for (const of of [2, 4]) {
      const r = await bothReports([a, b], of, dir);
      expect(JSON.parse(r.one).findings.length).toBeGreaterThan(0);
      expect(r.merged, `${of} shards of two files`).toBe(r.one);
    }
    // A torn last line of one byte: the last shard's part ends at the end of the file.
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, `${y}x`);
    for (const of of [2, 3]) {
      const r = await bothReports([torn], of, dir);
      expect(r.one).toContain('LINE_TORN');
      expect(r.merged, `${of} shards, a torn last line of one byte`).toBe(r.one);
    }
  });

  it('--shard I/N: 1 <= I <= N <= MAX_SHARDS, and nothing else around it (from mutation testing)', () => {
    expect(parseShard('1/1')).toEqual({ index: 0, of: 1 });
    expect(parseShard('4/4')).toEqual({ index: 3, of: 4 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS - 1, of: MAX_SHARDS });
    for (const bad of ['0/4', '5/4', '1/0', `1/${MAX_SHARDS + 1}`, '1/4x', 'x1/4', '1/4/4', '-1/4', '1.5/4', '']) {
      expect(() => parseShard(bad), bad).toThrow(OperatorError);
    }
  });

  it('shards of two different shard counts are not one set, though their numbers 1..N are all there (from mutation testing)', async () => {
    // One line: shard 1 of any count holds it all and the others nothing, so the parts of
    // 1/3, 2/2 and 3/3 even fit together; and a log of many lines, where they do not.
    for (const [name, text] of [['one-line', `${chainLines(1)[0]!}\n`], ['many-lines', `${chainLines(30).join('\n')}\n`]] as const) {
      const log = join(tmp, `${name}.jsonl`);
      writeFileSync(log, text);
      const shard = async (i: number, of: number) => {
        const out = join(tmp, `${name}-${i}-of-${of}`);
        await runShard([log], i - 1, of, out, DEFAULT_VERIFY_OPTIONS);
        return out;
      };
      const mixed = [await shard(1, 3), await shard(2, 2), await shard(3, 3)];
      await expect(mergeShards({ shards: mixed }), name).rejects.toThrow(/^the shards are not one complete set: expected shards 1\.\.3 of 3, got 1\/3, 2\/2, 3\/3$/);
      await expect(mergeShards({ shards: [await shard(1, 3), await shard(2, 3), await shard(3, 3)] }), name).resolves.toBeDefined();
    }
  });

  it('a result records the options its lines were checked with, each under its own name (from mutation testing)', async () => {
    const log = join(tmp, 'options.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const { header } = await runShard([log], 0, 1, join(tmp, 'options-shard'), { ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: 4096, maxDepth: 40 });
    expect(header.options).toEqual({ maxLineBytes: 4096, maxDepth: 40 });
    expect(JSON.parse(readFileSync(join(tmp, 'options-shard'), 'utf8').split('\n', 1)[0]!).options).toEqual({ maxLineBytes: 4096, maxDepth: 40 });
  });

  it('an internal error in a shard is itself, not a failure to write the result, and leaves no file (found by review)', async () => {
    const log = join(tmp, 'internal.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'internal-shard');
    const broken = new TypeError('a bug');
    const progress = { start: () => { throw broken; }, update: () => undefined, stop: () => undefined };
    // Before: OperatorError "cannot write the shard result ...: a bug".
    await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, progress })).rejects.toBe(broken);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('an error with a code that is not the result file\'s (a Node.js ERR_*, an errno of something else) is itself too, not "cannot write the shard result" (found by review)', async () => {
    const log = join(tmp, 'coded.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'coded-shard');
    // As a worker's ERR_WORKER_OUT_OF_MEMORY, or a progress display's own EPIPE, would be.
    for (const broken of [Object.assign(new TypeError('a bug'), { code: 'ERR_INVALID_ARG_TYPE' }), Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE', errno: -32, syscall: 'write' })]) {
      const progress = { start: () => undefined, update: () => { throw broken; }, stop: () => undefined };
      // Before: OperatorError "cannot write the shard result ...: a bug" (and "...: EPIPE: broken pipe, write").
      await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, progress }), broken.message).rejects.toBe(broken);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
    }
  });

  it('the result file\'s own failure, at its rename, is one sentence that names it, and leaves no file (from mutation testing)', async () => {
    const log = join(tmp, 'unrenamed.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const out = join(tmp, 'unrenamed-shard');
    // A directory made in its place while the shard runs: the rename fails (EISDIR).
    const progress = { start: () => undefined, update: () => undefined, stop: () => mkdirSync(join(out, 'x'), { recursive: true }) };
    await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, progress })).rejects.toThrow(new OperatorError(`cannot write the shard result ${out}: it is a directory`));
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('a named pipe given to a shard is refused (a stream has no bytes to cut), not taken for an empty log (from mutation testing)', async () => {
    const fifo = join(tmp, 'shard-fifo.jsonl');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(tmp, 'fifo-shard');
    await expect(runShard([fifo], 0, 2, out)).rejects.toThrow(/--shard needs regular files/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a resealed result with one value sel never writes is refused, never merged (from mutation testing)', () => {
  let dir: string;
  let out: string;
  let result: ShardParts;
  let block: number;
  let n: number;
  beforeAll(async () => {
    dir = join(tmp, 'resealed');
    mkdirSync(dir);
    const lines = interleavedLines(12, ['a', 'b']);
    lines[9] = lines[9]!.replace('"action":"', '"action":"x'); // a finding in an event's extra
    lines.splice(14, 0, '{"not": json'); // a hole
    const log = join(dir, 'log.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    out = join(dir, 'shard');
    await runShard([log], 0, 1, out);
    result = splitShard(readFileSync(out));
    block = 0;
    n = Number(result.blocks[0]!.meta['n']);
    expect(result.blocks).toHaveLength(1);
    expect(n).toBe(25);
  });
  const at = () => columnsAt(n);
  const col = (c: Buffer) => ({
    kind: (i: number) => c[at().kinds + i]!,
    len: (i: number, k: 0 | 1 | 2) => c.readInt32LE(at().lens + 4 * (3 * i + k)),
    setLen: (i: number, k: 0 | 1 | 2, v: number) => c.writeInt32LE(v, at().lens + 4 * (3 * i + k)),
  });
  /** Merges the result with `edit` made to a copy of its block, resealed: 'merged' or the refusal. */
  const damaged = async (edit: (c: Buffer, meta: Record<string, unknown>) => void, header?: (h: Record<string, unknown>) => void, trailer?: (t: Record<string, unknown>) => void, rawMeta?: (json: Buffer) => Buffer): Promise<string> => {
    const copy = structuredClone({ header: result.header, trailer: result.trailer, metas: result.blocks.map((b) => b.meta) });
    const columns = result.blocks.map((b) => Buffer.from(b.columns));
    edit(columns[block]!, copy.metas[block]!);
    const h = JSON.parse(copy.header) as Record<string, unknown>;
    header?.(h);
    trailer?.(copy.trailer[1] as unknown as Record<string, unknown>);
    const file = join(dir, 'damaged');
    writeFileSync(file, joinShard({ header: JSON.stringify(h), trailer: copy.trailer, blocks: copy.metas.map((meta, i) => ({ meta, columns: columns[i]! })) }, rawMeta === undefined ? {} : { rawMeta: (_i, json) => rawMeta(json) }));
    return mergeShards({ shards: [file] }).then(() => 'merged', (e: Error) => {
      if (e instanceof OperatorError) return e.message;
      throw e;
    });
  };
  const MALFORMED = /is malformed/;

  it('columns: a replay code, a hole that is not blank, a chain index of -1, negative lengths, LINKED with a prev_hash', async () => {
    expect(await damaged(() => undefined)).toBe('merged');
    const c0 = Buffer.from(result.blocks[block]!.columns);
    const r = col(c0);
    const hole = [...Array(n).keys()].find((i) => (r.kind(i) & 3) === 2)!;
    const plain = [...Array(n).keys()].find((i) => r.kind(i) === 0 && r.len(i, 1) > 0 && r.len(i, 2) > 0)!;
    const linked = [...Array(n).keys()].find((i) => (r.kind(i) & 4) !== 0 && r.len(i, 0) > 1)!;
    const tsThenHash = [...Array(n - 1).keys()].find((i) => (r.kind(i) & 3) !== 2 && (r.kind(i) & 8) === 0 && r.len(i, 2) === 24 && (r.kind(i + 1) & 3) !== 2 && r.len(i + 1, 0) === 71)!;
    expect([hole, plain, linked, tsThenHash].every((i) => i !== undefined && i >= 0)).toBe(true);
    /** Where record i's texts start: after every earlier record's (a LINKED or NO_TS one's length is 0). */
    const textAt = (i: number) => at().text + [...Array(i).keys()].reduce((a, j) => a + r.len(j, 0) + r.len(j, 1) + r.len(j, 2), 0);
    /** "é" (two bytes, valid UTF-8) in place of the two ASCII bytes either side of `o`. */
    const straddle = (c: Buffer, o: number) => {
      expect([c[o - 1]!, c[o]!].every((b) => b > 0 && b < 0x80)).toBe(true);
      c[o - 1] = 0xc3;
      c[o] = 0xa9;
    };
    /** The plain event made one with extra: a replay outcome there (a finding), and `code` in the replay column. */
    const extraOnPlain = (c: Buffer, m: Record<string, unknown>, code: number): Record<string, unknown> => {
      const f = (m['extra'] as { findings?: unknown[] }[]).find((y) => (y.findings?.length ?? 0) > 0)!.findings![0];
      const x = { findings: [], event: null, replay: { type: 'finding', finding: f, counted: 'unverifiable', replayed: false } };
      (m['extra'] as unknown[]).splice([...Array(plain).keys()].filter((j) => (r.kind(j) & 3) !== 0).length, 0, x);
      c[at().kinds + plain] = r.kind(plain) | 1;
      c[at().replay + plain] = code;
      return x;
    };
    expect(await damaged((c, m) => extraOnPlain(c, m, 0)), 'an outcome in extra alone').toBe('merged');
    const cases: [string, (c: Buffer, m: Record<string, unknown>) => void][] = [
      ['a replay code of 3', (c) => (c[at().replay + plain] = 3)],
      ['a hole with a chain', (c) => c.writeInt32LE(0, at().chainIdx + 4 * hole)],
      ['a hole with a seq', (c) => c.writeDoubleLE(5, at().seqs + 8 * hole)],
      ['a hole with a hash length', (c) => col(c).setLen(hole, 0, 2)],
      ['a hole with a flag', (c) => (c[at().kinds + hole] = 2 | 4)],
      ['a hole with a replay code', (c) => (c[at().replay + hole] = 1)],
      ['a hole whose extra is an event\'s', (_c, m) => ((m['extra'] as unknown[])[(m['extra'] as { hashes?: unknown }[]).findIndex((x) => x.hashes !== undefined)] = { findings: [], event: null })],
      // On the last record: no later record of its chain refuses it instead.
      ['an event of chain -1', (c) => c.writeInt32LE(-1, at().chainIdx + 4 * (n - 1))],
      ['a prev_hash of length -1 (the ts longer by one)', (c) => (col(c).setLen(plain, 1, -1), col(c).setLen(plain, 2, r.len(plain, 2) + r.len(plain, 1) + 1))],
      ['a ts of length -1 (the prev_hash longer by one)', (c) => (col(c).setLen(plain, 2, -1), col(c).setLen(plain, 1, r.len(plain, 1) + r.len(plain, 2) + 1))],
      // From mutation testing: a negative hash length was not refused (its prev_hash took the hash's bytes).
      ['a hash of length -1 (the prev_hash longer by one)', (c) => (col(c).setLen(plain, 0, -1), col(c).setLen(plain, 1, r.len(plain, 1) + r.len(plain, 0) + 1))],
      ['LINKED with a prev_hash of its own', (c) => (col(c).setLen(linked, 0, r.len(linked, 0) - 1), col(c).setLen(linked, 1, 1))],
      ['a chain name that is not a string', (_c, m) => ((m['chainNames'] as unknown[])[0] = 1)],
      // From mutation testing: lines must increase within the unit and stay in it.
      ['a record of kind 3', (c) => (c[at().kinds + plain] = 3)],
      ['an event with an unknown flag', (c) => (c[at().kinds + plain] = c[at().kinds + plain]! | 0x80)],
      ['an event of a chain past the names', (c, m) => c.writeInt32LE((m['chainNames'] as unknown[]).length, at().chainIdx + 4 * (n - 1))],
      ['an event of seq -1', (c) => c.writeDoubleLE(-1, at().seqs + 8 * plain)],
      ['an event of seq 1.5', (c) => c.writeDoubleLE(1.5, at().seqs + 8 * plain)],
      ['LINKED on the first record of its chain in the unit', (c) => (c[at().kinds] = c[at().kinds]! | 4, col(c).setLen(0, 0, r.len(0, 0) + r.len(0, 1)), col(c).setLen(0, 1, 0))],
      ['NO_TS on an event with a ts', (c) => (c[at().kinds + plain] = c[at().kinds + plain]! | 8)],
      ['a replay outcome both in the column and in extra', (c, m) => extraOnPlain(c, m, 1)],
      ['an event\'s extra with a note (a shard makes none)', (c, m) => (extraOnPlain(c, m, 0)['note'] = {})],
      ['a byte that is not UTF-8 inside a hash', (c) => (c[textAt(plain) + 8] = 0xff)],
      ['an extra that no record takes', (_c, m) => (m['extra'] as unknown[]).push((m['extra'] as { hashes?: unknown }[]).find((x) => x.hashes !== undefined))],
      ['two records of one line', (c) => c.writeInt32LE(c.readInt32LE(at().lineNos), at().lineNos + 4)],
      ['a record past the unit\'s last line', (c, m) => c.writeInt32LE(Number(m['lines']) + 1, at().lineNos + 4 * (n - 1))],
      // From mutation testing: lengths that cut a character (the text UTF-8 as a whole) were
      // not refused, at any of the three places a record's texts meet.
      ['a hash whose last byte starts a character its prev_hash ends', (c) => straddle(c, textAt(plain) + r.len(plain, 0))],
      ['a prev_hash whose last byte starts a character its ts ends', (c) => straddle(c, textAt(plain) + r.len(plain, 0) + r.len(plain, 1))],
      ['a ts whose last byte starts a character the next hash ends', (c) => straddle(c, textAt(plain) + r.len(plain, 0) + r.len(plain, 1) + r.len(plain, 2))],
      // Found by review: a ts is printed as it is (the summary's time range, a chain's first and
      // last ts), which the line check makes sure of (isSelTimestamp); a ts of other text was
      // merged, its escape sequences and workflow commands shown in the text report.
      ['a ts that is not a timestamp: an escape sequence and a workflow command', (c) => c.write('\u001b[2J\n::error::forged..', textAt(plain) + r.len(plain, 0) + r.len(plain, 1), 'latin1')],
      ['a ts that is not a timestamp: a date without its time', (c) => c.write('2026-11-01 is the day ok', textAt(plain) + r.len(plain, 0) + r.len(plain, 1), 'latin1')],
      // Found by review: a hash and a prev_hash are printed as they are too (a chain's last hash
      // in the JSON and text reports, a finding's expected and actual), which the line check makes
      // sure of (it places only events whose hash and prev_hash are digests); other text of the
      // same length was merged.
      ['a hash that is not a digest: an escape sequence and a workflow command', (c) => c.write(`\u001b[2J\n::error::forged${'.'.repeat(r.len(plain, 0) - 19)}`, textAt(plain), 'latin1')],
      ['a hash of sha256 with an upper-case digit', (c) => c.write('A', textAt(plain) + r.len(plain, 0) - 1, 'latin1')],
      ['a prev_hash that is not a digest', (c) => c.write('sha256;', textAt(plain) + r.len(plain, 0), 'latin1')],
      ['a prev_hash of an algorithm whose name has a capital', (c) => c.write('Sha512:', textAt(plain) + r.len(plain, 0), 'latin1')],
      // From mutation testing: a ts longer than a timestamp, its first 24 bytes one, the next
      // record's hash ("sha256:…" less its first 3 bytes, "256:…", of another algorithm) the shorter.
      ['a ts of 27 bytes: a timestamp and 3 more', (c) => (col(c).setLen(tsThenHash, 2, 27), col(c).setLen(tsThenHash + 1, 0, 68))],
    ];
    expect(r.len(plain, 2)).toBe(24);
    expect([r.len(plain, 0), r.len(plain, 1)]).toEqual([71, 71]);
    for (const [what, edit] of cases) expect(await damaged(edit), what).toMatch(MALFORMED);
    // A digest of an algorithm sel cannot check is one the line check places (DIGEST_UNSUPPORTED): merged.
    expect(await damaged((c) => c.write('sha512:', textAt(plain) + r.len(plain, 0), 'latin1')), 'a prev_hash of another algorithm').toBe('merged');
  });

  it('extra: a hole\'s hashes, capacity and chain, a finding of a shape sel never makes', async () => {
    const holeExtra = (m: Record<string, unknown>) => (m['extra'] as Record<string, unknown>[]).find((x) => x['hashes'] !== undefined)!;
    const finding = (m: Record<string, unknown>) => (m['extra'] as { findings?: Record<string, unknown>[] }[]).find((x) => (x.findings?.length ?? 0) > 0)!.findings![0]!;
    expect(finding(result.blocks[block]!.meta)).toBeDefined();
    const nested = (k: number): unknown => (k === 0 ? 1 : [nested(k - 1)]);
    expect(await damaged((_c, m) => (finding(m)['expected'] = nested(32))), '32 deep').toBe('merged');
    const cases: [string, (m: Record<string, unknown>) => void][] = [
      ['a hole\'s hash that is not a string', (m) => (holeExtra(m)['hashes'] = [1])],
      ['a hole of capacity -1', (m) => (holeExtra(m)['capacity'] = -1)],
      ['a hole\'s chain that is a number', (m) => (holeExtra(m)['chain'] = 5)],
      // Found by review: a line check gives a hole a chain only when it is a chain id.
      ['a hole\'s chain that is not a chain id', (m) => (holeExtra(m)['chain'] = 'not a chain id')],
      ['a finding\'s expected nested 33 deep', (m) => (finding(m)['expected'] = nested(33))],
      ['a finding\'s detail nested 100 deep', (m) => (finding(m)['detail'] = { d: nested(100) })],
      ['a finding of an unknown code', (m) => (finding(m)['code'] = 'NOT_A_CODE')],
      // From mutation testing: a code that is a property of every object, without a severity (which it does not have).
      ['a finding whose code is "toString", without a severity', (m) => (finding(m)['code'] = 'toString', delete finding(m)['severity'])],
      ['a finding whose chain is a number', (m) => (finding(m)['chain'] = 5)],
      ['a finding whose seq is not an integer', (m) => (finding(m)['seq'] = 1.5)],
      ['a finding whose message is not text', (m) => (finding(m)['message'] = 5)],
      ['a finding at column 0', (m) => ((finding(m)['location'] as Record<string, unknown>)['column'] = 0)],
      ['a finding at line 1.5', (m) => ((finding(m)['location'] as Record<string, unknown>)['line'] = 1.5)],
      // From mutation testing: renderers print a location's file as text.
      ['a finding whose file is a number', (m) => ((finding(m)['location'] as Record<string, unknown>)['file'] = 5)],
      // From mutation testing: sel's findings have a location, null or one (renderers read it).
      ['a finding without a location', (m) => delete finding(m)['location']],
      ['a chain name that is not a chain id', (m) => ((m['chainNames'] as unknown[])[0] = 'not a chain id')],
      ['a block of a file the header does not have', (m) => (m['file'] = 1)],
    ];
    for (const [what, edit] of cases) expect(await damaged((_c, m) => edit(m)), what).toMatch(MALFORMED);
    // From mutation testing: a number JSON.parse reads as Infinity (renderers write it null).
    const infinite = await damaged((_c, m) => (finding(m)['expected'] = '@infinite@'), undefined, undefined, (json) => Buffer.from(json.toString().replace('"@infinite@"', '1e999')));
    expect(infinite, 'a finding\'s expected of 1e999').toMatch(MALFORMED);
    // From mutation testing: more lines with content than lines, the trailer's count to match.
    const lines = Number(result.blocks[block]!.meta['lines']);
    const content = Number(result.blocks[block]!.meta['content']);
    const more = await damaged((_c, m) => (m['content'] = lines + 1), undefined, (t) => ((t['files'] as Record<string, number>[])[0]!['content'] = lines + 1));
    expect(more, 'content past the lines').toMatch(MALFORMED);
    expect(await damaged((_c, m) => (m['content'] = content), undefined, (t) => ((t['files'] as Record<string, number>[])[0]!['content'] = content)), 'as written').toBe('merged');
  });

  it('header and trailer: a negative or reversed part, skipped entries, options and deleted logs of the wrong shape, a count per file missing', async () => {
    const files = (h: Record<string, unknown>) => h['files'] as Record<string, unknown>[];
    /** The header as with --repo, `replay` changed from one of the right shape. */
    const withRepo = (h: Record<string, unknown>, replay: Record<string, unknown>) => (h['replay'] = { ref: 'main', commit: '0'.repeat(40), paths: ['logs/log.jsonl'], ...replay });
    const cases: [string, (h: Record<string, unknown>) => void, ((t: Record<string, unknown>) => void)?][] = [
      ['a part that starts before the file', (h) => (files(h)[0]!['start'] = -1)],
      ['a part that ends before it starts', (h) => (files(h)[0]!['start'] = Number(files(h)[0]!['end']) + 1)],
      ['a file of size -1, read nowhere', (h) => Object.assign(files(h)[0]!, { size: -1, start: -1, end: -1 })],
      ['a skipped entry that is not text', (h) => (h['skipped'] = [{ display: 1, reason: 2 }])],
      ['options that are not numbers', (h) => (h['options'] = {})],
      ['a trailer without the file\'s counts', () => undefined, (t) => (t['files'] = [])],
      ['no list of deleted logs', (h) => delete h['deleted']],
      ['a deleted log that is not a name', (h) => (h['deleted'] = [1])],
      ['a deleted log without --repo', (h) => (h['deleted'] = ['logs/a.jsonl'])],
      // From mutation testing: each of these passed the header's check.
      ['shard 1 of 1 numbered 1 (from 0: it is the second)', (h) => (h['shard'] = 1)],
      ['shard -1', (h) => (h['shard'] = -1)],
      ['a part that ends past the file', (h) => (files(h)[0]!['end'] = Number(files(h)[0]!['size']) + 1)],
      ['a count of records per file for two files, with one', () => undefined, (t) => (t['files'] = [...(t['files'] as unknown[]), { lines: 0, content: 0 }])],
      ['a committed line without --repo', (h) => (h['committed'] = [{ line: 1, commit: '0'.repeat(40) }])],
      ['no committed line per file', (h) => (h['committed'] = [])],
      ['a replay commit that is not a hash', (h) => withRepo(h, { commit: 'main' })],
      ['a replay with no path per file', (h) => withRepo(h, { paths: [] })],
      ['a replay path with a "." segment', (h) => withRepo(h, { paths: ['logs/./log.jsonl'] })],
      ['a replay path with a line feed', (h) => withRepo(h, { paths: ['logs/log\n.jsonl'] })],
      ['a committed line 0', (h) => (withRepo(h, {}), (h['committed'] = [{ line: 0, commit: '0'.repeat(40) }]))],
      // sel.shard/9: where a file differs is its line and the commit of the version it differs from.
      ['a committed line alone (sel.shard/8)', (h) => (withRepo(h, {}), (h['committed'] = [3]))],
      ['a committed difference whose commit is not a hash', (h) => (withRepo(h, {}), (h['committed'] = [{ line: 3, commit: '\u001b[2J' }]))],
      ['a committed difference without its commit', (h) => (withRepo(h, {}), (h['committed'] = [{ line: 3 }]))],
      ['a committed difference with another member', (h) => (withRepo(h, {}), (h['committed'] = [{ line: 3, commit: '0'.repeat(40), file: 'x' }]))],
      ['a deleted log that is not a name, with --repo', (h) => (withRepo(h, {}), (h['deleted'] = [1]))],
    ];
    for (const [what, header, trailer] of cases) expect(await damaged(() => undefined, header, trailer), what).toMatch(/its header or trailer is malformed/);
  });
});
