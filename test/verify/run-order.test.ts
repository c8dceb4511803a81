/**
 * verifyLogs (src/verify/run.ts): the findings made before reading (a checkpoint's, RunOptions.
 * preFindings) are reported before the extension's first ones (begin: the repository's), and a
 * report lists findings of one place in the order they were reported. (From mutation testing:
 * no test pinned that order.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFinding } from '../../src/findings/finding.js';
import { verifyLogs } from '../../src/verify/run.js';

const CLEAN = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean');

describe('verifyLogs: findings made before the logs are read', () => {
  it('lists preFindings before the extension\'s begin findings, in the order given', async () => {
    const pre = [
      makeFinding('CHECKPOINT_MISMATCH', { location: null, message: 'pre 1' }),
      makeFinding('CHECKPOINT_MISMATCH', { location: null, message: 'pre 2' }),
    ];
    for (const jobs of [1, 2]) {
      const result = await verifyLogs([CLEAN], { preFindings: pre, jobs }, {
        onEvent: () => {},
        begin: (report) => report(makeFinding('CHECKPOINT_MISMATCH', { location: null, message: 'begin' })),
      });
      expect(result.findings.map((f) => f.message), `--jobs ${jobs}`).toEqual(['pre 1', 'pre 2', 'begin']);
    }
  });
});
