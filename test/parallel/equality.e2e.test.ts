/**
 * --jobs N gives exactly the single-thread report: byte-identical output, with faults planted
 * around the cuts between units (--unit-bytes makes them small: every few lines), integrity-only,
 * with replay, and resuming from a checkpoint. test/parallel/units.test.ts holds the library to
 * the same with units down to one byte.
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { interleavedLines, sampleInput } from '../helpers/chains.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { bundleOf, edited, sampleFiles } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { digestOf } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { buildBackdated } from '../helpers/backdated.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-parallel-'));
let gov: GovernanceSample;
let log: string;
/** One chain, 30 events; the last is placed but fails the schema (sealed again), so it has no event. */
let odd: string;
beforeAll(() => {
  gov = buildGovernanceRepo(join(tmp, 'governance'));
  // 3 chains x 1100 events (~1.8 MB), faults close together: with 4 KiB units (~6 lines)
  // some fall on each side of a cut; with the default 2 MiB units the file is one unit.
  const lines = interleavedLines(1100, ['a', 'b', 'c']);
  const damage = (i: number) => (lines[i] = lines[i]!.replace('"action":"', '"action":"x'));
  for (const i of [1022, 1023, 1024, 1025, 2047, 2048]) damage(i);
  lines.splice(3000, 1); // a gap
  [lines[2100], lines[2103]] = [lines[2103]!, lines[2100]!]; // a swap within one chain (3 chains interleave)
  lines.splice(1500, 0, '{"not":"an event"}'); // a hole
  lines.splice(1700, 0, lines[1600]!); // a duplicate
  log = join(tmp, 'faults.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const w = new ChainWriter('odd');
  const oddLines = Array.from({ length: 30 }, (_, i) => w.append(sampleInput(i, { kind: i % 3 === 0 ? 'zone.elevate' : 'tool.invoke' })).line);
  const last = JSON.parse(oddLines[29]!) as Record<string, unknown>;
  (last['actor'] as Record<string, unknown>)['zone'] = 'root';
  delete last['hash'];
  last['hash'] = digestOf(last);
  oddLines[29] = canonicalize(last);
  odd = join(tmp, 'odd.jsonl');
  writeFileSync(odd, `${oddLines.join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]) => {
  const r = sel(args);
  expect(r.stderr).toBe('');
  return r.stdout;
};

describe('parallel verification', () => {
  it('integrity-only: --jobs 1, 2 and 3 give byte-identical reports, whatever the unit size', () => {
    const one = run(['verify', log, '--format', 'json', '--jobs', '1']);
    expect(JSON.parse(one).findings.map((f: { code: string }) => f.code)).toContain('SEQ_REORDER');
    expect(JSON.parse(one).findings.length).toBeGreaterThan(5);
    for (const j of ['2', '3']) expect(run(['verify', log, '--format', 'json', '--jobs', j])).toBe(one);
    for (const u of ['4096', '65536']) expect(run(['verify', log, '--format', 'json', '--jobs', '2', '--unit-bytes', u])).toBe(one);
    expect(run(['verify', log, '--format', 'sarif', '--jobs', '2', '--unit-bytes', '4096'])).toBe(run(['verify', log, '--format', 'sarif', '--jobs', '1']));
  });
  it('with replay in the workers: the same report as on one thread', () => {
    for (const l of [gov.clean, gov.incident]) {
      const one = run(['verify', l, '--repo', gov.repo, '--format', 'json', '--jobs', '1']);
      expect(run(['verify', l, '--repo', gov.repo, '--format', 'json', '--jobs', '2'])).toBe(one);
      expect(run(['verify', l, '--repo', gov.repo, '--format', 'json', '--jobs', '2', '--unit-bytes', '512'])).toBe(one);
    }
  });
  it('a release gate: --jobs 2 gives the one-thread verdict, its facts made where replay runs, in the workers', () => {
    const assertions = ['--no-divergence', '--no-unverifiable', '--require-anchored', '--no-unreviewed-elevation', '--policy-at', 'HEAD', '--max-severity', 'none'];
    const gate = (l: string, args: string[]) => run(['gate', l, '--repo', gov.repo, '--format', 'json', ...assertions, ...args]);
    const reasons: string[] = [];
    for (const l of [gov.clean, gov.incident]) {
      for (const since of [[], ['--since', '30'], ['--since', '2026-11-02T00:00:00Z'], ['--since', 'HEAD~1']]) {
        const one = gate(l, [...since, '--jobs', '1']);
        reasons.push(...JSON.parse(one).assertions.map((a: { reason: string }) => a.reason));
        for (const u of ['300', '4096']) expect(gate(l, [...since, '--jobs', '2', '--unit-bytes', u])).toBe(one);
        expect(gate(l, [...since, '--jobs', '3', '--unit-bytes', '500'])).toBe(one);
      }
    }
    // The verdicts depend on the facts: elevations counted, events under another bundle.
    expect(reasons.some((r) => /^every allowed elevation in range \([1-9]/.test(r))).toBe(true);
    expect(reasons.some((r) => /elevation\(s\) allowed without an exception/.test(r))).toBe(true);
    expect(reasons.some((r) => /event\(s\) used another bundle/.test(r))).toBe(true);
  });
  it('explain: --jobs N gives the one-thread account of an event, which the workers send whole, its request parsed in full', () => {
    const explain = (l: string, args: string[]) => run(['explain', l, '--repo', gov.repo, ...args]);
    const seen = new Set<string>();
    const cases: [string, string[]][] = [
      ...[gov.clean, gov.incident].flatMap((l) => ['0', '26', '29', '32', '39'].map((seq): [string, string[]] => [l, ['--seq', seq]])),
      // The last event fails the schema: placed, but no event to evaluate.
      [odd, ['--seq', '29']],
      [odd, ['--seq', '28']],
      // Three chains: one named, next to faults.
      [log, ['--seq', '340', '--chain', 'a']],
      [log, ['--seq', '533', '--chain', 'c']],
      // A damaged line (its text read again from the file), and a seq the log lost (a gap).
      [log, ['--seq', '341', '--chain', 'a']],
      [log, ['--seq', '1000', '--chain', 'a']],
    ];
    for (const [l, at] of cases) {
      for (const format of ['json', 'text']) {
        const args = [...at, '--policy', 'HEAD~1', '--format', format];
        const one = explain(l, [...args, '--jobs', '1']);
        if (format === 'json') {
          const out = JSON.parse(one) as { event: unknown; lines: unknown[]; findings: { code: string }[] };
          seen.add(out.event !== null ? 'event' : out.lines.length > 0 ? `no event, ${out.findings[0]!.code}` : `no line, ${out.findings[0]!.code}`);
        }
        expect(explain(l, [...args, '--jobs', '2', '--unit-bytes', '300'])).toBe(one);
        expect(explain(l, [...args, '--jobs', '3', '--unit-bytes', '700'])).toBe(one);
      }
    }
    expect([...seen].sort()).toEqual(['event', 'no event, EVENT_SCHEMA', 'no event, HASH_MISMATCH', 'no line, SEQ_GAP']);
    // Several chains have the seq: the same refusal on any number of threads.
    const several = ['explain', log, '--repo', gov.repo, '--seq', '12'];
    const refused = sel([...several, '--jobs', '1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/several chains have seq 12/);
    expect(sel([...several, '--jobs', '2', '--unit-bytes', '300'])).toEqual(refused);
  });
  it('impact: --jobs N counts and lists the one-thread changes, evaluated in the workers', () => {
    // The sample's logs; the faults log (duplicates, a fork, a swap, holes); and one with a
    // placed event whose line fails the schema (not evaluated).
    const counts: number[] = [];
    for (const l of [[gov.clean, gov.incident], [log], [odd]]) {
      for (const policy of ['HEAD', 'HEAD~1', 'HEAD~2']) {
        for (const format of ['json', 'text']) {
          const args = ['impact', ...l, '--repo', gov.repo, '--policy', policy, '--max-events', '3', '--format', format];
          const one = run([...args, '--jobs', '1']);
          if (format === 'json') counts.push(JSON.parse(one).events, JSON.parse(one).changed);
          expect(run([...args, '--jobs', '2', '--unit-bytes', '300'])).toBe(one);
          expect(run([...args, '--jobs', '3', '--unit-bytes', '700'])).toBe(one);
        }
      }
    }
    // Events evaluated (the one that fails its line checks is not: 29 of 30), and changes found.
    expect(counts.filter((_, i) => i % 2 === 1).some((n) => n > 0)).toBe(true);
    expect(counts.slice(-6).filter((_, i) => i % 2 === 0)).toEqual([29, 29, 29]);
    // Not parallel though --jobs says 2 (standard input), and the default (one thread, a small
    // log): each note made on this thread, the same report.
    const args = ['impact', '--repo', gov.repo, '--policy', 'HEAD~2', '--format', 'json'];
    const one = run([...args, odd, '--jobs', '1']);
    expect(run([...args, odd])).toBe(one);
    const fromStdin = (jobs: string) => sel([...args, '-', '--jobs', jobs], { input: readFileSync(odd) }).stdout;
    expect(fromStdin('2')).toBe(fromStdin('1'));
    expect(JSON.parse(fromStdin('2')).changed).toBe(JSON.parse(one).changed);
  });
  it('timeline: --jobs N shows the one-thread rows, the workers sending whole only the events shown', () => {
    const filters = [[], ['--actor', 'agent-1'], ['--kind', 'tool.invoke', '--action', 'allow'], ['--chain', 'b', '--from', '2026-11-01T14:05:00+02:00', '--to', '2026-11-01T12:30:00Z'], ['--tool', 'http.fetch', '--action', 'block']];
    const rows = filters.map(() => 0);
    // Rows that name the chain check's findings at their event (the gap's next event, the swap's).
    let marked = 0;
    for (const l of [log, gov.incident]) {
      for (const [k, filter] of filters.entries()) {
        for (const format of ['text', 'jsonl']) {
          const args = ['timeline', l, ...filter, '--format', format];
          const one = sel([...args, '--jobs', '1']);
          expect(one.status, one.stderr).toBe(0);
          if (format === 'jsonl') rows[k] = rows[k]! + one.stdout.split('\n').length - 1;
          else marked += one.stdout.split('\n').filter((row) => row.includes('  ! ')).length;
          for (const more of [['--jobs', '2', '--unit-bytes', '4096'], ['--jobs', '3', '--unit-bytes', '700']]) {
            const r = sel([...args, ...more]);
            expect(r.stdout).toBe(one.stdout);
            expect(r.stderr).toBe(one.stderr);
            expect(r.status).toBe(0);
          }
        }
      }
    }
    // Every filter shows some events, and not all.
    for (const n of rows.slice(1)) expect(n).toBeGreaterThan(0);
    for (const n of rows.slice(1)) expect(n).toBeLessThan(rows[0]!);
    expect(marked).toBeGreaterThan(0);
  });
  it('with replay: events under a valid, an invalid and an unknown policy version, from the first unit on', () => {
    const repo = initRepo(join(tmp, 'versions'));
    const good = sampleFiles();
    const bad = edited((f) => (f['severity-gating'].gates.high = 'maybe'));
    const put = (files: Record<string, unknown>, msg: string) => {
      write(repo, Object.fromEntries(Object.entries(files).map(([k, v]) => [`policy/${k}.json`, JSON.stringify(v, null, 2)])));
      commit(repo, msg);
    };
    put(good, 'v1');
    put(bad, 'v2');
    const hashes = [bundleOf(good).hash, bundleOf(bad).hash, digestOf({ never: 'committed' })];
    const w = new ChainWriter('versions');
    const lines = Array.from({ length: 40 }, (_, i) => w.append(sampleInput(i, { policy_hash: hashes[i % 3]! })).line);
    const log = join(tmp, 'versions.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const one = run(['verify', log, '--repo', repo, '--format', 'json', '--jobs', '1']);
    const codes = new Set(JSON.parse(one).findings.map((f: { code: string }) => f.code));
    expect(codes).toContain('POLICY_INVALID');
    expect(codes).toContain('POLICY_UNKNOWN');
    // One event a unit: the worker takes the first units, whatever its start.
    expect(run(['verify', log, '--repo', repo, '--format', 'json', '--jobs', '2', '--unit-bytes', '300'])).toBe(one);
  });
  it('with replay: a review or exception judged at the chain\'s time, its window crossing from the workers with the match', () => {
    // Events that go back in time into an artifact's window after an earlier event of their
    // chain said it had expired (test/helpers/backdated.ts): the finding is made on this thread,
    // from the windows the workers send, in seq order.
    const b = buildBackdated(join(tmp, 'backdated'));
    for (const args of [['--format', 'json'], ['--format', 'text'], ['--format', 'sarif']]) {
      const one = run(['verify', b.all, '--repo', b.repo, ...args, '--jobs', '1']);
      if (args[1] === 'json') {
        const codes = JSON.parse(one).findings.map((f: { code: string }) => f.code);
        expect(codes.filter((c: string) => c.endsWith('_EXPIRED'))).toEqual(['EXCEPTION_EXPIRED', 'REVIEW_EXPIRED', 'EXCEPTION_EXPIRED']);
      }
      for (const u of ['300', '700', '4096']) expect(run(['verify', b.all, '--repo', b.repo, ...args, '--jobs', '2', '--unit-bytes', u])).toBe(one);
      expect(run(['verify', b.all, '--repo', b.repo, ...args, '--jobs', '3', '--unit-bytes', '300'])).toBe(one);
    }
    // A release gate sees the same findings.
    const gate = (j: string[]) => sel(['gate', b.all, '--repo', b.repo, '--no-divergence', '--format', 'json', ...j]);
    const g1 = gate(['--jobs', '1']);
    expect(g1.status).toBe(1);
    expect(gate(['--jobs', '2', '--unit-bytes', '300'])).toEqual(g1);
  });
  it('resuming from a checkpoint: the same report and the same new checkpoint', () => {
    const lines = interleavedLines(200, ['a', 'b']);
    const grown = join(tmp, 'grown.jsonl');
    writeFileSync(grown, `${lines.slice(0, 250).join('\n')}\n`);
    const state = join(tmp, 'state.json');
    expect(sel(['verify', grown, '--checkpoint', state, '--jobs', '1']).status).toBe(0);
    appendFileSync(grown, `${lines.slice(250).join('\n')}\n`);
    const other = join(tmp, 'state-copy.json');
    copyFileSync(state, other);
    const one = run(['verify', grown, '--checkpoint', state, '--format', 'json', '--jobs', '1']);
    expect(JSON.parse(one).summary.files[0].firstLine).toBe(251);
    expect(run(['verify', grown, '--checkpoint', other, '--format', 'json', '--jobs', '2', '--unit-bytes', '1000'])).toBe(one);
    expect(readFileSync(other, 'utf8')).toBe(readFileSync(state, 'utf8'));
  });
  it('a directory of many small files under a low descriptor limit: the one-thread report', () => {
    // A log whose last units are still being checked when the 300 empty files after it are
    // reached: a file is opened only when there is a slot for it, so 100 descriptors do.
    const dir = join(tmp, 'many-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), `${interleavedLines(60, ['m']).join('\n')}\n`);
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `z-${String(i).padStart(3, '0')}.jsonl`), '');
    const limited = (jobs: string) => spawnSync('bash', ['-c', `ulimit -n 100 && exec "$0" "$@"`, process.execPath, CLI, 'verify', dir, '--format', 'json', '--jobs', jobs, '--unit-bytes', '500'], { encoding: 'utf8' });
    const one = limited('1');
    expect(one.stderr).toBe('');
    const out = JSON.parse(one.stdout) as { findings: { code: string }[] };
    expect(out.findings.map((f) => f.code)).toEqual(Array(300).fill('LOG_EMPTY'));
    const two = limited('2');
    expect(two.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
  });
  it('--max-depth is capped where the recursive parts of the check still have stack', () => {
    const r = sel(['verify', log, '--max-depth', '2001']);
    expect(expectOneSentence(r)).toMatch(/--max-depth/);
    expect(sel(['verify', log, '--max-depth', '2000', '--format', 'json']).status).toBe(1);
  });
  it('standard input with --jobs 2 is checked on one thread, with the same report', () => {
    const piped = (j: string) => sel(['verify', '-', '--format', 'json', '--jobs', j], { input: readFileSync(log) });
    const one = piped('1');
    expect(JSON.parse(one.stdout).findings.length).toBeGreaterThan(5);
    expect(piped('2')).toEqual(one);
  });
});
