/**
 * The ledger as built from its files (src/policy/ledger.ts, buildLedger): an artifact is used
 * only where its content agrees with the name its path gives it (an exception's id, an
 * anchor's chain and seq); otherwise it is a problem, and not used.
 */
import { describe, expect, it } from 'vitest';
import { buildLedger } from '../../src/policy/ledger.js';
import type { ExceptionArtifact } from '../../src/policy/types.js';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

const exception = (id: string): ExceptionArtifact => ({
  v: 'sel.exception/1', id, justification: 'the status API takes its key as a query parameter', review_ref: `ledger/reviews/${'b'.repeat(64)}.json`,
  granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z',
  scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
});
const anchor = (chain: string, seq: number) => ({ v: 'sel.anchor/1', chain, seq, hash: `sha256:${'a'.repeat(64)}`, ts: '2026-11-01T12:00:00.000Z' });

describe('buildLedger: an artifact and its path', () => {
  it('uses an exception only under the path its id names (from mutation testing)', () => {
    const l = buildLedger(new Map([['ledger/exceptions/EX-A.json', bytes(exception('EX-A'))], ['ledger/exceptions/EX-C.json', bytes(exception('EX-B'))]]));
    expect([...l.exceptions.keys()]).toEqual(['ledger/exceptions/EX-A.json']);
    expect(l.exception('ledger/exceptions/EX-C.json')).toBeNull();
    expect(l.problems).toEqual([{ path: 'ledger/exceptions/EX-C.json', message: 'the artifact\'s id EX-B is not the one its path names' }]);
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
