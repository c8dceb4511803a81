/**
 * `sel merge` reports what the single run reports, past its standard output too: found by
 * review (a merge that passed while the single run failed, or that did less than it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { expectOneSentence, sel } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-shards-review-'));
let gov: GovernanceSample;
beforeAll(() => {
  gov = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function shards(logs: string[], n: number, extra: string[], cwd: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(dir, `shard-${i}.jsonl`);
    const r = sel(['verify', ...logs, '--shard', `${i}/${n}`, '--shard-out', out, ...extra], { cwd });
    expect(r.status, r.stderr).toBe(0);
    files.push(out);
  }
  return files;
}

describe('sel merge does what one run does', () => {
  it('--format github appends the step summary, as sel verify does', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'incident', 'audit.jsonl');
    const files = shards([log], 2, [], tmp, join(tmp, 'github'));
    const one = join(tmp, 'summary-one.md');
    const merged = join(tmp, 'summary-merged.md');
    const a = sel(['verify', log, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: one } });
    const b = sel(['merge', ...files, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: merged } });
    expect(b.stdout).toBe(a.stdout);
    expect(existsSync(one)).toBe(true);
    expect(existsSync(merged) ? readFileSync(merged, 'utf8') : null).toBe(readFileSync(one, 'utf8'));
  });

  it('a shard refuses --ref without --repo, as a run does', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean', 'audit.jsonl');
    expect(expectOneSentence(sel(['verify', log, '--ref', 'HEAD~1']))).toContain('--ref needs --repo');
    expect(expectOneSentence(sel(['verify', log, '--ref', 'HEAD~1', '--shard', '1/2', '--shard-out', join(tmp, 'ref.jsonl')]))).toContain('--ref needs --repo');
    expect(existsSync(join(tmp, 'ref.jsonl'))).toBe(false);
  });
});
