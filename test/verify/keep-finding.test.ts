/** keepFinding: a command keeps only the findings it reads; the summary still counts them all. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';

const TAMPERED = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered');

describe('keepFinding', () => {
  it('keeps what it takes, counts everything, and omits nothing it refused, on any number of threads', async () => {
    const all = await verifyLogs([TAMPERED]);
    expect(new Set(all.findings.map((f) => f.code)).size).toBeGreaterThan(5);
    for (const jobs of [1, 2]) {
      const some = await verifyLogs([TAMPERED], { ...DEFAULT_VERIFY_OPTIONS, jobs, unitBytes: 2048, keepFinding: (f) => f.code === 'HASH_MISMATCH' || f.seq === null });
      expect(some.findings).toEqual(all.findings.filter((f) => f.code === 'HASH_MISMATCH' || f.seq === null));
      expect(some.summary.findings).toEqual(all.summary.findings);
      expect(some.summary.findings.omitted).toBe(0);
    }
    // With a limit too, only findings it takes count against it.
    const capped = await verifyLogs([TAMPERED], { ...DEFAULT_VERIFY_OPTIONS, maxFindings: 1, keepFinding: (f) => f.code === 'HASH_MISMATCH' });
    expect(capped.findings.map((f) => f.code)).toEqual(['HASH_MISMATCH']);
    expect(capped.summary.findings.omitted).toBe(all.findings.filter((f) => f.code === 'HASH_MISMATCH').length - 1);
  });
});
