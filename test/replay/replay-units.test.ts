/**
 * Replay's small decisions, on its exported functions in memory (no Git): which commit and which
 * problem a POLICY_INVALID names, how a file of the ledger is named, what LEDGER_REWRITTEN says
 * of each kind of change, and what REVIEW_EXPIRED / EXCEPTION_EXPIRED at the chain's time name.
 * From mutation testing: each test kills a mutant of src/replay/replay.ts the other tests let live.
 */
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/canonical/digest.js';
import type { Finding } from '../../src/findings/finding.js';
import type { PlacedEvent, SelEvent } from '../../src/envelope/types.js';
import type { PolicyIndex } from '../../src/git/history.js';
import type { PolicyProblem } from '../../src/policy/bundle.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { inRepo, outOfForce, Replayer, replayEvent } from '../../src/replay/replay.js';

const EMPTY = buildLedger(new Map());
const HASH = digestOf('an invalid bundle');

/** A placed event under policy HASH (only what replay reads of it). */
function placed(seq: number, ts: string): PlacedEvent {
  const event = {
    v: 'sel.audit/1', chain: 'c', seq, ts, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git' },
    request_fingerprint: digestOf({ tool: 'git' }), policy_hash: HASH, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  } as unknown as SelEvent;
  return { kind: 'event', ref: { file: 'log.jsonl', line: seq + 1, ordinal: seq }, chain: 'c', seq, prevHash: HASH, hash: HASH, ts, findings: [], event };
}

describe('POLICY_INVALID names the first commit that holds the bundle, and its first problem', () => {
  const invalid = (problems: readonly PolicyProblem[]): PolicyIndex => ({
    byHash: new Map([[HASH, { hash: HASH, loaded: { ok: false, hash: HASH, problems, texts: new Map() }, commits: ['a'.repeat(40), 'b'.repeat(40)], inherited: [] }]]),
    unhashable: [],
    commitsScanned: 2,
    policyTrees: 1,
  });
  it('the oldest commit, and the first of several problems; "see sel policy check" when none is listed', () => {
    const problem = (file: string, message: string): PolicyProblem => ({ kind: 'schema', file, pointer: '', message } as PolicyProblem);
    const o = replayEvent(placed(0, '2026-11-01T00:00:00.000Z'), { index: invalid([problem('capabilities.json', 'first'), problem('trust-zones.json', 'second')]), ledger: EMPTY });
    expect(o).toMatchObject({ type: 'finding', counted: 'unverifiable', replayed: false });
    const f = (o as { finding: Finding }).finding;
    expect(f.code).toBe('POLICY_INVALID');
    expect(f.message).toBe(`the bundle ${HASH} (commit ${'a'.repeat(12)}) is invalid, so it decides nothing: policy/capabilities.json: first`);
    expect(f.detail).toEqual({ commit: 'a'.repeat(40), problems: 2 });
    const none = replayEvent(placed(0, '2026-11-01T00:00:00.000Z'), { index: invalid([]), ledger: EMPTY }) as { finding: Finding };
    expect(none.finding.message).toMatch(/is invalid, so it decides nothing: see sel policy check$/);
  });
});

describe('files of the governance repository, as findings name them', () => {
  it('under the repository as named, without the slashes a shell or a user left at its end', () => {
    expect(inRepo('gov', 'ledger/anchors/c/0.json')).toBe('gov/ledger/anchors/c/0.json');
    expect(inRepo('gov/', 'ledger/anchors/c/0.json')).toBe('gov/ledger/anchors/c/0.json');
    expect(inRepo('gov//', 'ledger/anchors/c/0.json')).toBe('gov/ledger/anchors/c/0.json');
    expect(inRepo('/srv/gov///', 'ledger/x.json')).toBe('/srv/gov/ledger/x.json');
  });
  it('LEDGER_REWRITTEN says which change each commit made: deleted, changed the type of, changed', () => {
    const found: Finding[] = [];
    const commit = (c: string) => c.repeat(40);
    new Replayer({
      index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 },
      ledger: EMPTY,
      repoLabel: 'gov/',
      ledgerRewrites: [
        { commit: commit('1'), path: 'ledger/anchors/c/0.json', status: 'D' },
        { commit: commit('2'), path: 'ledger/reviews/x.json', status: 'T' },
        { commit: commit('3'), path: 'ledger/exceptions/E.json', status: 'M' },
      ],
    }, (f) => found.push(f)).ledgerFindings();
    expect(found.map((f) => [f.code, f.location?.file, f.message])).toEqual([
      ['LEDGER_REWRITTEN', 'gov/ledger/anchors/c/0.json', `commit ${'1'.repeat(12)} deleted ledger/anchors/c/0.json: ledger artifacts are only ever added, never changed or removed`],
      ['LEDGER_REWRITTEN', 'gov/ledger/reviews/x.json', `commit ${'2'.repeat(12)} changed the type of ledger/reviews/x.json: ledger artifacts are only ever added, never changed or removed`],
      ['LEDGER_REWRITTEN', 'gov/ledger/exceptions/E.json', `commit ${'3'.repeat(12)} changed ledger/exceptions/E.json: ledger artifacts are only ever added, never changed or removed`],
    ]);
  });
});

describe('anchors of a chain resumed from a checkpoint', () => {
  it('a checkpoint that holds a chain at seq 0 (no event accepted) and a run that reads none of it: the log holds no event of it, not "ends at seq -1"', () => {
    const anchor = { v: 'sel.anchor/1', chain: 'c', seq: 0, hash: HASH, ts: '2026-11-01T00:00:00.000Z' };
    const ledger = buildLedger(new Map([['ledger/anchors/c/0.json', Buffer.from(JSON.stringify(anchor))]]));
    expect(ledger.problems).toEqual([]);
    const found: Finding[] = [];
    const r = new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger, repoLabel: 'gov', starts: [{ chain: 'c', next: 0 }] }, (f) => found.push(f));
    expect(r.finish([])).toEqual([]);
    expect(found.map((f) => [f.code, f.message, f.actual])).toEqual([['LOG_TRUNCATED', 'the log holds no event of chain c, which is anchored up to at least seq 0', null]]);
  });
  it('a chain anchored that the log never names: LOG_TRUNCATED with `actual` null, not left out', () => {
    const ledger = buildLedger(new Map([['ledger/anchors/z/4.json', Buffer.from(JSON.stringify({ v: 'sel.anchor/1', chain: 'z', seq: 4, hash: HASH, ts: '2026-11-01T00:00:00.000Z' }))]]));
    const found: Finding[] = [];
    new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger, repoLabel: 'gov' }, (f) => found.push(f)).finish([]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'LOG_TRUNCATED', chain: 'z', seq: 4, location: { file: 'gov/ledger/anchors/z/4.json', line: 1 }, expected: 4, actual: null, detail: { anchor: 'ledger/anchors/z/4.json' } });
    expect(found[0]!.message).toBe('the log holds no event of chain z, which is anchored up to at least seq 4');
  });
});

describe('anchors of a chain resumed from a checkpoint (2)', () => {
  it('a run that reads only an event of the chain it does not accept (a copy): the chain still ends where the checkpoint left it', () => {
    const anchor = { v: 'sel.anchor/1', chain: 'c', seq: 3, hash: HASH, ts: '2026-11-01T00:00:00.000Z' };
    const ledger = buildLedger(new Map([['ledger/anchors/c/3.json', Buffer.from(JSON.stringify(anchor))]]));
    const found: Finding[] = [];
    const r = new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger, repoLabel: 'gov', starts: [{ chain: 'c', next: 6 }] }, (f) => found.push(f));
    const copyOnly = { chain: 'c', events: 1, firstSeq: null, lastSeq: null, firstTs: null, lastTs: null, head: null };
    expect(r.finish([copyOnly])).toEqual([{ chain: 'c', anchors: 1, lastAnchoredSeq: 3, unanchored: [4, 5] }]);
    expect(found).toEqual([]);
  });
});

describe('the last anchor of a chain', () => {
  it('is the greatest seq anchored, not the last anchor file in path order (ledger/anchors/c/10.json sorts before 9.json)', () => {
    const anchor = (seq: number) => [`ledger/anchors/c/${seq}.json`, Buffer.from(JSON.stringify({ v: 'sel.anchor/1', chain: 'c', seq, hash: HASH, ts: '2026-11-01T00:00:00.000Z' }))] as const;
    const ledger = buildLedger(new Map([anchor(9), anchor(10)]));
    const r = new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger, repoLabel: 'gov', starts: [{ chain: 'c', next: 13 }] }, () => undefined);
    expect(r.finish([])).toEqual([{ chain: 'c', anchors: 2, lastAnchoredSeq: 10, unanchored: [11, 12] }]);
  });
});

describe('an artifact a decision relied on, judged again at the chain\'s later time (outOfForce)', () => {
  const decision = { action: 'allow', rule: 'secrets.status-query', severity: 'low' } as const;
  const block = { action: 'block', rule: 'secrets.leak-prone', severity: 'high' } as const;
  const rec = placed(3, '2026-11-02T00:00:00.000Z');
  const exception = {
    kind: 'exception' as const, ref: 'ledger/exceptions/E.json', from: '2026-11-01T00:00:00.000Z', until: '2026-11-10T00:00:00.000Z', without: block,
    review: { ref: 'ledger/reviews/r.json', from: '2026-11-01T00:00:00.000Z', until: '2026-11-04T00:00:00.000Z' },
  };
  it('in force at that time too (its review as well): nothing; at an until exactly: expired', () => {
    expect(outOfForce(rec, rec.ts!, '2026-11-03T23:59:59.999Z', 2, { decision, artifacts: [exception] })).toBeNull();
    expect(outOfForce(rec, rec.ts!, '2026-11-04T00:00:00.000Z', 2, { decision, artifacts: [exception] })?.code).toBe('EXCEPTION_EXPIRED');
  });
  it('the exception in force but the review it names expired: EXCEPTION_EXPIRED naming both, the review\'s expiry, the chain\'s time and its seq', () => {
    const f = outOfForce(rec, rec.ts!, '2026-11-05T00:00:00.000Z', 2, { decision, artifacts: [exception] })!;
    expect(f).toMatchObject({ code: 'EXCEPTION_EXPIRED', chain: 'c', seq: 3, location: { file: 'log.jsonl', line: 4 }, expected: block, actual: decision });
    expect(f.detail).toEqual({
      exception: 'ledger/exceptions/E.json', review: 'ledger/reviews/r.json', status: 'expired',
      ts: '2026-11-02T00:00:00.000Z', chainTs: '2026-11-05T00:00:00.000Z', chainTsSeq: 2, expires_at: '2026-11-04T00:00:00.000Z',
    });
    expect(f.message).toBe('recorded allow at ts 2026-11-02T00:00:00.000Z, which goes back before seq 2\'s 2026-11-05T00:00:00.000Z; at that time review ledger/reviews/r.json, which exception ledger/exceptions/E.json names, had expired (expires_at 2026-11-04T00:00:00.000Z)');
  });
});

describe('the time of a fork branch, after each of its events (Replayer#onBranch)', () => {
  it('a branch event dated the chain\'s time exactly leaves it as it was: the next one, backdated, names the seq that first had that time, as the chain does', () => {
    const exception = { kind: 'exception' as const, ref: 'ledger/exceptions/E.json', from: '2026-11-01T00:00:00.000Z', until: '2026-11-05T00:00:00.000Z', without: { action: 'block', rule: 'secrets.leak-prone', severity: 'high' } as const };
    const allow = { action: 'allow', rule: 'secrets.status-query', severity: 'low' } as const;
    const at = (seq: number, ts: string, hash: string, prevHash: string, replay: NonNullable<PlacedEvent['replay']>): PlacedEvent => ({ ...placed(seq, ts), hash, prevHash, replay });
    const found: Finding[] = [];
    const r = new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger: EMPTY, repoLabel: 'gov' }, (f) => found.push(f));
    const h = (n: number) => digestOf(`event ${n}`);
    r.onEvent(at(0, '2026-11-03T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r.onEvent(at(1, '2026-11-06T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    // A branch off seq 1: its seq 2 at the chain's time exactly, its seq 3 back inside the exception's window.
    r.onBranch(at(2, '2026-11-06T00:00:00.000Z', h(12), h(1), { type: 'matched' }));
    r.onBranch(at(3, '2026-11-02T00:00:00.000Z', h(13), h(12), { type: 'matched', relied: { decision: allow, artifacts: [exception] } }));
    expect(found.map((f) => [f.code, f.seq, f.detail?.['chainTs'], f.detail?.['chainTsSeq']])).toEqual([['EXCEPTION_EXPIRED', 3, '2026-11-06T00:00:00.000Z', 1]]);
    expect(r.replayCounts()).toEqual({ events: 4, replayed: 4, matched: 3, diverged: 1, unverifiable: 0, skipped: 0 });
  });
});

describe('the chain\'s time an artifact is judged again at (Replayer#onEvent, #timeBeforeBranch; from mutation testing)', () => {
  const exception = { kind: 'exception' as const, ref: 'ledger/exceptions/E.json', from: '2026-11-01T00:00:00.000Z', until: '2026-11-05T00:00:00.000Z', without: { action: 'block', rule: 'secrets.leak-prone', severity: 'high' } as const };
  const allow = { action: 'allow', rule: 'secrets.status-query', severity: 'low' } as const;
  const relied: NonNullable<PlacedEvent['replay']> = { type: 'matched', relied: { decision: allow, artifacts: [exception] } };
  const h = (n: number) => digestOf(`event ${n}`);
  const at = (seq: number, ts: string, hash: string, prevHash: string, replay: NonNullable<PlacedEvent['replay']>): PlacedEvent => ({ ...placed(seq, ts), hash, prevHash, replay });
  const replayer = (found: Finding[], starts?: ConstructorParameters<typeof Replayer>[0]['starts']) =>
    new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger: EMPTY, repoLabel: 'gov', ...(starts === undefined ? {} : { starts }) }, (f) => found.push(f));
  const said = (found: Finding[]) => found.map((f) => [f.code, f.seq, f.detail?.['chainTs'], f.detail?.['chainTsSeq']]);

  it('two events of the chain at the same latest ts: a later backdated one names the first seq that had it', () => {
    const found: Finding[] = [];
    const r = replayer(found);
    r.onEvent(at(0, '2026-11-06T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r.onEvent(at(1, '2026-11-06T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    r.onEvent(at(2, '2026-11-02T00:00:00.000Z', h(2), h(1), relied));
    expect(said(found)).toEqual([['EXCEPTION_EXPIRED', 2, '2026-11-06T00:00:00.000Z', 0]]);
  });

  it('a branch from seq 0 has no time before it: the chain\'s later time does not expire what its event relied on', () => {
    const found: Finding[] = [];
    const r = replayer(found);
    r.onEvent(at(0, '2026-11-03T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r.onEvent(at(1, '2026-11-06T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    const branch = at(0, '2026-11-02T00:00:00.000Z', h(10), h(98), relied);
    expect(r.timeBeforeBranch(branch)).toBeUndefined();
    r.onBranch(branch);
    expect(found).toEqual([]);
  });

  it('a branch off seq 1 is judged at the chain\'s time after seq 0, not after the seq 1 it replaces', () => {
    const found: Finding[] = [];
    const r = replayer(found);
    r.onEvent(at(0, '2026-11-02T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r.onEvent(at(1, '2026-11-06T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    const branch = at(1, '2026-11-03T00:00:00.000Z', h(11), h(0), relied);
    expect(r.timeBeforeBranch(branch)).toEqual({ ts: '2026-11-02T00:00:00.000Z', seq: 0 });
    r.onBranch(branch);
    expect(found).toEqual([]);
    expect(r.replayCounts()).toEqual({ events: 3, replayed: 3, matched: 3, diverged: 0, unverifiable: 0, skipped: 0 });
  });

  it('a branch\'s next event is judged at its branch\'s time, later than the chain\'s there, or the chain\'s where the branch left it when its ts is not later', () => {
    const found: Finding[] = [];
    const r = replayer(found);
    r.onEvent(at(0, '2026-11-02T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r.onEvent(at(1, '2026-11-03T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    // Off seq 0: dated later than the chain at seq 1, then back inside the exception's window.
    r.onBranch(at(1, '2026-11-06T00:00:00.000Z', h(11), h(0), { type: 'matched' }));
    r.onBranch(at(2, '2026-11-04T00:00:00.000Z', h(12), h(11), relied));
    expect(said(found)).toEqual([['EXCEPTION_EXPIRED', 2, '2026-11-06T00:00:00.000Z', 1]]);
    const found2: Finding[] = [];
    const r2 = replayer(found2);
    r2.onEvent(at(0, '2026-11-06T00:00:00.000Z', h(0), h(99), { type: 'matched' }));
    r2.onEvent(at(1, '2026-11-07T00:00:00.000Z', h(1), h(0), { type: 'matched' }));
    // Off seq 0, backdated: the branch is at the chain's time after seq 0, not after seq 1.
    r2.onBranch(at(1, '2026-11-02T00:00:00.000Z', h(11), h(0), { type: 'matched' }));
    r2.onBranch(at(2, '2026-11-03T00:00:00.000Z', h(12), h(11), relied));
    expect(said(found2)).toEqual([['EXCEPTION_EXPIRED', 2, '2026-11-06T00:00:00.000Z', 0]]);
  });

  it('an event under a policy_hash that names no version: POLICY_UNKNOWN, unverifiable, not counted as replayed', () => {
    const found: Finding[] = [];
    const r = replayer(found);
    r.onEvent(placed(0, '2026-11-02T00:00:00.000Z'));
    expect(found.map((f) => [f.code, f.seq, f.actual])).toEqual([['POLICY_UNKNOWN', 0, HASH]]);
    expect(r.replayCounts()).toEqual({ events: 1, replayed: 0, matched: 0, diverged: 0, unverifiable: 1, skipped: 0 });
  });

  it('a chain resumed from a checkpoint goes on at the time the checkpoint left it', () => {
    const found: Finding[] = [];
    const r = replayer(found, [{ chain: 'c', next: 5, latest: { seq: 4, ts: '2026-11-06T00:00:00.000Z' } }]);
    r.onEvent(at(5, '2026-11-02T00:00:00.000Z', h(5), h(4), relied));
    expect(said(found)).toEqual([['EXCEPTION_EXPIRED', 5, '2026-11-06T00:00:00.000Z', 4]]);
  });
});
