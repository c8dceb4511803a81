/** `sel impact`'s comparison (src/replay/impact.ts): a decision changes when any of its three members does. */
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/canonical/digest.js';
import type { SelEvent } from '../../src/envelope/types.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { evalInputOf, impactOf, sameDecision } from '../../src/replay/impact.js';
import { compiled } from '../helpers/policy.js';

describe('sameDecision', () => {
  it('tells decisions apart by action, rule or severity alone (from mutation testing: no test saw a version that changes only a severity or only a rule)', () => {
    const d = { action: 'warn', rule: 'secrets.status-query', severity: 'medium' } as const;
    expect(sameDecision(d, { ...d })).toBe(true);
    expect(sameDecision(d, { ...d, action: 'review' })).toBe(false);
    expect(sameDecision(d, { ...d, rule: 'secrets.other' })).toBe(false);
    expect(sameDecision(d, { ...d, rule: null })).toBe(false);
    expect(sameDecision(d, { ...d, severity: 'high' })).toBe(false);
  });
});

describe('impactOf and evalInputOf (from mutation testing)', () => {
  const policy = compiled();
  /** NPM_TOKEN as a bearer to the registry: gated to review under the sample policy. */
  const request = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
  const fp = digestOf(request);
  const reviewPath = `ledger/reviews/${fp.slice(7)}.json`;
  const ledger = buildLedger(new Map([[reviewPath, Buffer.from(JSON.stringify({
    v: 'sel.review/1', request_fingerprint: fp, policy_hash: policy.hash, decision: 'approved', reviewer: 'alice@example.com',
    reviewed_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-11-05T00:00:00.000Z',
  }))]]));
  const event = (decision: SelEvent['decision']): SelEvent => ({
    v: 'sel.audit/1', chain: 'c', seq: 0, ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: { id: 'coder', zone: 'executor' },
    request, request_fingerprint: fp, policy_hash: policy.hash, decision,
  } as unknown as SelEvent);
  const allow = { action: 'allow', rule: 'secrets.npm-publish', severity: 'medium' } as const;

  it('an event whose line failed a check is noted as not evaluated', () => {
    expect(impactOf(policy, null, ledger)).toEqual({ type: 'impact', evaluated: false });
  });
  it('a decision the same under the policy is noted only when it relied on a review: the review\'s window, for the chain\'s time', () => {
    expect(impactOf(policy, event(allow), buildLedger(new Map()))).toMatchObject({ evaluated: true, recorded: allow, would: { action: 'review' } });
    const note = impactOf(policy, event(allow), ledger);
    expect(note).toMatchObject({ type: 'impact', evaluated: true, kind: 'secret.inject', recorded: allow, would: allow });
    expect(note).toHaveProperty('relied.decision', allow);
    expect((note as { relied: { artifacts: readonly unknown[] } }).relied.artifacts).toEqual([
      expect.objectContaining({ kind: 'review', ref: reviewPath, from: '2026-11-01T00:00:00.000Z', until: '2026-11-05T00:00:00.000Z' }),
    ]);
    const tool = { ...event({ action: 'allow', rule: 'cap.coder', severity: 'info' }), kind: 'tool.invoke', request: { tool: 'git' } } as SelEvent;
    expect(impactOf(policy, tool, ledger)).toBeNull();
  });
  it('an event without exception_ref names none (null), so an exception is "not named", not "not in the ledger"', () => {
    expect(evalInputOf(event(allow)).exceptionRef).toBeNull();
    expect(evalInputOf({ ...event(allow), exception_ref: 'ledger/exceptions/E.json' } as SelEvent).exceptionRef).toBe('ledger/exceptions/E.json');
  });
});
