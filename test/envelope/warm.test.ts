// The line check's first WARM_LINES lines in a thread skip its caches' shortcuts (fast.ts);
// the lines after take them. This file runs in a process of its own (vitest's forks pool),
// so its lines are a thread's first: the answers must not change where the shortcuts begin.
import { describe, expect, it } from 'vitest';
import { interleavedLines } from '../helpers/chains.js';
import { agreed, DROP, KEEP } from '../fuzz/fast-path.js';
import { digestOf } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';

describe('the fast path before and after its caches are used', () => {
  it('accepts every clean line with the full check\'s record, on either side of the first 256', () => {
    // 4 chains x 100 events, each line checked twice by agreed() (both scanners): the
    // shortcuts begin around line 128 and are taken for the rest.
    const lines = interleavedLines(100, ['prod', 'staging', 'a.b_c-d', 'Z9']);
    for (const [i, line] of lines.entries()) {
      const r = agreed(Buffer.from(line), i % 2 === 0 ? KEEP : DROP);
      expect(r, `line ${i}`).not.toBeNull();
    }
  });

  it('still refuses a prev_hash or policy_hash in a form the full check rejects, once the caches are in use', () => {
    const lines = interleavedLines(4, ['late']);
    let refused = 0;
    for (const [i, line] of lines.entries()) {
      // Upper-case digits: not the chain's last hash, nor a recent policy, so checked in full.
      const upper = (member: string) => line.replace(new RegExp(`"${member}":"sha256:([0-9a-f]{64})"`), (_m, d: string) => `"${member}":"sha256:${d.toUpperCase()}"`);
      for (const bad of [upper('prev_hash'), upper('policy_hash')]) {
        if (bad === line) continue; // the genesis prev_hash has no letters
        expect(agreed(Buffer.from(bad)), `line ${i}`).toBeNull();
        refused++;
      }
    }
    expect(refused).toBe(7);
  });

  it('never takes an empty prev_hash or policy_hash for a cached one: a new chain has no last hash, an empty slot no policy', () => {
    // The caches' empty slots held "" (now undefined), and "" as a digest passed the schema's
    // digest format (canonical/digest.ts, found by mutation testing): only the digests' length
    // check kept a re-sealed "prev_hash":"" as a new chain's first event, or "policy_hash":""
    // while fewer policies than slots had been seen, off the fast path.
    const reseal = (line: string, member: string): Buffer => {
      const e = JSON.parse(line) as Record<string, unknown>;
      e[member] = '';
      delete e['hash'];
      e['hash'] = digestOf(e);
      return Buffer.from(canonicalize(e));
    };
    const [first, second] = interleavedLines(2, ['fresh-chain']);
    expect(agreed(reseal(first!, 'prev_hash'))).toBeNull();
    expect(agreed(reseal(second!, 'policy_hash'))).toBeNull();
    expect(agreed(reseal(first!, 'policy_hash'))).toBeNull();
  });
});
