/**
 * The chain check over whole logs: every integrity fault gives its code, once, where it
 * happens; clean logs give nothing. Logs are made with the producer API.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/canonical/jcs.js';
import { digestOf, GENESIS_PREV_HASH } from '../../src/canonical/digest.js';
import { ChainWriter, ProducerError } from '../../src/producer/producer.js';
import { DEFAULT_CHAIN_OPTIONS } from '../../src/chain/options.js';
import { chainLines, codeLines, codes, forgedFor, interleavedLines, sampleInput, toLog, verifyBytes } from '../helpers/chains.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from '../../src/verify/verifier.js';

const LINES = chainLines(40);

function verifyLines(lines: readonly string[], opts = {}) {
  return verifyBytes([toLog(lines)], opts);
}

function reseal(line: string, edit: (e: Record<string, unknown>) => void): string {
  const e = JSON.parse(line) as Record<string, unknown>;
  edit(e);
  delete e['hash'];
  e['hash'] = digestOf(e);
  return canonicalize(e);
}

describe('clean logs', () => {
  it('give no findings', () => {
    const r = verifyLines(LINES);
    expect(r.findings).toEqual([]);
    expect(r.summary.events).toBe(40);
    expect(r.summary.chains).toHaveLength(1);
    expect(r.summary.chains[0]).toMatchObject({ chain: 'prod', events: 40, firstSeq: 0, lastSeq: 39 });
  });
  it('give no findings with several interleaved chains', () => {
    const r = verifyLines(interleavedLines(30, ['a', 'b', 'c']));
    expect(r.findings).toEqual([]);
    expect(r.summary.chains.map((c) => c.chain)).toEqual(['a', 'b', 'c']);
  });
  it('give no findings when the chain runs across rotated files', () => {
    const r = verifyBytes([toLog(LINES.slice(0, 15)), toLog(LINES.slice(15, 30)), toLog(LINES.slice(30))]);
    expect(r.findings).toEqual([]);
    expect(r.summary.files.map((f) => f.events)).toEqual([15, 15, 10]);
  });
  it('give no findings whatever the chunking of the reads', () => {
    for (const chunk of [1, 7, 600, 1 << 20]) expect(verifyBytes([toLog(LINES)], {}, chunk).findings).toEqual([]);
  });
});

describe('each fault gives one finding where it happens', () => {
  it('a deleted event: SEQ_GAP at its successor', () => {
    const r = verifyLines([...LINES.slice(0, 10), ...LINES.slice(11)]);
    expect(codeLines(r.findings)).toEqual(['SEQ_GAP@11']);
    expect(r.findings[0]!.detail).toMatchObject({ from: 10, to: 10, missing: 1 });
  });
  it('several deleted events: one SEQ_GAP for the range', () => {
    const r = verifyLines([...LINES.slice(0, 10), ...LINES.slice(14)]);
    expect(codeLines(r.findings)).toEqual(['SEQ_GAP@11']);
    expect(r.findings[0]!.message).toContain('seq 10–13 are missing');
  });
  it('a duplicated event: SEQ_DUPLICATE on the copy', () => {
    const r = verifyLines([...LINES.slice(0, 11), LINES[10]!, ...LINES.slice(11)]);
    expect(codeLines(r.findings)).toEqual(['SEQ_DUPLICATE@12']);
  });
  it('two swapped events: one SEQ_REORDER', () => {
    const l = [...LINES];
    [l[10], l[11]] = [l[11]!, l[10]!];
    expect(codes(verifyLines(l).findings)).toEqual(['SEQ_REORDER']);
  });
  it('one event moved later: one SEQ_REORDER on it', () => {
    const l = [...LINES.slice(0, 10), ...LINES.slice(11, 20), LINES[10]!, ...LINES.slice(20)];
    const r = verifyLines(l);
    expect(codeLines(r.findings)).toEqual(['SEQ_REORDER@20']);
    expect(r.findings[0]!.seq).toBe(10);
  });
  it('one event moved earlier: one SEQ_REORDER on it', () => {
    const l = [...LINES.slice(0, 10), LINES[20]!, ...LINES.slice(10, 20), ...LINES.slice(21)];
    const r = verifyLines(l);
    expect(codeLines(r.findings)).toEqual(['SEQ_REORDER@11']);
    expect(r.findings[0]!.seq).toBe(20);
  });
  it('an edited event: HASH_MISMATCH on it, nothing on its successor', () => {
    const l = [...LINES];
    l[10] = l[10]!.replace(/"action":"\w+"/, '"action":"allow"').replace(/"n":10/, '"n":11');
    expect(codeLines(verifyLines(l).findings)).toEqual(['HASH_MISMATCH@11']);
  });
  it('an edited and re-hashed event: PREV_HASH_MISMATCH on its successor', () => {
    const l = [...LINES];
    l[10] = reseal(l[10]!, (e) => ((e['decision'] as Record<string, unknown>)['action'] = 'allow'));
    expect(codeLines(verifyLines(l).findings)).toEqual(['PREV_HASH_MISMATCH@12']);
  });
  it('an unreadable line in place of an event: only the line is reported', () => {
    const l = [...LINES];
    l[10] = '{"this is": not json';
    expect(codeLines(verifyLines(l).findings)).toEqual(['LINE_INVALID_JSON@11']);
  });
  it('a damaged line stands for the events it can hold, no more: a deletion past it is still a SEQ_GAP', () => {
    // Two events merged by a line feed turned into a space: one line, two events' worth.
    const merged = [...LINES.slice(0, 10), `${LINES[10]!} ${LINES[11]!}`, ...LINES.slice(12)];
    expect(codeLines(verifyLines(merged).findings)).toEqual(['LINE_INVALID_JSON@11']);
    // Fifty version members in one short bad line cannot be fifty events.
    const short = [...LINES.slice(0, 10), '{"v":"sel.audit/1"}'.repeat(30), ...LINES.slice(30)];
    expect(codeLines(verifyLines(short).findings)).toEqual(['LINE_INVALID_JSON@11', 'SEQ_GAP@12']);
    // One JSON object is one event, however many version members its request repeats.
    const nested = reseal(LINES[10]!, (e) => ((e['request'] as Record<string, unknown>)['x'] = Array.from({ length: 30 }, () => ({ v: 'sel.audit/1' }))))
      .replace('"action":"', '"action":"x');
    const r = verifyLines([...LINES.slice(0, 10), nested, ...LINES.slice(30)]);
    expect(codeLines(r.findings)).toEqual(['HASH_MISMATCH@11', 'SEQ_GAP@12']);
  });
  it('a damaged line stands for one event per 512 bytes it has, at most: 570 bytes of version members are one event, not two (from mutation testing)', () => {
    const short = '{"v":"sel.audit/1"}'.repeat(30);
    expect(short.length).toBe(570);
    expect(codeLines(verifyLines([...LINES.slice(0, 10), short, ...LINES.slice(11)]).findings)).toEqual(['LINE_INVALID_JSON@11']);
    expect(codeLines(verifyLines([...LINES.slice(0, 10), short, ...LINES.slice(12)]).findings)).toEqual(['LINE_INVALID_JSON@11', 'SEQ_GAP@12']);
  });
  it('an unreadable line before the events around a deletion does not explain it: a SEQ_GAP still', () => {
    // (From mutation testing.) The line comes before seq 0: it cannot hold seq 2.
    expect(codeLines(verifyLines(['{"this is": not json', ...LINES.slice(0, 2), ...LINES.slice(3, 5)]).findings)).toEqual(['LINE_INVALID_JSON@1', 'SEQ_GAP@4']);
  });
  it('a damaged line of another chain does not explain a deletion: a SEQ_GAP still', () => {
    // (From mutation testing.) The edited line's chain is still known ("b"): it holds no event of "a".
    const a = chainLines(4, 'a');
    const b = chainLines(2, 'b');
    const l = [a[0]!, b[0]!, a[1]!, b[1]!.replace('"action":"', '"action":"x'), a[3]!];
    expect(codeLines(verifyLines(l).findings)).toEqual(['HASH_MISMATCH@4', 'SEQ_GAP@5']);
  });
  it('an edited seq: HASH_MISMATCH only', () => {
    const l = [...LINES];
    l[10] = l[10]!.replace('"seq":10', '"seq":13');
    expect(codeLines(verifyLines(l).findings)).toEqual(['HASH_MISMATCH@11']);
  });
  it('an event whose prev_hash is malformed: EVENT_SCHEMA only, and it is not placed in the chain', () => {
    // (From mutation testing.) Its chain and seq are sound; its link is not.
    const l = [...LINES];
    l[1] = reseal(l[1]!, (e) => (e['prev_hash'] = 'nope'));
    expect(codeLines(verifyLines(l.slice(0, 3)).findings)).toEqual(['EVENT_SCHEMA@2']);
  });
  it('a fork: one CHAIN_FORK, however long the second branch', () => {
    const w = new ChainWriter('prod', { lastSeq: 19, lastHash: (JSON.parse(LINES[19]!) as { hash: string }).hash });
    const branch = [0, 1, 2, 3, 4].map((i) => w.append(sampleInput(100 + i)).line);
    const r = verifyLines([...LINES, ...branch]);
    expect(codeLines(r.findings)).toEqual(['CHAIN_FORK@41']);
    expect(r.findings[0]!.seq).toBe(20);
  });
  it('a time going back on a fork branch: TS_REGRESSION at that branch event, as on the chain (once for each, none at the fork itself)', () => {
    const w = new ChainWriter('prod', { lastSeq: 19, lastHash: (JSON.parse(LINES[19]!) as { hash: string }).hash });
    // The branch's events dated 100, 102, 101, 103: the third goes back. Its first (seq 20) is
    // dated after the chain's seq 19 and before its seq 39: not compared with the chain's.
    const branch = [100, 102, 101, 103].map((i) => w.append(sampleInput(i)).line);
    const interleaved = [...LINES.slice(0, 22), branch[0]!, LINES[22]!, branch[1]!, branch[2]!, ...LINES.slice(23), branch[3]!];
    for (const l of [[...LINES, ...branch], interleaved]) {
      const r = verifyLines(l);
      expect(r.findings.map((f) => [f.code, f.seq])).toEqual([['CHAIN_FORK', 20], ['TS_REGRESSION', 22]]);
      const ts = (i: number) => (JSON.parse(branch[i]!) as { ts: string }).ts;
      expect(r.findings[1]).toMatchObject({
        severity: 'warning',
        location: { line: l.indexOf(branch[2]!) + 1 },
        message: `ts ${ts(2)} is earlier than ${ts(1)} of the event before it on the same fork branch`,
        expected: `>= ${ts(1)}`,
        actual: ts(2),
        detail: { branch: true },
      });
    }
  });
  it('an interleaved fork: one CHAIN_FORK', () => {
    const w = new ChainWriter('prod', { lastSeq: 19, lastHash: (JSON.parse(LINES[19]!) as { hash: string }).hash });
    const branch = [0, 1, 2].map((i) => w.append(sampleInput(100 + i)).line);
    const l = [...LINES.slice(0, 21), branch[0]!, LINES[21]!, branch[1]!, LINES[22]!, branch[2]!, ...LINES.slice(23)];
    expect(codes(verifyLines(l).findings)).toEqual(['CHAIN_FORK']);
  });
  it('a fork with repeats: a copy of a branch event is a SEQ_DUPLICATE, and the chain goes on', () => {
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const w = new ChainWriter('prod', { lastSeq: 1, lastHash: hashOf(LINES[1]!) });
    const [b2, b3] = [0, 1].map((i) => w.append(sampleInput(100 + i)).line);
    // The forking event twice.
    expect(codeLines(verifyLines([...LINES.slice(0, 3), b2!, b2!, ...LINES.slice(3)]).findings)).toEqual(['CHAIN_FORK@4', 'SEQ_DUPLICATE@5']);
    // A later branch event twice: not taken into the chain, whose seq 3, 4... still follow.
    const r = verifyLines([...LINES.slice(0, 3), b2!, b3!, b3!, ...LINES.slice(3)]);
    expect(codeLines(r.findings)).toEqual(['CHAIN_FORK@4', 'SEQ_DUPLICATE@6']);
    expect(r.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
  });
  it('two events for a seq still to come: the one that links is the chain, the other the fork', () => {
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    // An event for seq 3 whose predecessor is not in the log, ahead of the real 3 and 2.
    const alien = new ChainWriter('prod', { lastSeq: 2, lastHash: `sha256:${'7'.repeat(64)}` }).append(sampleInput(103)).line;
    const r = verifyLines([...LINES.slice(0, 2), alien, LINES[3]!, LINES[2]!, ...LINES.slice(4)]);
    // The fork on the alien; the real 3 before 2 is the reorder it is.
    expect(codeLines(r.findings)).toEqual(['CHAIN_FORK@3', 'SEQ_REORDER@4']);
    expect(r.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
    // A copy of either claimant is a duplicate, and the chain still goes on to its end.
    const copyOfRival = verifyLines([...LINES.slice(0, 2), alien, LINES[3]!, LINES[3]!, LINES[4]!, LINES[2]!, ...LINES.slice(5)]);
    expect(codeLines(copyOfRival.findings)).toEqual(['CHAIN_FORK@3', 'SEQ_DUPLICATE@5', 'SEQ_REORDER@7']);
    expect(copyOfRival.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
    const copyOfAlien = verifyLines([...LINES.slice(0, 2), LINES[3]!, alien, alien, LINES[2]!, ...LINES.slice(4)]);
    expect(codes(copyOfAlien.findings).sort()).toEqual(['CHAIN_FORK', 'SEQ_DUPLICATE', 'SEQ_REORDER']);
    expect(copyOfAlien.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
    // A two-event alien branch whose events both wait for a missing seq: one fork, reported once.
    const aw = new ChainWriter('prod', { lastSeq: 4, lastHash: `sha256:${'7'.repeat(64)}` });
    const [a5, a6] = [0, 1].map((i) => aw.append(sampleInput(105 + i)).line);
    const branch = verifyLines([...LINES.slice(0, 4), a5!, a6!, LINES[5]!, LINES[6]!, LINES[4]!, ...LINES.slice(7)]);
    expect(codes(branch.findings).filter((c) => c === 'CHAIN_FORK')).toHaveLength(1);
    expect(branch.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
  });
  it('two events for a seq still to come that both link: the first to arrive is the chain, the other the fork', () => {
    // (From mutation testing.)
    const other2 = reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    expect(codeLines(verifyLines([LINES[0]!, LINES[2]!, other2, LINES[1]!, LINES[3]!]).findings)).toEqual(['SEQ_REORDER@2', 'CHAIN_FORK@3']);
  });
  it('a repeat too far back to compare: said so, and, before a checkpoint\'s position, that an earlier run verified that seq', () => {
    const recent = { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } };
    const far = (r: ReturnType<typeof verifyLines>) => r.findings.map((f) => [f.code, f.seq, f.message.replace(/:.*/, ''), f.detail]);
    // No checkpoint: too far back.
    expect(far(verifyLines([...LINES.slice(0, 12), LINES[2]!], recent))).toEqual([
      ['SEQ_DUPLICATE', 2, 'seq 2 appears again after seq 11; it is too far back (more than 4 events) to compare with the event it repeats or replaces', { compared: false, recentWindow: 4 }],
    ]);
    // Resumed at seq 10 (the checkpoint's chain): seq 2 and seq 9 come before it; seq 11 does not.
    const starts = [{ chain: 'prod', next: 10, parent: (JSON.parse(LINES[9]!) as { hash: string }).hash }];
    const resumed = verifyLines([...LINES.slice(10, 20), LINES[2]!, LINES[9]!, LINES[11]!], { ...recent, starts });
    expect(far(resumed)).toEqual([
      ['SEQ_DUPLICATE', 2, 'seq 2 comes before where the checkpoint resumes this chain (seq 10)', { compared: false, resumedAt: 10 }],
      ['SEQ_DUPLICATE', 9, 'seq 9 comes before where the checkpoint resumes this chain (seq 10)', { compared: false, resumedAt: 10 }],
      ['SEQ_DUPLICATE', 11, 'seq 11 appears again after seq 19; it is too far back (more than 4 events) to compare with the event it repeats or replaces', { compared: false, recentWindow: 4 }],
    ]);
    // A chain the checkpoint does not hold, in the resumed run: too far back, as without one.
    const other = chainLines(12, 'other');
    expect(far(verifyLines([...other, other[2]!], { ...recent, starts }))).toEqual([
      ['SEQ_DUPLICATE', 2, 'seq 2 appears again after seq 11; it is too far back (more than 4 events) to compare with the event it repeats or replaces', { compared: false, recentWindow: 4 }],
    ]);
  });
  it('after a gap, a fork of an event still among the last 256 accepted is compared (CHAIN_FORK), whatever its seq modulo 256', () => {
    // Seq 0..99, then 300..399: 200 events accepted. A second seq 50 is a fork of one of them.
    const lines = chainLines(400);
    const other50 = reseal(lines[50]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const r = verifyLines([...lines.slice(0, 100), ...lines.slice(300), other50]);
    expect(r.findings.map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 300, { from: 100, to: 299, missing: 200, unreadableLines: 0 }],
      ['CHAIN_FORK', 50, { first: { file: 'log-0.jsonl', line: 51 } }],
    ]);
  });
  it('a branch or a replay from too far back to compare: one SEQ_DUPLICATE for all of it, and the chain goes on', () => {
    const recent = { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } };
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    // A branch off seq 9, after seq 39: its first event is the fault, the rest follow it.
    const w = new ChainWriter('prod', { lastSeq: 9, lastHash: hashOf(LINES[9]!) });
    const branch = [0, 1, 2, 3, 4].map((i) => w.append(sampleInput(100 + i)).line);
    const forked = verifyLines([...LINES.slice(0, 30), ...branch, ...LINES.slice(30)], recent);
    expect(forked.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([['SEQ_DUPLICATE', 10, 31, { compared: false, recentWindow: 4 }]]);
    expect(forked.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
    // The whole log twice: one finding, on the first event read again.
    const twice = verifyLines([...LINES, ...LINES], recent);
    expect(codeLines(twice.findings)).toEqual(['SEQ_DUPLICATE@41']);
    // A copy of an event of that replay is a duplicate of it, compared.
    const copy = verifyLines([...LINES, LINES[3]!, LINES[4]!, LINES[4]!], recent);
    expect(copy.findings.map((f) => [f.code, f.location?.line, f.detail])).toEqual([
      ['SEQ_DUPLICATE', 41, { compared: false, recentWindow: 4 }],
      ['SEQ_DUPLICATE', 43, { compared: true, first: { file: 'log-0.jsonl', line: 42 } }],
    ]);
  });
  it('a copy is one finding, and what follows it is still checked: a fork, a gap or a late event after a copy is reported (found by review)', () => {
    const lines = chainLines(700);
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const other = (line: string) => reseal(line, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const found = (l: string[]) => verifyLines(l).findings.map((f) => `${f.code}@${f.seq}${f.detail?.['compared'] === false ? '?' : ''}`);
    const l300 = lines.slice(0, 300);
    // A log read twice, whether the copy starts within the last 256 events or before them.
    expect(found([...lines.slice(0, 200), ...lines.slice(0, 200)])).toEqual(['SEQ_DUPLICATE@0']);
    expect(found([...l300, ...l300])).toEqual(['SEQ_DUPLICATE@0?']);
    expect(found([...l300, ...lines.slice(50, 300)])).toEqual(['SEQ_DUPLICATE@50']);
    // A copy of 0..250, then another seq 251 (which the chain remembers): a fork, as without the copy.
    expect(found([...l300, ...lines.slice(0, 251), other(lines[251]!)])).toEqual(['SEQ_DUPLICATE@0?', 'CHAIN_FORK@251']);
    // Read twice, then the chain goes on, and a second seq 300 forks it.
    const twice = verifyLines([...l300, ...l300, lines[300]!, other(lines[300]!), lines[301]!]);
    expect(twice.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(['SEQ_DUPLICATE@0', 'CHAIN_FORK@300']);
    expect(twice.summary.chains[0]!.head).toBe(hashOf(lines[301]!));
    // Read twice, then seq 305..399: 300..304 are missing, and the chain goes on to 399.
    const gap = verifyLines([...l300, ...l300, ...lines.slice(305, 400)]);
    expect(gap.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(['SEQ_DUPLICATE@0', 'SEQ_GAP@305']);
    expect(gap.summary.chains[0]!.head).toBe(hashOf(lines[399]!));
    // 100..399 missing (reported), a copy of 0..99, then the late seq 100: a late arrival still.
    expect(found([...lines.slice(0, 100), ...lines.slice(400), ...lines.slice(0, 100), lines[100]!])).toEqual(['SEQ_GAP@400', 'SEQ_DUPLICATE@0?', 'SEQ_REORDER@100']);
    // A duplicate long ago does not make a later event linking to it part of a copy: a forged
    // seq 101 read 600 events after a duplicate of 100 is reported (too far back to compare).
    const forged101 = other(lines[101]!);
    expect(found([...lines.slice(0, 101), lines[100]!, ...lines.slice(101), forged101])).toEqual(['SEQ_DUPLICATE@100', 'SEQ_DUPLICATE@101?']);
    // A copy whose event is another (a branch from far back) and then reaches seqs the chain
    // remembers: the fork is reported where it can be proven.
    const w = new ChainWriter('prod', { lastSeq: 9, lastHash: hashOf(lines[9]!) });
    const branch = Array.from({ length: 280 }, (_, i) => w.append(sampleInput(1000 + i)).line);
    expect(found([...l300, ...branch])).toEqual(['SEQ_DUPLICATE@10?', 'CHAIN_FORK@44']);
  });
  it('a copy never takes an event at a seq the chain went on past: a gap or an unreadable line, however many and however long ago (found by review)', () => {
    const lines = chainLines(700);
    const other = (line: string) => reseal(line, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const found = (l: string[]) => verifyLines(l).findings.map((f) => `${f.code}@${f.seq}${f.detail?.['compared'] === false ? '?' : ''}`);
    // Seq 50 was an unreadable line; 600 events later, a duplicate of 49 and a forged 50: the
    // forged 50 is a late arrival where the chain took an unreadable line to hold seq 50.
    const holed = [...lines.slice(0, 50), '{"this is": not json', ...lines.slice(51, 650)];
    const late = verifyLines([...holed, lines[49]!, other(lines[50]!)]).findings;
    expect(late.map((f) => `${f.code}@${f.seq}`)).toEqual(['LINE_INVALID_JSON@null', 'SEQ_DUPLICATE@49', 'SEQ_REORDER@50']);
    // It is not the seq 50 the chain missed: seq 51 names another parent (found by review).
    expect(late[2]!.message).toBe('seq 50 arrives after the chain went on past it: seq 50 was taken to be on the unreadable line(s) before seq 51; it does not link into the chain there: seq 51 names another hash as its predecessor (another event written for its seq, or a neighbour rewritten)');
    expect(late[2]!.detail).toMatchObject({ unreadable: true, links: { prev: null, next: false } });
    // The same with seq 50 deleted (a gap): a late arrival too.
    const gapped = [...lines.slice(0, 50), ...lines.slice(51, 650)];
    expect(found([...gapped, lines[49]!, other(lines[50]!)])).toEqual(['SEQ_GAP@51', 'SEQ_DUPLICATE@49?', 'SEQ_REORDER@50']);
    // Twenty gaps, then the log again: one SEQ_DUPLICATE for the copy, gaps and all.
    const holes = new Set(Array.from({ length: 20 }, (_, k) => 20 + 30 * k));
    const sparse = lines.filter((_, k) => !holes.has(k));
    const twice = found([...sparse, ...sparse]);
    expect(twice.filter((f) => f.startsWith('SEQ_GAP'))).toHaveLength(20);
    expect(twice.filter((f) => !f.startsWith('SEQ_GAP'))).toEqual(['SEQ_DUPLICATE@0?']);
    // And with unreadable lines where the events were, read twice: each line reported where it
    // is, the copy once.
    const damaged = lines.map((l, k) => (holes.has(k) ? '{"this is": not json' : l));
    const dtwice = found([...damaged, ...damaged]);
    expect(dtwice.filter((f) => !f.startsWith('LINE_INVALID_JSON'))).toEqual(['SEQ_DUPLICATE@0?']);
    expect(dtwice).toHaveLength(41);
    // Across the gap at 50, the copy's 51 must name the parent the chain's 51 named: an
    // unrelated 51 after a duplicate of 49 is reported.
    const unrelated51 = new ChainWriter('prod', { lastSeq: 50, lastHash: (JSON.parse(lines[3]!) as { hash: string }).hash }).append(sampleInput(5001)).line;
    expect(found([...gapped, lines[49]!, lines[51]!])).toEqual(['SEQ_GAP@51', 'SEQ_DUPLICATE@49?']);
    expect(found([...gapped, lines[49]!, unrelated51])).toEqual(['SEQ_GAP@51', 'SEQ_DUPLICATE@49?', 'SEQ_DUPLICATE@51?']);
    // A copy's event must have the seq after its head's: a forged 60 linking to a duplicate of 49 is reported.
    const w = new ChainWriter('prod', { lastSeq: 59, lastHash: (JSON.parse(lines[49]!) as { hash: string }).hash });
    const jump = w.append(sampleInput(5000)).line;
    expect(found([...lines.slice(0, 650), lines[49]!, jump])).toEqual(['SEQ_DUPLICATE@49?', 'SEQ_DUPLICATE@60?']);
  });
  it('an accepted seq among more gaps than are kept apart is not a late arrival: a SEQ_DUPLICATE too far back to compare', () => {
    // (From mutation testing.) 4 500 events, each after a gap: past 4 096 ranges, neighbours are
    // merged (COARSE), so seq 2, accepted, lies in a range that also holds the missing 1 and 3.
    const lines = chainLines(9000);
    const r = verifyLines([...lines.filter((_, k) => k % 2 === 0), lines[2]!]);
    expect(r.findings.filter((f) => f.code !== 'SEQ_GAP').map((f) => [f.code, f.seq, f.detail?.['compared']])).toEqual([['SEQ_DUPLICATE', 2, false]]);
  });
  it('a fork branch read again is one SEQ_DUPLICATE, and an event that differs in it is a fork of its own (found by review)', () => {
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const w = new ChainWriter('prod', { lastSeq: 9, lastHash: hashOf(LINES[9]!) });
    const branch = [0, 1, 2, 3].map((i) => w.append(sampleInput(100 + i)).line);
    const r = verifyLines([...LINES.slice(0, 30), ...branch, ...LINES.slice(30), ...branch]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['CHAIN_FORK', 10, 31], ['SEQ_DUPLICATE', 10, 45]]);
    // The copy of the branch with its third event another: that one is reported.
    const other = reseal(branch[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const changed = verifyLines([...LINES.slice(0, 30), ...branch, ...LINES.slice(30), branch[0]!, branch[1]!, other]);
    expect(changed.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['CHAIN_FORK', 10, 31], ['SEQ_DUPLICATE', 10, 45], ['CHAIN_FORK', 12, 47]]);
  });
  it('overlapping runs read again are one SEQ_DUPLICATE each, wherever the copies\' heads were (found by review)', () => {
    // Each run of 500 starts 100 after the last: its events were heads of the run before.
    const lines = chainLines(3000);
    const runs = Array.from({ length: 20 }, (_, c) => lines.slice(c * 100, c * 100 + 500)).flat();
    const r = verifyLines([...lines, ...runs]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(Array.from({ length: 20 }, (_, c) => `SEQ_DUPLICATE@${c * 100}`));
  });
  it('a copy that brings the chain the events it waits for goes on after them (found by review)', () => {
    // 0..299, then 306..319 wait for 300..305, which come in a copy of 0..310: the copy is one
    // finding, the late events one SEQ_REORDER, and the copy's 306..310 repeat it.
    const lines = chainLines(320);
    const r = verifyLines([...lines.slice(0, 300), ...lines.slice(306, 320), ...lines.slice(0, 311)]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}${f.detail?.['compared'] === false ? '?' : ''}`)).toEqual(['SEQ_DUPLICATE@0?', 'SEQ_REORDER@305']);
    expect(r.summary.chains[0]!.head).toBe((JSON.parse(lines[319]!) as { hash: string }).hash);
  });
  it('an event held byte for byte joins a copy only where it can be compared and near the copy\'s head (found by review)', () => {
    const lines = chainLines(700);
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const found = (l: string[], opts = {}) => verifyLines(l, opts).findings.map((f) => `${f.code}@${f.seq}`);
    // Seq 10 late (set aside, far back by the end); then a duplicate of 699, seq 10 again and a
    // forged 11 linking to it: seq 10 again is a duplicate, not part of 699's copy, so that
    // the forged 11 after it (too far back to compare) is not taken for a copy's either.
    const late = [...lines.slice(0, 10), ...lines.slice(11, 110), lines[10]!, ...lines.slice(110)];
    const forged11 = new ChainWriter('prod', { lastSeq: 10, lastHash: hashOf(lines[10]!) }).append(sampleInput(7777)).line;
    expect(found([...late, lines[699]!, lines[10]!, forged11])).toEqual(['SEQ_GAP@11', 'SEQ_REORDER@10', 'SEQ_DUPLICATE@699', 'SEQ_DUPLICATE@10']);
    // Lines replayed from anywhere are each a duplicate; near the copy's head, one copy.
    expect(found([...lines.slice(0, 100), lines[50]!, lines[90]!, lines[20]!, lines[75]!, lines[3]!, lines[60]!])).toEqual(
      [50, 90, 20, 75, 3, 60].map((k) => `SEQ_DUPLICATE@${k}`),
    );
    expect(found([...lines.slice(0, 100), lines[50]!, lines[52]!, lines[51]!, lines[53]!])).toEqual(['SEQ_DUPLICATE@50']);
    // A log read three times: two copies, whatever is remembered.
    for (const recentWindow of [16, 256]) {
      const l = lines.slice(0, 300);
      expect(found([...l, ...l, ...l], { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow } })).toEqual(['SEQ_DUPLICATE@0', 'SEQ_DUPLICATE@0']);
    }
    // Read in reverse, then again so, before seq 0: one copy, one reorder.
    const reversed = lines.slice(1, 300).reverse();
    expect(found([...reversed, ...reversed, lines[0]!], { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 1000 } })).toEqual(['SEQ_DUPLICATE@299', 'SEQ_REORDER@0']);
  });
  it('a copy vouches only for events that were too far back to compare when its last came: the chain going on since does not let a forged one in (found by review)', () => {
    const lines = chainLines(1002);
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const forge = (seq: number, parent: string) => new ChainWriter('prod', { lastSeq: seq - 1, lastHash: parent }).append(sampleInput(7000 + seq)).line;
    const found = (l: string[], reorderWindow = 64) => verifyLines(l, { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow } }).findings.map((f) => `${f.code}@${f.seq}`);
    // 15..300 wait for 14; 13 again (a copy), then 14, which the copy brings and which drains
    // 15..300 (15 leaves the last 256): a forged 15 linking to 14 is reported.
    const drained = [...lines.slice(0, 14), ...lines.slice(15, 301), lines[13]!, lines[14]!];
    expect(found([...drained, ...lines.slice(301, 320)], 300)).toEqual(['SEQ_DUPLICATE@13', 'SEQ_REORDER@14']);
    expect(found([...drained, forge(15, hashOf(lines[14]!)), ...lines.slice(301, 320)], 300)).toEqual(['SEQ_DUPLICATE@13', 'SEQ_REORDER@14', 'SEQ_DUPLICATE@15']);
    // 744 (the oldest remembered) joins the copy of 750; 1000 and 1001 push 744 and 745 out:
    // a forged 745 linking to 744 is reported.
    const folded = [...lines.slice(0, 1000), lines[750]!, lines[744]!, lines[1000]!, lines[1001]!];
    expect(found(folded)).toEqual(['SEQ_DUPLICATE@750']);
    expect(found([...folded, forge(745, hashOf(lines[744]!))])).toEqual(['SEQ_DUPLICATE@750', 'SEQ_DUPLICATE@745']);
    // 76 missing (a gap); later 75 again (a copy), the late 76 linking to it, then a forged 77:
    // the copy ended at 76, which the chain does not have, so 77 is not its crossing of the gap.
    const small = { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4, reorderWindow: 8 } };
    const gapped = [...lines.slice(0, 76), ...lines.slice(77, 120), lines[75]!, lines[76]!];
    const codesOf = (l: string[]) => verifyLines(l, small).findings.map((f) => `${f.code}@${f.seq}`);
    expect(codesOf(gapped)).toEqual(['SEQ_GAP@77', 'SEQ_DUPLICATE@75', 'SEQ_REORDER@76']);
    expect(codesOf([...gapped, forge(77, hashOf(lines[76]!))])).toEqual(['SEQ_GAP@77', 'SEQ_DUPLICATE@75', 'SEQ_REORDER@76', 'SEQ_DUPLICATE@77']);
  });
  it('replayed lines more than 8 seqs apart are each a SEQ_DUPLICATE, not one copy', () => {
    // (From mutation testing.) Seq 20, then 29: too far from the copy's head to be a copy of a stretch.
    expect(codeLines(verifyLines([...LINES, LINES[20]!, LINES[29]!]).findings)).toEqual(['SEQ_DUPLICATE@41', 'SEQ_DUPLICATE@42']);
  });
  it('a copy whose head has not moved for 4 events of the chain has ended: a forged event linking to the head is reported', () => {
    // (From mutation testing.) A duplicate of 100 (too far back), seq 600..603, then a forged 101.
    const lines = chainLines(605);
    const forged101 = reseal(lines[101]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    expect(codeLines(verifyLines([...lines.slice(0, 600), lines[100]!, ...lines.slice(600, 604), forged101]).findings)).toEqual(['SEQ_DUPLICATE@601', 'SEQ_DUPLICATE@606']);
  });
  it('an event at the oldest seq the chain could compare when a copy\'s head came, forgotten since, is not the copy\'s: reported', () => {
    // (From mutation testing.) A duplicate of 343, too far back (the chain remembers 344..599),
    // heads a copy; seq 600 pushes 344 out; then a forged 344 linking to 343.
    const lines = chainLines(605);
    const forged344 = reseal(lines[344]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    expect(codeLines(verifyLines([...lines.slice(0, 600), lines[343]!, lines[600]!, forged344]).findings)).toEqual(['SEQ_DUPLICATE@601', 'SEQ_DUPLICATE@603']);
  });
  it('a displaced run is named in full however many reorders pass while one event waits far ahead (found by review)', () => {
    // Arrival: 0..3, 5, n+1, 4, then the pairs (7,6), (9,8) ... (n-1,n-2), then n: seq n+1
    // came before 6..n (5 came before it), through ~700 short reorders.
    const n = 1400;
    const lines = chainLines(n + 2);
    const order = [0, 1, 2, 3, 5, n + 1, 4];
    for (let k = 6; k < n; k += 2) order.push(k + 1, k);
    order.push(n);
    const r = verifyLines(order.map((k) => lines[k]!));
    expect(r.findings).toHaveLength(2 + (n - 6) / 2);
    expect(r.findings.find((f) => f.seq === n + 1)!.detail).toEqual({ displaced: [n + 1, n + 1], before: [6, n] });
  });
  it('a displaced run is measured against every event it jumped, not only the last 256 remembered', () => {
    const lines = chainLines(600);
    const reorders = (l: string[], reorderWindow: number) =>
      verifyLines(l, { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow } }).findings.map((f) => [f.code, f.seq, f.message, f.detail]);
    // 400..409 come before 100..399: ten early events, not three hundred late ones.
    expect(reorders([...lines.slice(0, 100), ...lines.slice(400, 410), ...lines.slice(100, 400), ...lines.slice(410)], 64)).toEqual([
      ['SEQ_REORDER', 400, 'seq 400–409 appear before seq 100–399, out of order', { displaced: [400, 409], before: [100, 399] }],
    ]);
    // 300..499 (200) before 100..299 (200): a tie, on the early run, named in full.
    expect(reorders([...lines.slice(0, 100), ...lines.slice(300, 500), ...lines.slice(100, 300), ...lines.slice(500)], 300)).toEqual([
      ['SEQ_REORDER', 300, 'seq 300–499 appear before seq 100–299, out of order', { displaced: [300, 499], before: [100, 299] }],
    ]);
    // 100..299 (200) after 300..559 (260): the late run is the smaller explanation.
    expect(reorders([...lines.slice(0, 100), ...lines.slice(300, 560), ...lines.slice(100, 300), ...lines.slice(560)], 300)).toEqual([
      ['SEQ_REORDER', 299, 'seq 100–299 appear after seq 300–559, out of order', { displaced: [100, 299], after: [300, 559] }],
    ]);
  });
  it('a reversed log within the reorder window: one SEQ_REORDER, on seq 0, and the chain whole', () => {
    const lines = chainLines(300);
    const r = verifyLines([...lines].reverse(), { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 1000 } });
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.message])).toEqual([['SEQ_REORDER', 0, 300, 'seq 0 appears after seq 1–299, out of order']]);
    expect(r.summary.chains[0]!.head).toBe((JSON.parse(lines[299]!) as { hash: string }).hash);
  });
  it('a checkpoint\'s position carries the chain\'s times: the first event after it is compared with them (TS_REGRESSION)', () => {
    const tsOf = (l: string) => (JSON.parse(l) as { ts: string }).ts;
    const hashOf = (l: string) => (JSON.parse(l) as { hash: string }).hash;
    // Seq 5 goes back before seq 4: the last ts is seq 5's, the chain's latest still seq 4's.
    const w = new ChainWriter('prod');
    const lines = [0, 1, 2, 3, 4, 5].map((i) => w.append({ ...sampleInput(i), ts: `2026-11-0${i === 5 ? 3 : i + 1}T00:00:00.000Z` }).line);
    const first = verifyLines(lines);
    expect(codeLines(first.findings)).toEqual(['TS_REGRESSION@6']);
    expect(first.positions).toEqual([{
      chain: 'prod', next: 6, parent: hashOf(lines[5]!),
      last: { seq: 5, ts: '2026-11-03T00:00:00.000Z' }, latest: { seq: 4, ts: '2026-11-05T00:00:00.000Z' },
    }]);
    // Resumed there: an event back before seq 5's ts is a regression, as in one run.
    const back = w.append({ ...sampleInput(6), ts: '2026-11-02T00:00:00.000Z' }).line;
    const resumed = verifyLines([back], { starts: first.positions });
    expect(resumed.findings.map((f) => [f.code, f.seq, f.message])).toEqual([['TS_REGRESSION', 6, 'ts 2026-11-02T00:00:00.000Z is earlier than 2026-11-03T00:00:00.000Z of seq 5']]);
    expect(resumed.positions[0]).toMatchObject({ last: { seq: 6, ts: tsOf(back) }, latest: { seq: 4, ts: '2026-11-05T00:00:00.000Z' } });
    // A chain the run saw nothing of keeps its position, times and all.
    expect(verifyLines(chainLines(2, 'other'), { starts: first.positions }).positions.find((p) => p.chain === 'prod')).toEqual(first.positions[0]);
  });
  it('a late event beyond the reorder window, then a copy of it: SEQ_REORDER, then SEQ_DUPLICATE', () => {
    const l = [...LINES.slice(0, 3), ...LINES.slice(4, 7), LINES[3]!, LINES[3]!, ...LINES.slice(7)];
    expect(codeLines(verifyLines(l, { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 2 } }).findings)).toEqual(['SEQ_GAP@4', 'SEQ_REORDER@7', 'SEQ_DUPLICATE@8']);
  });
  it('an event repeated or replaced long after: the hash and place of the first come back exactly', () => {
    // Seq 10 again after seq 30: the chain check finds it among the events it remembers.
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const dup = verifyLines([...LINES.slice(0, 31), LINES[10]!, ...LINES.slice(31)]).findings;
    expect(dup.map((f) => [f.code, f.location?.line, f.detail])).toEqual([['SEQ_DUPLICATE', 32, { compared: true, first: { file: 'log-0.jsonl', line: 11 } }]]);
    const other = reseal(LINES[10]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const fork = verifyLines([...LINES.slice(0, 31), other, ...LINES.slice(31)]).findings;
    expect(fork.map((f) => [f.code, f.location?.line, f.expected, f.actual, f.detail])).toEqual([
      ['CHAIN_FORK', 32, hashOf(LINES[10]!), hashOf(other), { first: { file: 'log-0.jsonl', line: 11 } }],
    ]);
    // A digest of an algorithm sel does not implement is kept as it is, however long.
    const sha512 = (fill: string) => canonicalize({ ...(JSON.parse(LINES[39]!) as object), seq: 40, prev_hash: hashOf(LINES[39]!), hash: `sha512:${fill.repeat(128)}` });
    const [a, b] = [sha512('a'), sha512('b')];
    const long = verifyLines([...LINES, a, a, b]).findings.filter((f) => f.code !== 'DIGEST_UNSUPPORTED');
    expect(long.map((f) => [f.code, f.location?.line, f.expected, f.actual])).toEqual([
      ['SEQ_DUPLICATE', 42, undefined, undefined],
      ['CHAIN_FORK', 43, `sha512:${'a'.repeat(128)}`, `sha512:${'b'.repeat(128)}`],
    ]);
  });
  it('a first event whose prev_hash is not zeros: GENESIS_INVALID', () => {
    // The producer refuses to write it (a seq 0 after a hash): sealed by hand, the rest linked to it.
    const first = reseal(LINES[0]!, (e) => (e['prev_hash'] = `sha256:${'1'.repeat(64)}`));
    const w = new ChainWriter('prod', { lastSeq: 0, lastHash: (JSON.parse(first) as { hash: string }).hash });
    const l = [first, ...[1, 2].map((i) => w.append(sampleInput(i)).line)];
    expect(codeLines(verifyLines(l).findings)).toEqual(['GENESIS_INVALID@1']);
  });
  it('a rewritten first event: GENESIS_INVALID on it, PREV_HASH_MISMATCH on its successor', () => {
    const bad = reseal(LINES[0]!, (e) => (e['prev_hash'] = `sha256:${'1'.repeat(64)}`));
    expect(codeLines(verifyLines([bad, ...LINES.slice(1)]).findings)).toEqual(['GENESIS_INVALID@1', 'PREV_HASH_MISMATCH@2']);
  });
  it('a chain that does not start at seq 0: SEQ_GAP from 0', () => {
    const r = verifyLines(LINES.slice(5));
    expect(codes(r.findings)).toEqual(['SEQ_GAP']);
    expect(r.findings[0]!.detail).toMatchObject({ from: 0, to: 4 });
  });
  it('a timestamp going backwards: TS_REGRESSION, a warning', () => {
    const w = new ChainWriter('prod');
    const l = [0, 1, 2, 3].map((i) => w.append(sampleInput(i === 2 ? 0 : i)).line);
    const r = verifyLines(l);
    expect(codeLines(r.findings)).toEqual(['TS_REGRESSION@3']);
    expect(r.findings[0]!.severity).toBe('warning');
    // After a gap, the ts compared is the last event's there is, and the message names it.
    const w2 = new ChainWriter('prod');
    const l2 = [0, 1, 2, 3, 4].map((i) => w2.append(sampleInput(i === 4 ? 1 : i)).line);
    const r2 = verifyLines([l2[0]!, l2[1]!, l2[2]!, l2[4]!]);
    expect(codeLines(r2.findings)).toEqual(['SEQ_GAP@4', 'TS_REGRESSION@4']);
    expect(r2.findings[1]!.message).toMatch(/ of seq 2$/);
  });
  it('an empty line in the middle: LINE_EMPTY; one at the very end is allowed', () => {
    expect(codeLines(verifyBytes([Buffer.from(`${LINES.slice(0, 3).join('\n')}\n\n${LINES.slice(3).join('\n')}\n`)]).findings)).toEqual(['LINE_EMPTY@4']);
    // Written with CRLF, an empty line is a lone CR: still LINE_EMPTY, not a line of bad JSON.
    expect(codeLines(verifyBytes([Buffer.from(`${LINES.slice(0, 3).join('\n')}\n\r\n${LINES.slice(3).join('\n')}\n`)]).findings)).toEqual(['LINE_EMPTY@4']);
    expect(verifyBytes([Buffer.from(`${LINES.join('\n')}\n\r\n`)]).findings).toEqual([]);
    expect(verifyBytes([Buffer.from(`${LINES.join('\n')}\n\n`)]).findings).toEqual([]);
  });
  it('a torn last line: LINE_TORN', () => {
    const log = toLog(LINES);
    const r = verifyBytes([log.subarray(0, log.length - 30)]);
    expect(codeLines(r.findings)).toEqual(['LINE_TORN@40']);
    // How much of the line there is, in bytes (from mutation testing).
    expect(r.findings[0]!.detail).toEqual({ bytes: Buffer.byteLength(LINES[39]!) - 29 });
  });
  it('a line over the limit: LINE_TOO_LONG, and the gap it leaves is not reported again', () => {
    const l = [...LINES];
    l[5] = `${l[5]!.slice(0, -1)},"pad":"${'x'.repeat(5000)}"}`;
    expect(codeLines(verifyLines(l, { maxLineBytes: 4096 }).findings)).toEqual(['LINE_TOO_LONG@6']);
  });
  it('a line that stands in for an event (emptied, torn, too long) explains that one missing event, and no more (from mutation testing)', () => {
    // `gone` more events missing after it: the line is the one fault for its own event, and
    // whatever else is missing is a SEQ_GAP.
    const emptied = (gone: number) => {
      const l = [...LINES];
      l.splice(3, 1 + gone, '');
      return codes(verifyLines(l).findings);
    };
    expect(emptied(0)).toEqual(['LINE_EMPTY']);
    expect(emptied(1)).toEqual(['LINE_EMPTY', 'SEQ_GAP']);
    // Torn at the end of a rotated file that the next file continues.
    const torn = (gone: number) => codes(verifyBytes([Buffer.from(`${LINES.slice(0, 5).join('\n')}\n${LINES[5]!.slice(0, 100)}`), toLog(LINES.slice(6 + gone))]).findings);
    expect(torn(0)).toEqual(['LINE_TORN']);
    expect(torn(1)).toEqual(['LINE_TORN', 'SEQ_GAP']);
    const tooLong = (gone: number) => {
      const l = [...LINES];
      l.splice(5, 1 + gone, `${l[5]!.slice(0, -1)},"pad":"${'x'.repeat(5000)}"}`);
      return codes(verifyLines(l, { maxLineBytes: 4096 }).findings);
    };
    expect(tooLong(0)).toEqual(['LINE_TOO_LONG']);
    expect(tooLong(1)).toEqual(['LINE_TOO_LONG', 'SEQ_GAP']);
  });
  it('an empty file: LOG_EMPTY, a warning', () => {
    const r = verifyBytes([Buffer.alloc(0)]);
    expect(codes(r.findings)).toEqual(['LOG_EMPTY']);
    expect(r.findings[0]!.severity).toBe('warning');
  });
  it('the first event of a chain copied as genesis of another chain id: reported', () => {
    const other = reseal(LINES[0]!, (e) => (e['chain'] = 'other'));
    expect(verifyLines([...LINES, other]).findings).toEqual([]);
    expect((JSON.parse(other) as { prev_hash: string }).prev_hash).toBe(GENESIS_PREV_HASH);
  });
});

describe('bounds, order and places of the chain check (from mutation testing, second pass)', () => {
  const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
  const window = (reorderWindow: number) => ({ chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow } });

  it('a third event for a seq still to come does not name the first as the one the chain goes on with: the rival that links is (found by review)', () => {
    // 3' (linked to seq 0, not 2) waits; the real 3 is its rival; 3'' (linked to 2) is a third:
    // when 2 comes, the real 3 links and the chain goes on with it, not with 3'.
    const x = new ChainWriter('prod', { lastSeq: 2, lastHash: hashOf(LINES[0]!) }).append(sampleInput(300)).line;
    const y = new ChainWriter('prod', { lastSeq: 2, lastHash: hashOf(LINES[2]!) }).append(sampleInput(301)).line;
    const r = verifyLines([LINES[0]!, LINES[1]!, x, LINES[3]!, y, LINES[2]!, ...LINES.slice(4)]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}:${f.location?.line}`)).toEqual(['CHAIN_FORK@3:3', 'SEQ_REORDER@3:4', 'CHAIN_FORK@3:5']);
    // The first fork names the real 3 as the chain's; the third names neither as such.
    expect(r.findings[0]!.message).toContain('(the one the chain goes on with is at log-0.jsonl:4)');
    const third = r.findings[2]!;
    expect(third.message).toBe('a third, different event claims seq 3 (the chain goes on with one of the two at log-0.jsonl:3 and log-0.jsonl:4, whichever links to seq 2): the chain forks here');
    expect(third.expected).toBeUndefined();
    expect(third.detail).toEqual({ first: { file: 'log-0.jsonl', line: 3 }, rival: { file: 'log-0.jsonl', line: 4 } });
    expect(r.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
    // Both events the chain did not go on with are set aside as branch events (replayed), the third too (from mutation testing, third pass).
    const branch: string[] = [];
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS, null, false, (rec, late) => branch.push(`${rec.seq}:${rec.ref.line}${late ? ' late' : ''}`));
    const file = v.beginFile('log-0.jsonl');
    file.push(toLog([LINES[0]!, LINES[1]!, x, LINES[3]!, y, LINES[2]!, ...LINES.slice(4)]));
    v.endFile('log-0.jsonl', file);
    v.finish();
    expect(branch.sort()).toEqual(['3:3', '3:5']);
  });
  it('a late arrival that is not the event the chain missed (the real one deleted, another written for its seq) says so; the real one late does not (found by review)', () => {
    const three = (late: string) => [...LINES.slice(0, 2), LINES[3]!, LINES[4]!, LINES[5]!, ...LINES.slice(6), late];
    // The real seq 2, late: it links to seq 1 and is the parent seq 3 names.
    const real = verifyLines(three(LINES[2]!), window(2)).findings;
    expect(real.map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 3, { from: 2, to: 2, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 2, { reorderWindow: 2 }],
    ]);
    // Another seq 2, sealed from seq 1 (its ts changed): seq 3 names another parent.
    const forged = verifyLines(three(reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'))), window(2)).findings;
    expect(forged.map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 3, { from: 2, to: 2, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 2, { reorderWindow: 2, links: { prev: true, next: false } }],
    ]);
    expect(forged[1]!.message).toBe(
      'seq 2 arrives more than 2 events late, after seq 2 was already reported missing; it does not link into the chain there: seq 3 names another hash as its predecessor (another event written for its seq, or a neighbour rewritten)',
    );
    // One that links to neither: seq 1's hash is not its prev_hash either.
    const unrelated = new ChainWriter('prod', { lastSeq: 1, lastHash: hashOf(LINES[0]!) }).append(sampleInput(500)).line;
    const both = verifyLines(three(unrelated), window(2)).findings;
    expect(both[1]!.detail).toEqual({ reorderWindow: 2, links: { prev: false, next: false } });
    expect(both[1]!.message).toContain('its prev_hash is not the hash of seq 1, and seq 3 names another hash as its predecessor');
  });
  it('late arrivals inside one missing range link to each other: a forged seq between the real ones is said, in either order (found by review)', () => {
    // Seqs 2–4 deleted, then the real 2, another 3 (sealed from the real 2) and the real 4 appended.
    const forged3 = new ChainWriter('prod', { lastSeq: 2, lastHash: hashOf(LINES[2]!) }).append(sampleInput(300)).line;
    const body = [...LINES.slice(0, 2), ...LINES.slice(5)];
    const reorders = (late: string[]) => verifyLines([...body, ...late], window(2)).findings.filter((f) => f.code === 'SEQ_REORDER').map((f) => [f.seq, f.detail]);
    // Honest, in order and reversed: no link fails.
    expect(reorders([LINES[2]!, LINES[3]!, LINES[4]!])).toEqual([[2, { reorderWindow: 2 }], [3, { reorderWindow: 2 }], [4, { reorderWindow: 2 }]]);
    expect(reorders([LINES[4]!, LINES[3]!, LINES[2]!])).toEqual([[4, { reorderWindow: 2 }], [3, { reorderWindow: 2 }], [2, { reorderWindow: 2 }]]);
    // The forged 3 read before the real 4: the real 4 does not link to it.
    expect(reorders([LINES[2]!, forged3, LINES[4]!])).toEqual([
      [2, { reorderWindow: 2 }],
      [3, { reorderWindow: 2 }],
      [4, { reorderWindow: 2, links: { prev: false, next: true } }],
    ]);
    // Read after the real 4: seq 4 names another parent.
    expect(reorders([LINES[4]!, forged3, LINES[2]!])).toEqual([
      [4, { reorderWindow: 2 }],
      [3, { reorderWindow: 2, links: { prev: null, next: false } }],
      [2, { reorderWindow: 2 }],
    ]);
  });
  it('a late arrival in a range of several seqs is checked against the neighbour it has: the first against the event before, the last against the one after (from mutation testing, third pass)', () => {
    // Seq 2 and 3 deleted, read late in order: 2 links to seq 1 (seq 4 names 3, not 2, as its
    // parent: no judgement); 3 is the parent seq 4 names (seq 2 is no neighbour the chain has).
    const gap2 = (l2: string, l3: string) => verifyLines([...LINES.slice(0, 2), ...LINES.slice(4), l2, l3], window(2)).findings;
    const real = gap2(LINES[2]!, LINES[3]!);
    expect(real.map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 4, { from: 2, to: 3, missing: 2, unreadableLines: 0 }],
      ['SEQ_REORDER', 2, { reorderWindow: 2 }],
      ['SEQ_REORDER', 3, { reorderWindow: 2 }],
    ]);
    expect(real[1]!.message).toBe('seq 2 arrives more than 2 events late, after seq 2–3 were already reported missing');
    // A seq 2 that does not link to seq 1 says so, though nothing is known of its next.
    const unrelated = new ChainWriter('prod', { lastSeq: 1, lastHash: hashOf(LINES[0]!) }).append(sampleInput(500)).line;
    const forged = gap2(unrelated, LINES[3]!);
    expect(forged.map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 4, { from: 2, to: 3, missing: 2, unreadableLines: 0 }],
      ['SEQ_REORDER', 2, { reorderWindow: 2, links: { prev: false, next: null } }],
      ['SEQ_REORDER', 3, { reorderWindow: 2 }],
    ]);
    expect(forged[1]!.message).toBe(
      'seq 2 arrives more than 2 events late, after seq 2–3 were already reported missing; it does not link into the chain there: its prev_hash is not the hash of seq 1 (another event written for its seq, or a neighbour rewritten)',
    );
  });
  it('a late seq 0 is checked against the genesis prev_hash (from mutation testing, third pass)', () => {
    const late0 = (l0: string) => verifyLines([...LINES.slice(1), l0], window(2)).findings;
    expect(late0(LINES[0]!).map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 1, { from: 0, to: 0, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 0, { reorderWindow: 2 }],
    ]);
    const forged = late0(reseal(LINES[0]!, (e) => (e['prev_hash'] = `sha256:${'a'.repeat(64)}`)));
    expect(forged[1]!.detail).toEqual({ reorderWindow: 2, links: { prev: false, next: false } });
    expect(forged[1]!.message).toContain('it does not link into the chain there: its prev_hash is not the genesis prev_hash, and seq 1 names another hash as its predecessor');
  });
  it('a late arrival where unreadable lines were taken to hold several seqs names them as such (from mutation testing, third pass)', () => {
    const holed = [...LINES.slice(0, 2), '{"this is": not json', '{"nor": this', ...LINES.slice(4), LINES[2]!];
    const late = verifyLines(holed).findings.filter((f) => f.code === 'SEQ_REORDER');
    expect(late.map((f) => [f.seq, f.message, f.detail])).toEqual([
      [2, 'seq 2 arrives after the chain went on past it: seq 2–3 were taken to be on the unreadable line(s) before seq 4', { reorderWindow: DEFAULT_CHAIN_OPTIONS.reorderWindow, unreadable: true }],
    ]);
  });
  it('exactly --reorder-window early events wait for a missing one; one more makes it a gap (from mutation testing)', () => {
    // Seq 2 comes after 3 and 4 (two early events, a window of 2): a reorder.
    const two = [...LINES.slice(0, 2), LINES[3]!, LINES[4]!, LINES[2]!, ...LINES.slice(5)];
    expect(codeLines(verifyLines(two, window(2)).findings)).toEqual(['SEQ_REORDER@5']);
    // After 3, 4 and 5 (three early events): 2 is given up as missing at the third, and comes late.
    const three = [...LINES.slice(0, 2), LINES[3]!, LINES[4]!, LINES[5]!, LINES[2]!, ...LINES.slice(6)];
    const r = verifyLines(three, window(2));
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_GAP', 3, 3, { from: 2, to: 2, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 2, 6, { reorderWindow: 2 }],
    ]);
    expect(r.findings.map((f) => f.message)).toEqual([
      'seq 2 is missing before this event',
      'seq 2 arrives more than 2 events late, after seq 2 was already reported missing',
    ]);
  });
  it('a second, different late event for a seq another late event already claimed says so (found by review)', () => {
    const other = reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const r = verifyLines([...LINES.slice(0, 2), ...LINES.slice(3, 7), LINES[2]!, other], window(2));
    const late = r.findings.filter((f) => f.code === 'SEQ_REORDER');
    expect(late.map((f) => [f.seq, f.location?.line, f.detail])).toEqual([
      [2, 7, { reorderWindow: 2 }],
      [2, 8, { reorderWindow: 2, links: { prev: true, next: false }, rival: { file: 'log-0.jsonl', line: 7 } }],
    ]);
    expect(late[1]!.message).toMatch(/; another event for seq 2 arrived late before it, at log-0\.jsonl:7: they cannot both be the chain's$/);
  });
  it('a late arrival\'s message counts in the singular and plural as they are: one event of window, two seqs missing', () => {
    // Seqs 2 and 3 missing, then 3 arrives late, with a window of 1.
    const r = verifyLines([...LINES.slice(0, 2), LINES[4]!, LINES[5]!, LINES[6]!, ...LINES.slice(7), LINES[3]!], window(1));
    expect(r.findings.filter((f) => f.code === 'SEQ_REORDER').map((f) => f.message)).toEqual([
      'seq 3 arrives more than 1 event late, after seq 2–3 were already reported missing',
    ]);
  });
  it('a repeat of the very seq a checkpoint resumed at is this run\'s own event, not one an earlier run verified (from mutation testing)', () => {
    const recent = { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 };
    const starts = [{ chain: 'prod', next: 10, parent: hashOf(LINES[9]!) }];
    const r = verifyLines([...LINES.slice(10, 20), LINES[10]!], { chain: recent, starts });
    expect(r.findings.map((f) => [f.code, f.seq, f.detail])).toEqual([['SEQ_DUPLICATE', 10, { compared: false, recentWindow: 4 }]]);
  });
  it('summaries and positions are ordered by chain id in UTF-16 code units, whatever order the chains came in (from mutation testing)', () => {
    const ids = ['b', 'a', 'B', 'a-2'];
    const r = verifyLines(interleavedLines(3, ids));
    expect(r.findings).toEqual([]);
    expect(r.summary.chains.map((c) => c.chain)).toEqual(['B', 'a', 'a-2', 'b']);
    expect(r.positions.map((p) => p.chain)).toEqual(['B', 'a', 'a-2', 'b']);
    // A chain only the checkpoint holds takes its place among them.
    const starts = [{ chain: 'A', next: 1, parent: hashOf(chainLines(1, 'A')[0]!) }];
    expect(verifyLines(interleavedLines(3, ids), { starts }).positions.map((p) => p.chain)).toEqual(['A', 'B', 'a', 'a-2', 'b']);
  });
  it('branches read interleaved are one CHAIN_FORK each, up to 64 at once (from mutation testing)', () => {
    // 64 branches of two events, each off its own seq: all first events, then all second ones.
    const lines = chainLines(100);
    const branches = Array.from({ length: 64 }, (_, k) => {
      const w = new ChainWriter('prod', { lastSeq: 20 + k, lastHash: hashOf(lines[20 + k]!) });
      return [w.append(sampleInput(5000 + k)).line, w.append(sampleInput(6000 + k)).line];
    });
    const r = verifyLines([...lines, ...branches.map((b) => b[0]!), ...branches.map((b) => b[1]!)]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(Array.from({ length: 64 }, (_, k) => `CHAIN_FORK@${21 + k}`));
    expect(r.summary.chains[0]!.head).toBe(hashOf(lines[99]!));
  });
  it('an event held byte for byte exactly 8 seqs from a copy\'s head joins the copy; an event the copy had already is a duplicate of its own (from mutation testing)', () => {
    expect(codeLines(verifyLines([...LINES, LINES[20]!, LINES[28]!]).findings)).toEqual(['SEQ_DUPLICATE@41']);
    // 10, 11, 12 again (one copy), then 10 a third time: the copy had it.
    expect(codeLines(verifyLines([...LINES, LINES[10]!, LINES[11]!, LINES[12]!, LINES[10]!]).findings)).toEqual(['SEQ_DUPLICATE@41', 'SEQ_DUPLICATE@44']);
  });
  it('events the chain went on with from where a copy caught up with it, read again, are a duplicate of their own: the copy had them (found by review)', () => {
    const tampered = reseal(LINES[2]!, (e) => { e['kind'] = 'tampered'; }).replace('"kind":"tampered"', '"kind":"changed"');
    const at = (lines: readonly string[]) => codeLines(verifyLines(lines).findings);
    // Seq 0, then 0..7 (a copy of 0 that brings the chain 1..7), then 4 again: replayed, not the copy's.
    expect(at([LINES[0]!, ...LINES.slice(0, 8), LINES[4]!])).toEqual(['SEQ_DUPLICATE@2', 'SEQ_DUPLICATE@10']);
    // ... then 1..7 again: a run replayed, one finding of its own.
    expect(at([LINES[0]!, ...LINES.slice(0, 8), ...LINES.slice(1, 8)])).toEqual(['SEQ_DUPLICATE@2', 'SEQ_DUPLICATE@10']);
    // The chain crossing a damaged event (its hole) or a gap takes the copy with it.
    expect(at([LINES[0]!, LINES[0]!, LINES[1]!, tampered, LINES[3]!, LINES[4]!, LINES[3]!])).toEqual(['SEQ_DUPLICATE@2', 'HASH_MISMATCH@4', 'SEQ_DUPLICATE@7']);
    expect(at([LINES[0]!, LINES[0]!, LINES[1]!, LINES[3]!, LINES[4]!, LINES[3]!])).toEqual(['SEQ_DUPLICATE@2', 'SEQ_GAP@4', 'SEQ_DUPLICATE@6']);
    // The same in rotated files: a segment holding seq 0, then the log from seq 0 with seq 4 replayed at its end.
    const r = verifyBytes([toLog([LINES[0]!]), toLog([...LINES.slice(0, 8), LINES[4]!])]);
    expect(r.findings.map((f) => `${f.code}@${f.location?.file}:${f.location?.line}`)).toEqual(['SEQ_DUPLICATE@log-1.jsonl:1', 'SEQ_DUPLICATE@log-1.jsonl:9']);
    // Still one finding: a copy read line for line with the chain, each of its events right after the chain's.
    expect(at(LINES.slice(0, 8).flatMap((l) => [l, l]))).toEqual(['SEQ_DUPLICATE@2']);
  });
  it('a copy that crossed a gap with the chain leaves its last event behind: read again, once the chain went on past the gap, it is a duplicate of its own (from mutation testing)', () => {
    // Seq 0, then 0..3 (a copy of 0 that brings the chain 1..3), then 5 and 6 (4 missing: with a
    // reorder window of 1, the chain crosses the gap at 6), then 3 again: the copy went on to 5
    // with the chain, so this 3 is replayed, not the copy's.
    const small = { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 1 } };
    const at = (lines: readonly string[]) => codeLines(verifyLines(lines, small).findings);
    expect(at([LINES[0]!, ...LINES.slice(0, 4), LINES[5]!, LINES[6]!, LINES[3]!])).toEqual(['SEQ_DUPLICATE@2', 'SEQ_GAP@6', 'SEQ_DUPLICATE@8']);
  });
  it('a copy whose head is the chain\'s last accepted event goes on past the seqs the chain waits for (from mutation testing)', () => {
    // 0..9, then 20..29 wait for 10..19; 9 again (a copy), then 20 again, 11 seqs on: the copy
    // has the chain's gap too, and its 20 is no finding of its own.
    const r = verifyLines([...LINES.slice(0, 10), ...LINES.slice(20, 30), LINES[9]!, LINES[20]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_GAP', 20, 11], ['SEQ_DUPLICATE', 9, 21]]);
  });
  it('a checkpoint\'s chain time names the first seq that reached the latest ts, as replay does; an equal ts is no regression (from mutation testing)', () => {
    const w = new ChainWriter('prod');
    const ts = ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '2026-11-01T12:00:00.000Z'];
    const lines = ts.map((t, i) => w.append({ ...sampleInput(i), ts: t }).line);
    const r = verifyLines(lines);
    expect(codeLines(r.findings)).toEqual(['TS_REGRESSION@4']);
    expect(r.findings[0]!.message).toBe('ts 2026-11-01T12:00:00.000Z is earlier than 2026-11-02T00:00:00.000Z of seq 2');
    expect(r.positions).toEqual([{ chain: 'prod', next: 4, parent: hashOf(lines[3]!), last: { seq: 3, ts: ts[3] }, latest: { seq: 1, ts: ts[1] } }]);
    // The summary's times are the earliest and the latest, not the first and the last read.
    expect(r.summary.chains[0]).toMatchObject({ firstTs: ts[0], lastTs: ts[1] });
  });
  it('four copies read interleaved, each event 4 after its copy\'s last, are one SEQ_DUPLICATE each (from mutation testing)', () => {
    const copies = [0, 1, 2, 3, 4].flatMap((k) => [LINES[k]!, LINES[10 + k]!, LINES[20 + k]!, LINES[30 + k]!]);
    expect(codeLines(verifyLines([...LINES, ...copies]).findings)).toEqual(['SEQ_DUPLICATE@41', 'SEQ_DUPLICATE@42', 'SEQ_DUPLICATE@43', 'SEQ_DUPLICATE@44']);
  });
  it('a log read again from before where a checkpoint resumes its chain is one SEQ_DUPLICATE, then the chain goes on (from mutation testing)', () => {
    // Nothing accepted yet in this run: the events before seq 10 are as far back as the copy's first.
    const starts = [{ chain: 'prod', next: 10, parent: hashOf(LINES[9]!) }];
    const r = verifyLines(LINES.slice(5, 20), { starts });
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([['SEQ_DUPLICATE', 5, 1, { compared: false, resumedAt: 10 }]]);
    expect(r.positions[0]).toMatchObject({ next: 20, parent: hashOf(LINES[19]!) });
  });
  it('an unreadable line read before the last accepted event does not explain a later gap, even when an earlier seq was accepted after it (from mutation testing)', () => {
    // 0, then 2 (early), an unreadable line, 1 (2 follows it), then 4: seq 3 is a gap.
    const r = verifyLines([LINES[0]!, LINES[2]!, '{"this is": not json', LINES[1]!, ...LINES.slice(4, 10)]);
    expect(codeLines(r.findings)).toEqual(['SEQ_REORDER@2', 'LINE_INVALID_JSON@3', 'SEQ_GAP@5']);
  });
  it('a fork branch read ahead of the chain, longer than the reorder window, is one CHAIN_FORK: its events never wait in the window (from mutation testing)', () => {
    // 0..19, then a second 19 and ten events after it (seq 20..29), then the chain's 20..39.
    const w = new ChainWriter('prod', { lastSeq: 18, lastHash: hashOf(LINES[18]!) });
    const branch = Array.from({ length: 11 }, (_, i) => w.append(sampleInput(300 + i)).line);
    const r = verifyLines([...LINES.slice(0, 20), ...branch, ...LINES.slice(20)], window(4));
    expect(codeLines(r.findings)).toEqual(['CHAIN_FORK@21']);
    expect(r.summary.chains[0]!.head).toBe(hashOf(LINES[39]!));
  });
  it('a stretch the chain had out of order, read again twice with the chain going on between, is one SEQ_DUPLICATE each time (from mutation testing)', () => {
    // The chain has 11 before 10; each copy of 9, 11, 10, 12 is one copy: the second is not
    // judged by what the first, ended, had.
    const swapped = [...LINES.slice(0, 10), LINES[11]!, LINES[10]!, ...LINES.slice(12, 30)];
    const stretch = [LINES[9]!, LINES[11]!, LINES[10]!, LINES[12]!];
    const r = verifyLines([...swapped, ...stretch, ...LINES.slice(30), ...stretch]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_REORDER', 11, 11], ['SEQ_DUPLICATE', 9, 31], ['SEQ_DUPLICATE', 9, 45]]);
  });
  it('a copy goes on past the seqs the chain waits for only from its nearest live head, and only where none of them waits (from mutation testing)', () => {
    const found = (l: string[]) => verifyLines(l).findings.map((f) => `${f.code}@${f.seq}:${f.location?.line}`);
    // 0..9, then 20..29 wait; 9 again heads a copy, and five more waiting events pass before
    // 20 again: the copy has ended, and 20 (11 seqs on) is a duplicate of its own.
    expect(found([...LINES.slice(0, 10), ...LINES.slice(20, 30), LINES[9]!, ...LINES.slice(30, 35), LINES[20]!])).toEqual(['SEQ_GAP@20:11', 'SEQ_DUPLICATE@9:21', 'SEQ_DUPLICATE@20:27']);
    // 15 and 20..29 wait; 9 again, then 20 again: the copy would have had 15 first.
    expect(found([...LINES.slice(0, 10), LINES[15]!, ...LINES.slice(20, 30), LINES[9]!, LINES[20]!])).toEqual(['SEQ_GAP@15:11', 'SEQ_GAP@20:12', 'SEQ_DUPLICATE@9:22', 'SEQ_DUPLICATE@20:23']);
    // 15 and 25 wait; 15 again (a copy), 9 again (joins it), then 25 again: it follows the
    // copy's 15, the nearest head, and is no finding of its own.
    expect(found([...LINES.slice(0, 10), LINES[15]!, LINES[25]!, LINES[15]!, LINES[9]!, LINES[25]!])).toEqual(['SEQ_GAP@15:11', 'SEQ_GAP@25:12', 'SEQ_DUPLICATE@15:13']);
    // 12, 15 and 30 wait; 15 again (a copy), then 30 again: 12, below the copy's head, does not stop it.
    expect(found([...LINES.slice(0, 10), LINES[12]!, LINES[15]!, LINES[30]!, LINES[15]!, LINES[30]!])).toEqual(['SEQ_GAP@12:11', 'SEQ_GAP@15:12', 'SEQ_GAP@30:13', 'SEQ_DUPLICATE@15:14']);
  });
  it('an event the chain has, read after a different event for the seq before it (a copy too far back to compare), does not go with that copy (from mutation testing)', () => {
    // Remembering 4 events: a forged 10 (too far back: a copy's first), then the real 11,
    // which links to the real 10, not to the copy's: each is a SEQ_DUPLICATE.
    const forged10 = reseal(LINES[10]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const r = verifyLines([...LINES, forged10, LINES[11]!], { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } });
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_DUPLICATE', 10, 41], ['SEQ_DUPLICATE', 11, 42]]);
  });
  it('an event held byte for byte does not join a copy that has ended, however near its seq (from mutation testing)', () => {
    // 20 again (a copy), five events of the chain, then 25 again: two duplicates.
    const l = [...LINES.slice(0, 30), LINES[20]!, ...LINES.slice(30, 35), LINES[25]!, ...LINES.slice(35)];
    expect(codeLines(verifyLines(l).findings)).toEqual(['SEQ_DUPLICATE@31', 'SEQ_DUPLICATE@37']);
  });
  it('two events for a seq still to come, neither linking: the first to arrive is the chain (PREV_HASH_MISMATCH, and the SEQ_REORDER it is), the other the fork (from mutation testing)', () => {
    const alien = (fill: string, i: number) => new ChainWriter('prod', { lastSeq: 2, lastHash: `sha256:${fill.repeat(64)}` }).append(sampleInput(200 + i)).line;
    const r = verifyLines([LINES[0]!, LINES[1]!, alien('7', 0), alien('8', 1), LINES[2]!]);
    expect(codeLines(r.findings)).toEqual(['PREV_HASH_MISMATCH@3', 'SEQ_REORDER@3', 'CHAIN_FORK@4']);
    expect(r.summary.chains[0]!.head).toBe(hashOf(alien('7', 0)));
  });
  it('an unreadable line between two interleaved chains explains one missing event, of one chain only (from mutation testing)', () => {
    // Seq 1 of both chains missing, one unreadable line where they were: it holds one of them.
    const [a, b] = [chainLines(4, 'a'), chainLines(4, 'b')];
    const r = verifyLines([a[0]!, b[0]!, '{"this is": not json', a[2]!, b[2]!, a[3]!, b[3]!]);
    expect(r.findings.map((f) => [f.code, f.chain, f.location?.line])).toEqual([['LINE_INVALID_JSON', null, 3], ['SEQ_GAP', 'b', 5]]);
  });
  it('a copy read interleaved with the chain going on vouches for what was too far back when its last came, not when it began (from mutation testing)', () => {
    // Remembering 4: 14 again (the chain remembers 16..19), then 20, 15, 21, 16: when 16 comes
    // the chain remembers 18..21, and did not remember 16 when the copy's 15 came.
    const l = [...LINES.slice(0, 20), LINES[14]!, LINES[20]!, LINES[15]!, LINES[21]!, LINES[16]!, ...LINES.slice(22)];
    expect(codeLines(verifyLines(l, { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } }).findings)).toEqual(['SEQ_DUPLICATE@21']);
  });
  it('PREV_HASH_MISMATCH names the predecessor\'s recorded hash as expected and the event\'s prev_hash as actual (from mutation testing)', () => {
    const l = [...LINES];
    l[10] = reseal(l[10]!, (e) => ((e['decision'] as Record<string, unknown>)['action'] = 'allow'));
    const f = verifyLines(l).findings;
    expect(f.map((x) => [x.code, x.seq, x.expected, x.actual])).toEqual([['PREV_HASH_MISMATCH', 11, hashOf(l[10]!), hashOf(LINES[10]!)]]);
  });
  it('at the end of the input, every gap still waiting is reported, and the chain goes on to its last event (from mutation testing)', () => {
    const r = verifyLines([LINES[0]!, LINES[1]!, LINES[3]!, LINES[5]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_GAP', 3, 3, { from: 2, to: 2, missing: 1, unreadableLines: 0 }],
      ['SEQ_GAP', 5, 4, { from: 4, to: 4, missing: 1, unreadableLines: 0 }],
    ]);
    expect(r.positions[0]).toMatchObject({ next: 6, parent: hashOf(LINES[5]!) });
  });
  it('exactly holeWindow unreadable lines are remembered to explain a gap (from mutation testing)', () => {
    const holed = [...LINES.slice(0, 3), '{"this is": not json', '{"this is": not json', ...LINES.slice(5)];
    const r = verifyLines(holed, { chain: { ...DEFAULT_CHAIN_OPTIONS, holeWindow: 2 } });
    expect(codes(r.findings)).toEqual(['LINE_INVALID_JSON', 'LINE_INVALID_JSON']);
    const three = [...LINES.slice(0, 3), '{"this is": not json', '{"this is": not json', '{"this is": not json', ...LINES.slice(6)];
    const r3 = verifyLines(three, { chain: { ...DEFAULT_CHAIN_OPTIONS, holeWindow: 2 } });
    expect(r3.findings.map((f) => [f.code, f.detail?.['missing']])).toEqual([['LINE_INVALID_JSON', undefined], ['LINE_INVALID_JSON', undefined], ['LINE_INVALID_JSON', undefined], ['SEQ_GAP', 1]]);
  });
  it('two copies read interleaved are one SEQ_DUPLICATE each (from mutation testing)', () => {
    const copies = LINES.slice(0, 10).flatMap((l, k) => [l, LINES[20 + k]!]);
    const r = verifyLines([...LINES, ...copies]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_DUPLICATE', 0, 41], ['SEQ_DUPLICATE', 20, 42]]);
  });
  it('two displaced runs drained at once are each measured from their own lead: 7 before 6, then 9 before 8 (from mutation testing)', () => {
    // Seq 5 is missing; 7, 6, 9, 8 wait for it until the input ends. Given up as a gap, 6
    // goes on, 7 arrived before it, 8 after it (a new lead), 9 before 8: two SEQ_REORDERs.
    const r = verifyLines([...LINES.slice(0, 5), LINES[7]!, LINES[6]!, LINES[9]!, LINES[8]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 7, 6, { displaced: [7, 7], before: [6, 6] }],
      ['SEQ_GAP', 6, 7, { from: 5, to: 5, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 9, 8, { displaced: [9, 9], before: [8, 8] }],
    ]);
    expect(r.findings[2]!.message).toBe('seq 9 appears before seq 8, out of order');
  });
  it('past holeWindow unreadable lines, the oldest is forgotten, not the newest (from mutation testing)', () => {
    // A window of 1: the line before seq 3 (no gap there) gives way to the one where seq 4 was.
    const bad = '{"this is": not json';
    const r = verifyLines([...LINES.slice(0, 3), bad, LINES[3]!, bad, ...LINES.slice(5, 8)], { chain: { ...DEFAULT_CHAIN_OPTIONS, holeWindow: 1 } });
    expect(codeLines(r.findings)).toEqual(['LINE_INVALID_JSON@4', 'LINE_INVALID_JSON@6']);
  });
  it('a damaged line whose recorded hash the next event names explains that gap first, leaving an unreadable line for another chain (from mutation testing)', () => {
    // a's seq 1 is edited in place (its chain and hash still read), an unreadable line follows;
    // both chains miss seq 1: the edited line is a's, the unreadable one b's.
    const [a, b] = [chainLines(4, 'a'), chainLines(4, 'b')];
    const r = verifyLines([a[0]!, b[0]!, a[1]!.replace('"action":"', '"action":"x'), '{"this is": not json', a[2]!, b[2]!, a[3]!, b[3]!]);
    expect(codeLines(r.findings)).toEqual(['HASH_MISMATCH@3', 'LINE_INVALID_JSON@4']);
  });
  it('a waiting event read a third time, after a copy of it and a fork branch\'s copy one seq below it, is a SEQ_DUPLICATE of its own (from mutation testing)', () => {
    // 12 waits (10 and 11 missing) and is read again (a copy); a branch off 8 (9', 10', 11')
    // is a CHAIN_FORK, its 11' read again joins the copy; 12 a third time links to the
    // chain's 11, not to 11': it does not go on from that head, and the copy had it already.
    const w = new ChainWriter('prod', { lastSeq: 8, lastHash: hashOf(LINES[8]!) });
    const [f9, f10, f11] = [309, 310, 311].map((i) => w.append(sampleInput(i)).line);
    const r = verifyLines([...LINES.slice(0, 10), LINES[12]!, LINES[12]!, f9!, f10!, f11!, f11!, LINES[12]!]);
    expect(codeLines(r.findings)).toEqual(['SEQ_GAP@11', 'SEQ_DUPLICATE@12', 'CHAIN_FORK@13', 'SEQ_DUPLICATE@17']);
  });
  it('the event a chain goes on with at a contested seq is no longer held as set aside or as a fork branch\'s head, whatever a copy of it was taken for (from mutation testing)', () => {
    const alien = (seq: number, fill: string, i: number) => new ChainWriter('prod', { lastSeq: seq - 1, lastHash: `sha256:${fill.repeat(64)}` }).append(sampleInput(i)).line;
    // A branch off 10: 11', 12' (a child of 11'), 13' (a child of 12'); 13'', a second child of 12'.
    const w = new ChainWriter('prod', { lastSeq: 10, lastHash: hashOf(LINES[10]!) });
    const [f11, f12, f13] = [311, 312, 313].map((i) => w.append(sampleInput(i)).line);
    const f13b = new ChainWriter('prod', { lastSeq: 12, lastHash: hashOf(f12!) }).append(sampleInput(513)).line;
    // 12' waits with a rival that links to nothing; 11 waits with a rival, and a third 11 (11')
    // is a fork: 12' read again now goes with that branch. When 10 comes, 11 goes on, and at
    // 12 neither links: 12' (the first to arrive) is the chain's, and 13' then links to it.
    const r = verifyLines([...LINES.slice(0, 10), f12!, alien(12, '8', 412), LINES[11]!, alien(11, '7', 411), f11!, f12!, LINES[10]!, f13!, f13b, f12!]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}:${f.location?.line}`)).toEqual([
      'PREV_HASH_MISMATCH@12:11', 'CHAIN_FORK@12:12', 'CHAIN_FORK@11:14', 'CHAIN_FORK@11:15', 'SEQ_REORDER@10:17',
      // 13'' is a second event for seq 13, not a branch event of 12'.
      'CHAIN_FORK@13:19',
      // 12' a third time repeats the chain's 12', the first read, not the copy taken for a branch's.
      'SEQ_DUPLICATE@12:20',
    ]);
    expect(r.findings[6]!.detail).toEqual({ compared: true, first: { file: 'log-0.jsonl', line: 11 } });
    expect(r.summary.chains[0]!.head).toBe(hashOf(f13!));
  });
  it('an unreadable line already taken for another chain\'s missing event is not named in a gap it cannot explain (from mutation testing)', () => {
    // Seq 1 of both chains missing, one unreadable line: a's gap takes it, b's is a gap with none.
    const [a, b] = [chainLines(4, 'a'), chainLines(4, 'b')];
    const r = verifyLines([a[0]!, b[0]!, '{"this is": not json', a[2]!, b[2]!, a[3]!, b[3]!]);
    const gap = r.findings.find((f) => f.code === 'SEQ_GAP')!;
    expect(gap.detail).toEqual({ from: 1, to: 1, missing: 1, unreadableLines: 0 });
    expect(gap.message).toBe('seq 1 is missing before this event');
  });
  it('a line holding two merged events explains one missing event of each of two chains, one each (from mutation testing)', () => {
    // a takes one of the line's two events, not both: b's seq 1 is the other.
    const [a, b] = [chainLines(4, 'a'), chainLines(4, 'b')];
    const r = verifyLines([a[0]!, b[0]!, `${a[1]!} ${b[1]!}`, a[2]!, b[2]!, a[3]!, b[3]!]);
    expect(codeLines(r.findings)).toEqual(['LINE_INVALID_JSON@3']);
  });
  it('an event read a third time repeats the chain\'s event, not the copy read before it (from mutation testing)', () => {
    // 10 again heads a copy; six events of the chain end it; 10 a third time.
    const r = verifyLines([...LINES.slice(0, 30), LINES[10]!, ...LINES.slice(30, 36), LINES[10]!]);
    expect(r.findings.map((f) => [f.code, f.location?.line, f.detail])).toEqual([
      ['SEQ_DUPLICATE', 31, { compared: true, first: { file: 'log-0.jsonl', line: 11 } }],
      ['SEQ_DUPLICATE', 38, { compared: true, first: { file: 'log-0.jsonl', line: 11 } }],
    ]);
  });
  it('an unreadable line that explains a gap completely lets the chain go on at once: the missing event, arriving after, is a late one (from mutation testing)', () => {
    const r = verifyLines([...LINES.slice(0, 10), '{"this is": not json', LINES[11]!, LINES[12]!, LINES[10]!, ...LINES.slice(13)]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['LINE_INVALID_JSON', null, 11, { reason: 'unexpected-character' }],
      ['SEQ_REORDER', 10, 14, { reorderWindow: 64, unreadable: true }],
    ]);
  });
  it('more than 256 events set aside: the oldest is forgotten, not the newest (from mutation testing)', () => {
    // A branch of 257 events off 260, then its last again: still held, a SEQ_DUPLICATE.
    const lines = chainLines(300);
    const w = new ChainWriter('prod', { lastSeq: 260, lastHash: hashOf(lines[260]!) });
    const branch = Array.from({ length: 257 }, (_, i) => w.append(sampleInput(1000 + i)).line);
    const r = verifyLines([...lines, ...branch, branch[256]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['CHAIN_FORK', 261, 301], ['SEQ_DUPLICATE', 517, 558]]);
    // Exactly 256 are held: the first of a branch of 256, read again, is still compared with.
    const held = verifyLines([...lines, ...branch.slice(0, 256), branch[0]!]);
    expect(held.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['CHAIN_FORK', 261, 301, { first: { file: 'log-0.jsonl', line: 262 } }],
      ['SEQ_DUPLICATE', 261, 557, { compared: true, first: { file: 'log-0.jsonl', line: 301 } }],
    ]);
  });
});

describe('bounds, order and places of the chain check (from mutation testing, fourth pass)', () => {
  const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
  const window = (reorderWindow: number) => ({ chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow } });
  const late = (r: ReturnType<typeof verifyLines>) => r.findings.filter((f) => f.code === 'SEQ_REORDER').map((f) => [f.seq, f.location?.line, f.detail]);

  it('an equal ts on a fork branch is no TS_REGRESSION, as on the chain', () => {
    const w = new ChainWriter('prod', { lastSeq: 19, lastHash: hashOf(LINES[19]!) });
    // The branch's events dated 100, 101, 101, 102: nothing goes back.
    const branch = [100, 101, 101, 102].map((i) => w.append(sampleInput(i)).line);
    expect(codeLines(verifyLines([...LINES, ...branch]).findings)).toEqual(['CHAIN_FORK@41']);
  });

  it('of two late events for one seq inside a missing range, the first is the neighbour the next late one is checked against', () => {
    // Seqs 2–4 deleted; the real 2, another 2 (sealed from seq 1) and the real 3 read late.
    const other2 = reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const r = verifyLines([...LINES.slice(0, 2), ...LINES.slice(5), LINES[2]!, other2, LINES[3]!], window(2));
    expect(late(r)).toEqual([
      [2, 38, { reorderWindow: 2 }],
      [2, 39, { reorderWindow: 2, rival: { file: 'log-0.jsonl', line: 38 } }],
      // The real 3 links to the real 2, read first: nothing said of its links.
      [3, 40, { reorderWindow: 2 }],
    ]);
  });

  it('late events for single missing seqs are not remembered as neighbours: they do not push out one inside a range of several', () => {
    // Seqs 2–4 deleted, and 256 single seqs after them (10, 12, …, 520); then the real 2, the
    // 256 single ones and a forged 3 read late. The forged 3 does not link to the real 2.
    const lines = chainLines(530);
    const singles = Array.from({ length: 256 }, (_, i) => 10 + 2 * i);
    const gone = new Set([2, 3, 4, ...singles]);
    const body = lines.filter((_, s) => !gone.has(s));
    const forged3 = new ChainWriter('prod', { lastSeq: 2, lastHash: `sha256:${'7'.repeat(64)}` }).append(sampleInput(300)).line;
    const r = verifyLines([...body, lines[2]!, ...singles.map((s) => lines[s]!), forged3], window(1));
    const last = r.findings[r.findings.length - 1]!;
    expect([last.code, last.seq, last.detail]).toEqual(['SEQ_REORDER', 3, { reorderWindow: 1, links: { prev: false, next: null } }]);
  });

  it('the first late event of each of the last 256 late seqs is remembered: a second, different one for the oldest of them is its rival', () => {
    // Seqs 1–256 deleted, read late in order, then another seq 1 (sealed from seq 0).
    const lines = chainLines(300);
    const other1 = reseal(lines[1]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const r = verifyLines([lines[0]!, ...lines.slice(257), ...lines.slice(1, 257), other1], window(1));
    const last = r.findings[r.findings.length - 1]!;
    expect([last.code, last.seq, last.location?.line]).toEqual(['SEQ_REORDER', 1, 301]);
    expect(last.detail).toMatchObject({ rival: { file: 'log-0.jsonl', line: 45 } });
  });

  it('a run waiting beyond a gap, read in reverse before the events ahead of the gap, is one SEQ_REORDER: not judged again when the chain goes on with it', () => {
    // Seq 7 and 6 read before 2 and 3, then 4–5 given up as missing (window 2).
    const r = verifyLines([0, 1, 7, 6, 2, 3, 8, 9, 10, 11].map((s) => LINES[s]!), window(2));
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 7, 3, { displaced: [6, 7], before: [2, 3] }],
      ['SEQ_GAP', 6, 4, { from: 4, to: 5, missing: 2, unreadableLines: 0 }],
    ]);
  });

  it('an early event is measured against the events that arrived after it, not those accepted before it arrived, while another waits far ahead', () => {
    // Seq 50 waits while 3 comes before 2, then 4–10 in order, then 12 before 11.
    const order = [0, 1, 50, 3, 2, ...Array.from({ length: 7 }, (_, i) => 4 + i), 12, 11, ...Array.from({ length: 37 }, (_, i) => 13 + i)];
    const lines = chainLines(51);
    const r = verifyLines(order.map((s) => lines[s]!));
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 50, 3, { displaced: [50, 50], before: [2, 49] }],
      ['SEQ_REORDER', 3, 4, { displaced: [3, 3], before: [2, 2] }],
      ['SEQ_REORDER', 12, 13, { displaced: [12, 12], before: [11, 11] }],
    ]);
  });

  it('an early event is measured back to the gap before the chain goes on with the run it waits in, not past it', () => {
    // Seq 7 read before 2 and 3, seq 6 after them; 4–5 given up as missing (window 2): 7 came before 6.
    const r = verifyLines([0, 1, 7, 2, 3, 6, 8, 9, 10, 11].map((s) => LINES[s]!), window(2));
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 7, 3, { displaced: [7, 7], before: [6, 6] }],
      ['SEQ_GAP', 6, 6, { from: 4, to: 5, missing: 2, unreadableLines: 0 }],
    ]);
  });

  it('the events of a copy being read are remembered up to recentWindow of them: the first, read again after the copy\'s last, is a duplicate of its own', () => {
    // recentWindow 4: seq 6–9 read again (one copy, one finding), then seq 6 a third time.
    const r = verifyLines([...LINES.slice(0, 10), LINES[6]!, LINES[7]!, LINES[8]!, LINES[9]!, LINES[6]!], { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } });
    expect(codeLines(r.findings)).toEqual(['SEQ_DUPLICATE@11', 'SEQ_DUPLICATE@15']);
  });

  it('a late event inside a missing range links to the late event before it by that one\'s content when its hash is of an algorithm sel lacks (found by mutation testing)', () => {
    // Seq 2 with a sha512 hash member, its content as written; seq 2–3 given up as missing
    // (window 1), then read late in order. The real seq 3 names the SHA-256 of seq 2's content.
    const e = JSON.parse(LINES[2]!) as Record<string, unknown>;
    e['hash'] = `sha512:${'ab'.repeat(64)}`;
    const sha512 = canonicalize(e);
    const chain = (three: string) => verifyLines([LINES[0]!, LINES[1]!, ...LINES.slice(4, 10), sha512, three], window(1)).findings;
    expect(chain(LINES[3]!).map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 4, { from: 2, to: 3, missing: 2, unreadableLines: 0 }],
      ['DIGEST_UNSUPPORTED', 2, { member: 'hash', algorithm: 'sha512', sha256: hashOf(LINES[2]!) }],
      ['SEQ_REORDER', 2, { reorderWindow: 1 }],
      ['SEQ_REORDER', 3, { reorderWindow: 1 }],
    ]);
    // Another seq 3, naming neither: still said.
    const forged3 = new ChainWriter('prod', { lastSeq: 2, lastHash: `sha256:${'7'.repeat(64)}` }).append(sampleInput(300)).line;
    expect(chain(forged3).at(-1)!.detail).toEqual({ reorderWindow: 1, links: { prev: false, next: false } });
    // The first seq of a range, after such a seq the chain accepted, links to it by its content too.
    const first = verifyLines([LINES[0]!, LINES[1]!, sha512, ...LINES.slice(4, 10), LINES[3]!], window(1)).findings;
    expect(first.filter((f) => f.code === 'SEQ_REORDER').map((f) => [f.seq, f.detail])).toEqual([[3, { reorderWindow: 1 }]]);
  });

  it('nested displaced runs are each said against all they came after, at the event that closes each (the judging\'s stretches within stretches)', () => {
    // Seq 59, 0, 58, 1, 57, 2, …: seq 59 read first, then each of 1…29 after one more of 58 down to 30.
    const lines = chainLines(62);
    const order: number[] = [];
    for (let k = 0; k < 30; k++) order.push(59 - k, k);
    order.push(60, 61);
    const r = verifyLines(order.map((s) => lines[s]!));
    expect(codes(r.findings)).toEqual(Array(30).fill('SEQ_REORDER'));
    const said = r.findings.map((f) => [f.seq, f.location?.line, f.detail]);
    expect(said.slice(0, 3)).toEqual([
      [59, 1, { displaced: [59, 59], before: [0, 0] }],
      [1, 4, { displaced: [1, 1], after: [58, 59] }],
      [2, 6, { displaced: [2, 2], after: [57, 59] }],
    ]);
    expect(said[29]).toEqual([29, 60, { displaced: [29, 29], after: [30, 59] }]);
  });

  it('an event whose hash is of an algorithm sel lacks is linked to by its content, in order and where two such are read before a late one', () => {
    const sha512 = (line: string) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      e['hash'] = `sha512:${'ab'.repeat(64)}`;
      return canonicalize(e);
    };
    expect(codeLines(verifyLines([LINES[0]!, LINES[1]!, sha512(LINES[2]!), ...LINES.slice(3, 10)]).findings)).toEqual(['DIGEST_UNSUPPORTED@3']);
    // Seq 2 and 4 of such an algorithm, seq 3 given up as missing and read late: it links to seq 2 by its content, remembered while seq 4's is too.
    const two = verifyLines([0, 1, 2, 4, 5, 3].map((s) => (s === 2 || s === 4 ? sha512(LINES[s]!) : LINES[s]!)), window(1)).findings;
    expect(two.map((f) => [f.code, f.seq, f.code === 'SEQ_REORDER' ? f.detail : null])).toEqual([
      ['DIGEST_UNSUPPORTED', 2, null],
      ['DIGEST_UNSUPPORTED', 4, null],
      ['SEQ_GAP', 4, null],
      ['SEQ_REORDER', 3, { reorderWindow: 1 }],
    ]);
    // Seq 2 and 4–7 of such an algorithm, seq 3 read late: seq 2's content is remembered past four more.
    const more = verifyLines([0, 1, 2, 4, 5, 6, 7, 8, 3].map((s) => (s === 2 || (s >= 4 && s <= 7) ? sha512(LINES[s]!) : LINES[s]!)), window(1)).findings;
    expect(more.filter((f) => f.code === 'SEQ_REORDER').map((f) => [f.seq, f.detail])).toEqual([[3, { reorderWindow: 1 }]]);
  });

  it('a copy of a waiting event does not go on from a copy\'s head with another event waiting between them, however that is found', () => {
    // Seq 14 waits, 4 and 5 wait, 4 is read again (a copy, its head at 4), then 14 again: seq 5
    // waits between, so 14 is not the copy's next, and 14 is too far from 4 to join it.
    const rest = (used: number[]) => Array.from({ length: 40 }, (_, i) => i).filter((i) => !used.includes(i));
    const dupes = (order: number[]) => verifyLines([...order, ...rest(order)].map((s) => LINES[s]!)).findings.filter((f) => f.code === 'SEQ_DUPLICATE').map((f) => [f.seq, f.location?.line]);
    // Few waiting: found by a look over them.
    expect(dupes([0, 1, 14, 4, 5, 4, 14])).toEqual([[4, 6], [14, 7]]);
    // Many waiting: found seq by seq.
    expect(dupes([0, 1, 14, ...Array.from({ length: 11 }, (_, i) => 20 + i), 4, 5, 4, 14])).toEqual([[4, 17], [14, 18]]);
  });

  it('a displaced run whose first event came earlier than the rest is said against what it came after, and that event against what it came before', () => {
    // Seq 19 read after 13, 20 after 17, 18 after both: 18 after 19–20, and 19 before 14–17.
    const r = verifyLines([...LINES.slice(0, 14), LINES[19]!, ...LINES.slice(14, 18), LINES[20]!, LINES[18]!, ...LINES.slice(21)]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 19, 15, { displaced: [19, 19], before: [14, 17] }],
      ['SEQ_REORDER', 18, 21, { displaced: [18, 18], after: [19, 20] }],
    ]);
  });

  it('an unplaceable line of the chain read before the event ahead of a gap does not explain the gap, though nothing claimed it', () => {
    // A line of chain prod without a seq (EVENT_SCHEMA) read before seq 2 and 3; then seq 4 is missing.
    const noSeq = (() => {
      const e = JSON.parse(LINES[2]!) as Record<string, unknown>;
      delete e['seq'];
      delete e['hash'];
      e['hash'] = digestOf(e);
      return canonicalize(e);
    })();
    const r = verifyLines([LINES[0]!, LINES[1]!, noSeq, LINES[2]!, LINES[3]!, ...LINES.slice(5, 10)]);
    expect(codeLines(r.findings)).toEqual(['EVENT_SCHEMA@3', 'SEQ_GAP@6']);
  });

  it('a copy crosses the chain\'s gap only with the event the chain went on with after it: a late event inside the gap naming the same parent, read again, is a duplicate of its own', () => {
    // Seq 10–14 deleted (window 1); a seq 12 naming seq 14 as its parent read late, then seq 9
    // again (a copy begins), then that seq 12 again.
    const f12 = new ChainWriter('prod', { lastSeq: 11, lastHash: hashOf(LINES[14]!) }).append(sampleInput(300)).line;
    const r = verifyLines([...LINES.slice(0, 10), ...LINES.slice(15, 21), f12, LINES[9]!, f12], window(1));
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([
      ['SEQ_GAP', 15, 11],
      ['SEQ_REORDER', 12, 17],
      ['SEQ_DUPLICATE', 9, 18],
      ['SEQ_DUPLICATE', 12, 19],
    ]);
  });
});

describe('bounds, order and places of the chain check (from mutation testing, fifth pass)', () => {
  const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;

  it('by default, 4 096 unreadable lines are remembered to explain a gap: one more is forgotten (from mutation testing)', () => {
    const w = new ChainWriter('prod');
    const lines = Array.from({ length: 4099 }, (_, i) => w.append(sampleInput(i)).line);
    const bad = '{"this is": not json';
    const held = verifyLines([lines[0]!, ...Array<string>(4096).fill(bad), lines[4097]!]);
    expect(held.findings.filter((f) => f.code !== 'LINE_INVALID_JSON')).toEqual([]);
    const past = verifyLines([lines[0]!, ...Array<string>(4097).fill(bad), lines[4098]!]);
    expect(past.findings.filter((f) => f.code !== 'LINE_INVALID_JSON').map((f) => [f.code, f.seq, f.detail])).toEqual([
      ['SEQ_GAP', 4098, { from: 1, to: 4097, missing: 1, unreadableLines: 4096 }],
    ]);
  });
  it('a chain\'s summary spans the lowest and the highest seq it holds, whichever were read first and last (from mutation testing)', () => {
    // Seq 1 read before 0, seq 39 before 38: the first and last lines read are not the ends.
    const r = verifyLines([LINES[1]!, LINES[0]!, ...LINES.slice(2, 38), LINES[39]!, LINES[38]!]);
    expect(codes(r.findings)).toEqual(['SEQ_REORDER', 'SEQ_REORDER']);
    const tsOf = (line: string) => (JSON.parse(line) as { ts: string }).ts;
    expect(r.summary.chains[0]).toMatchObject({ events: 40, firstSeq: 0, lastSeq: 39, firstTs: tsOf(LINES[0]!), lastTs: tsOf(LINES[39]!), head: hashOf(LINES[39]!) });
  });
  it('a copy goes on past the seqs the chain waits for only from the chain\'s last accepted event, not from one before it', () => {
    // 0..9, 17 waits for 10..16; a copy of 8, then 17 again: the copy would skip the chain's 9,
    // so the 17 is a duplicate of its own (17 is more than 8 seqs from 8: it does not fold in).
    const r = verifyLines([...LINES.slice(0, 10), LINES[17]!, LINES[8]!, LINES[17]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_GAP', 17, 11], ['SEQ_DUPLICATE', 8, 12], ['SEQ_DUPLICATE', 17, 13]]);
    // From the chain's last accepted event, it does go on past them (the copy has the gap too).
    const last = verifyLines([...LINES.slice(0, 10), LINES[17]!, LINES[9]!, LINES[17]!]);
    expect(last.findings.map((f) => [f.code, f.seq, f.location?.line])).toEqual([['SEQ_GAP', 17, 11], ['SEQ_DUPLICATE', 9, 12]]);
  });
  it('a damaged line whose recorded hash the next event names explains that gap before a damaged line that names the chain, which is left for its own chain', () => {
    // a's seq 1 with its chain edited to b (its recorded hash still a's seq 1), and a's seq 3
    // edited (it names chain a): both are candidates for a's missing seq 1. The one a's seq 2
    // names is a's; the other names b but is not b's seq 1, which is missing (SEQ_GAP).
    const [a, b] = [chainLines(4, 'a'), chainLines(4, 'b')];
    const z = a[3]!.replace('"action":"', '"action":"x');
    const y = a[1]!.replace('"chain":"a"', '"chain":"b"');
    const r = verifyLines([a[0]!, b[0]!, z, y, a[2]!, b[2]!, a[3]!, b[3]!]);
    expect(codeLines(r.findings)).toEqual(['HASH_MISMATCH@3', 'HASH_MISMATCH@4', 'SEQ_GAP@6']);
    expect(r.findings[2]).toMatchObject({ chain: 'b', seq: 2 });
  });
  it('a damaged line naming the chain, read after the gap\'s predecessor in seq order, explains the gap though an earlier seq was accepted after it', () => {
    // 0, then 2 (early), seq 3 damaged, 1 (2 follows it), then 5: the damaged line may be
    // seq 3 or 4 (not by its hash: two are missing), and one of them is missing.
    const r = verifyLines([LINES[0]!, LINES[2]!, LINES[3]!.replace('"action":"', '"action":"x'), LINES[1]!, ...LINES.slice(5, 10)]);
    expect(r.findings.map((f) => [f.code, f.location?.line, f.detail?.['missing'], f.detail?.['unreadableLines']])).toEqual([
      ['SEQ_REORDER', 2, undefined, undefined],
      ['HASH_MISMATCH', 3, undefined, undefined],
      ['SEQ_GAP', 5, 1, 1],
    ]);
  });
  it('a displaced run is counted through a contested seq, by the event that links to the one before it, by hash or by content', () => {
    // Seq 3 has a sha512 hash; of two events for seq 4, the second (the real one) names seq 3's
    // content, the first nothing: the chain goes on with the real one. 3–5 arrived before 1–2.
    const e = JSON.parse(LINES[3]!) as Record<string, unknown>;
    e['hash'] = `sha512:${'ab'.repeat(64)}`;
    const sha512 = canonicalize(e);
    const r = verifyLines([LINES[0]!, sha512, forgedFor(LINES[4]!), LINES[4]!, LINES[5]!, LINES[1]!, LINES[2]!, ...LINES.slice(6, 10)]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.code === 'SEQ_REORDER' ? f.detail : null])).toEqual([
      ['DIGEST_UNSUPPORTED', 3, 2, null],
      ['CHAIN_FORK', 4, 3, null],
      ['SEQ_REORDER', 2, 7, { displaced: [1, 2], after: [3, 5] }],
    ]);
    // The same with seq 3 of sha256: the real seq 4 names its recorded hash.
    const plain = verifyLines([LINES[0]!, LINES[3]!, forgedFor(LINES[4]!), LINES[4]!, LINES[5]!, LINES[1]!, LINES[2]!, ...LINES.slice(6, 10)]);
    expect(plain.findings.map((f) => [f.code, f.seq, f.location?.line, f.code === 'SEQ_REORDER' ? f.detail : null])).toEqual([
      ['CHAIN_FORK', 4, 3, null],
      ['SEQ_REORDER', 2, 7, { displaced: [1, 2], after: [3, 5] }],
    ]);
  });
  it('a gap and the run waiting beyond it that came early, on the same line: the SEQ_GAP first, then the SEQ_REORDER', () => {
    // 0, 4, 5, 1, 2 (3 deleted): at the end, 4 follows the gap, and 4–5 came before 1–2.
    const r = verifyLines([LINES[0]!, LINES[4]!, LINES[5]!, LINES[1]!, LINES[2]!]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_GAP', 4, 2, { from: 3, to: 3, missing: 1, unreadableLines: 0 }],
      ['SEQ_REORDER', 4, 2, { displaced: [4, 5], before: [1, 2] }],
    ]);
  });
  it('a rival waiting for its seq is measured back to the event read before it, however many stops are trimmed while it waits', () => {
    // A forged 50 waits, then 12 (early), the real 50 (its rival), 10 and 11 (12 follows them),
    // then eleven swapped pairs (a stop each: trimmed past 2 × (4 + 1)), then 35..49: the real
    // 50 came before 13–49, not before 12.
    const l = chainLines(60);
    const pairs = Array.from({ length: 11 }, (_, k) => [l[14 + 2 * k]!, l[13 + 2 * k]!]).flat();
    const lines = [...l.slice(0, 10), forgedFor(l[50]!), l[12]!, l[50]!, l[10]!, l[11]!, ...pairs, ...l.slice(35, 50), ...l.slice(51)];
    const r = verifyLines(lines, { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 4, recentWindow: 1 } });
    expect(r.findings.filter((f) => f.seq === 50).map((f) => [f.code, f.location?.line, f.message])).toEqual([
      ['CHAIN_FORK', 11, 'a second, different event claims seq 50 (the one the chain goes on with is at log-0.jsonl:13): the chain forks here'],
      ['SEQ_REORDER', 13, 'seq 50 appears before seq 13–49, out of order'],
    ]);
  });
  it('past 64 fork branches read interleaved, the oldest branch\'s head is forgotten, not the newest', () => {
    // 65 branches of two events, each off its own seq: all first events, then all second ones,
    // the newest branch's first: the second event of the first branch is a fork of its own.
    // (Read oldest first, each second event would push out the head of the next branch.)
    const lines = chainLines(100);
    const branches = Array.from({ length: 65 }, (_, k) => {
      const w = new ChainWriter('prod', { lastSeq: 20 + k, lastHash: hashOf(lines[20 + k]!) });
      return [w.append(sampleInput(5000 + k)).line, w.append(sampleInput(6000 + k)).line];
    });
    const r = verifyLines([...lines, ...branches.map((b) => b[0]!), ...branches.map((b) => b[1]!).reverse()]);
    expect(r.findings.map((f) => `${f.code}@${f.seq}`)).toEqual([...Array.from({ length: 65 }, (_, k) => `CHAIN_FORK@${21 + k}`), 'CHAIN_FORK@22']);
  });
  it('a late event inside a missing range is linked to by the late event after it by its content when its hash is of an algorithm sel lacks', () => {
    // 3–5 given up as missing; 5, then 4 (a sha512 hash, which 5 names by content), then 3 arrive late.
    const e = JSON.parse(LINES[4]!) as Record<string, unknown>;
    e['hash'] = `sha512:${'ab'.repeat(64)}`;
    const r = verifyLines([...LINES.slice(0, 3), LINES[6]!, LINES[7]!, LINES[5]!, canonicalize(e), LINES[3]!], { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 1 } });
    expect(r.findings.map((f) => [f.code, f.seq, f.code === 'SEQ_REORDER' ? f.detail : null])).toEqual([
      ['SEQ_GAP', 6, null],
      ['SEQ_REORDER', 5, { reorderWindow: 1 }],
      ['DIGEST_UNSUPPORTED', 4, null],
      ['SEQ_REORDER', 4, { reorderWindow: 1 }],
      ['SEQ_REORDER', 3, { reorderWindow: 1 }],
    ]);
  });
  it('a third, different late event for a seq names the first that arrived late for it as its rival, not the second', () => {
    const other = reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-02T00:00:00.000Z'));
    const third = reseal(LINES[2]!, (e) => (e['ts'] = '2026-11-03T00:00:00.000Z'));
    const r = verifyLines([...LINES.slice(0, 2), ...LINES.slice(3, 7), LINES[2]!, other, third], { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 2 } });
    expect(r.findings.filter((f) => f.code === 'SEQ_REORDER').map((f) => [f.seq, f.location?.line, f.detail?.['rival']])).toEqual([
      [2, 7, undefined],
      [2, 8, { file: 'log-0.jsonl', line: 7 }],
      [2, 9, { file: 'log-0.jsonl', line: 7 }],
    ]);
  });
  it('an event too far back to compare, read twice, is compared the second time with the first: the same line again', () => {
    const r = verifyLines([...LINES.slice(0, 20), LINES[2]!, LINES[2]!], { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } });
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_DUPLICATE', 2, 21, { compared: false, recentWindow: 4 }],
      ['SEQ_DUPLICATE', 2, 22, { compared: true, first: { file: 'log-0.jsonl', line: 21 } }],
    ]);
  });
  it('a chain\'s position names the last event with a valid ts as its last time, not the last event', () => {
    const w = new ChainWriter('prod');
    const lines = Array.from({ length: 5 }, (_, i) => w.append(sampleInput(i)).line);
    const bad = reseal(lines[4]!, (e) => (e['ts'] = 'yesterday'));
    const r = verifyLines([...lines.slice(0, 4), bad]);
    expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
    const ts3 = (JSON.parse(lines[3]!) as { ts: string }).ts;
    expect(r.positions).toEqual([{ chain: 'prod', next: 5, parent: hashOf(bad), last: { seq: 3, ts: ts3 }, latest: { seq: 3, ts: ts3 } }]);
  });
  it('an early event read twice while it waits: the copy names where the first was read', () => {
    const r = verifyLines([...LINES.slice(0, 5), LINES[7]!, LINES[7]!, ...LINES.slice(5, 7), ...LINES.slice(8, 10)]);
    const dup = r.findings.filter((f) => f.code === 'SEQ_DUPLICATE');
    expect(dup.map((f) => [f.seq, f.location?.line, f.message, f.detail])).toEqual([
      [7, 7, 'seq 7 repeats the event at log-0.jsonl:6', { compared: true, first: { file: 'log-0.jsonl', line: 6 } }],
    ]);
  });
  it('a chain resumed from a checkpoint that misses its next events is not said not to start at seq 0', () => {
    const starts = [{ chain: 'prod', next: 10, parent: hashOf(LINES[9]!) }];
    const r = verifyLines(LINES.slice(12, 20), { starts });
    expect(r.findings.map((f) => [f.code, f.seq, f.message])).toEqual([['SEQ_GAP', 12, 'seq 10–11 are missing before this event']]);
    expect(verifyLines(LINES.slice(2, 20)).findings.map((f) => f.message)).toEqual(['seq 0–1 are missing before this event (the chain does not start at seq 0)']);
  });
});

describe('bounds, order and places of the chain check (from mutation testing, sixth pass)', () => {
  it('a gap of exactly one seq stops the walk back over late events as a longer gap does', () => {
    // Seq 6 read before 2, 3 and 5; seq 4 missing. What 6 jumped is counted back to the gap
    // only: it appears before seq 5, not before 3–5 (seq 4 is not in the log at all).
    for (const [lost, order] of [[[4], [0, 1, 6, 2, 3, 5]], [[4, 5], [0, 1, 7, 2, 3, 6]]] as const) {
      const r = verifyLines(order.map((i) => LINES[i]!));
      const last = order[order.length - 1]!;
      expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
        ['SEQ_REORDER', last + 1, 3, { displaced: [last + 1, last + 1], before: [last, last] }],
        ['SEQ_GAP', last, 6, { from: lost[0], to: lost[lost.length - 1], missing: lost.length, unreadableLines: 0 }],
      ]);
      expect(r.findings[0]!.message).toBe(`seq ${last + 1} appears before seq ${last}, out of order`);
    }
  });
  it('an early event that turns out to be a fork branch\'s, when its seq\'s turn comes, is not in the SEQ_REORDER of the run before it', () => {
    // Read: 0–3, the real 5, a branch's 5 and 6 (off seq 4), then the real 4, 6, 7…: the real 5
    // came before 4; the branch's 6, waiting too, goes with its branch when seq 6's turn comes.
    const hashOf = (line: string) => (JSON.parse(line) as { hash: string }).hash;
    const w = new ChainWriter('prod', { lastSeq: 4, lastHash: hashOf(LINES[4]!) });
    const b5 = w.append(sampleInput(500)).line;
    const b6 = w.append(sampleInput(501)).line;
    const r = verifyLines([...LINES.slice(0, 4), LINES[5]!, b5, b6, LINES[4]!, ...LINES.slice(6)]);
    expect(r.findings.map((f) => [f.code, f.seq, f.location?.line, f.detail])).toEqual([
      ['SEQ_REORDER', 5, 5, { displaced: [5, 5], before: [4, 4] }],
      ['CHAIN_FORK', 5, 6, { first: { file: 'log-0.jsonl', line: 5 } }],
    ]);
    expect(r.findings[0]!.message).toBe('seq 5 appears before seq 4, out of order');
  });
  it('a late arrival (past --reorder-window) is handed to the branch hook as late, so that its decision is replayed', () => {
    // Seq 2 read after 3, 4 and 5 with a window of 2: given up as missing, then late.
    const branch: string[] = [];
    const opts = { ...DEFAULT_VERIFY_OPTIONS, chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 2 } };
    const v = new IntegrityVerifier(opts, null, false, (rec, late) => branch.push(`${rec.seq}:${rec.ref.line}${late ? ' late' : ''}`));
    const file = v.beginFile('log-0.jsonl');
    file.push(toLog([...LINES.slice(0, 2), LINES[3]!, LINES[4]!, LINES[5]!, ...LINES.slice(6), LINES[2]!]));
    v.endFile('log-0.jsonl', file);
    expect(codeLines(v.finish().findings)).toEqual(['SEQ_GAP@3', 'SEQ_REORDER@40']);
    expect(branch).toEqual(['2:40 late']);
  });
});

describe('properties over generated chains', () => {
  const LOG = toLog(LINES);
  const lineOf = (offset: number): number => LOG.subarray(0, offset).filter((x) => x === 10).length + 1;

  it('any single-byte change is detected, by exactly one finding, on that line or the next', () => {
    // SPEC.md §6: one fault, reported once, where it happens. (An exhaustive run over every
    // byte of a two-chain log, with two different replacement bytes, gave exactly one
    // finding each time; this samples it on every run.)
    const MIXED = toLog(interleavedLines(12, ['a', 'b']));
    const mixedLineOf = (offset: number): number => MIXED.subarray(0, offset).filter((x) => x === 10).length + 1;
    for (const [log, where] of [[LOG, lineOf], [MIXED, mixedLineOf]] as const) {
      fc.assert(
        fc.property(fc.nat({ max: log.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
          const bad = Buffer.from(log);
          bad[at] = (bad[at]! + delta) % 256;
          const r = verifyBytes([bad]);
          // A byte turned into a line feed makes two malformed lines of one: one finding each;
          // but the last line's closing brace so turned leaves an empty last line, which is
          // allowed (docs/contract.md, "Empty lines").
          expect(r.findings).toHaveLength(bad[at] === 0x0a && at !== log.length - 2 ? 2 : 1);
          const line = where(at);
          for (const f of r.findings) expect([line, line + 1]).toContain(f.location?.line);
        }),
        { numRuns: 300 },
      );
    }
  });
  it('any deleted line but the last gives exactly one SEQ_GAP', () => {
    fc.assert(
      fc.property(fc.nat({ max: LINES.length - 2 }), (k) => {
        const r = verifyLines([...LINES.slice(0, k), ...LINES.slice(k + 1)]);
        expect(codes(r.findings)).toEqual(['SEQ_GAP']);
      }),
      { numRuns: 40 },
    );
  });
  it('any duplicated line gives exactly one SEQ_DUPLICATE', () => {
    fc.assert(
      fc.property(fc.nat({ max: LINES.length - 1 }), fc.nat({ max: 5 }), (k, later) => {
        const at = Math.min(LINES.length, k + 1 + later);
        const r = verifyLines([...LINES.slice(0, at), LINES[k]!, ...LINES.slice(at)]);
        expect(codes(r.findings)).toEqual(['SEQ_DUPLICATE']);
      }),
      { numRuns: 100 },
    );
  });
  it('a log with deleted, unreadable and swapped lines, read again from any line, is its first reading and one SEQ_DUPLICATE', () => {
    // The copy has the chain's gaps, holes and reorders: each unreadable line is reported again
    // where it is, and nothing else but the copy, compared or too far back (found by review).
    // Reorders only where the copy can be compared: an event too far back that does not link
    // to the copy's last may be forged, and is reported.
    const lines = chainLines(300);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.array(fc.tuple(fc.nat({ max: 299 }), fc.constantFrom('delete', 'unreadable', 'swap')), { maxLength: 40 }),
        fc.constantFrom(4, 16, 256),
        fc.nat({ max: 299 }),
        (n, faults, recentWindow, from) => {
          const l: (string | null)[] = lines.slice(0, n);
          for (const [k, fault] of faults) {
            if (k >= n - 1) continue;
            if (fault === 'swap') {
              if (recentWindow >= n) [l[k], l[k + 1]] = [l[k + 1]!, l[k]!];
            }
            else l[k] = fault === 'unreadable' ? '{"this is": not json' : null;
          }
          const once = l.filter((x): x is string => x !== null);
          const rest = once.slice(Math.min(from, once.length - 1));
          fc.pre(rest.some((x) => !x.startsWith('{"this')));
          const chain = { ...DEFAULT_CHAIN_OPTIONS, recentWindow };
          const first = verifyLines(once, { chain }).findings.map((f) => `${f.code}@${f.seq}`);
          const twice = verifyLines([...once, ...rest], { chain }).findings.map((f) => `${f.code}@${f.seq}`);
          const again = rest.filter((x) => x.startsWith('{"this')).map(() => 'LINE_INVALID_JSON@null');
          const firstEvent = (JSON.parse(rest.find((x) => !x.startsWith('{"this'))!) as { seq: number }).seq;
          expect([...twice].sort()).toEqual([...first, ...again, `SEQ_DUPLICATE@${firstEvent}`].sort());
        },
      ),
      { numRuns: 150 },
    );
  });
  it('any two swapped lines give exactly one SEQ_REORDER', () => {
    fc.assert(
      fc.property(fc.nat({ max: LINES.length - 1 }), fc.nat({ max: LINES.length - 1 }), (i, j) => {
        fc.pre(i !== j);
        const l = [...LINES];
        [l[i], l[j]] = [l[j]!, l[i]!];
        expect(codes(verifyLines(l).findings)).toEqual(['SEQ_REORDER']);
      }),
      { numRuns: 200 },
    );
  });
  it('any moved block gives one SEQ_REORDER on the smaller explanation, naming both runs in full, however little is remembered', () => {
    // Seq a..a+len-1 moved to before seq q (earlier) or after m more events (later). The
    // chain check remembers 4 events here; the ranges must still be exact.
    const lines = chainLines(150);
    const opts = { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 4 } };
    const range = (a: number, b: number) => (a === b ? `seq ${a}` : `seq ${a}–${b}`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), (a, len, by, earlier) => {
        len = Math.min(len, 150 - a - 1);
        const block = lines.slice(a, a + len);
        const rest = [...lines.slice(0, a), ...lines.slice(a + len)];
        // The late events and the early run, consecutive seqs.
        let late: [number, number];
        let early: [number, number];
        let l: string[];
        if (earlier) {
          const q = Math.max(0, a - by);
          l = [...rest.slice(0, q), ...block, ...rest.slice(q)];
          [late, early] = [[q, a - 1], [a, a + len - 1]];
          fc.pre(len <= 64 && q < a);
        } else {
          const m = Math.min(by, 150 - a - len);
          fc.pre(m > 0);
          l = [...rest.slice(0, a + m), ...block, ...rest.slice(a + m)];
          [late, early] = [[a, a + len - 1], [a + len, a + len + m - 1]];
        }
        const nLate = late[1] - late[0] + 1;
        const nEarly = early[1] - early[0] + 1;
        const expected = nLate < nEarly
          ? ['SEQ_REORDER', late[1], `${range(...late)} ${nLate === 1 ? 'appears' : 'appear'} after ${range(...early)}, out of order`, { displaced: late, after: early }]
          : ['SEQ_REORDER', early[0], `${range(...early)} ${nEarly === 1 ? 'appears' : 'appear'} before ${range(...late)}, out of order`, { displaced: early, before: late }];
        const r = verifyLines(l, opts);
        expect(r.findings.map((f) => [f.code, f.seq, f.message, f.detail])).toEqual([expected]);
        expect(r.summary.chains[0]!.head).toBe((JSON.parse(lines[149]!) as { hash: string }).hash);
      }),
      { numRuns: 150 },
    );
  });
  it('interleaving several chains in any order of chains keeps them clean', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 60 }), (picks) => {
        const writers = new Map(['a', 'b', 'c'].map((c) => [c, new ChainWriter(c)]));
        const l = picks.map((c, i) => writers.get(c)!.append(sampleInput(i)).line);
        expect(verifyLines(l).findings).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the producer (ChainWriter)', () => {
  it('refuses every member it computes and an event the envelope schema rejects, and a refused event does not move the chain (from mutation testing)', () => {
    const w = new ChainWriter('prod');
    for (const k of ['v', 'chain', 'seq', 'prev_hash', 'request_fingerprint', 'hash']) {
      expect(() => w.append({ ...sampleInput(0), [k]: LINES[0]!.length }), k).toThrow(ProducerError);
    }
    expect(() => w.append({ ...sampleInput(0), actor: { id: 'a', zone: 'root' as never } })).toThrow(/envelope schema: \/actor\/zone/);
    expect(w.nextSeq).toBe(0);
    expect(w.head).toBe(GENESIS_PREV_HASH);
    const first = w.append(sampleInput(0));
    expect(first.line).toBe(LINES[0]);
    expect(w.nextSeq).toBe(1);
    expect(w.head).toBe(first.event.hash);
    expect(w.append(sampleInput(1)).line).toBe(LINES[1]);
  });
  it('refuses a chain id the envelope does not allow (from mutation testing)', () => {
    for (const id of ['', 'has space', 'a/b']) expect(() => new ChainWriter(id), id).toThrow(ProducerError);
  });
  it('continues a chain from its last seq and hash: the next event is the one written in one go (from mutation testing)', () => {
    const last = JSON.parse(LINES[19]!) as { hash: string };
    const w = new ChainWriter('prod', { lastSeq: 19, lastHash: last.hash });
    expect(w.nextSeq).toBe(20);
    expect(w.head).toBe(last.hash);
    expect(w.append(sampleInput(20)).line).toBe(LINES[20]);
    expect(w.nextSeq).toBe(21);
    expect(w.head).toBe((JSON.parse(LINES[20]!) as { hash: string }).hash);
  });
});
