/**
 * --jobs against one thread on fuzzed logs: every mutation of a valid log (a byte inserted,
 * deleted or flipped, a truncation, a duplicated or swapped line), cut into units of a random
 * size, checked by 2 or 3 threads, with or without the main thread's share, must give exactly
 * the one-thread result. Shared by the test suite (few cases) and `npm run fuzz` (many). Real
 * files in a temporary directory and real worker threads (the built dist/ worker).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { verifyLogs } from '../../src/verify/run.js';
import { mutate, mutation } from './properties.js';

/** Counts what the property compared, for the long run's report. */
export const unitStats = { logs: 0, findings: 0 };

export function unitsAgree(dir: string) {
  let n = 0;
  return fc.asyncProperty(
    mutation,
    fc.integer({ min: 1, max: 3000 }),
    fc.constantFrom(2, 3),
    fc.boolean(),
    async (m, unitBytes, jobs, mainThreadUnits) => {
      const bytes = mutate(m);
      if (bytes === null) return;
      const log = join(dir, `fuzz-${n++}.jsonl`);
      writeFileSync(log, bytes);
      const one = await verifyLogs([log], { jobs: 1 });
      const many = await verifyLogs([log], { jobs, unitBytes, mainThreadUnits });
      rmSync(log);
      unitStats.logs++;
      unitStats.findings += one.findings.length;
      if (!isDeepStrictEqual(many, one)) throw new Error(`--jobs ${jobs} with ${unitBytes}-byte units${mainThreadUnits ? '' : ', all in workers'} differs from one thread`);
    },
  );
}

/** A temporary directory for the property's logs. */
export function fuzzDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sel-fuzz-units-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `body` with a temporary directory for a property's logs, removed after. */
export async function inFuzzDir(body: (dir: string) => Promise<void>): Promise<void> {
  const f = fuzzDir();
  try {
    await body(f.dir);
  } finally {
    f.remove();
  }
}
