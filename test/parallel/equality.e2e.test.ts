/**
 * --jobs N gives exactly the single-thread report: byte-identical output, with faults
 * planted at batch boundaries (a batch is 1024 lines), integrity-only and with replay.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { sel } from '../helpers/cli.js';
import { interleavedLines } from '../helpers/chains.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-parallel-'));
let gov: GovernanceSample;
let log: string;
beforeAll(() => {
  gov = buildGovernanceRepo(join(tmp, 'governance'));
  // 3 chains x 1100 events, with faults on both sides of the batch boundaries (1024, 2048).
  const lines = interleavedLines(1100, ['a', 'b', 'c']);
  const damage = (i: number) => (lines[i] = lines[i]!.replace('"action":"', '"action":"x'));
  for (const i of [1022, 1023, 1024, 1025, 2047, 2048]) damage(i);
  lines.splice(3000, 1); // a gap
  [lines[2100], lines[2103]] = [lines[2103]!, lines[2100]!]; // a swap within one chain (3 chains interleave)
  lines.splice(1500, 0, '{"not":"an event"}'); // a hole
  lines.splice(1700, 0, lines[1600]!); // a duplicate
  log = join(tmp, 'faults.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]) => {
  const r = sel(args);
  expect(r.stderr).toBe('');
  return r.stdout;
};

describe('parallel verification', () => {
  it('integrity-only: --jobs 1, 2 and 3 give byte-identical reports', () => {
    const one = run(['verify', log, '--format', 'json', '--jobs', '1']);
    expect(JSON.parse(one).findings.map((f: { code: string }) => f.code)).toContain('SEQ_REORDER');
    expect(JSON.parse(one).findings.length).toBeGreaterThan(5);
    for (const j of ['2', '3']) expect(run(['verify', log, '--format', 'json', '--jobs', j])).toBe(one);
    expect(run(['verify', log, '--format', 'sarif', '--jobs', '2'])).toBe(run(['verify', log, '--format', 'sarif', '--jobs', '1']));
  });
  it('with replay in the workers: the same report as on one thread', () => {
    for (const l of [gov.clean, gov.incident]) {
      const one = run(['verify', l, '--repo', gov.repo, '--format', 'json', '--jobs', '1']);
      expect(run(['verify', l, '--repo', gov.repo, '--format', 'json', '--jobs', '2'])).toBe(one);
    }
  });
});
