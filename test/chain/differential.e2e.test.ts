/**
 * Found by differential testing against an independent integrity verifier written from
 * SPEC.md alone: the built CLI on real files, with --jobs 1, --jobs 3 in small units and
 * 3 shards + merge.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainLines, toLog } from '../helpers/chains.js';
import { sel } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sel-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row { code: string; chain: string | null; seq: number | null; location: { line: number } }

/** One run's findings, checked to be the same bytes with --jobs 3 and from 3 shards merged. */
function verifyAll(name: string, bytes: Buffer): Row[] {
  const log = join(dir, `${name}.jsonl`);
  writeFileSync(log, bytes);
  const one = sel(['verify', log, '--format', 'json', '--jobs', '1']);
  expect(sel(['verify', log, '--format', 'json', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
  const shards = [1, 2, 3].map((i) => {
    const out = join(dir, `${name}.shard-${i}`);
    expect(sel(['verify', log, '--shard', `${i}/3`, '--shard-out', out]).status).toBe(0);
    return out;
  });
  expect(sel(['merge', ...shards, '--format', 'json']).stdout).toBe(one.stdout);
  return (JSON.parse(one.stdout) as { findings: Row[] }).findings;
}

const brief = (rows: Row[]) => rows.map((f) => `${f.code}@${f.location.line}`);

/** Damage a line's content without re-hashing it (its hash no longer matches). */
function tamper(line: string): string {
  return line.replace('"plain"', '"PLAIN"').replace('"données', '"DONNÉES');
}

describe('a damaged event whose hash its successor names explains its slot, also while the chain waits for a late event (one fault, one finding: SPEC.md §6; docs/contract.md, "Holes")', () => {
  const lines = chainLines(10, 'c');
  // seq 4 arrives late (after 8); the line holding seq 7 is damaged in between.
  const order = (damage: (l: string) => string) => [0, 1, 2, 3, 5, 6, 7, 8, 4, 9].map((s) => (s === 7 ? damage(lines[s]!) : lines[s]!));

  it('a tampered event (HASH_MISMATCH) is not reported again as a SEQ_GAP', () => {
    const rows = verifyAll('late-hash', toLog(order(tamper)));
    expect(brief(rows)).toEqual(['HASH_MISMATCH@7', 'SEQ_REORDER@9']);
  });

  it('as it is not when nothing arrives late', () => {
    const rows = verifyAll('in-order', toLog([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => (s === 7 ? tamper(lines[s]!) : lines[s]!))));
    expect(brief(rows)).toEqual(['HASH_MISMATCH@8']);
  });
});

describe('an event that cannot be used (a duplicate key) explains its slot while the chain waits for a late event', () => {
  const lines = chainLines(14, 'c');
  const dupKey = (l: string) => l.replace('"kind":', '"kind":"x","kind":');

  it('is one EVENT_NONCANONICAL, not also a SEQ_GAP', () => {
    // seq 2 arrives late (after 12); the line holding seq 11 has a duplicate key.
    const order = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 2, 13];
    const rows = verifyAll('late-dupkey', toLog(order.map((s) => (s === 11 ? dupKey(lines[s]!) : lines[s]!))));
    expect(brief(rows)).toEqual(['EVENT_NONCANONICAL@11', 'SEQ_REORDER@13']);
  });

  it('as in order', () => {
    const rows = verifyAll('dupkey', toLog(lines.map((l, s) => (s === 11 ? dupKey(l) : l))));
    expect(brief(rows)).toEqual(['EVENT_NONCANONICAL@12']);
  });
});

describe('an event that arrives late is reported when a gap follows it (every fault survives: docs/contract.md, "Hostile input")', () => {
  const lines = chainLines(12, 'c');
  const log = (order: number[]) => toLog(order.map((s) => lines[s]!));

  it('seq 4 deleted and seq 3 moved after seq 5–7: a SEQ_GAP and a SEQ_REORDER', () => {
    const rows = verifyAll('late-then-gap', log([0, 1, 2, 5, 6, 7, 3, 8, 9]));
    expect(brief(rows)).toEqual(['SEQ_GAP@4', 'SEQ_REORDER@7']);
    expect(rows[1]!.seq).toBe(3);
  });

  it('seq 4 deleted and seq 2–3 moved to the end', () => {
    const rows = verifyAll('late-run-then-gap', log([0, 1, 5, 6, 7, 8, 9, 2, 3]));
    expect(brief(rows)).toEqual(['SEQ_GAP@3', 'SEQ_REORDER@9']);
  });

  it('as without the gap: one SEQ_REORDER', () => {
    const rows = verifyAll('late-no-gap', log([0, 1, 2, 5, 6, 7, 3, 4, 8, 9]));
    expect(brief(rows)).toEqual(['SEQ_REORDER@8']);
  });
});

describe('rotated files are ordered by their first event also under a small --max-line-bytes (SPEC.md §2; docs/contract.md, "Files")', () => {
  const lines = chainLines(9, 'c');
  /** a.jsonl seq 0–2, b.jsonl seq 3–5 (its first line given), c.jsonl seq 6–8, in a directory. */
  function rotated(name: string, firstOfB: string): string {
    const d = join(dir, name);
    mkdirSync(d);
    writeFileSync(join(d, 'a.jsonl'), toLog(lines.slice(0, 3)));
    writeFileSync(join(d, 'b.jsonl'), toLog([firstOfB, ...lines.slice(4, 6)]));
    writeFileSync(join(d, 'c.jsonl'), toLog(lines.slice(6)));
    return d;
  }
  const run = (d: string, max: number) => {
    const r = sel(['verify', d, '--format', 'json', '--max-line-bytes', String(max)]);
    const rep = JSON.parse(r.stdout) as { summary: { files: { file: string }[] }; findings: Row[] };
    return { files: rep.summary.files.map((f) => f.file.slice(d.length + 1)), findings: brief(rep.findings) };
  };

  it('a first line longer than the limit does not move its file after the next one', () => {
    const max = Math.max(...lines.map((l) => Buffer.byteLength(l)));
    const d = rotated('long-first', lines[3]! + ' '.repeat(max));
    expect(run(d, max)).toEqual({ files: ['a.jsonl', 'b.jsonl', 'c.jsonl'], findings: ['LINE_TOO_LONG@1'] });
  });

  it('a damaged first line does not move its file when the limit is below the first two lines together', () => {
    const d = rotated('damaged-first', lines[3]!.slice(0, 500));
    expect(run(d, lines[4]!.length + 100)).toEqual({ files: ['a.jsonl', 'b.jsonl', 'c.jsonl'], findings: ['LINE_INVALID_JSON@1'] });
  });
});
