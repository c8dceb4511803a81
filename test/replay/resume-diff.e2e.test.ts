/**
 * Review: a run resumed from a checkpoint at any line reports, about the lines after it, what a
 * full run of the same log reports about them (interleaved chains, --jobs 1 and 2).
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../helpers/cli.js';
import { buildBackdated, type Backdated } from '../helpers/backdated.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-resume-diff-'));
let b: Backdated;
beforeAll(() => {
  b = buildBackdated(join(tmp, 'gov'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface F { code: string; chain: string; seq: number; message: string; location: { line: number }; detail?: unknown; expected?: unknown; actual?: unknown }
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l.length > 0);
const show = (fs: F[]) => fs.map((f) => JSON.stringify([f.location.line, f.code, f.chain, f.seq, f.message, f.detail ?? null, f.expected ?? null, f.actual ?? null]));

describe('resumed at every line: the findings after it are the full run\'s', () => {
  for (const jobs of ['1', '2']) {
    it(`interleaved chains, --jobs ${jobs}`, () => {
      const per = [b.exception, b.review, b.exceptionReview, b.small].map(lines);
      const all: string[] = [];
      for (let i = 0; per.some((p) => i < p.length); i++) for (const p of per) if (i < p.length) all.push(p[i]!);
      const full = join(tmp, `full-${jobs}.jsonl`);
      writeFileSync(full, `${all.join('\n')}\n`);
      const extra = ['--jobs', jobs, ...(jobs === '2' ? ['--unit-bytes', '300'] : [])];
      const whole = JSON.parse(sel(['verify', full, '--repo', b.repo, '--format', 'json', ...extra]).stdout) as { findings: F[] };
      for (let k = 1; k < all.length; k++) {
        const dir = mkdtempSync(join(tmp, `k${k}-`));
        const file = join(dir, 'audit.jsonl');
        const cp = join(dir, 'cp.json');
        writeFileSync(file, `${all.slice(0, k).join('\n')}\n`);
        // With --repo when that run is clean, else without (it writes a checkpoint all the same,
        // which a run with --repo does not resume from: its events were never replayed).
        const first = sel(['verify', file, '--repo', b.repo, '--checkpoint', cp, '--format', 'json', ...extra]);
        const replayed = existsSync(cp);
        if (!replayed) sel(['verify', file, '--checkpoint', cp, ...extra]);
        expect(existsSync(cp), `k=${k} ${first.stderr}`).toBe(true);
        appendFileSync(file, `${all.slice(k).join('\n')}\n`);
        const r = sel(['verify', file, '--repo', b.repo, '--checkpoint', cp, '--format', 'json', ...extra]);
        const out = JSON.parse(r.stdout) as { findings: F[]; summary: { replay: { notes: string[] } } };
        const expected = replayed ? whole.findings.filter((f) => f.location.line > k) : whole.findings;
        expect(show(out.findings), `resumed after line ${k}`).toEqual(show(expected));
        expect(out.summary.replay.notes.some((n) => n.includes('verifying everything from the start')), `k=${k}`).toBe(!replayed);
      }
    }, 240_000);
  }
});
