/**
 * The ledger as built from its files (src/policy/ledger.ts, buildLedger): an artifact is used
 * only where its content agrees with the name its path gives it (an exception's id, an
 * anchor's chain and seq); otherwise it is a problem, and not used.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLedger, MAX_ARTIFACT_BYTES } from '../../src/policy/ledger.js';
import type { ExceptionArtifact, ReviewArtifact } from '../../src/policy/types.js';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const review = (hex64: string, extra: Record<string, unknown> = {}): ReviewArtifact => ({
  v: 'sel.review/1', request_fingerprint: `sha256:${hex64}`, policy_hash: `sha256:${'c'.repeat(64)}`, decision: 'approved', reviewer: 'alice',
  reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-12-01T00:00:00.000Z', ...extra,
} as ReviewArtifact);
/** The artifact's JSON with spaces after it, `size` bytes in all (white space after JSON is JSON). */
const padded = (v: unknown, size: number) => {
  const t = JSON.stringify(v);
  return new TextEncoder().encode(t + ' '.repeat(size - t.length));
};

const exception = (id: string): ExceptionArtifact => ({
  v: 'sel.exception/1', id, justification: 'the status API takes its key as a query parameter', review_ref: `ledger/reviews/${'b'.repeat(64)}.json`,
  granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z',
  scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
});
const anchor = (chain: string, seq: number) => ({ v: 'sel.anchor/1', chain, seq, hash: `sha256:${'a'.repeat(64)}`, ts: '2026-11-01T12:00:00.000Z' });

describe('buildLedger: an artifact and its path', () => {
  it('uses an exception only under the path its id names (from mutation testing)', () => {
    const l = buildLedger(new Map([['ledger/exceptions/EX-A.json', bytes(exception('EX-A'))], ['ledger/exceptions/EX-C.json', bytes(exception('EX-B'))], ['ledger/exceptions/ex-d.json', bytes(exception('EX-D'))]]));
    expect([...l.exceptions.keys()]).toEqual(['ledger/exceptions/EX-A.json']);
    expect(l.exception('ledger/exceptions/EX-C.json')).toBeNull();
    // Ids are compared as written: EX-D is not ex-d.
    expect(l.exception('ledger/exceptions/ex-d.json')).toBeNull();
    expect(l.problems).toEqual([
      { path: 'ledger/exceptions/EX-C.json', message: 'the artifact\'s id EX-B is not the one its path names' },
      { path: 'ledger/exceptions/ex-d.json', message: 'the artifact\'s id EX-D is not the one its path names' },
    ]);
  });
  it('uses a review only under the path its request_fingerprint names: not by its path, not by its fingerprint (from mutation testing)', () => {
    // An exception's review_ref names a path (reviewAt): a review of the exception kept under
    // another review's path would otherwise approve it there.
    const [a, b] = [hex('a'), hex('b')];
    const l = buildLedger(new Map([[`ledger/reviews/${a}.json`, bytes(review(b))], [`ledger/reviews/${b}.json.bak`, bytes(review(b))]]));
    expect(l.reviews.size).toBe(0);
    for (const fp of [a, b]) {
      expect(l.review(`sha256:${fp}`)).toBeNull();
      expect(l.reviewAt(`ledger/reviews/${fp}.json`)).toBeNull();
    }
    expect(l.reviewAt(`ledger/reviews/${b}.json.bak`)).toBeNull();
    expect(l.problems).toEqual([
      { path: `ledger/reviews/${b}.json.bak`, message: 'the file is in a directory of artifacts, but its name is not an artifact\'s (SPEC.md section 5: <64 hex>.json, <id>.json, <chain>/<seq>.json): it is not used' },
      { path: `ledger/reviews/${a}.json`, message: `the artifact is for sha256:${b}, not the fingerprint its path names` },
    ]);
  });
  it('finds what it holds by fingerprint and by path, and nothing else (from mutation testing)', () => {
    const [a, b] = [hex('a'), hex('b')];
    const l = buildLedger(new Map([[`ledger/reviews/${a}.json`, bytes(review(a))], ['ledger/exceptions/EX-A.json', bytes(exception('EX-A'))]]));
    expect(l.problems).toEqual([]);
    expect(l.review(`sha256:${a}`)).toEqual(review(a));
    expect(l.reviewAt(`ledger/reviews/${a}.json`)).toEqual(review(a));
    expect(l.exception('ledger/exceptions/EX-A.json')).toEqual(exception('EX-A'));
    expect(l.review(`sha256:${b}`)).toBeNull();
    expect(l.reviewAt(`ledger/reviews/${b}.json`)).toBeNull();
    expect(l.reviewAt('ledger/exceptions/EX-A.json')).toBeNull();
    expect(l.exception('ledger/exceptions/EX-B.json')).toBeNull();
    expect(l.exception(`ledger/reviews/${a}.json`)).toBeNull();
  });
  it('uses an anchor only under the path its chain and seq name (from mutation testing)', () => {
    const l = buildLedger(new Map([
      ['ledger/anchors/prod/5.json', bytes(anchor('prod', 5))],
      ['ledger/anchors/prod/6.json', bytes(anchor('other', 6))],
      ['ledger/anchors/prod/7.json', bytes(anchor('prod', 8))],
    ]));
    expect([...l.anchors.keys()]).toEqual(['ledger/anchors/prod/5.json']);
    expect(l.problems).toEqual([
      { path: 'ledger/anchors/prod/6.json', message: 'the anchor is for other/6, not the chain and seq its path names' },
      { path: 'ledger/anchors/prod/7.json', message: 'the anchor is for prod/8, not the chain and seq its path names' },
    ]);
  });
});

describe('buildLedger: an artifact that is not used (from mutation testing)', () => {
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(hex) as [string, string, string, string, string];
  it('is one over the size limit; one of exactly the limit is used', () => {
    const l = buildLedger(new Map([[`ledger/reviews/${a}.json`, padded(review(a), MAX_ARTIFACT_BYTES)], [`ledger/reviews/${b}.json`, padded(review(b), MAX_ARTIFACT_BYTES + 1)]]));
    expect([...l.reviews.keys()]).toEqual([`ledger/reviews/${a}.json`]);
    expect(l.review(`sha256:${b}`)).toBeNull();
    expect(l.problems).toEqual([{ path: `ledger/reviews/${b}.json`, message: `the artifact is ${MAX_ARTIFACT_BYTES + 1} bytes, more than ${MAX_ARTIFACT_BYTES}` }]);
  });
  it('is one with a byte that is not UTF-8, even inside a string (read as U+FFFD it would be valid)', () => {
    const text = Buffer.from(JSON.stringify(review(a, { comment: 'ok X' })));
    text[text.indexOf('X')] = 0xff;
    const l = buildLedger(new Map([[`ledger/reviews/${a}.json`, new Uint8Array(text)]]));
    expect(l.review(`sha256:${a}`)).toBeNull();
    expect(l.problems).toEqual([{ path: `ledger/reviews/${a}.json`, message: 'the artifact is not UTF-8' }]);
  });
  it('is one that fails its schema: a decision that is not approved or rejected, an unknown member, a missing expiry', () => {
    const { expires_at: _, ...open } = review(c);
    const l = buildLedger(new Map([
      [`ledger/reviews/${a}.json`, bytes(review(a, { decision: 'Approved' }))],
      [`ledger/reviews/${b}.json`, bytes(review(b, { approved_by: 'root' }))],
      [`ledger/reviews/${c}.json`, bytes(open)],
      [`ledger/exceptions/EX-A.json`, bytes({ ...exception('EX-A'), scope: { ...exception('EX-A').scope, kind: 'any' } })],
    ]));
    expect([l.reviews.size, l.exceptions.size]).toEqual([0, 0]);
    expect(l.problems.map((p) => p.path)).toEqual(['ledger/exceptions/EX-A.json', ...[a, b, c].map((h) => `ledger/reviews/${h}.json`).sort()]);
    expect(l.problems.find((p) => p.path === `ledger/reviews/${a}.json`)?.message).toBe('/decision must be one of "approved", "rejected"');
  });
  it('is one at a path no artifact may have, reported in path order whatever order the files come in; a dot file is not reported', () => {
    const l = buildLedger(new Map([
      [`ledger/reviews/${d.toUpperCase()}.json`, bytes(review(d.toUpperCase()))],
      ['ledger/notes.json', bytes({})],
      ['ledger/reviews/.gitkeep', new Uint8Array()],
      ['ledger/anchors/prod/05.json', bytes({ v: 'sel.anchor/1', chain: 'prod', seq: 5, hash: `sha256:${e}`, ts: '2026-11-01T12:00:00.000Z' })],
      ['ledger/exceptions/.keep.json.swp', new Uint8Array([0xff])],
      [`ledger/reviews/${e}.JSON`, bytes(review(e))],
    ]));
    const notWhere = 'the file is not where a review, exception or anchor may be (see SPEC.md section 5)';
    const notNamed = 'the file is in a directory of artifacts, but its name is not an artifact\'s (SPEC.md section 5: <64 hex>.json, <id>.json, <chain>/<seq>.json): it is not used';
    expect(l.problems).toEqual([
      { path: 'ledger/anchors/prod/05.json', message: notWhere },
      { path: 'ledger/notes.json', message: notWhere },
      { path: `ledger/reviews/${d.toUpperCase()}.json`, message: notWhere },
      { path: `ledger/reviews/${e}.JSON`, message: notNamed },
    ]);
    expect([l.reviews.size, l.anchors.size]).toEqual([0, 0]);
  });
});
