/** The gate's judgement over collected facts (src/gate/gate.ts), without a repository. */
import { describe, expect, it } from 'vitest';
import { GateCollector, judge, type Since } from '../../src/gate/gate.js';
import { makeFinding, type Finding } from '../../src/findings/finding.js';
import type { PlacedEvent, SelEvent } from '../../src/envelope/types.js';
import { gateFacts } from '../../src/gate/facts.js';
import { gateNote, impactNote, makeNoter } from '../../src/verify/notes.js';
import { loadBundle } from '../../src/policy/bundle.js';

const event = (seq: number): PlacedEvent => ({
  kind: 'event', ref: { file: 'a.jsonl', line: seq + 1, ordinal: seq }, chain: 'c', seq, prevHash: '', hash: `h${seq}`, ts: `2026-11-01T00:00:${String(seq).padStart(2, '0')}.000Z`, findings: [], event: null,
});
const at = (code: Parameters<typeof makeFinding>[0], seq: number): Finding => makeFinding(code, { chain: 'c', seq, location: { file: 'a.jsonl', line: seq + 1 }, message: 'm' });

function integrity(since: Since, seqs: number[], findings: Finding[]) {
  const c = new GateCollector(since);
  for (const s of seqs) c.onEvent(event(s), null);
  return judge({ noDivergence: true }, c, findings, 0, []).find((r) => r.name === 'integrity')!;
}

describe('the integrity assertion', () => {
  it('counts an error about events past the log\'s end when nothing of the chain is in range (a log cut back before --since)', () => {
    const cut = [0, 1, 2, 3, 4];
    expect(integrity({ kind: 'seq', seq: 7 }, cut, [at('LOG_TRUNCATED', 9)]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:07.000Z', label: 't' }, cut, [at('LOG_TRUNCATED', 9)]).pass).toBe(false);
    // A fault before the range, in events the log holds, is not the range's.
    expect(integrity({ kind: 'seq', seq: 7 }, cut, [at('PREV_HASH_MISMATCH', 2)])).toMatchObject({ pass: true, reason: 'no integrity error, and no event in range' });
    // But a changed line names whatever seq it likes: it counts wherever it claims to be.
    for (const code of ['HASH_MISMATCH', 'EVENT_NONCANONICAL', 'DIGEST_UNSUPPORTED'] as const) {
      expect(integrity({ kind: 'seq', seq: 7 }, cut, [at(code, 2)]).pass, code).toBe(false);
      expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:07.000Z', label: 't' }, cut, [at(code, 2)]).pass, code).toBe(false);
    }
  });
  it('counts a tampered event just after --since, which is never placed in its chain', () => {
    // Events 0-5 and 7-9 placed; 6 was tampered (HASH_MISMATCH, not placed).
    const seqs = [0, 1, 2, 3, 4, 5, 7, 8, 9];
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(false);
    // Even where it claims a seq before the range: what it claims is not evidence.
    expect(integrity({ kind: 'seq', seq: 6 }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(false);
  });
  // A SEQ_DUPLICATE the chain check compared with the event it repeats and found the same (a
  // copy) repeats what was judged: it is placed by its seq. One it could not compare counts
  // wherever its seq is (from mutation testing).
  it('places a SEQ_DUPLICATE compared and found a copy by its seq, and counts an uncompared one anywhere', () => {
    const seqs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const dup = (compared: boolean): Finding => makeFinding('SEQ_DUPLICATE', { chain: 'c', seq: 2, location: { file: 'a.jsonl', line: 11 }, message: 'm', detail: { compared } });
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [dup(true)]).pass).toBe(true);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }, seqs, [dup(true)]).pass).toBe(true);
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [dup(false)]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }, seqs, [dup(false)]).pass).toBe(false);
  });
  it('counts a digest sel cannot compute as a fault: it proves nothing', () => {
    expect(integrity({ kind: 'all' }, [0, 1], [at('DIGEST_UNSUPPORTED', 1)]).pass).toBe(false);
    expect(integrity({ kind: 'all' }, [0, 1], [at('TS_REGRESSION', 1)]).pass).toBe(true); // a warning
  });
});

describe('the facts a gate reads of each event', () => {
  it('are noted only when there is something to note, and the collector counts what is noted', async () => {
    const e = (kind: string, action: string, policy: string) => ({ kind, policy_hash: policy, decision: { action } }) as unknown as SelEvent;
    const events = [e('tool.call', 'allow', 'sha256:a'), e('zone.elevate', 'allow', 'sha256:b'), e('zone.elevate', 'block', 'sha256:a'), e('zone.elevate', 'warn', 'sha256:b'), e('tool.call', 'allow', 'sha256:b')];
    const noter = await makeNoter({ kind: 'gate', policyHash: 'sha256:a' });
    const collector = new GateCollector({ kind: 'seq', seq: 0 });
    events.forEach((ev, seq) => {
      const note = noter(ev);
      collector.onEvent(event(seq), gateNote(note === null ? {} : { note }));
    });
    // Seq 0 is not in range; allowed and warned elevations count, a blocked one does not.
    expect([...collector.elevations]).toEqual(['c\u00001', 'c\u00003']);
    expect([...collector.otherPolicies]).toEqual([['sha256:b', { count: 3, first: { chain: 'c', seq: 1 } }]]);
    // Nothing to note: no facts, and none for an event whose line failed a check.
    expect(noter(events[0]!)).toBeNull();
    expect(noter(null)).toBeNull();
    expect(gateFacts(events[4]!, null)).toBeNull();
    // Equal facts are one object (a unit's result carries it once).
    expect(noter(events[1]!)).toBe(noter(events[3]!));
    // And only equal facts: another bundle, or an elevation, is not the one made before (from mutation testing).
    expect(gateFacts(e('tool.call', 'allow', 'sha256:c'), 'sha256:a')).toEqual({ type: 'gate', otherPolicy: 'sha256:c', elevation: false });
    expect(gateFacts(e('tool.call', 'allow', 'sha256:b'), 'sha256:a')).toEqual({ type: 'gate', otherPolicy: 'sha256:b', elevation: false });
    expect(gateFacts(e('zone.elevate', 'allow', 'sha256:b'), 'sha256:a')).toEqual({ type: 'gate', otherPolicy: 'sha256:b', elevation: true });
    // Facts made before are remembered up to a bound (a log naming many bundles): past it, forgotten
    // and made again (from mutation testing, second gate pass).
    const first = gateFacts(e('tool.call', 'allow', 'sha256:first'), 'sha256:a');
    expect(gateFacts(e('tool.call', 'allow', 'sha256:first'), 'sha256:a')).toBe(first);
    for (let i = 0; i < 256; i++) gateFacts(e('tool.call', 'allow', `sha256:other${i}`), 'sha256:a');
    const again = gateFacts(e('tool.call', 'allow', 'sha256:first'), 'sha256:a');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    // A gate never reads another command's note as nothing to note.
    expect(() => gateNote({ note: { type: 'impact', evaluated: false } })).toThrow();
    // Nor impact a gate's note, and impact's noter is never made of a bundle that is not
    // valid (from mutation testing).
    expect(() => impactNote({ note: noter(events[1]!)! })).toThrow();
    expect(impactNote({})).toBeNull();
    const empty = loadBundle(new Map());
    expect(empty.ok).toBe(false);
    await expect(makeNoter({ kind: 'impact', bundle: { hash: empty.hash!, files: [], inherited: [] }, ledger: [] })).rejects.toThrow(`bundle ${empty.hash} is not valid`);
  });
});

describe('a reorder', () => {
  it('counts when the runs it names reach into the range, though the event it names is before it', () => {
    const reorder = (detail: Record<string, unknown>) => makeFinding('SEQ_REORDER', { chain: 'c', seq: 3, location: { file: 'a.jsonl', line: 9 }, message: 'm', detail });
    const seqs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [reorder({ displaced: [3, 3], after: [4, 8] })]).pass).toBe(false);
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [reorder({ displaced: [2, 3], before: [4, 7] })]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }, seqs, [reorder({ displaced: [3, 3], after: [4, 8] })]).pass).toBe(false);
    // All of it before the range: not the range's.
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [reorder({ displaced: [3, 3], after: [4, 5] })]).pass).toBe(true);
  });
});

describe('findings counted but not kept (--max-findings)', () => {
  it('fail every assertion that judges findings and found none among those kept: it cannot tell', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const all = { maxSeverity: 'warning', noDivergence: true, noUnverifiable: true, requireAnchored: true, noUnreviewedElevation: true, minEvents: 1 } as const;
    const results = judge(all, c, [], 5, []);
    expect(results.map((r) => [r.name, r.pass])).toEqual([
      ['integrity', false], ['--max-severity warning', false], ['--no-divergence', false], ['--no-unverifiable', false],
      ['--require-anchored', false], ['--no-unreviewed-elevation', false], ['--min-events 1', true],
    ]);
    for (const r of results.slice(0, -1)) expect(r.reason).toBe('cannot tell: 5 finding(s) were counted but not kept (--max-findings)');
    // All kept: the same facts pass.
    expect(judge(all, c, [], 0, []).every((r) => r.pass)).toBe(true);
    // A finding kept fails its assertion as before, and says that more were not kept.
    const d = judge({ noDivergence: true }, c, [at('DECISION_DIVERGENCE', 1)], 5, []).find((r) => r.name === '--no-divergence')!;
    expect(d).toMatchObject({ pass: false, at: { file: 'a.jsonl', line: 2 } });
    expect(d.reason).toMatch(/^1 diverged decision\(s\), first DECISION_DIVERGENCE at a\.jsonl:2 \(c seq 1\) \(5 more findings were not kept/);
  });

  // Review: the errors kept and 5 TS_REGRESSION warnings left out made integrity and
  // --no-unverifiable "cannot tell", though the counts by code (all findings, kept or not) said
  // no finding of theirs was left out. A code counted as often as it was kept was not left out.
  it('judge exactly when the counts by code show none of the codes an assertion looks for was left out', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const all = { noDivergence: true, noUnverifiable: true, requireAnchored: true, noUnreviewedElevation: true } as const;
    const kept = [at('DECISION_DIVERGENCE', 0), at('DECISION_DIVERGENCE', 1)];
    const exact = judge(all, c, kept, 5, [], { DECISION_DIVERGENCE: 2, TS_REGRESSION: 5 });
    expect(exact.map((r) => [r.name, r.pass])).toEqual([
      ['integrity', true], ['--no-divergence', false], ['--no-unverifiable', true], ['--require-anchored', true], ['--no-unreviewed-elevation', true],
    ]);
    expect(exact[2]!.reason).toBe('every decision could be replayed');
    // A code counted more often than kept may be among those left out: cannot tell.
    const more = judge(all, c, kept, 5, [], { DECISION_DIVERGENCE: 2, TS_REGRESSION: 4, EXCEPTION_MISSING: 1 });
    expect(more.map((r) => [r.name, r.pass])).toEqual([
      ['integrity', true], ['--no-divergence', false], ['--no-unverifiable', false], ['--require-anchored', true], ['--no-unreviewed-elevation', false],
    ]);
    expect(more[2]!.reason).toBe('cannot tell: 5 finding(s) were counted but not kept (--max-findings)');
    expect(judge(all, c, kept, 5, [], { DECISION_DIVERGENCE: 2, TS_REGRESSION: 4, HASH_MISMATCH: 1 })[0]!.pass).toBe(false);
  });

  // The findings kept are the most severe (IntegrityVerifier.report), so none left out is more
  // severe than the least severe kept.
  it('judge exactly when a kept finding is less severe than anything the assertion looks for', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const all = { maxSeverity: 'warning', noDivergence: true, noUnverifiable: true, requireAnchored: true, noUnreviewedElevation: true } as const;
    // A warning kept: no error was left out, and every assertion about errors is judged.
    const warned = judge(all, c, [at('DECISION_DIVERGENCE', 0), at('TS_REGRESSION', 2)], 5, []);
    expect(warned.map((r) => [r.name, r.pass])).toEqual([
      ['integrity', true], ['--max-severity warning', false], ['--no-divergence', false], ['--no-unverifiable', true],
      ['--require-anchored', true], ['--no-unreviewed-elevation', true],
    ]);
    expect(warned[0]!.reason).toBe('every line in range is an intact, canonical, linked event');
    expect(warned[3]!.reason).toBe('every decision could be replayed');
    // Warnings only: --max-severity warning is judged too; note is not (a warning may be left out).
    const warnings = judge({ ...all, maxSeverity: 'warning' }, c, [at('TS_REGRESSION', 1)], 5, []);
    expect(warnings.every((r) => r.pass)).toBe(true);
    expect(judge({ maxSeverity: 'note' }, c, [at('TS_REGRESSION', 1)], 5, []).find((r) => r.name === '--max-severity note'))
      .toMatchObject({ pass: false, reason: expect.stringMatching(/^1 finding\(s\) above note/) });
    // Every kept finding an error: any error may have been left out.
    const errors = judge(all, c, [at('DECISION_DIVERGENCE', 0)], 5, []);
    expect(errors.map((r) => [r.name, r.pass])).toEqual([
      ['integrity', false], ['--max-severity warning', false], ['--no-divergence', false], ['--no-unverifiable', false],
      ['--require-anchored', false], ['--no-unreviewed-elevation', false],
    ]);
    for (const i of [0, 3, 4, 5]) expect(errors[i]!.reason).toBe('cannot tell: 5 finding(s) were counted but not kept (--max-findings)');
    // A note kept: no warning left out either, so --max-severity note is judged.
    expect(judge({ maxSeverity: 'note' }, c, [makeFinding('POLICY_USERLAND_GRANT', { message: 'm' })], 5, []).every((r) => r.pass)).toBe(true);
  });
});

describe('elevations past what the collector remembers', () => {
  it('fail --no-unreviewed-elevation: it cannot tell about them', () => {
    const limit = GateCollector.MAX_ELEVATIONS;
    const writable = GateCollector as unknown as { MAX_ELEVATIONS: number };
    writable.MAX_ELEVATIONS = 2;
    try {
      const c = new GateCollector({ kind: 'all' });
      for (const s of [0, 1, 2]) c.onEvent(event(s), { type: 'gate', otherPolicy: null, elevation: true });
      const r = judge({ noUnreviewedElevation: true }, c, [], 0, []).find((x) => x.name === '--no-unreviewed-elevation')!;
      expect(r).toMatchObject({ pass: false, reason: 'cannot tell: 1 elevation(s) past the first 2 in range were not remembered' });
      const two = new GateCollector({ kind: 'all' });
      for (const s of [0, 1]) two.onEvent(event(s), { type: 'gate', otherPolicy: null, elevation: true });
      expect(judge({ noUnreviewedElevation: true }, two, [], 0, []).find((x) => x.name === '--no-unreviewed-elevation')!.pass).toBe(true);
    } finally {
      writable.MAX_ELEVATIONS = limit;
    }
  });
});

describe('with --since TIME, an event whose ts goes back before the range after its chain entered it', () => {
  // Seqs 0-4 at seconds 0-4, then seq 5 stamped back at second 1 (a TS_REGRESSION, a warning):
  // findingInRange counts its findings (seq 5 follows seq 3, in range), so the facts of the
  // event itself must count too, or its finding is in range and the event is not.
  const since: Since = { kind: 'ts', ts: '2026-11-01T00:00:02.500Z', label: 't' };
  const backdated = (facts: Parameters<GateCollector['onEvent']>[1]) => {
    const c = new GateCollector(since);
    for (const s of [0, 1, 2, 3, 4]) c.onEvent(event(s), null);
    c.onEvent({ ...event(5), ts: '2026-11-01T00:00:01.000Z' }, facts);
    return c;
  };
  it('fails --no-unreviewed-elevation when it is an elevation allowed without its exception', () => {
    const c = backdated({ type: 'gate', otherPolicy: null, elevation: true });
    const f = at('EXCEPTION_MISSING', 5);
    expect(c.findingInRange(f)).toBe(true);
    const r = judge({ noUnreviewedElevation: true }, c, [f], 0, []).find((x) => x.name === '--no-unreviewed-elevation')!;
    expect(r.pass).toBe(false);
  });
  it('fails --policy-at when it named another bundle, and counts for --min-events', () => {
    const c = backdated({ type: 'gate', otherPolicy: 'sha256:b', elevation: false });
    const r = judge({ policyAt: { ref: 'v2', hash: 'sha256:a' }, minEvents: 3 }, c, [], 0, []);
    expect(r.find((x) => x.name === '--policy-at v2')!.pass).toBe(false);
    expect(c.eventsInRange).toBe(3);
  });
});

describe('an event of a fork branch (replayed, never placed)', () => {
  it('counts what is noted of it only where its seq is in range (from mutation testing)', () => {
    const c = new GateCollector({ kind: 'seq', seq: 1 });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    // The branch's seq 1, before the range, and seq 2, in it: each an elevation allowed under another bundle.
    for (const s of [1, 2]) c.onBranch(event(s), { type: 'gate', otherPolicy: 'sha256:b', elevation: true });
    expect([...c.elevations]).toEqual(['c\u00002']);
    expect(judge({ policyAt: { ref: 'v2', hash: 'sha256:a' } }, c, [], 0, [])[1]).toMatchObject({ pass: false, reason: '1 event(s) used another bundle, first c seq 2 under sha256:b' });
  });
});

describe('an event that arrived late (a late SEQ_REORDER; replayed, never placed)', () => {
  it('counts what is noted of it, and the findings at its seq, wherever its seq is (from mutation testing, third pass)', () => {
    const c = new GateCollector({ kind: 'seq', seq: 5 });
    for (const s of [0, 1, 3, 4, 5, 6, 7]) c.onEvent(event(s), null);
    // A divergence at seq 2, before the range: not the range's, until seq 2 arrives late.
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 2))).toBe(false);
    c.onBranch(event(2), { type: 'gate', otherPolicy: 'sha256:b', elevation: true }, true);
    expect([...c.elevations]).toEqual(['c\u00002']);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 2))).toBe(true);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 1))).toBe(false);
    // Of its own chain only: another chain's seq 2 is not late.
    expect(c.findingInRange(makeFinding('DECISION_DIVERGENCE', { chain: 'd', seq: 2, location: { file: 'a.jsonl', line: 3 }, message: 'm' }))).toBe(false);
    expect(judge({ noDivergence: true }, c, [at('DECISION_DIVERGENCE', 2)], 0, []).find((x) => x.name === '--no-divergence')!.pass).toBe(false);
    // Not late: a branch's seq 2 before the range counts nothing.
    const branch = new GateCollector({ kind: 'seq', seq: 5 });
    for (const s of [0, 1, 2, 3]) branch.onEvent(event(s), null);
    branch.onBranch(event(2), { type: 'gate', otherPolicy: 'sha256:b', elevation: true }, false);
    expect([...branch.elevations]).toEqual([]);
    expect(branch.findingInRange(at('DECISION_DIVERGENCE', 2))).toBe(false);
  });
  it('past MAX_LATE late arrivals remembered, every finding counts (fail closed)', () => {
    const limit = GateCollector.MAX_LATE;
    const writable = GateCollector as unknown as { MAX_LATE: number };
    writable.MAX_LATE = 2;
    try {
      const late = (n: number) => {
        const c = new GateCollector({ kind: 'seq', seq: 8 });
        for (const s of [0, 9]) c.onEvent(event(s), null);
        for (let s = 1; s <= n; s++) c.onBranch(event(s), null, true);
        return c;
      };
      // Two remembered: a finding at seq 5, neither late nor in range, is not the range's.
      expect(late(2).findingInRange(at('DECISION_DIVERGENCE', 2))).toBe(true);
      expect(late(2).findingInRange(at('DECISION_DIVERGENCE', 5))).toBe(false);
      // A third not remembered: it could be at any seq.
      expect(late(3).findingInRange(at('DECISION_DIVERGENCE', 5))).toBe(true);
      expect(late(3).findingInRange(at('DECISION_DIVERGENCE', 3))).toBe(true);
    } finally {
      writable.MAX_LATE = limit;
    }
  });
});

/** LEDGER_ARTIFACT_INVALID of the ledger path `path`, at `file` (the repository's label, then the path). */
const invalid = (file: string, path = file.slice(file.indexOf('ledger/'))) =>
  makeFinding('LEDGER_ARTIFACT_INVALID', { location: { file, line: 1 }, message: 'm', detail: { path } });

describe('--require-anchored and an anchor artifact sel cannot read', () => {
  it('fails: the anchor may say the log went further (a truncation it would otherwise hide)', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const anchors = [{ chain: 'c', anchors: 1, lastAnchoredSeq: 2, unanchored: null }];
    const anchored = (fs: Finding[]) => judge({ requireAnchored: true }, c, fs, 0, anchors).find((x) => x.name === '--require-anchored')!;
    expect(anchored([]).pass).toBe(true);
    expect(anchored([invalid('gov/ledger/anchors/c/60.json')])).toMatchObject({ pass: false, at: { file: 'gov/ledger/anchors/c/60.json', line: 1 } });
    expect(anchored([invalid('ledger/anchors/c/60.json')]).pass).toBe(false);
    // A review or exception that cannot be read is another assertion's business, wherever the
    // repository is: its label may hold ledger/anchors/ (it did read as an anchor).
    expect(anchored([invalid('gov/ledger/reviews/ab.json')]).pass).toBe(true);
    expect(anchored([invalid('/w/ledger/anchors/gov/ledger/reviews/ab.json', 'ledger/reviews/ab.json')]).pass).toBe(true);
    expect(anchored([invalid('/w/ledger/anchors/gov/ledger', 'ledger')]).pass).toBe(false);
    expect(anchored([invalid('/w/gov/ledger/anchors', 'ledger/anchors')]).pass).toBe(false);
    // Nor is anything outside ledger/anchors/ whose name holds it (from mutation testing).
    expect(anchored([invalid('gov/ledger/reviews/ledger', 'ledger/reviews/ledger')]).pass).toBe(true);
    expect(anchored([invalid('gov/ledger/anchors.old/c/60.json')]).pass).toBe(true);
  });
  it('fails the integrity assertion too, which is always made: it cannot tell the log was not cut', () => {
    // An anchor at seq 48, its ts without milliseconds, is not read, and the log cut back to
    // seq 39 passed every assertion but --require-anchored (found by review).
    const c = new GateCollector({ kind: 'seq', seq: 1 });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const integrityOf = (fs: Finding[]) => judge({ noDivergence: true }, c, fs, 0, []).find((x) => x.name === 'integrity')!;
    expect(integrityOf([]).pass).toBe(true);
    expect(integrityOf([invalid('gov/ledger/anchors/c/48.json')])).toMatchObject({
      pass: false,
      reason: 'cannot tell: 1 anchor artifact(s) could not be read, first LEDGER_ARTIFACT_INVALID at gov/ledger/anchors/c/48.json:1, and an anchor may say the log was cut',
      at: { file: 'gov/ledger/anchors/c/48.json', line: 1 },
    });
    expect(integrityOf([invalid('gov/ledger/exceptions/x.json')]).pass).toBe(true);
  });
});

describe('--no-divergence', () => {
  it('says how many events in range it could not judge, their bundle unknown or invalid (--no-unverifiable fails on them)', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const r = (fs: Finding[]) => judge({ noDivergence: true, noUnverifiable: true }, c, fs, 0, []);
    expect(r([]).find((x) => x.name === '--no-divergence')).toMatchObject({ pass: true, reason: 'every replayed decision matches the policy it names' });
    const unknown = [at('POLICY_UNKNOWN', 1), at('POLICY_INVALID', 2)];
    expect(r(unknown).find((x) => x.name === '--no-divergence')).toMatchObject({
      pass: true,
      reason: 'every replayed decision matches the policy it names (2 event(s) in range were not replayed, their bundle unknown or invalid: --no-unverifiable fails on them)',
    });
    expect(r(unknown).find((x) => x.name === '--no-unverifiable')!.pass).toBe(false);
  });

  it('does not say every replayed decision matches when replay gave another decision for want of a review or exception (an elevation allowed with none)', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const r = (fs: Finding[]) => judge({ noDivergence: true, noUnverifiable: true }, c, fs, 0, []);
    const missing = [at('EXCEPTION_MISSING', 1), at('REVIEW_MISSING', 2)];
    const nd = r(missing).find((x) => x.name === '--no-divergence')!;
    expect(nd.pass).toBe(true);
    expect(nd.reason).not.toContain('every replayed decision matches the policy it names (');
    expect(nd.reason).toBe('every replayed decision matches the policy it names, or lacks a ledger artifact (2 replayed decision(s) in range differ for want of a review or exception the ledger holds (REVIEW_MISSING, EXCEPTION_MISSING): --no-unverifiable fails on them)');
    expect(r(missing).find((x) => x.name === '--no-unverifiable')!.pass).toBe(false);
    // Only those in range are counted: with --since 1, the EXCEPTION_MISSING at seq 1 is not (from mutation testing).
    const since = new GateCollector({ kind: 'seq', seq: 1 });
    for (const s of [0, 1, 2]) since.onEvent(event(s), null);
    expect(judge({ noDivergence: true }, since, missing, 0, [])[1]!.reason).toContain(' (1 replayed decision(s) in range differ ');
  });
});

describe('--max-severity', () => {
  it('fails on a finding above the level named, and passes on one at it (none: on any finding) (from mutation testing)', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    // A note, a warning, an error: ranks 1-3, against limits none (0) to error (3).
    const findings = [[1, 'POLICY_USERLAND_GRANT'], [2, 'TS_REGRESSION'], [3, 'DECISION_DIVERGENCE']] as const;
    (['none', 'note', 'warning', 'error'] as const).forEach((max, limit) => {
      for (const [rank, code] of findings) {
        const r = judge({ maxSeverity: max }, c, [at(code, 1)], 0, []).find((x) => x.name === `--max-severity ${max}`)!;
        expect(r.pass, `${max} ${code}`).toBe(rank <= limit);
      }
    });
  });
});

describe('--require-anchored and events after the last anchor', () => {
  it('fails, with no finding at all, and names the unanchored events (from mutation testing)', () => {
    const c = new GateCollector({ kind: 'all' });
    for (const s of [0, 1, 2]) c.onEvent(event(s), null);
    const r = judge({ requireAnchored: true }, c, [], 0, [{ chain: 'c', anchors: 1, lastAnchoredSeq: 3, unanchored: [4, 9] }]).find((x) => x.name === '--require-anchored')!;
    expect(r).toMatchObject({ pass: false, reason: 'c: events 4–9 unanchored' });
  });
});

describe('with --since TIME, an event in range placed after one of a higher seq before the range', () => {
  it('counts findings from the first seq in range on, though they are below the highest seq before it (from mutation testing)', () => {
    const c = new GateCollector({ kind: 'ts', ts: '2026-11-01T00:00:05.000Z', label: 't' });
    c.onEvent({ ...event(5), ts: '2026-11-01T00:00:01.000Z' }, null); // before the range
    c.onEvent({ ...event(3), ts: '2026-11-01T00:00:09.000Z' }, null); // in range: it starts there
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 4))).toBe(true);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 2))).toBe(false);
  });
});

describe('the gate\'s pass/fail lines (from mutation testing, fourth pass)', () => {
  const seqs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const collect = (since: Since, facts: (s: number) => Parameters<GateCollector['onEvent']>[1] = () => null) => {
    const c = new GateCollector(since);
    for (const s of seqs) c.onEvent(event(s), facts(s));
    return c;
  };
  it('--no-unreviewed-elevation fails on every code that says an elevation was not authorised, at the elevation, and on none elsewhere', () => {
    const elevated = collect({ kind: 'all' }, (s) => (s === 4 ? { type: 'gate', otherPolicy: null, elevation: true } : null));
    for (const code of ['REVIEW_MISSING', 'REVIEW_MISMATCH', 'REVIEW_EXPIRED', 'EXCEPTION_MISSING', 'EXCEPTION_EXPIRED', 'DECISION_DIVERGENCE', 'POLICY_UNKNOWN', 'POLICY_INVALID'] as const) {
      const judged = (seq: number) => judge({ noUnreviewedElevation: true }, elevated, [at(code, seq)], 0, []).find((r) => r.name === '--no-unreviewed-elevation')!;
      expect(judged(4).pass, code).toBe(false);
      expect(judged(5).pass, code).toBe(true);
    }
  });
  it('an anchor that says the log was cut or disagrees with it, and a fork, fail integrity though they name a seq before --since', () => {
    for (const code of ['LOG_TRUNCATED', 'ANCHOR_MISMATCH', 'CHAIN_FORK'] as const) {
      expect(integrity({ kind: 'seq', seq: 7 }, seqs, [at(code, 3)]).pass, code).toBe(false);
      expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:07.500Z', label: 't' }, seqs, [at(code, 3)]).pass, code).toBe(false);
    }
  });
  it('a run that came early counts where the run it displaced reaches into the range, as the chain check reports it (its first seq, the late events before)', () => {
    const early = makeFinding('SEQ_REORDER', { chain: 'c', seq: 4, location: { file: 'a.jsonl', line: 3 }, message: 'm', detail: { displaced: [4, 8], before: [2, 3] } });
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [early]).pass).toBe(false);
    expect(integrity({ kind: 'seq', seq: 8 }, seqs, [early]).pass).toBe(true);
  });
  it('a late SEQ_REORDER (naming no runs of events) counts wherever its seq is, before the collector hears of the late event too', () => {
    const late = makeFinding('SEQ_REORDER', { chain: 'c', seq: 2, location: { file: 'a.jsonl', line: 11 }, message: 'm', detail: { reorderWindow: 64 } });
    expect(collect({ kind: 'seq', seq: 5 }).findingInRange(late)).toBe(true);
    expect(collect({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }).findingInRange(late)).toBe(true);
  });
  it('with --since TIME, a finding at the last seq before the range does not count, and one at the first seq in range does', () => {
    const c = collect({ kind: 'ts', ts: '2026-11-01T00:00:04.500Z', label: 't' });
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 4))).toBe(false);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 5))).toBe(true);
    // Placed after a higher seq before the range (as in the test above): its own seq counts too.
    const d = new GateCollector({ kind: 'ts', ts: '2026-11-01T00:00:05.000Z', label: 't' });
    d.onEvent({ ...event(5), ts: '2026-11-01T00:00:01.000Z' }, null);
    d.onEvent({ ...event(3), ts: '2026-11-01T00:00:09.000Z' }, null);
    expect(d.findingInRange(at('DECISION_DIVERGENCE', 3))).toBe(true);
  });
  it('an anchor artifact that may be among the findings not kept: integrity and --require-anchored cannot tell', () => {
    const c = collect({ kind: 'all' });
    const kept = [at('DECISION_DIVERGENCE', 1)];
    const both = { requireAnchored: true } as const;
    const judged = (counted: Record<string, number>) => judge(both, c, kept, 1, [], counted).map((r) => [r.name, r.pass]);
    expect(judged({ DECISION_DIVERGENCE: 1, LEDGER_ARTIFACT_INVALID: 1 })).toEqual([['integrity', false], ['--require-anchored', false]]);
    // Only a divergence left out: neither looks for one.
    expect(judged({ DECISION_DIVERGENCE: 2 })).toEqual([['integrity', true], ['--require-anchored', true]]);
  });
  it('one finding not kept is enough to make an assertion that found nothing say it cannot tell', () => {
    const c = collect({ kind: 'all' });
    expect(judge({ noDivergence: true }, c, [], 1, []).map((r) => r.pass)).toEqual([false, false]);
  });
  it('--min-events N passes with exactly N events in range, and fails with one fewer', () => {
    const c = collect({ kind: 'seq', seq: 6 });
    expect(c.eventsInRange).toBe(3);
    expect(judge({ minEvents: 3 }, c, [], 0, [])[1]!.pass).toBe(true);
    expect(judge({ minEvents: 4 }, c, [], 0, [])[1]!.pass).toBe(false);
  });
  it('--require-anchored fails on one event after the last anchor, and on an integrity error kept from before the range', () => {
    const c = collect({ kind: 'ts', ts: '2026-11-01T00:00:07.500Z', label: 't' });
    const anchored = (unanchored: [number, number] | null) => [{ chain: 'c', anchors: 1, lastAnchoredSeq: unanchored === null ? 9 : 8, unanchored }];
    const ra = (findings: Finding[], anchors: ReturnType<typeof anchored>) => judge({ requireAnchored: true }, c, findings, 0, anchors).find((r) => r.name === '--require-anchored')!;
    expect(ra([], anchored(null)).pass).toBe(true);
    expect(ra([], anchored([9, 9]))).toMatchObject({ pass: false, reason: 'c: events 9–9 unanchored' });
    expect(ra([at('PREV_HASH_MISMATCH', 2)], anchored(null)).pass).toBe(false);
    // A log or ledger artifact rewritten in history breaks no chain: integrity fails on it, not
    // --require-anchored, counted or kept (from mutation testing, second gate pass).
    const rewritten = makeFinding('LEDGER_REWRITTEN', { chain: null, seq: null, location: null, message: 'm' });
    expect(judge({ requireAnchored: true }, c, [rewritten], 0, anchored(null), { LEDGER_REWRITTEN: 1 }).map((r) => [r.name, r.pass])).toEqual([['integrity', false], ['--require-anchored', true]]);
    expect(judge({ requireAnchored: true }, c, [], 1, anchored(null), { DECISION_DIVERGENCE: 1 }, { LEDGER_REWRITTEN: 1, DECISION_DIVERGENCE: 1 })[1]!.pass).toBe(true);
    // An anchor that says the log was cut is named first, as it is what the assertion is about.
    expect(ra([at('PREV_HASH_MISMATCH', 2), at('LOG_TRUNCATED', 9)], anchored(null)).reason).toMatch(/^LOG_TRUNCATED at a\.jsonl:10 \(c seq 9\)$/);
  });
  it('with --since TIME, remember the highest seq of a chain before the range, whatever order they come in (from mutation testing, second gate pass)', () => {
    const c = new GateCollector({ kind: 'ts', ts: '2026-11-01T00:00:30.000Z', label: 't' });
    c.onEvent(event(6), null);
    c.onEvent(event(3), null);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 5))).toBe(false);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 6))).toBe(false);
    expect(c.findingInRange(at('DECISION_DIVERGENCE', 7))).toBe(true);
  });
});
