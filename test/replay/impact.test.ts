/** `sel impact`'s comparison (src/replay/impact.ts): a decision changes when any of its three members does. */
import { describe, expect, it } from 'vitest';
import { sameDecision } from '../../src/replay/impact.js';

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
