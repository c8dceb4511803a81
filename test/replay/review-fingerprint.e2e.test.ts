/**
 * A review resumes the request whose fingerprint it names (SPEC.md §5), and a request's
 * fingerprint is sha256 of JCS(request) (SPEC.md §2), not whatever the line says it is. A
 * line that claims another request's fingerprint (FINGERPRINT_MISMATCH) must not borrow that
 * request's approved review: replay, explain and `sel policy eval` decide it alike.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { sha256Digest } from '../../src/canonical/digest.js';
import { sel, verifyEverywhere } from '../helpers/cli.js';
import { git } from '../helpers/git.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-review-fp-'));
let sample: GovernanceSample;
beforeAll(() => {
  sample = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `text` with seq `seq` changed by `change` and sealed again, every later event linked anew: as its writer wrote it. */
function resealFrom(text: string, seq: number, change: (e: Record<string, unknown>) => void): string {
  let prev: unknown = null;
  return text.split('\n').slice(0, -1).map((line, i) => {
    if (i < seq) return line;
    const e = JSON.parse(line) as Record<string, unknown>;
    if (i === seq) change(e);
    const { hash: _, ...rest } = e;
    if (prev !== null) rest['prev_hash'] = prev;
    const sealed = { ...rest, hash: sha256Digest(canonicalize(rest)) };
    prev = sealed.hash;
    return canonicalize(sealed);
  }).join('\n') + '\n';
}

interface Out { findings: { code: string; seq: number | null }[]; summary: { replay: { events: Record<string, number> } } }

describe('a line that claims another request\'s fingerprint', () => {
  it('does not borrow that request\'s approved review: REVIEW_MISSING next to FINGERPRINT_MISMATCH, and explain and policy eval agree with verify', () => {
    // seq 22 of the sample: an npm token injection gated to review, resumed under the approved
    // review ledger/reviews/<its fingerprint>.json. The forged line injects the token for
    // another URL and keeps the reviewed request's fingerprint (and is sealed as its writer would).
    const log = join(tmp, 'borrowed-review.jsonl');
    let fingerprint = '';
    writeFileSync(log, resealFrom(readFileSync(sample.clean, 'utf8'), 22, (e) => {
      const request = e['request'] as Record<string, unknown>;
      e['request'] = { ...request, url: `${String(request['url'])}/someone-else` };
      fingerprint = String(e['request_fingerprint']);
    }));
    expect(readFileSync(join(sample.repo, `ledger/reviews/${fingerprint.slice(7)}.json`), 'utf8')).toContain('"approved"');

    const one = verifyEverywhere(log, sample.repo, tmp);
    const out = JSON.parse(one.stdout) as Out;
    expect(out.findings.filter((f) => f.seq === 22).map((f) => f.code)).toEqual(['FINGERPRINT_MISMATCH', 'REVIEW_MISSING']);
    expect(out.summary.replay.events).toMatchObject({ matched: 48, unverifiable: 1 });
    // The gate does not say the decision matches the policy it names.
    const gate = sel(['gate', log, '--repo', sample.repo, '--no-unverifiable', '--format', 'json']);
    expect(gate.stdout).toContain('REVIEW_MISSING');

    const explain = JSON.parse(sel(['explain', log, '--repo', sample.repo, '--seq', '22', '--format', 'json']).stdout) as { replayed: { action: string }; review: { status: string } };
    expect(explain.replayed.action).toBe('review');
    expect(explain.review.status).toBe('missing');

    // sel policy eval on the same event and the version it names: the same decision.
    const event = join(tmp, 'event-22.json');
    writeFileSync(event, readFileSync(log, 'utf8').split('\n')[22]!);
    const policyDir = join(tmp, 'v2');
    const commit = git(sample.repo, 'log', '--format=%H', '--grep', '^policy v2');
    git(sample.repo, 'worktree', 'add', '-q', '--detach', policyDir, commit);
    const evald = sel(['policy', 'eval', join(policyDir, 'policy'), '--event', event, '--ledger', sample.repo, '--format', 'json']);
    expect((JSON.parse(evald.stdout) as { decision: { action: string } }).decision.action).toBe('review');
    expect(evald.status).toBe(1);
  });
});
