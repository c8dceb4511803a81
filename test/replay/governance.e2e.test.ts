/**
 * Replay end to end: the built CLI on real Git repositories made in a temporary directory
 * (the shipped sample governance repository, and small ones with branches, merges, shallow
 * clones and rewritten history).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, INCIDENT_EXPECTED, type GovernanceSample } from '../../ledger-samples/governance.js';
import { expectOneSentence, sel, verifyEverywhere as verifyAll } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { digestOf, sha256Digest } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { findRewrites } from '../../src/git/append-only.js';
import { GitRepo } from '../../src/git/git.js';
import { indexPolicies } from '../../src/git/history.js';
import { repoPathOf } from '../../src/git/repo-path.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-replay-'));
let sample: GovernanceSample;
beforeAll(() => {
  sample = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Out {
  summary: { result: string; replay: { performed: boolean; commit: string; bundles: number; events: Record<string, number>; anchors: { chain: string; unanchored: [number, number] | null }[] } };
  findings: { code: string; seq: number | null; message: string; location: { file: string; line: number }; detail?: Record<string, unknown> }[];
}
const json = (args: string[]): { status: number | null; out: Out } => {
  const r = sel([...args, '--format', 'json']);
  return { status: r.status, out: JSON.parse(r.stdout) as Out };
};

const verifyEverywhere = (log: string, dir: string) => verifyAll(log, sample.repo, dir);

type Fields = Record<string, unknown> & { request: Record<string, unknown> };

/** `line`'s event with `change` made to it, sealed again. */
function resealed(line: string, change: (e: Fields) => void): string {
  const { hash: _, ...rest } = JSON.parse(line) as Fields;
  change(rest);
  rest.request_fingerprint = digestOf(rest.request);
  return canonicalize({ ...rest, hash: sha256Digest(canonicalize(rest)) });
}

/**
 * `from` (its lines changed by `edit`) with its seq 20 sealed again (`decoy`: one more request
 * member; linked to seq 19) and read before the real seq 20, written to `to`: the chain goes on
 * with the forged line, and the real 20 and after are a fork branch.
 */
function withDecoy(from: string, to: string, decoy: (e: Fields) => void = (e) => void (e.request = { ...e.request, note: 'decoy' }), edit = (lines: string[]) => lines): string {
  const lines = edit(readFileSync(from, 'utf8').split('\n').slice(0, -1));
  writeFileSync(to, [...lines.slice(0, 20), resealed(lines[20]!, decoy), ...lines.slice(20)].join('\n') + '\n');
  return to;
}

/**
 * `text` (a log) with its seq `seq` changed by `change` and sealed again, and every event after
 * it linked anew: a log as its writer wrote it.
 */
function resealFrom(text: string, seq: number, change: (e: Record<string, unknown>) => Record<string, unknown>): string {
  const lines = text.split('\n').slice(0, -1);
  let prev: unknown = null;
  const out = lines.map((line, i) => {
    if (i < seq) return line;
    const e = JSON.parse(line) as Record<string, unknown>;
    const { hash: _, ...rest } = i === seq ? change(e) : e;
    if (prev !== null) rest['prev_hash'] = prev;
    const sealed = { ...rest, hash: sha256Digest(canonicalize(rest)) };
    prev = sealed.hash;
    return canonicalize(sealed);
  });
  return out.join('\n') + '\n';
}

describe('the sample governance repository', () => {
  it('is built with the same commit ids on every run', () => {
    const again = buildGovernanceRepo(join(tmp, 'again'));
    expect(git(again.repo, 'rev-parse', 'HEAD')).toBe(git(sample.repo, 'rev-parse', 'HEAD'));
    expect(readFileSync(again.incident)).toEqual(readFileSync(sample.incident));
  });
  it('replays its committed audit log clean, across three policy versions', () => {
    const { status, out } = json(['verify', sample.clean, '--repo', sample.repo]);
    expect(out.findings).toEqual([]);
    expect(status).toBe(0);
    expect(out.summary.replay).toMatchObject({ performed: true, bundles: 3, events: { events: 49, replayed: 49, matched: 49, diverged: 0, unverifiable: 0 } });
    expect(out.summary.replay.anchors).toEqual([{ chain: 'prod-agents', anchors: 2, lastAnchoredSeq: 48, unanchored: null }]);
  });
  it('finds every planted fault in the incident log, once each', () => {
    const { status, out } = json(['verify', sample.incident, '--repo', sample.repo]);
    expect(status).toBe(1);
    expect(out.findings.map((f) => ({ code: f.code, seq: f.seq }))).toEqual(INCIDENT_EXPECTED);
    const div = out.findings.find((f) => f.code === 'DECISION_DIVERGENCE')!;
    expect((div.detail!['trace'] as string[]).some((l) => l.includes('is not a plain absolute path'))).toBe(true);
    // The chain's line says the log was cut, not that every event is covered.
    const text = sel(['verify', sample.incident, '--repo', sample.repo]).stdout;
    expect(text).toContain('anchored to seq 48 (2 anchors); the log ends at seq 39, before the anchored seq 48');
    expect(sel(['verify', sample.clean, '--repo', sample.repo]).stdout).toContain('anchored to seq 48 (2 anchors); every event covered');
  });
  it('the anchored event on the branch a forged line made: ANCHOR_MISMATCH says where it is, not that it was removed', () => {
    const log = withDecoy(sample.clean, join(tmp, 'decoy-clean.jsonl'));
    const out = json(['verify', log, '--repo', sample.repo]).out;
    expect(out.findings.map((f) => ({ code: f.code, seq: f.seq }))).toEqual([{ code: 'CHAIN_FORK', seq: 20 }, { code: 'ANCHOR_MISMATCH', seq: 48 }]);
    const a = out.findings[1]!;
    expect(a.message).toBe(`the event anchored at seq 48 of chain prod-agents is at ${log}:50, on a branch that forked off the chain: the chain the log goes on with is not the anchored one`);
    expect(a.detail).toMatchObject({ anchor: 'ledger/anchors/prod-agents/48.json', branch: { file: log, line: 50 } });
  });
  it('the chain\'s event at an anchored seq is not the anchored one, which is on the branch read after it: ANCHOR_MISMATCH says where the anchored one is (found by review)', () => {
    const lines = readFileSync(sample.clean, 'utf8').split('\n').slice(0, -1);
    // Seq 10..16 sealed again (one more request member), linked to seq 9 and to each other, read
    // before the real seq 10: the chain goes on with them, the real 10..48 are a fork branch.
    const forged: string[] = [];
    let prev = (JSON.parse(lines[9]!) as { hash: string }).hash;
    for (const line of lines.slice(10, 17)) {
      const e = resealed(line, (x) => void ((x.request = { ...x.request, note: 'decoy' }), (x['prev_hash'] = prev)));
      forged.push(e);
      prev = (JSON.parse(e) as { hash: string }).hash;
    }
    const log = join(tmp, 'decoy-run.jsonl');
    writeFileSync(log, [...lines.slice(0, 10), ...forged, ...lines.slice(10)].join('\n') + '\n');
    const out = JSON.parse(verifyEverywhere(log, tmp).stdout) as Out;
    expect(out.findings.map((f) => [f.code, f.seq, f.location.line])).toEqual([['ANCHOR_MISMATCH', 15, 16], ['CHAIN_FORK', 10, 18], ['ANCHOR_MISMATCH', 48, 1]]);
    // The real seq 15 is on line 10 + 7 + 5 + 1.
    expect(out.findings[0]!.message).toBe(`the event differs from the one anchored at ledger/anchors/prod-agents/15.json, which is at ${log}:23, on a branch that forked off the chain: the chain the log goes on with is not the anchored one`);
    expect(out.findings[0]!.detail).toEqual({ anchor: 'ledger/anchors/prod-agents/15.json', branch: { file: log, line: 23 } });
  });
  it('the anchored event arriving past the reorder window is in the log: its SEQ_GAP and SEQ_REORDER, no ANCHOR_MISMATCH saying it was removed or damaged; another event there is not said to be it (found by review)', () => {
    const lines = readFileSync(sample.clean, 'utf8').split('\n').slice(0, -1);
    // The anchored seq 15 moved to the end, past --reorder-window 4.
    const late = join(tmp, 'anchored-late.jsonl');
    writeFileSync(late, [...lines.slice(0, 15), ...lines.slice(16), lines[15]!].join('\n') + '\n');
    const run = (log: string, more: string[] = []) => sel(['verify', log, '--repo', sample.repo, '--format', 'json', '--reorder-window', '4', ...more]);
    const one = run(late);
    const out = JSON.parse(one.stdout) as Out;
    expect(out.findings.map((f) => [f.code, f.seq])).toEqual([['SEQ_GAP', 16], ['SEQ_REORDER', 15]]);
    expect(one.status).toBe(1);
    // The same on several threads, and from shards merged.
    expect(run(late, ['--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
    const shards = [1, 2, 3].map((i) => join(tmp, `anchored-late-${i}`));
    shards.forEach((s, i) => expect(sel(['verify', late, '--repo', sample.repo, '--shard', `${i + 1}/3`, '--shard-out', s]).status).toBe(0));
    expect(sel(['merge', ...shards, '--repo', sample.repo, '--format', 'json', '--reorder-window', '4']).stdout).toBe(one.stdout);
    // Another seq 15 (sealed again from seq 14) there instead: the anchor says the anchored one is not in the log.
    const forged = join(tmp, 'anchored-late-forged.jsonl');
    writeFileSync(forged, [...lines.slice(0, 15), ...lines.slice(16), resealed(lines[15]!, (e) => void (e.request = { ...e.request, note: 'forged' }))].join('\n') + '\n');
    expect((JSON.parse(run(forged).stdout) as Out).findings.map((f) => [f.code, f.seq])).toEqual([['SEQ_GAP', 16], ['SEQ_REORDER', 15], ['ANCHOR_MISMATCH', 15]]);
  });
  it('a branch\'s events are judged at the chain\'s time where the branch left it, not at the chain\'s time now; an event at the anchored seq on a branch that is not the anchored one is not said to be it (from mutation testing)', () => {
    // Each finding, and whether it says the anchored event is on a branch (detail.branch).
    const found = (log: string) => json(['verify', log, '--repo', sample.repo]).out.findings.map((f) => [f.code, f.seq, f.detail?.['branch'] !== undefined]);
    // The forged seq 20 dated a year later moves the chain's time, not the branch's, which left
    // the chain after seq 19: what the branch's events relied on is in force then (docs/policy.md, 5).
    expect(found(withDecoy(sample.clean, join(tmp, 'decoy-late.jsonl'), (e) => void (e.ts = '2027-11-01T00:00:00.000Z')))).toEqual([['CHAIN_FORK', 20, false], ['ANCHOR_MISMATCH', 48, true]]);
    // The branch's seq 48 changed and sealed again: the anchored event is in no line.
    const later = (e: Fields) => void (e.ts = new Date(Date.parse(e.ts as string) + 1).toISOString());
    expect(found(withDecoy(sample.clean, join(tmp, 'decoy-changed.jsonl'), undefined, (lines) => [...lines.slice(0, -1), resealed(lines.at(-1)!, later)]))).toEqual([['CHAIN_FORK', 20, false], ['ANCHOR_MISMATCH', 48, false]]);
  });

  it('a line forged ahead of the real seq 20 does not hide what replay finds in the real events after it: a fork branch is replayed too, the same on any --jobs and merged from shards', () => {
    // Seq 20 sealed again with one more request member, linked to seq 19, read before the
    // real seq 20: the chain goes on with the first, and the real 20..39 are a fork branch.
    // Nothing on a branch was replayed: the four replay faults of the incident log went
    // unreported, and the gate's --no-divergence passed (found by review).
    const dir = join(tmp, 'decoy');
    mkdirSync(dir);
    const log = withDecoy(sample.incident, join(dir, 'incident.jsonl'));
    const one = verifyEverywhere(log, dir);
    const out = JSON.parse(one.stdout) as Out;
    expect(out.findings.map((f) => ({ code: f.code, seq: f.seq }))).toEqual([{ code: 'CHAIN_FORK', seq: 20 }, ...INCIDENT_EXPECTED]);
    // The chain's 21 decisions (0..19 and the forged 20) and the branch's 20.
    expect(out.summary.replay.events).toMatchObject({ events: 41, matched: 37, diverged: 2, unverifiable: 2 });
    expect(one.status).toBe(1);
    // The gate counts the branch's elevations too: the one allowed without an exception fails it.
    const gate = sel(['gate', log, '--repo', sample.repo, '--no-divergence', '--no-unreviewed-elevation']);
    expect(gate.stdout).toMatch(/FAIL  --no-divergence: 2 diverged decision\(s\), first EXCEPTION_EXPIRED at .*incident\.jsonl:34 \(prod-agents seq 32\)/);
    expect(gate.stdout).toMatch(/FAIL  --no-unreviewed-elevation: 1 elevation\(s\) allowed without an exception in force, first EXCEPTION_MISSING at .*incident\.jsonl:31 \(prod-agents seq 29\)/);
    expect(sel(['gate', log, '--repo', sample.repo, '--no-divergence', '--no-unreviewed-elevation', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(gate.stdout);
  });

  it('a fork branch is judged at its own time: an event on it backdated into an expired exception\'s window is EXCEPTION_EXPIRED, as it is in the chain', () => {
    // The incident's seq 32 (a warn under EX-status-2025, which expired 2026-10-20) written
    // with a ts of 2026-10-19, after seq 31 of 2026-10-25: in the chain, the exception was not
    // in force at the chain's time (EXCEPTION_EXPIRED). A line forged ahead of the real seq 20
    // made 20..39 a branch, replayed at each event's own ts alone: the backdated 32 passed.
    const dir = join(tmp, 'branch-time');
    mkdirSync(dir);
    const base = join(dir, 'backdated.jsonl');
    writeFileSync(base, resealFrom(readFileSync(sample.incident, 'utf8'), 32, (e) => ({ ...e, ts: '2026-10-19T09:00:00.000Z' })));
    const expired = (o: Out) => o.findings.filter((f) => f.code === 'EXCEPTION_EXPIRED').map((f) => f.seq);
    expect(expired(json(['verify', base, '--repo', sample.repo]).out)).toEqual([32]);
    const log = withDecoy(base, join(dir, 'decoy.jsonl'));
    const out = JSON.parse(verifyEverywhere(log, dir).stdout) as Out;
    expect(expired(out)).toEqual([32]);
    expect(out.findings.find((f) => f.code === 'EXCEPTION_EXPIRED')!.location.line).toBe(34);
  });

  it('an event that arrives after the chain went on past its seq (a late SEQ_REORDER) is replayed too: an elevation allowed without an exception is reported, and fails --no-unreviewed-elevation', () => {
    // The incident log made 140 events long, its seq 29 (ops-bot's elevation allowed without
    // an exception) moved to the end, more than --reorder-window events late: its SEQ_GAP and
    // SEQ_REORDER were all, its EXCEPTION_MISSING unreported and the gate's
    // --no-unreviewed-elevation passed (found by review).
    const dir = join(tmp, 'late');
    mkdirSync(dir);
    const lines = readFileSync(sample.incident, 'utf8').split('\n').slice(0, -1);
    let last = JSON.parse(lines[39]!) as Record<string, unknown>;
    for (let seq = 40; seq < 140; seq++) {
      const rest: Record<string, unknown> = { ...last, seq, prev_hash: last['hash'], ts: `2026-11-03T10:${String(Math.floor((seq - 40) / 60)).padStart(2, '0')}:${String((seq - 40) % 60).padStart(2, '0')}.000Z` };
      delete rest['hash'];
      last = { ...rest, hash: sha256Digest(canonicalize(rest)) };
      lines.push(canonicalize(last));
    }
    const log = join(dir, 'late.jsonl');
    writeFileSync(log, [...lines.slice(0, 29), ...lines.slice(30), lines[29]].join('\n') + '\n');
    const one = sel(['verify', log, '--repo', sample.repo, '--format', 'json']);
    const out = JSON.parse(one.stdout) as Out;
    expect(out.findings.filter((f) => f.seq === 29).map((f) => ({ code: f.code, line: f.location.line }))).toEqual([
      { code: 'SEQ_REORDER', line: 140 },
      { code: 'EXCEPTION_MISSING', line: 140 },
    ]);
    expect(out.summary.replay.events).toMatchObject({ events: 140, unverifiable: 2 });
    expect(sel(['verify', log, '--repo', sample.repo, '--format', 'json', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
    const gate = sel(['gate', log, '--repo', sample.repo, '--no-unreviewed-elevation']);
    expect(gate.stdout).toMatch(/FAIL  --no-unreviewed-elevation: 1 elevation\(s\) allowed without an exception in force, first EXCEPTION_MISSING at .*late\.jsonl:140 \(prod-agents seq 29\)/);
    // Explained from the event replay judged (explain showed its line alone, not explained).
    const explain = sel(['explain', log, '--repo', sample.repo, '--seq', '29', '--no-color']).stdout;
    expect(explain).toContain('an event that came after its chain had gone on past its seq (SEQ_REORDER, EXCEPTION_MISSING): replayed, its review or exception judged at the chain\'s time after the seq before it');
    expect(explain).toContain('\ndecision\n  recorded  allow  rule trust.ops-restart  severity low\n  replayed  block  rule trust.ops-restart  severity high  (DIVERGES)\ntrace\n');
    expect(explain).toContain('\n  exception none: the event names no exception (no-ref)\n');
  });

  it('a branch from seq 0 has no chain time before it: a forged seq 0 dated a year later, read first, does not make the real log\'s reviews and exceptions expire (review)', () => {
    const dir = join(tmp, 'decoy-genesis');
    mkdirSync(dir);
    const lines = readFileSync(sample.clean, 'utf8').split('\n').slice(0, -1);
    const log = join(dir, 'decoy.jsonl');
    writeFileSync(log, [resealed(lines[0]!, (e) => void (e.ts = '2027-11-01T00:00:00.000Z')), ...lines].join('\n') + '\n');
    const out = JSON.parse(verifyEverywhere(log, dir).stdout) as Out;
    expect(out.findings.map((f) => [f.code, f.seq])).toEqual([['CHAIN_FORK', 0], ['ANCHOR_MISMATCH', 15], ['ANCHOR_MISMATCH', 48]]);
  });

  it('two events that arrive late, one after the other: the second is judged at the chain\'s time after the seq before the first, not at the chain\'s time now (a false EXCEPTION_EXPIRED; review)', () => {
    // The clean log's seq 7 and 8 (8: an elevation under EX-ops-restart, in force 10-04 08:20
    // to 20:00) moved to its end, more than --reorder-window 2 events late: seq 8's predecessor
    // is not on the chain, and seq 8 was judged at the chain's last ts (November).
    const dir = join(tmp, 'late-two');
    mkdirSync(dir);
    const lines = readFileSync(sample.clean, 'utf8').split('\n').slice(0, -1);
    const log = join(dir, 'late.jsonl');
    writeFileSync(log, [...lines.slice(0, 7), ...lines.slice(9), lines[7], lines[8]].join('\n') + '\n');
    const args = ['verify', log, '--repo', sample.repo, '--reorder-window', '2', '--format', 'json'];
    const one = sel(args);
    expect((JSON.parse(one.stdout) as Out).findings.map((f) => [f.code, f.seq])).toEqual([['SEQ_GAP', 9], ['SEQ_REORDER', 7], ['SEQ_REORDER', 8]]);
    expect(sel([...args, '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
  });

  it('explain of a seq a forged line took: the real event on the branch is shown, and its findings are not the forged event\'s', () => {
    // Seq 35 sealed again with the decision replay gives (block), read ahead of the real 35
    // (an allow, DECISION_DIVERGENCE): explain showed the forged event "replayed ... (the
    // same)" with the real event's DECISION_DIVERGENCE under "findings at this event", and did
    // not show the real event's line (found by review).
    const lines = readFileSync(sample.incident, 'utf8').split('\n').slice(0, -1);
    const rest: Record<string, unknown> = { ...(JSON.parse(lines[35]!) as Record<string, unknown>), decision: { action: 'block', rule: null, severity: 'high' } };
    delete rest['hash'];
    const log = join(tmp, 'forged-35.jsonl');
    writeFileSync(log, [...lines.slice(0, 35), canonicalize({ ...rest, hash: sha256Digest(canonicalize(rest)) }), ...lines.slice(35)].join('\n') + '\n');
    const text = sel(['explain', log, '--repo', sample.repo, '--seq', '35']).stdout;
    expect(text).toContain(`other events with this seq\nline  ${log}:37  on a branch`);
    expect(text).toContain(`findings at this event\n  none\nfindings at other lines with this seq\n  CHAIN_FORK at ${log}:37`);
    const j = JSON.parse(sel(['explain', log, '--repo', sample.repo, '--seq', '35', '--format', 'json']).stdout) as { matches: boolean; lines: { location: { line: number }; relation: string }[] };
    expect(j.matches).toBe(true);
    expect(j.lines.map((x) => ({ line: x.location.line, relation: x.relation }))).toEqual([{ line: 37, relation: 'branch' }]);
  });

  it('replays against an older ref: what that history does not hold is POLICY_UNKNOWN', () => {
    const v2 = git(sample.repo, 'rev-list', '-n', '1', 'HEAD~2');
    const { out } = json(['verify', sample.clean, '--repo', sample.repo, '--ref', v2]);
    const codes = new Set(out.findings.map((f) => f.code));
    expect([...codes].sort()).toEqual(['LEDGER_REWRITTEN', 'POLICY_UNKNOWN'].filter((c) => codes.has(c)));
    expect(out.findings.filter((f) => f.code === 'POLICY_UNKNOWN')).toHaveLength(15);
  });
  it('names the ledger\'s files alike for --repo DIR and --repo DIR/ (a trailing slash, as a shell completes it, gave DIR//ledger/...; found by review)', () => {
    const repo = join(tmp, 'trailing-slash');
    cpSync(sample.repo, repo, { recursive: true });
    write(repo, { 'ledger/anchors/prod-agents/49.json': 'not an anchor' });
    commit(repo, 'an artifact that is not valid');
    const files = (dir: string) => json(['verify', sample.incident, '--repo', dir]).out.findings
      .filter((f) => f.code === 'LOG_TRUNCATED' || f.code === 'LEDGER_ARTIFACT_INVALID').map((f) => f.location.file);
    expect(files(repo)).toEqual([`${repo}/ledger/anchors/prod-agents/49.json`, `${repo}/ledger/anchors/prod-agents/48.json`]);
    expect(files(`${repo}/`)).toEqual(files(repo));
    // So with two slashes (from mutation testing).
    expect(files(`${repo}//`)).toEqual(files(repo));
    expect(sel(['gate', sample.incident, '--repo', `${repo}/`, '--no-divergence']).stdout).toContain(`first LOG_TRUNCATED at ${repo}/ledger/anchors/prod-agents/48.json:1`);
    // And a rewrite's LEDGER_REWRITTEN (from mutation testing).
    write(repo, { 'ledger/anchors/prod-agents/49.json': 'still not an anchor' });
    commit(repo, 'the artifact rewritten');
    const rewritten = (dir: string) => json(['verify', sample.incident, '--repo', dir]).out.findings.filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => f.location.file);
    expect(rewritten(repo)).toEqual([`${repo}/ledger/anchors/prod-agents/49.json`]);
    expect(rewritten(`${repo}/`)).toEqual(rewritten(repo));
  });
  it('counts the events after the last anchor as unanchored', () => {
    const repo = join(tmp, 'unanchored');
    cpSync(sample.repo, repo, { recursive: true });
    git(repo, 'rm', '-q', 'ledger/anchors/prod-agents/48.json');
    commit(repo, 'drop the last anchor');
    const { out } = json(['verify', sample.clean, '--repo', repo]);
    expect(out.summary.replay.anchors[0]!.unanchored).toEqual([16, 48]);
    expect(sel(['verify', sample.clean, '--repo', repo]).stdout).toContain('events 16–48 unanchored');
  });
});

describe('repositories that cannot be used: exit 2 with a sentence that says how to fix it', () => {
  it('a shallow clone', () => {
    const shallow = join(tmp, 'shallow');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${sample.repo}`, shallow);
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', shallow]))).toMatch(/shallow clone.*fetch-depth: 0/);
  });
  it('a partial clone, whose blobs git would fetch on demand: said so, not "check with git fsck" (found by review)', () => {
    const source = join(tmp, 'partial-source');
    git(tmp, 'clone', '-q', sample.repo, source);
    git(source, 'config', 'uploadpack.allowFilter', 'true');
    const partial = join(tmp, 'partial');
    git(tmp, 'clone', '-q', '--filter=blob:none', `file://${source}`, partial);
    const r = sel(['verify', sample.clean, '--repo', partial]);
    expect(expectOneSentence(r)).toMatch(/a partial clone, made with --filter\), and sel never fetches; clone it in full$/m);
  });
  it('a repository whose own configuration puts its work tree elsewhere (core.worktree): not "pass that directory" (found by review)', () => {
    const repo = join(tmp, 'worktree-elsewhere');
    git(tmp, 'clone', '-q', sample.repo, repo);
    const elsewhere = join(tmp, 'worktree-elsewhere-tree');
    mkdirSync(elsewhere);
    git(repo, 'config', 'core.worktree', elsewhere);
    const message = expectOneSentence(sel(['verify', sample.clean, '--repo', repo]));
    expect(message).toContain('is a Git repository whose configuration puts its work tree elsewhere');
    expect(message).not.toContain('as --repo');
  });
  it('a directory that is not a repository, or only inside one', () => {
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', tmp]))).toMatch(/is not a Git repository/);
    // The next option taken as the directory: said so.
    expect(expectOneSentence(sel(['verify', '--repo', '--format', 'json', sample.clean]))).toContain('--repo takes a directory: was its value left out?');
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', join(sample.repo, 'policy')]))).toMatch(/not its top level: pass .* as --repo/);
    // Its .git directory is not a work tree's top level either.
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', join(sample.repo, '.git')]))).toMatch(/is not a Git repository.*work tree/);
    // And it says which directory to give instead (it said only "must be run in a work tree").
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', `${join(sample.repo, '.git')}/`]))).toContain(`; that is the repository's .git directory: pass its work tree, ${sample.repo})`);
    // A name too long for the system: said once, in words (Node.js's text named the path twice).
    expect(expectOneSentence(sel(['verify', join(tmp, 'x'.repeat(300))]))).toBe(`sel: cannot read log ${join(tmp, 'x'.repeat(300))}: its name is too long`);
  });
  it('a bare clone is its history: usable as it is', () => {
    const bare = join(tmp, 'bare.git');
    git(tmp, 'clone', '-q', '--bare', `file://${sample.repo}`, bare);
    const { out } = json(['verify', sample.clean, '--repo', bare]);
    expect(out.summary.replay.performed).toBe(true);
    expect(out.summary.result).toBe('pass');
    // A directory inside it is not it, as a work tree's subdirectory is not its repository.
    for (const inside of ['refs', 'objects']) {
      expect(expectOneSentence(sel(['verify', sample.clean, '--repo', join(bare, inside)]))).toMatch(/is inside the bare Git repository .*bare\.git, not the repository itself: pass .* as --repo/);
    }
  });
  it('a bare clone whose path holds spaces or a line break, or a link to one: usable', () => {
    // A line break split the path git gave, and the repository was refused (found by review).
    for (const name of ['with spaces.git', 'line\nbreak.git']) {
      const bare = join(tmp, name);
      git(tmp, 'clone', '-q', '--bare', `file://${sample.repo}`, bare);
      const link = join(tmp, `link to ${name}`);
      symlinkSync(bare, link);
      for (const repo of [bare, link]) {
        const { status, out } = json(['verify', sample.clean, '--repo', repo]);
        expect(status, JSON.stringify(repo)).toBe(0);
        expect(out.summary.replay.performed).toBe(true);
      }
      // A directory inside it is still not it.
      const inside = expectOneSentence(sel(['verify', sample.clean, '--repo', join(bare, 'refs')]));
      expect(inside).toMatch(/is inside the bare Git repository .*(break|spaces)\.git, not the/);
    }
  });
  it('a directory whose .git leads to a bare repository: refused, naming the repository', () => {
    // git reads it as that bare repository, under another name; it is neither a repository nor
    // a work tree (a work tree whose .git is a file is one, and is used).
    const bare = join(tmp, 'pointed-to.git');
    git(tmp, 'clone', '-q', '--bare', `file://${sample.repo}`, bare);
    const byFile = join(tmp, 'gitdir-file');
    mkdirSync(byFile);
    writeFileSync(join(byFile, '.git'), `gitdir: ${bare}\n`);
    const byLink = join(tmp, 'gitdir-link');
    mkdirSync(byLink);
    symlinkSync(bare, join(byLink, '.git'));
    for (const dir of [byFile, byLink]) {
      const said = expectOneSentence(sel(['verify', sample.clean, '--repo', dir]));
      const pointer = join(dir, '.git');
      expect(said).toContain(`${dir} is not a Git repository itself: ${pointer} leads to the `);
      expect(said).toMatch(/pointed-to\.git; pass .*pointed-to\.git as --repo$/);
    }
  });
  it('a damaged object that git answers for with fewer bytes than it announces', () => {
    const { repo, log } = smallRepo('damaged');
    // The first policy file's loose object, rewritten to hold 11 bytes under its real size:
    // git cat-file --batch then sends the header, 11 bytes, and the next answers right after.
    const oid = git(repo, 'rev-parse', 'HEAD:policy/capabilities.json');
    const size = Number(git(repo, 'cat-file', '-s', oid));
    const file = join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`blob ${size}\0`), Buffer.from('{"v":"sel.p')])));
    const r = sel(['verify', log, '--repo', repo], { timeout: 20_000 });
    // Either the framing gives it away, or the bytes read under its id do not hash to it.
    expect(expectOneSentence(r)).toMatch(/git failed while reading the repository \((git cat-file sent an answer that is not the size it announced \(a damaged object\)|object [0-9a-f]{40} does not hash to its id \(its content hashes to [0-9a-f]{40}\): the object store is damaged or was altered)\)/);
  });
  it('a ref that names no commit', () => {
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', sample.repo, '--ref', 'no-such-branch']))).toMatch(/does not name a commit/);
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', sample.repo, '--ref', '--output=x']))).toMatch(/cannot start with/);
  });
  // Review: a tag of a tree was "does not name a commit ... fetch the branch or tag it names",
  // though the tag was there; and `--since -1` did not say which option it was.
  it('a tag of a tree or a blob says what it names; a ref starting with "-" names its option', () => {
    git(sample.repo, 'tag', '-f', '-a', '-m', 'a tree', 'tree-tag', 'HEAD^{tree}');
    git(sample.repo, 'tag', '-f', 'blob-tag', git(sample.repo, 'rev-parse', 'HEAD:policy/capabilities.json'));
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', sample.repo, '--ref', 'tree-tag'])))
      .toBe(`sel: --ref tree-tag names a tree in ${sample.repo}, not a commit: give a branch, a tag of a commit or a commit id`);
    expect(expectOneSentence(sel(['gate', sample.clean, '--repo', sample.repo, '--no-divergence', '--since', 'blob-tag'])))
      .toBe(`sel: --since blob-tag names a blob in ${sample.repo}, not a commit: give a branch, a tag of a commit or a commit id`);
    expect(expectOneSentence(sel(['gate', sample.clean, '--repo', sample.repo, '--no-divergence', '--since', '-1'])))
      .toBe('sel: --since -1 cannot start with "-": give a seq (0 or more), a time, a branch, a tag or a commit id');
    git(sample.repo, 'tag', '-d', 'tree-tag', 'blob-tag');
  });
  // Review: an empty value (a CI variable that was not set: --since "$RELEASE_TAG") was named as
  // nothing at all: "sel:  does not name a commit in …".
  it('an empty ref is said to be empty, for --ref, --since and --policy-at', () => {
    expect(expectOneSentence(sel(['verify', sample.clean, '--repo', sample.repo, '--ref', '']))).toBe('sel: --ref is empty: give a branch, a tag or a commit id');
    expect(expectOneSentence(sel(['gate', sample.clean, '--repo', sample.repo, '--no-divergence', '--since', '']))).toBe('sel: --since is empty: give a branch, a tag or a commit id');
    expect(expectOneSentence(sel(['gate', sample.clean, '--repo', sample.repo, '--policy-at', '']))).toBe('sel: --policy-at is empty: give a branch, a tag or a commit id');
  });
  it('--ref without --repo', () => {
    expect(expectOneSentence(sel(['verify', sample.clean, '--ref', 'main']))).toMatch(/--ref needs --repo/);
  });
  // Review (conformance): `--ref HEAD` without --repo passed in silence (exit 0), as the value
  // equals the default; docs/contract.md refuses any --ref without --repo.
  it('--ref HEAD, given, without --repo is refused too, for a run and a shard', () => {
    expect(expectOneSentence(sel(['verify', sample.clean, '--ref', 'HEAD']))).toMatch(/--ref needs --repo/);
    expect(expectOneSentence(sel(['verify', sample.clean, '--ref=HEAD', '--shard', '1/2', '--shard-out', join(sample.repo, '..', 'ref-head-shard.jsonl')]))).toMatch(/--ref needs --repo/);
  });
});

/** A small governance repo: the shipped policy, and a chain decided under it. */
function smallRepo(name: string): { repo: string; log: string; policyHash: string } {
  const repo = initRepo(join(tmp, name));
  for (const f of ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones']) {
    write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  }
  commit(repo, 'policy');
  const policyHash = sel(['policy', 'hash', repo]).stdout.trim();
  const w = new ChainWriter('c');
  const lines = [0, 1, 2].map((i) => w.append({
    ts: `2026-11-0${i + 1}T00:00:00.000Z`, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool: 'git', n: i }, policy_hash: policyHash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  }).line);
  const log = join(repo, 'audit.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
  return { repo, log, policyHash };
}

/** smallRepo's log committed as `name`, then cut back to two lines in a commit (`rewrite`), then restored. */
function cutAndRestoredAs(repoName: string, name: string): { repo: string; named: string; rewrite: string } {
  const { repo, log } = smallRepo(repoName);
  const original = readFileSync(log, 'utf8');
  const named = join(repo, name);
  writeFileSync(named, original);
  rmSync(log);
  commit(repo, 'log');
  writeFileSync(named, original.split('\n').slice(0, 2).join('\n') + '\n');
  const rewrite = commit(repo, 'oops: truncate the log');
  writeFileSync(named, original);
  commit(repo, 'restore it');
  return { repo, named, rewrite };
}

describe('history shapes', () => {
  it('indexes policy versions on merged branches', () => {
    const { repo, log } = smallRepo('branches');
    git(repo, 'checkout', '-q', '-b', 'feature');
    const caps = JSON.parse(readFileSync(join(repo, 'policy/capabilities.json'), 'utf8')) as { grants: { tools: string[] }[] };
    caps.grants[0]!.tools.push('make');
    write(repo, { 'policy/capabilities.json': JSON.stringify(caps, null, 2) });
    commit(repo, 'feature: allow make');
    const featureHash = sel(['policy', 'hash', repo]).stdout.trim();
    git(repo, 'checkout', '-q', 'main');
    write(repo, { 'notes.md': 'x' });
    commit(repo, 'main moves on');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const w = new ChainWriter('m');
    const line = w.append({ ts: '2026-11-05T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'make' }, policy_hash: featureHash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }).line;
    writeFileSync(join(repo, 'm.jsonl'), `${line}\n`);
    const { out } = json(['verify', log, join(repo, 'm.jsonl'), '--repo', repo]);
    expect(out.findings).toEqual([]);
    expect(out.summary.replay.bundles).toBe(2);
  });
  it('reports a committed log whose history was rewritten, naming the commit', () => {
    const { repo, log } = smallRepo('rewritten');
    const original = readFileSync(log, 'utf8');
    commit(repo, 'log');
    writeFileSync(log, original.split('\n').slice(0, 2).join('\n') + '\n');
    const rewrite = commit(repo, 'oops: truncate the log');
    writeFileSync(log, original);
    commit(repo, 'restore it');
    const { out } = json(['verify', log, '--repo', repo]);
    const f = out.findings.filter((x) => x.code === 'LEDGER_REWRITTEN');
    expect(f).toHaveLength(1);
    expect(f[0]!.detail!['commit']).toBe(rewrite);
  });
  it('reports a committed log whose name holds a line break, rewritten in history, instead of stopping with an internal error (from mutation testing)', () => {
    // git cat-file reads one object name a line: such a path was refused as an internal error
    // ("object names cannot hold a line break"), exit 2, and nothing was verified.
    const { repo, named, rewrite } = cutAndRestoredAs('line-break-name', 'audit\nday 1.jsonl');
    const r = sel(['verify', named, '--repo', repo, '--format', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Out;
    expect(out.findings.map((f) => [f.code, f.detail?.['commit']])).toEqual([['LEDGER_REWRITTEN', rewrite]]);
    expect(r.status).toBe(1);
  });
  it('a committed log whose name reads as pathspec magic (`:(icase)...`), rewritten in history, is LEDGER_REWRITTEN: its path is a path (found by review)', () => {
    // git log -- ':(icase)audit.jsonl' is the history of audit.jsonl in any case, not of this file:
    // the file had no history, and a commit that cut it back went unreported.
    const { repo, named, rewrite } = cutAndRestoredAs('pathspec-magic-name', ':(icase)audit.jsonl');
    const r = sel(['verify', named, '--repo', repo, '--format', 'json']);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.findings.map((f) => [f.code, f.detail?.['commit']])).toEqual([['LEDGER_REWRITTEN', rewrite]]);
    expect(r.status).toBe(1);
  });
  it('a commit that deletes the committed log is LEDGER_REWRITTEN, though a later one adds it back as it was (from mutation testing)', () => {
    const { repo, log } = smallRepo('deleted');
    const original = readFileSync(log, 'utf8');
    commit(repo, 'log');
    git(repo, 'rm', '-q', 'audit.jsonl');
    const deleted = commit(repo, 'delete the log');
    writeFileSync(log, original);
    commit(repo, 'add it back');
    const { status, out } = json(['verify', log, '--repo', repo]);
    expect(status).toBe(1);
    expect(out.findings.map((f) => [f.code, f.detail?.['commit'], f.message])).toEqual([
      ['LEDGER_REWRITTEN', deleted, `commit ${deleted.slice(0, 12)} deleted the committed log`],
    ]);
  });
  it('a committed log made a directory is reported as deleted, not compared with the directory\'s tree object (from mutation testing)', async () => {
    const { repo, log } = smallRepo('made-a-directory');
    commit(repo, 'log');
    rmSync(log);
    write(repo, { 'audit.jsonl/README': 'x'.repeat(4096) });
    const gone = commit(repo, 'the log is a directory now');
    const r = await GitRepo.open(repo);
    try {
      expect((await findRewrites(r, gone, 'audit.jsonl')).rewrites.map((x) => x.message)).toEqual([`commit ${gone.slice(0, 12)} deleted the committed log`]);
    } finally {
      r.close();
    }
  });
  it('a directory at the log\'s path before the log was committed is no version of it (from mutation testing)', () => {
    const { repo, log } = smallRepo('was-a-directory');
    const text = readFileSync(log, 'utf8');
    rmSync(log);
    mkdirSync(log);
    writeFileSync(join(log, 'placeholder'), '{}');
    commit(repo, 'a directory where the log will be');
    rmSync(log, { recursive: true });
    writeFileSync(log, text);
    commit(repo, 'the log, first committed');
    const { status, out } = json(['verify', log, '--repo', repo]);
    expect(out.findings).toEqual([]);
    expect(status).toBe(0);
  });
  it('reports it however the repository and the log are named: through a symbolic link, or in a directory whose name starts with ".."', () => {
    // Paths were compared as written: --repo through a link, or the log through one, or a log
    // under "..logs/", was taken for a file outside the repository, and never checked (found by
    // review).
    const { repo, log } = smallRepo('rewritten-linked');
    const original = readFileSync(log, 'utf8');
    mkdirSync(join(repo, '..logs'));
    const dotted = join(repo, '..logs', 'audit.jsonl');
    writeFileSync(dotted, original);
    commit(repo, 'logs');
    const cut = original.split('\n').slice(0, 2).join('\n') + '\n';
    writeFileSync(log, cut);
    writeFileSync(dotted, cut);
    commit(repo, 'oops: truncate the logs');
    writeFileSync(log, original);
    writeFileSync(dotted, original);
    commit(repo, 'restore them');
    const repoLink = join(tmp, 'rewritten-linked-repo');
    const logLink = join(tmp, 'rewritten-linked.jsonl');
    symlinkSync(repo, repoLink);
    symlinkSync(log, logLink);
    const rewritten = (args: string[]) => json(['verify', ...args]).out.findings.filter((x) => x.code === 'LEDGER_REWRITTEN').length;
    expect(rewritten([log, '--repo', repoLink])).toBe(1);
    expect(rewritten([logLink, '--repo', repo])).toBe(1);
    expect(rewritten([join(repoLink, 'audit.jsonl'), '--repo', repo])).toBe(1);
    expect(rewritten([dotted, '--repo', repo])).toBe(1);
    // A log outside the repository is not a committed one.
    const outside = join(tmp, 'rewritten-linked-outside.jsonl');
    writeFileSync(outside, original);
    expect(rewritten([outside, '--repo', repoLink])).toBe(0);
  });
  it('a log path that does not exist where sel runs is still placed in the repository, its missing directories in order (from mutation testing)', () => {
    // repo-path.ts resolves links as far as the path exists and appends the rest as named.
    const repo = initRepo(join(tmp, 'placed'));
    symlinkSync(repo, join(tmp, 'placed-link'));
    expect(repoPathOf(repo, join(repo, 'logs', '2026', '11', 'audit.jsonl'))).toBe('logs/2026/11/audit.jsonl');
    expect(repoPathOf(join(tmp, 'placed-link'), join(repo, 'logs', '2026', 'audit.jsonl'))).toBe('logs/2026/audit.jsonl');
    expect(repoPathOf(repo, join(tmp, 'elsewhere', 'logs', 'audit.jsonl'))).toBeNull();
  });
  it('a version that drops a reserved tool name still holds it: registering it under that version diverges', () => {
    const { repo, log } = smallRepo('reserved');
    const registry = JSON.parse(readFileSync(join(repo, 'policy/tool-registry.json'), 'utf8')) as { reserved: string[] };
    const [gone, ...kept] = registry.reserved;
    write(repo, { 'policy/tool-registry.json': JSON.stringify({ ...registry, reserved: [...registry.reserved, 'new-tool'] }) });
    commit(repo, 'reserve one more name');
    write(repo, { 'policy/tool-registry.json': JSON.stringify({ ...registry, reserved: [...kept, 'NEW_TOOL'] }) });
    commit(repo, `free ${gone}`);
    const hash = sel(['policy', 'hash', repo]).stdout.trim();
    const register = (name: string) => ({ ts: '2026-11-05T00:00:00.000Z', kind: 'tool.register', actor: { id: 'coder', zone: 'executor' as const }, request: { name }, policy_hash: hash, decision: { action: 'warn' as const, rule: 'tool-registry.open', severity: 'low' as const } });
    const w = new ChainWriter('g');
    writeFileSync(join(repo, 'g.jsonl'), `${[register('free-name'), register(gone!)].map((e) => w.append(e).line).join('\n')}\n`);
    // The log decided under the earlier versions is clean; the registration of the dropped name is not.
    expect(json(['verify', log, '--repo', repo]).out.findings).toEqual([]);
    const { out } = json(['verify', join(repo, 'g.jsonl'), '--repo', repo]);
    expect(out.findings.map((f) => [f.code, f.seq])).toEqual([['DECISION_DIVERGENCE', 1]]);
    expect(JSON.stringify(out.findings[0]!)).toContain('tool-registry.reserved');
    // Worker threads compile the version with the same inherited names.
    expect(sel(['verify', join(repo, 'g.jsonl'), '--repo', repo, '--format', 'json', '--jobs', '2', '--unit-bytes', '300']).stdout).toBe(sel(['verify', join(repo, 'g.jsonl'), '--repo', repo, '--format', 'json']).stdout);
    // What-if under that version says so too.
    const impact = JSON.parse(sel(['impact', join(repo, 'g.jsonl'), '--repo', repo, '--policy', 'HEAD', '--format', 'json']).stdout) as { changed: number; examples: { seq: number; would: { rule: string } }[] };
    expect(impact.changed).toBe(1);
    expect(impact.examples[0]).toMatchObject({ seq: 1, would: { rule: 'tool-registry.reserved' } });
  });
  it('what-if under a version on a branch --ref does not reach: the names its own history reserved still hold (from mutation testing)', () => {
    const { repo } = smallRepo('reserved-branch');
    const registry = JSON.parse(readFileSync(join(repo, 'policy/tool-registry.json'), 'utf8')) as { reserved: string[] };
    const [gone, ...kept] = registry.reserved;
    // The pull request frees a reserved name; main, the --ref, never holds that version.
    git(repo, 'checkout', '-q', '-b', 'pr');
    write(repo, { 'policy/tool-registry.json': JSON.stringify({ ...registry, reserved: [...kept, 'NEW_TOOL'] }) });
    commit(repo, `free ${gone}`);
    const hash = sel(['policy', 'hash', repo]).stdout.trim();
    git(repo, 'checkout', '-q', 'main');
    const w = new ChainWriter('g');
    const register = (name: string) => ({ ts: '2026-11-05T00:00:00.000Z', kind: 'tool.register', actor: { id: 'coder', zone: 'executor' as const }, request: { name }, policy_hash: hash, decision: { action: 'warn' as const, rule: 'tool-registry.open', severity: 'low' as const } });
    const log = join(tmp, 'reserved-branch.jsonl');
    writeFileSync(log, `${[register('free-name'), register(gone!)].map((e) => w.append(e).line).join('\n')}\n`);
    const impact = JSON.parse(sel(['impact', log, '--repo', repo, '--ref', 'main', '--policy', 'pr', '--format', 'json']).stdout) as { changed: number; examples: { seq: number; would: { rule: string } }[] };
    expect(impact.changed).toBe(1);
    expect(impact.examples[0]).toMatchObject({ seq: 1, would: { rule: 'tool-registry.reserved' } });
    const explain = JSON.parse(sel(['explain', log, '--repo', repo, '--ref', 'main', '--seq', '1', '--policy', 'pr', '--format', 'json']).stdout) as { whatIf: { decision: { action: string; rule: string } } };
    expect(explain.whatIf.decision).toMatchObject({ action: 'block', rule: 'tool-registry.reserved' });
  });
  it('the names a version inherits come from all its history: through an invalid version, either parent of a merge', () => {
    const { repo, log } = smallRepo('reserved-2');
    const original = readFileSync(join(repo, 'policy/tool-registry.json'), 'utf8');
    const registry = JSON.parse(original) as { reserved: string[] };
    const [gone, ...kept] = registry.reserved;
    const base = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'policy/tool-registry.json': '{"schema": "not a registry"}' });
    commit(repo, 'an invalid registry');
    write(repo, { 'policy/tool-registry.json': JSON.stringify({ ...registry, reserved: kept }) });
    commit(repo, `free ${gone} after an invalid version`);
    const freed = sel(['policy', 'hash', repo]).stdout.trim();
    // A side branch reserves one more name; merged keeping main's tree.
    git(repo, 'checkout', '-q', '-b', 'side', base);
    write(repo, { 'policy/tool-registry.json': JSON.stringify({ ...registry, reserved: [...registry.reserved, 'side-tool'] }) });
    commit(repo, 'reserve side-tool');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '-s', 'ours', '-m', 'merge side, keeping main', 'side');
    // Rolled back to the shipped registry: its own events stay clean.
    write(repo, { 'policy/tool-registry.json': original });
    commit(repo, 'roll back to the shipped registry');
    const w = new ChainWriter('g');
    const lines = [gone!, 'side-tool', 'free-name'].map((name) => w.append({ ts: '2026-11-05T00:00:00.000Z', kind: 'tool.register', actor: { id: 'coder', zone: 'executor' }, request: { name }, policy_hash: freed, decision: { action: 'warn', rule: 'tool-registry.open', severity: 'low' } }).line);
    writeFileSync(join(repo, 'g.jsonl'), `${lines.join('\n')}\n`);
    expect(json(['verify', log, '--repo', repo]).out.findings).toEqual([]);
    expect(json(['verify', join(repo, 'g.jsonl'), '--repo', repo]).out.findings.map((f) => [f.code, f.seq])).toEqual([['DECISION_DIVERGENCE', 0], ['DECISION_DIVERGENCE', 1]]);
  });
  it('a committed log cut and restored on a branch is LEDGER_REWRITTEN, though the merge leaves it as it was (from mutation testing)', async () => {
    // The merge is the same as main for the log, so git's default history simplification
    // leaves the branch out of the log's history (--full-history keeps it).
    const { repo, log } = smallRepo('rewritten-on-a-branch');
    const original = readFileSync(log, 'utf8');
    commit(repo, 'log');
    git(repo, 'checkout', '-q', '-b', 'side');
    writeFileSync(log, original.split('\n').slice(0, 2).join('\n') + '\n');
    const cut = commit(repo, 'oops: truncate the log');
    writeFileSync(log, original);
    commit(repo, 'restore it');
    git(repo, 'checkout', '-q', 'main');
    write(repo, { 'notes.md': 'x' });
    commit(repo, 'main moves on');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const r = await GitRepo.open(repo);
    try {
      const { rewrites } = await findRewrites(r, git(repo, 'rev-parse', 'HEAD'), 'audit.jsonl');
      expect(rewrites.map((x) => x.commit)).toEqual([cut]);
    } finally {
      r.close();
    }
  });
  it('a merge that drops what one parent appended to the committed log is LEDGER_REWRITTEN against that parent (from mutation testing)', async () => {
    const { repo, log } = smallRepo('rewritten-by-a-merge');
    const original = readFileSync(log, 'utf8');
    commit(repo, 'log');
    git(repo, 'checkout', '-q', '-b', 'side');
    writeFileSync(log, `${original}{"side":1}\n`);
    const side = commit(repo, 'side appends');
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(log, `${original}{"main":1}\n`);
    commit(repo, 'main appends');
    // Merged keeping main's log: what the side branch committed is gone from it.
    git(repo, 'merge', '-q', '-s', 'ours', '-m', 'merge side, keeping main', 'side');
    const merge = git(repo, 'rev-parse', 'HEAD');
    const r = await GitRepo.open(repo);
    try {
      const { rewrites } = await findRewrites(r, merge, 'audit.jsonl');
      expect(rewrites).toEqual([{ commit: merge, parent: side, message: `commit ${merge.slice(0, 12)} changed the committed log at line 4 instead of only appending to it` }]);
    } finally {
      r.close();
    }
  });
  it('the commits that hold a policy version, in any of the trees that hash to it, are in history order, parents first, whatever their dates say (from mutation testing)', async () => {
    // A branch whose commit is dated years before its parent (a clock set wrong): git's default
    // order is by date, and would list it first, before the commit that added the policy.
    const { repo } = smallRepo('skewed-dates');
    const policy = git(repo, 'rev-parse', 'HEAD');
    const skewed = execFileSync('git', ['-C', repo, 'commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'dated before its parent'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' },
      encoding: 'utf8',
    }).trim();
    git(repo, 'branch', 'skewed', skewed);
    write(repo, { 'notes.md': 'x' });
    commit(repo, 'main moves on');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge skewed', 'skewed');
    // Reformatted: another tree, the same bundle (SPEC.md §3 hashes what the files mean).
    const caps = join(repo, 'policy', 'capabilities.json');
    writeFileSync(caps, JSON.stringify(JSON.parse(readFileSync(caps, 'utf8')), null, 4));
    const reformatted = commit(repo, 'reformat capabilities.json');
    const r = await GitRepo.open(repo);
    try {
      const index = await indexPolicies(r, reformatted);
      const [version] = [...index.byHash.values()];
      expect(index.byHash.size).toBe(1);
      expect(index.policyTrees).toBe(2);
      // The first commit is the one that added the policy (POLICY_INVALID and sel explain name it).
      expect(version!.commits[0]).toBe(policy);
      expect(version!.commits).toHaveLength(5);
      expect(version!.commits.indexOf(skewed)).toBeGreaterThan(0);
      expect(version!.commits[4]).toBe(reformatted);
    } finally {
      r.close();
    }
  });
  it('ignores replace refs and says so', () => {
    const { repo, log } = smallRepo('replace');
    const a = commit(repo, 'a');
    const b = commit(repo, 'b');
    git(repo, 'replace', a, b);
    const r = sel(['verify', log, '--repo', repo]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('replace ref(s) under refs/replace/ were ignored');
    // The gate's report too, as docs/contract.md says (found by review).
    const gate = sel(['gate', log, '--repo', repo, '--no-divergence', '--no-color']);
    expect(gate.status).toBe(0);
    expect(gate.stdout).toContain('  note: 1 replace ref(s) under refs/replace/ were ignored: the history verified is the one the objects record\n');
    const json = JSON.parse(sel(['gate', log, '--repo', repo, '--no-divergence', '--format', 'json']).stdout) as { notes?: string[] };
    expect(json.notes).toEqual(['1 replace ref(s) under refs/replace/ were ignored: the history verified is the one the objects record']);
    git(repo, 'replace', '-d', a);
    expect(JSON.parse(sel(['gate', log, '--repo', repo, '--no-divergence', '--format', 'json']).stdout)).not.toHaveProperty('notes');
  });
});

/**
 * A tree object holding `name` twice (git never writes one; `git hash-object --literally`
 * does), the other entries of `tree` kept: git show takes the first entry, a map the last.
 */
function treeWithTwice(repo: string, tree: string, name: string, oids: [string, string]): string {
  const entries = git(repo, 'ls-tree', tree).split('\n').filter((l) => l !== '').map((l) => /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/.exec(l)!).map((m) => ({ mode: m[1]!, oid: m[2]!, name: m[3]! }));
  const rest = entries.filter((e) => e.name !== name);
  const all = [...rest, { mode: '100644', oid: oids[0], name }, { mode: '100644', oid: oids[1], name }].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const body = Buffer.concat(all.map((e) => Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`), Buffer.from(e.oid, 'hex')])));
  const file = join(tmp, `tree-${name}`);
  writeFileSync(file, body);
  return git(repo, 'hash-object', '-t', 'tree', '--literally', '-w', file);
}

describe('trees git would not write', () => {
  it('a policy file or ledger artifact named twice in one tree is refused, never guessed', () => {
    const { repo, log } = smallRepo('twice');
    const blob = (text: string) => { writeFileSync(join(tmp, 'blob'), text); return git(repo, 'hash-object', '-w', join(tmp, 'blob')); };
    // policy/: capabilities.json twice, the second granting more. The events were decided
    // under the shipped bundle; a bundle built from the last copy would have another hash.
    const caps = readFileSync(join(repo, 'policy/capabilities.json'), 'utf8');
    const more = JSON.parse(caps) as { grants: { tools: string[] }[] };
    more.grants[0]!.tools.push('rm-rf');
    const policyTree = treeWithTwice(repo, 'HEAD:policy', 'capabilities.json', [blob(caps), blob(JSON.stringify(more))]);
    const root = git(repo, 'ls-tree', 'HEAD').split('\n').map((l) => (l.endsWith('\tpolicy') ? l.replace(/[0-9a-f]{40}/, policyTree) : l)).join('\n');
    writeFileSync(join(tmp, 'root'), `${root}\n`);
    const rootTree = execFileSync('git', ['-C', repo, 'mktree', '--missing'], { input: readFileSync(join(tmp, 'root')), encoding: 'utf8' }).trim();
    const c = git(repo, 'commit-tree', rootTree, '-p', 'HEAD', '-m', 'capabilities twice');
    git(repo, 'update-ref', 'refs/heads/main', c);
    const w = new ChainWriter('t');
    const hashOfMore = (() => { const d = join(tmp, 'more'); cpSync(join(repo, 'policy'), join(d, 'policy'), { recursive: true }); writeFileSync(join(d, 'policy/capabilities.json'), JSON.stringify(more)); return sel(['policy', 'hash', d]).stdout.trim(); })();
    const line = w.append({ ts: '2026-11-05T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'rm-rf' }, policy_hash: hashOfMore, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }).line;
    writeFileSync(join(repo, 't.jsonl'), `${line}\n`);
    const { status, out } = json(['verify', log, join(repo, 't.jsonl'), '--repo', repo]);
    expect(status).toBe(1);
    expect(out.findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
    // ledger/reviews/: one review name twice; neither copy is used, and that is reported.
    const review = (decision: string) => blob(JSON.stringify({ v: 'sel.review/1', request_fingerprint: `sha256:${'a'.repeat(64)}`, policy_hash: hashOfMore, decision, reviewer: 'r', reviewed_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-12-01T00:00:00.000Z' }));
    const reviews = treeWithTwice(repo, '4b825dc642cb6eb9a060e54bf8d69288fbee4904', `${'a'.repeat(64)}.json`, [review('rejected'), review('approved')]);
    const mk = (lines: string) => execFileSync('git', ['-C', repo, 'mktree', '--missing'], { input: `${lines}\n`, encoding: 'utf8' }).trim();
    const ledger = mk(`040000 tree ${reviews}\treviews`);
    const withLedger = mk(`${git(repo, 'ls-tree', 'HEAD')}\n040000 tree ${ledger}\tledger`);
    git(repo, 'update-ref', 'refs/heads/main', git(repo, 'commit-tree', withLedger, '-p', 'HEAD', '-m', 'a review twice'));
    const again = json(['verify', log, '--repo', repo]).out.findings;
    expect(again.map((f) => [f.code, f.location.file])).toEqual([['LEDGER_ARTIFACT_INVALID', expect.stringMatching(new RegExp(`ledger/reviews/${'a'.repeat(64)}\\.json$`))]]);
  });
});

describe('reading many objects at once', () => {
  it('every ledger artifact and policy version is read, and problems are reported in tree order', () => {
    const { repo, log, policyHash } = smallRepo('many');
    // More artifacts than are read ahead at once (64), with problems of every kind among them.
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`ledger/notes/${String(i).padStart(3, '0')}.json`] = '{}';
    files['ledger/notes/070-big.json'] = `{"pad":"${'x'.repeat(300 * 1024)}"}`;
    files['ledger/notes/a/b/c/d/e/deep.json'] = '{}';
    write(repo, files);
    execFileSync('ln', ['-s', '000.json', join(repo, 'ledger/notes/071-link.json')]);
    // Policy versions, more than are read ahead at once (16): each grants one more tool.
    const caps = JSON.parse(readFileSync(join(repo, 'policy/capabilities.json'), 'utf8')) as { grants: { tools: string[] }[] };
    for (let i = 0; i < 20; i++) {
      caps.grants[0]!.tools.push(`tool-${i}`);
      write(repo, { 'policy/capabilities.json': JSON.stringify(caps) });
      commit(repo, `grant tool-${i}`);
    }
    const { out } = json(['verify', log, '--repo', repo]);
    expect(out.summary.replay.bundles).toBe(21);
    expect(out.summary.replay.events['matched']).toBe(3);
    const paths = out.findings.map((f) => [f.code, f.location.file.slice(repo.length + 1)]);
    // What cannot be read, as the walk met it (git orders "070-big.json" before "070.json"),
    // then what was read and is not an artifact, in the same order.
    const expected = ['ledger/notes/070-big.json', 'ledger/notes/071-link.json', 'ledger/notes/a/b/c/d',
      ...Array.from({ length: 150 }, (_, i) => `ledger/notes/${String(i).padStart(3, '0')}.json`)].map((f) => ['LEDGER_ARTIFACT_INVALID', f]);
    expect(paths).toEqual(expected);
    expect(policyHash).toMatch(/^sha256:/);
  });
});

describe('reviews and ledger artifacts', () => {
  it('reports malformed ledger artifacts and does not use them', () => {
    const { repo, log } = smallRepo('ledger');
    write(repo, { [`ledger/reviews/${'a'.repeat(64)}.json`]: '{"v":"sel.review/1"}', 'ledger/notes.json': '{}' });
    commit(repo, 'bad ledger');
    const { out } = json(['verify', log, '--repo', repo]);
    expect(out.findings.map((f) => f.code)).toEqual(['LEDGER_ARTIFACT_INVALID', 'LEDGER_ARTIFACT_INVALID']);
  });
  it('the ledger is only added to: an anchor deleted or a review edited in a later commit is LEDGER_REWRITTEN', () => {
    const { repo, log } = smallRepo('append-only');
    const review = (expires: string) => JSON.stringify({ v: 'sel.review/1', request_fingerprint: `sha256:${'b'.repeat(64)}`, policy_hash: digestOf('p'), decision: 'approved', reviewer: 'a', reviewed_at: '2026-11-01T00:00:00.000Z', expires_at: expires });
    const anchorOf = (seq: number) => JSON.stringify({ v: 'sel.anchor/1', chain: 'c', seq, hash: (JSON.parse(readFileSync(log, 'utf8').split('\n')[seq]!) as { hash: string }).hash, ts: `2026-11-0${seq + 1}T00:00:00.000Z` });
    write(repo, { [`ledger/reviews/${'b'.repeat(64)}.json`]: review('2026-11-02T00:00:00.000Z'), 'ledger/anchors/c/1.json': anchorOf(1) });
    commit(repo, 'ledger');
    write(repo, { 'ledger/anchors/c/2.json': anchorOf(2) });
    commit(repo, 'one more anchor: adding is what a ledger does');
    expect(json(['verify', log, '--repo', repo]).out.findings).toEqual([]);
    // Without the last event, anchor 2 says the log was cut; deleting the anchor must not hide it.
    const cut = join(repo, 'cut.jsonl');
    writeFileSync(cut, `${readFileSync(log, 'utf8').split('\n').slice(0, 2).join('\n')}\n`);
    rmSync(join(repo, 'ledger/anchors/c/2.json'));
    const deleted = commit(repo, 'tidy anchors');
    write(repo, { [`ledger/reviews/${'b'.repeat(64)}.json`]: review('2027-01-01T00:00:00.000Z') });
    const edited = commit(repo, 'extend a review');
    const { status, out } = json(['verify', cut, '--repo', repo]);
    expect(status).toBe(1);
    expect(out.findings.map((f) => [f.code, f.location.file.split('/').slice(-3).join('/'), f.detail?.['commit']])).toEqual([
      ['LEDGER_REWRITTEN', 'anchors/c/2.json', deleted],
      ['LEDGER_REWRITTEN', `ledger/reviews/${'b'.repeat(64)}.json`, edited],
    ]);
  });
  it('a review the ledger holds as a symbolic link is said to be there but not valid, with any --jobs and from shards: not "no review artifact exists" in the workers (found by review)', () => {
    // The workers rebuilt the ledger from its files alone, without what the tree walk refused.
    const repo = join(tmp, 'linked-reviews');
    git(tmp, 'clone', '-q', sample.repo, repo);
    const reviews = join(repo, 'ledger/reviews');
    for (const f of readdirSync(reviews)) {
      writeFileSync(join(reviews, `${f}.real`), readFileSync(join(reviews, f)));
      rmSync(join(reviews, f));
      symlinkSync(`${f}.real`, join(reviews, f));
    }
    commit(repo, 'reviews as links');
    const dir = join(tmp, 'linked-reviews-shards');
    mkdirSync(dir);
    const out = JSON.parse(verifyAll(join(repo, 'logs/audit.jsonl'), repo, dir).stdout) as Out;
    const missing = out.findings.filter((f) => f.code === 'REVIEW_MISSING');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toMatch(/^recorded allow for a request that needs review, and the review artifact ledger\/reviews\/[0-9a-f]{64}\.json is in the ledger but not valid, so it was not used \(LEDGER_ARTIFACT_INVALID\)$/);
  });
  it('an anchor, exception or review whose content names another chain, seq, id or fingerprint than its path is LEDGER_ARTIFACT_INVALID, and is not used (from mutation testing)', () => {
    const repo = join(tmp, 'path-content');
    git(tmp, 'clone', '-q', sample.repo, repo);
    // An anchor at 480.json that says seq 48 would stand in for 48.json (it sorts after it),
    // and an exception filed under a new name but carrying an approved one's id would borrow
    // that one's review, which names the exception by its id. An anchor filed under another
    // chain's directory, or a review under another request's fingerprint, is where no one
    // looking for that chain's anchors or that request's review would look.
    const real = JSON.parse(readFileSync(join(repo, 'ledger/anchors/prod-agents/48.json'), 'utf8')) as Record<string, unknown>;
    const fp = '0dba0e8e5d170d5ebacd4f0a825668026d5a2cde2aefcccf39d00ce014ea76f4';
    write(repo, {
      'ledger/anchors/prod-agents/480.json': JSON.stringify({ ...real, hash: `sha256:${'0'.repeat(64)}` }),
      'ledger/anchors/staging-agents/48.json': JSON.stringify(real),
      'ledger/exceptions/EX-copy.json': readFileSync(join(repo, 'ledger/exceptions/EX-status-2026.json')),
      [`ledger/reviews/${'f'.repeat(64)}.json`]: readFileSync(join(repo, `ledger/reviews/${fp}.json`)),
    });
    commit(repo, 'artifacts under names that are not theirs');
    const { status, out } = json(['verify', join(repo, 'logs/audit.jsonl'), '--repo', repo]);
    expect(status).toBe(1);
    expect(out.findings.map((f) => [f.code, f.location.file.split('/').slice(-2).join('/'), f.message])).toEqual([
      ['LEDGER_ARTIFACT_INVALID', 'prod-agents/480.json', expect.stringMatching(/not the chain and seq its path names/)],
      ['LEDGER_ARTIFACT_INVALID', 'staging-agents/48.json', expect.stringMatching(/not the chain and seq its path names/)],
      ['LEDGER_ARTIFACT_INVALID', 'exceptions/EX-copy.json', expect.stringMatching(/is not the one its path names/)],
      ['LEDGER_ARTIFACT_INVALID', `reviews/${'f'.repeat(64)}.json`, expect.stringMatching(/not the fingerprint its path names/)],
    ]);
  });
  it('an anchor in another digest than the event\'s is ANCHOR_MISMATCH that says they cannot be compared, not that the log was rewritten (found by review)', () => {
    const repo = join(tmp, 'sha512-anchor');
    git(tmp, 'clone', '-q', sample.repo, repo);
    const real = JSON.parse(readFileSync(join(repo, 'ledger/anchors/prod-agents/48.json'), 'utf8')) as Record<string, unknown>;
    write(repo, { 'ledger/anchors/prod-agents/10.json': JSON.stringify({ ...real, seq: 10, hash: `sha512:${'0'.repeat(128)}` }) });
    commit(repo, 'an anchor in sha512');
    const { out } = json(['verify', join(repo, 'logs/audit.jsonl'), '--repo', repo]);
    const at10 = out.findings.filter((f) => f.seq === 10);
    expect(at10.map((f) => [f.code, f.message])).toEqual([
      ['ANCHOR_MISMATCH', 'the anchor at ledger/anchors/prod-agents/10.json names a sha512 digest and the event\'s hash is sha256: they cannot be compared, so the anchor does not vouch for the event'],
    ]);
  });
  it('a commit that changes only the last byte of a committed log is LEDGER_REWRITTEN (from mutation testing)', () => {
    const repo = join(tmp, 'last-byte');
    git(tmp, 'clone', '-q', sample.repo, repo);
    const log = join(repo, 'logs/audit.jsonl');
    const full = readFileSync(log);
    const spaced = Buffer.from(full);
    spaced[spaced.length - 1] = 0x20;
    writeFileSync(log, spaced);
    const changed = commit(repo, 'the last byte');
    writeFileSync(log, full);
    commit(repo, 'restored');
    const { status, out } = json(['verify', log, '--repo', repo]);
    expect(status).toBe(1);
    expect(out.findings.filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => f.detail?.['commit'])).toContain(changed);
  });
  it('REVIEW_MISMATCH: a review for another policy version does not resume the request', () => {
    const { repo, policyHash } = smallRepo('review-mismatch');
    const request = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    const fp = digestOf(request);
    write(repo, {
      [`ledger/reviews/${fp.slice(7)}.json`]: JSON.stringify({ v: 'sel.review/1', request_fingerprint: fp, policy_hash: digestOf('older policy'), decision: 'approved', reviewer: 'a', reviewed_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-12-01T00:00:00.000Z' }),
    });
    commit(repo, 'review');
    const w = new ChainWriter('r');
    const line = w.append({ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: { id: 'coder', zone: 'executor' }, request, policy_hash: policyHash, decision: { action: 'allow', rule: 'secrets.npm-publish', severity: 'medium' } }).line;
    writeFileSync(join(repo, 'r.jsonl'), `${line}\n`);
    const { out } = json(['verify', join(repo, 'r.jsonl'), '--repo', repo]);
    expect(out.findings.map((f) => f.code)).toEqual(['REVIEW_MISMATCH']);
    // Not "rejected": the message says why the review does not resume it (from mutation testing).
    expect(out.findings[0]!.message).toBe(`the review ledger/reviews/${fp.slice(7)}.json is for another policy version, so it cannot resume this request`);
  });
});
