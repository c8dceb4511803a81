/**
 * --jobs and shards + merge against one thread on heavily disordered logs (test/fuzz/disorder.ts;
 * `npm run fuzz` runs many more cases): several chains interleaved, many displacements at
 * once (within and beyond the reorder window, reversed and nested runs, deletions beside
 * them), duplicates, forged rivals read before or after the real event, rotated files named
 * in an order their seqs disagree with. And one such log by hand, with every line on a unit
 * cut and on a shard cut, and through the CLI in JSON and SARIF.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/shard/merge.js';
import { runShard } from '../../src/shard/shard.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { chainLines, sampleInput } from '../helpers/chains.js';
import { sel } from '../helpers/cli.js';
import { disorderAgrees } from '../fuzz/disorder.js';
import { inFuzzDir } from '../fuzz/units.js';

describe('disordered logs (test/fuzz/disorder.ts)', () => {
  it('property: many displacements, duplicates, forgeries, rotated files in any order: --jobs and shards + merge give one thread\'s report', async () => {
    await inFuzzDir((dir) => fc.assert(disorderAgrees(dir), { numRuns: 15, seed: 71 }));
  });
});

describe('a disordered log with a cut at every line', () => {
  let tmp: string;
  let files: string[];
  let lineCount: number;
  const notReplayed = { performed: false, reason: 'no --repo given' } as const;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sel-disorder-'));
    const [a, b, c] = [chainLines(44, 'a'), chainLines(80, 'b'), chainLines(12, 'c')];
    const rival = (lines: string[], seq: number, tag: string): string => {
      const prev = JSON.parse(lines[seq - 1]!) as { hash: string };
      return new ChainWriter('a', { lastSeq: seq - 1, lastHash: prev.hash }).append(sampleInput(seq, { kind: tag })).line;
    };
    // Chain a: seqs 10-14 reversed; 20 before 14-17 and 19 after them, before 18 (nested);
    // 25 deleted, 26 after 30 (late past a gap); 5 again after 35; a forged 8 read before the
    // real one, a forged 33 after it.
    const ao: string[] = [];
    for (let s = 0; s < 44; s++) {
      if (s === 8) ao.push(rival(a, 8, 'forged.before'));
      if (s >= 10 && s <= 14) continue;
      if (s === 15) ao.push(...a.slice(10, 15).reverse().slice(0, 3), a[20]!, ...a.slice(10, 15).reverse().slice(3));
      if (s === 18) ao.push(a[19]!);
      if (s === 19 || s === 20 || s === 25 || s === 26) continue;
      ao.push(a[s]!);
      if (s === 30) ao.push(a[26]!);
      if (s === 33) ao.push(rival(a, 33, 'forged.after'));
      if (s === 35) ao.push(a[5]!);
    }
    // Chain b: seq 3 read after seq 70 (past a window of 64), 40-49 reversed, 60 twice.
    const bo = [...b.slice(0, 3), ...b.slice(4, 40), ...b.slice(40, 50).reverse(), ...b.slice(50, 61), b[60]!, ...b.slice(61, 71), b[3]!, ...b.slice(71)];
    // Chain c: 0-11 read backwards.
    const co = [...c].reverse();
    const lines: string[] = [];
    for (let i = 0; lines.length < ao.length + bo.length + co.length; i++) {
      if (i < ao.length) lines.push(ao[i]!);
      if (i < bo.length) lines.push(bo[i]!);
      if (i % 3 === 0 && i / 3 < co.length) lines.push(co[i / 3]!);
    }
    lineCount = lines.length;
    // Three rotated files whose names sort against their order, named in yet another order.
    const dir = join(tmp, 'logs');
    mkdirSync(dir);
    const cut = [0, 50, 51, lines.length];
    files = ['c.jsonl', 'b.jsonl', 'a.jsonl'].map((name, i) => {
      const f = join(dir, name);
      writeFileSync(f, `${lines.slice(cut[i], cut[i + 1]).join('\n')}\n`);
      return f;
    });
    files = [files[1]!, files[2]!, files[0]!];
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const window of [1, 2, 64]) {
    it(`--reorder-window ${window}: units of one line, 2 to 6 shards and a shard per line`, async () => {
      const chain = { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: window };
      const one = await verifyLogs(files, { ...DEFAULT_VERIFY_OPTIONS, chain, jobs: 1 });
      const codes = new Set(one.findings.map((f) => f.code));
      for (const c of ['SEQ_REORDER', 'SEQ_GAP', 'SEQ_DUPLICATE', 'CHAIN_FORK']) expect(codes, c).toContain(c);
      for (const [jobs, unitBytes, mainThreadUnits] of [[2, 1, false], [3, 1, true], [3, 2000, true]] as const) {
        expect(isDeepStrictEqual(await verifyLogs(files, { ...DEFAULT_VERIFY_OPTIONS, chain, jobs, unitBytes, mainThreadUnits }), one), `--jobs ${jobs}, ${unitBytes}-byte units`).toBe(true);
      }
      const report = renderJson(buildReport(one, notReplayed, 'error'));
      for (const of of [2, 3, 4, 5, 6, lineCount]) {
        const outs: string[] = [];
        for (let i = 0; i < of; i++) {
          outs.push(join(tmp, `w${window}-${of}-${i}`));
          await runShard(files, i, of, outs[i]!, { ...DEFAULT_VERIFY_OPTIONS, unitBytes: 1 + (i % 3) * 700 });
        }
        const merged = renderJson(buildReport((await mergeShards({ shards: outs, options: { chain } })).result, notReplayed, 'error'));
        expect(merged === report, `${of} shards`).toBe(true);
        for (const o of outs) rmSync(o);
      }
    });
  }

  it('the CLI: --jobs 2, --jobs 3 --unit-bytes 2000 and 4 shards + merge print one thread\'s JSON and SARIF', () => {
    for (const format of ['json', 'sarif']) {
      const args = ['--format', format, '--reorder-window', '2'];
      const one = sel(['verify', ...files, ...args, '--jobs', '1']);
      expect(one.status).toBe(1);
      for (const jobs of [['--jobs', '2'], ['--jobs', '3', '--unit-bytes', '2000']]) {
        const r = sel(['verify', ...files, ...args, ...jobs]);
        expect({ status: r.status, same: r.stdout === one.stdout }, jobs.join(' ')).toEqual({ status: 1, same: true });
      }
      const outs = [1, 2, 3, 4].map((i) => {
        const out = join(tmp, `cli-${format}-${i}`);
        expect(sel(['verify', ...files, '--shard', `${i}/4`, '--shard-out', out]).status).toBe(0);
        return out;
      });
      const m = sel(['merge', ...outs, ...args]);
      expect({ status: m.status, same: m.stdout === one.stdout }).toEqual({ status: 1, same: true });
    }
  });
});
