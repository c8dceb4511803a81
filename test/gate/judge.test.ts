/** The gate's judgement over collected facts (src/gate/gate.ts), without a repository. */
import { describe, expect, it } from 'vitest';
import { GateCollector, judge, type Since } from '../../src/gate/gate.js';
import { makeFinding, type Finding } from '../../src/findings/finding.js';
import type { PlacedEvent } from '../../src/envelope/types.js';

const event = (seq: number): PlacedEvent => ({
  kind: 'event', ref: { file: 'a.jsonl', line: seq + 1, ordinal: seq }, chain: 'c', seq, prevHash: '', hash: `h${seq}`, ts: `2026-11-01T00:00:${String(seq).padStart(2, '0')}.000Z`, findings: [], event: null,
});
const at = (code: Parameters<typeof makeFinding>[0], seq: number): Finding => makeFinding(code, { chain: 'c', seq, location: { file: 'a.jsonl', line: seq + 1 }, message: 'm' });

function integrity(since: Since, seqs: number[], findings: Finding[]) {
  const c = new GateCollector(since, null);
  for (const s of seqs) c.onEvent(event(s));
  return judge({ noDivergence: true }, c, findings, 0, []).find((r) => r.name === 'integrity')!;
}

describe('the integrity assertion', () => {
  it('counts an error about events past the log\'s end when nothing of the chain is in range (a log cut back before --since)', () => {
    const cut = [0, 1, 2, 3, 4];
    expect(integrity({ kind: 'seq', seq: 7 }, cut, [at('LOG_TRUNCATED', 9)]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:07.000Z', label: 't' }, cut, [at('LOG_TRUNCATED', 9)]).pass).toBe(false);
    // A fault before the range, in events the log holds, is not the range's.
    expect(integrity({ kind: 'seq', seq: 7 }, cut, [at('HASH_MISMATCH', 2)])).toMatchObject({ pass: true, reason: 'no integrity error, and no event in range' });
  });
  it('counts a tampered event just after --since, which is never placed in its chain', () => {
    // Events 0-5 and 7-9 placed; 6 was tampered (HASH_MISMATCH, not placed).
    const seqs = [0, 1, 2, 3, 4, 5, 7, 8, 9];
    expect(integrity({ kind: 'seq', seq: 5 }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(false);
    expect(integrity({ kind: 'ts', ts: '2026-11-01T00:00:05.500Z', label: 't' }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(false);
    expect(integrity({ kind: 'seq', seq: 6 }, seqs, [at('HASH_MISMATCH', 6)]).pass).toBe(true);
  });
  it('counts a digest sel cannot compute as a fault: it proves nothing', () => {
    expect(integrity({ kind: 'all' }, [0, 1], [at('DIGEST_UNSUPPORTED', 1)]).pass).toBe(false);
    expect(integrity({ kind: 'all' }, [0, 1], [at('TS_REGRESSION', 1)]).pass).toBe(true); // a warning
  });
});
