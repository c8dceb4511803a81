/**
 * `sel explain` on the crafted corpus: every seq the verifier's findings name is explained (or
 * refused in one sentence), as text without a raw control character and as JSON that parses,
 * the same on one thread and on several.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { expectOneSentence, sel } from '../helpers/cli.js';
import { buildCorpus } from './corpus.js';

const CORPUS = join(import.meta.dirname, 'corpus');
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/;
const tmp = mkdtempSync(join(tmpdir(), 'sel-hostile-explain-'));
let s: GovernanceSample;
beforeAll(() => {
  s = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sel explain on the hostile corpus', () => {
  it('explains each seq the findings name, escaped, as JSON that parses, on any number of threads', () => {
    let explained = 0;
    let refused = 0;
    for (const name of Object.keys(buildCorpus())) {
      const log = join(CORPUS, name);
      const report = JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { chain: string | null; seq: number | null }[] };
      // Each (chain, seq) the findings name, the first two; the seq a chain starts with else.
      const named = [...new Set(report.findings.filter((f) => f.chain !== null && f.seq !== null).map((f) => `${f.chain}\u0000${f.seq}`))].slice(0, 2);
      for (const at of named.length > 0 ? named : ['\u00000']) {
        const [chain, seq] = at.split('\u0000') as [string, string];
        const args = ['explain', log, '--repo', s.repo, '--seq', seq, ...(chain === '' ? [] : ['--chain', chain])];
        const text = sel(args);
        if (text.status === 2) {
          expectOneSentence(text);
          refused++;
          continue;
        }
        expect(text.status, `${name} seq ${seq}: ${text.stderr}`).toBe(0);
        expect(RAW.test(text.stdout), `${name} seq ${seq}: ${JSON.stringify(text.stdout.slice(0, 500))}`).toBe(false);
        const json = sel([...args, '--format', 'json']);
        expect(json.status).toBe(0);
        expect(() => JSON.parse(json.stdout) as unknown, name).not.toThrow();
        expect(sel([...args, '--format', 'json', '--jobs', '2', '--unit-bytes', '300']).stdout, name).toBe(json.stdout);
        explained++;
      }
    }
    // Every seq a finding names is explained: none is refused.
    expect([explained, refused]).toEqual([expect.any(Number), 0]);
    expect(explained).toBeGreaterThan(10);
  });
});
