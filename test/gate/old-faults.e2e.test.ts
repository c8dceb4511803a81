/**
 * Review of the gate's assertions over faults placed before --since:
 * - `--require-anchored` judges every event, in range or not (docs/ci.md): an event changed and
 *   sealed again before the range, its successor's prev_hash naming the original, is covered by
 *   no anchor (the anchor after it names a chain that does not pass through it), and "a line
 *   changed long ago and sealed again" fails "--require-anchored, whose anchors cover the old
 *   part of the log". It passed: "every event is covered by a matching anchor".
 * - An event of a fork branch stamped after a --since time is in range (its elevation is
 *   counted), so what replay finds of it is too: the branch's elevation allowed without an
 *   exception passed --no-unreviewed-elevation ("every allowed elevation in range (1) had the
 *   exception it needs") while `sel verify` reported its EXCEPTION_MISSING.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import type { SelEvent } from '../../src/envelope/types.js';
import { sel } from '../helpers/cli.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-old-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const at = (i: number) => new Date(T0 + i * 60_000).toISOString();
let repo: string;
let replaced: string;
let forked: string;
let clean: string;

interface Gate { result: string; assertions: { name: string; pass: boolean; reason: string }[] }
const gate = (log: string, args: string[], jobs = '1') => {
  const r = sel(['gate', log, '--repo', repo, '--format', 'json', '--jobs', jobs, '--unit-bytes', '2000', ...args]);
  return { status: r.status, out: JSON.parse(r.stdout) as Gate };
};
const named = (g: Gate, name: string) => g.assertions.find((a) => a.name === name)!;

beforeAll(() => {
  repo = initRepo(join(tmp, 'gov'));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  commit(repo, 'policy');
  const hash = sel(['policy', 'hash', repo]).stdout.trim();
  const tool = (i: number): EventInput => ({
    ts: at(i), kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool: 'git' }, policy_hash: hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  });
  // An elevation recorded as allowed, with no exception: replay blocks it (EXCEPTION_MISSING).
  const elevation = (i: number): EventInput => ({
    ts: at(i), kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' },
    request: { from: 'executor', to: 'supervisor' }, policy_hash: hash, decision: { action: 'allow', rule: 'trust.ops-restart', severity: 'low' },
  });
  const w = new ChainWriter('h');
  const lines: string[] = [];
  const events: SelEvent[] = [];
  for (let i = 0; i < 60; i++) {
    const a = w.append(tool(i));
    lines.push(a.line);
    events.push(a.event);
  }
  // The release is at event 40's time; the ledger anchors the log's end (seq 59).
  const last = events[59]!;
  write(repo, { 'ledger/anchors/h/59.json': `${JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq: 59, hash: last.hash, ts: last.ts })}\n` });
  commit(repo, 'anchor seq 59');
  // After the release: seq 20 replaced in place by an elevation linked to seq 19, stamped now.
  const again = new ChainWriter('h', { lastSeq: 19, lastHash: events[19]!.hash }).append(elevation(61)).line;
  clean = join(tmp, 'clean.jsonl');
  replaced = join(tmp, 'replaced.jsonl');
  forked = join(tmp, 'forked.jsonl');
  writeFileSync(clean, `${lines.join('\n')}\n`);
  writeFileSync(replaced, `${lines.map((l, i) => (i === 20 ? again : l)).join('\n')}\n`);
  // The same event appended after the log's end: a branch from seq 19.
  writeFileSync(forked, `${[...lines, again].join('\n')}\n`);
});

describe('--require-anchored and an event changed and sealed again before --since', () => {
  it('fails: no anchor covers the changed event, whatever --since says', () => {
    expect(sel(['gate', clean, '--repo', repo, '--since', '40', '--require-anchored']).status).toBe(0);
    const v = JSON.parse(sel(['verify', replaced, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] };
    expect(v.findings.map((f) => [f.code, f.seq])).toEqual(expect.arrayContaining([['PREV_HASH_MISMATCH', 21], ['EXCEPTION_MISSING', 20]]));
    for (const [since, jobs] of [['40', '1'], ['40', '3'], [at(40), '1'], [at(40), '3']] as const) {
      const r = gate(replaced, ['--since', since, '--require-anchored'], jobs);
      expect(r.status, `${since} --jobs ${jobs}: ${JSON.stringify(r.out)}`).toBe(1);
      expect(named(r.out, '--require-anchored'), since).toMatchObject({ pass: false, reason: expect.stringContaining('PREV_HASH_MISMATCH') });
    }
  });
});

describe('an elevation on a fork branch, stamped after a --since time', () => {
  it('counts its replay\'s findings where it counts its elevation', () => {
    for (const jobs of ['1', '3']) {
      const r = gate(forked, ['--since', at(40), '--no-unreviewed-elevation', '--no-unverifiable'], jobs);
      expect(r.status).toBe(1);
      expect(named(r.out, 'integrity').pass).toBe(false); // the CHAIN_FORK
      expect(named(r.out, '--no-unreviewed-elevation'), `--jobs ${jobs}`).toMatchObject({ pass: false, reason: expect.stringMatching(/^1 elevation\(s\) allowed without an exception in force, first EXCEPTION_MISSING at .*forked\.jsonl:61 \(h seq 20\)/) });
      expect(named(r.out, '--no-unverifiable').pass, `--jobs ${jobs}`).toBe(false);
    }
  });
});
