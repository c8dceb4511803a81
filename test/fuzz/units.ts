/**
 * --jobs against one thread on fuzzed logs: every mutation of a valid log (a byte inserted,
 * deleted or flipped, a truncation, a duplicated or swapped line), cut into units of a random
 * size, checked by 2 or 3 threads, with or without the main thread's share, must give exactly
 * the one-thread result; and with a release gate's notes (src/verify/notes.ts), the same notes
 * on the same records. Shared by the test suite (few cases) and `npm run fuzz` (many). Real
 * files in a temporary directory and real worker threads (the built dist/ worker).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { verifyLogs, type VerifyExtension } from '../../src/verify/run.js';
import { gateNote } from '../../src/verify/notes.js';
import type { GateFacts } from '../../src/gate/facts.js';
import { digestOf } from '../../src/canonical/digest.js';
import { mutate, mutation } from './properties.js';

/** Counts what the property compared, for the long run's report. */
export const unitStats = { logs: 0, findings: 0, notes: 0 };

/** A bundle no event of the fuzzed log names: a gate whose --policy-at names it notes every intact event. */
const OTHER_POLICY = digestOf({ policy: 'fuzz-other' });

/** A gate's notes, record by record: its line, chain, seq and facts. */
type Noted = [number, string, number, GateFacts | null][];

function noting(into: Noted): VerifyExtension {
  return { note: { kind: 'gate', policyHash: OTHER_POLICY }, onEvent: (rec) => void into.push([rec.ref.line, rec.chain, rec.seq, gateNote(rec)]) };
}

export function unitsAgree(dir: string) {
  let n = 0;
  return fc.asyncProperty(
    mutation,
    fc.integer({ min: 1, max: 3000 }),
    fc.constantFrom(2, 3),
    fc.boolean(),
    fc.boolean(),
    async (m, unitBytes, jobs, mainThreadUnits, withNotes) => {
      const bytes = mutate(m);
      if (bytes === null) return;
      const log = join(dir, `fuzz-${n++}.jsonl`);
      writeFileSync(log, bytes);
      const oneNoted: Noted = [];
      const manyNoted: Noted = [];
      const one = await verifyLogs([log], { jobs: 1 }, withNotes ? noting(oneNoted) : null);
      const many = await verifyLogs([log], { jobs, unitBytes, mainThreadUnits }, withNotes ? noting(manyNoted) : null);
      rmSync(log);
      unitStats.logs++;
      unitStats.findings += one.findings.length;
      unitStats.notes += oneNoted.filter((x) => x[3] !== null).length;
      const how = `--jobs ${jobs} with ${unitBytes}-byte units${mainThreadUnits ? '' : ', all in workers'}`;
      if (!isDeepStrictEqual(many, one)) throw new Error(`${how} differs from one thread`);
      if (!isDeepStrictEqual(manyNoted, oneNoted)) throw new Error(`${how}: a gate's notes differ from one thread's`);
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
