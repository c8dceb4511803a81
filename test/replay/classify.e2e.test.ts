/**
 * How replay classifies a recorded decision that is not the replayed one (src/replay/replay.ts,
 * classify and tally): each review and exception status gets its own code and class (diverged
 * or unverifiable, docs/findings.md), and the summary counts them so. The built CLI on a real
 * Git repository (test/helpers/backdated.ts, with a rejected review added). From mutation testing:
 * each chain here kills a mutant the other tests let live.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../helpers/cli.js';
import { commit, write } from '../helpers/git.js';
import { buildBackdated, type Backdated } from '../helpers/backdated.js';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { digestOf } from '../../src/canonical/digest.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-classify-'));
let b: Backdated;
let policy: string;

const CODER = { id: 'coder', zone: 'executor' as const };
const OPS = { id: 'ops-bot', zone: 'executor' as const };
/** NPM_TOKEN as a bearer to the registry: severity medium, gated to review. */
const npm = (url: string) => ({ tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url });
/** buildBackdated's review of this one is in force from 2026-11-01 until 2026-11-05. */
const NPM_REVIEWED = npm('https://registry.npmjs.org/-/npm/v1/tokens');
const NPM_REJECTED = npm('https://registry.npmjs.org/rejected');
/** A query_param secret: allowed only under an exception (EXEXP: from 2026-11-01 until 2026-11-05). */
const STATUS_QUERY = { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' };
const NPM_ALLOW = { action: 'allow', rule: 'secrets.npm-publish', severity: 'medium' } as const;
const STATUS_WARN = { action: 'warn', rule: 'secrets.status-query', severity: 'low' } as const;

beforeAll(() => {
  b = buildBackdated(join(tmp, 'gov'));
  policy = sel(['policy', 'hash', b.repo]).stdout.trim();
  const fp = digestOf(NPM_REJECTED);
  write(b.repo, {
    [`ledger/reviews/${fp.slice(7)}.json`]: JSON.stringify({ v: 'sel.review/1', request_fingerprint: fp, policy_hash: policy, decision: 'rejected', reviewer: 'bob@example.com', reviewed_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-11-05T00:00:00.000Z' }),
  });
  commit(b.repo, 'a rejected review');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An event's members, its policy_hash the repository's unless given (Omit<> would keep only EventInput's index signature). */
type Event = { [K in keyof EventInput as K extends 'policy_hash' ? never : K]: EventInput[K] } & { policy_hash?: string };

interface Out {
  summary: { replay: { events: Record<string, number> } };
  findings: { code: string; chain: string; seq: number; message: string; detail?: Record<string, unknown> }[];
}

describe('replay tells each kind of wrong decision apart, and counts it in its class', () => {
  it('a review not yet approved, expired at the event\'s own ts, or rejected; a warn without a review; an exception not yet granted; a chain\'s time at the very expiry; a wrong severity under an approved review; blocked for another reason under an exception that covers it', () => {
    const chains: Record<string, Event[]> = {
      // Before the review's reviewed_at: REVIEW_MISSING (unverifiable), not REVIEW_MISMATCH.
      a: [{ ts: '2026-10-31T23:59:59.999Z', kind: 'secret.inject', actor: CODER, request: NPM_REVIEWED, decision: NPM_ALLOW }],
      // At the review's expires_at exactly (the first event of its chain: no chain time): REVIEW_EXPIRED.
      b: [{ ts: '2026-11-05T00:00:00.000Z', kind: 'secret.inject', actor: CODER, request: NPM_REVIEWED, decision: NPM_ALLOW }],
      c: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: CODER, request: NPM_REJECTED, decision: NPM_ALLOW }],
      // A warn is as permissive as an allow: resumed without a review, REVIEW_MISSING.
      d: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: CODER, request: npm('https://registry.npmjs.org/unreviewed'), decision: { ...NPM_ALLOW, action: 'warn' } }],
      // Before the exception's granted_at: EXCEPTION_EXPIRED (diverged), not EXCEPTION_MISSING.
      e: [{ ts: '2026-10-31T12:00:00.000Z', kind: 'secret.inject', actor: OPS, request: STATUS_QUERY, exception_ref: 'ledger/exceptions/EXEXP.json', decision: STATUS_WARN }],
      // The review is approved and in force: the severity recorded is simply not the replayed one.
      f: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: CODER, request: NPM_REVIEWED, decision: { ...NPM_ALLOW, severity: 'low' } }],
      // `review` recorded for a request blocked without an exception: not permissive, a plain divergence.
      g: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: OPS, request: STATUS_QUERY, decision: { ...STATUS_WARN, action: 'review' } }],
      // The chain's time is the exception's expires_at exactly (exclusive): expired there.
      h: [
        { ts: '2026-11-05T00:00:00.000Z', kind: 'tool.invoke', actor: CODER, request: { tool: 'git' }, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } },
        { ts: '2026-11-04T23:59:59.999Z', kind: 'secret.inject', actor: OPS, request: STATUS_QUERY, exception_ref: 'ledger/exceptions/EXEXP.json', decision: STATUS_WARN },
      ],
      i: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'tool.invoke', actor: CODER, request: { tool: 'git' }, policy_hash: digestOf('no such policy'), decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }],
      j: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: OPS, request: STATUS_QUERY, decision: STATUS_WARN }],
      // The exception covers it, but the grant has no memory cap: blocked all the same, a plain divergence.
      k: [{ ts: '2026-11-02T00:00:00.000Z', kind: 'secret.inject', actor: OPS, request: { ...STATUS_QUERY, resources: { memory_mb: 1 } }, exception_ref: 'ledger/exceptions/EXEXP.json', decision: STATUS_WARN }],
    };
    const lines = Object.entries(chains).flatMap(([id, events]) => {
      const w = new ChainWriter(id);
      return events.map((e) => w.append({ policy_hash: policy, ...e }).line);
    });
    const log = join(tmp, 'classify.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    for (const jobs of ['1', '2']) {
      const r = sel(['verify', log, '--repo', b.repo, '--format', 'json', '--jobs', jobs, '--unit-bytes', '1000']);
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout) as Out;
      expect(out.findings.map((f) => `${f.chain}/${f.seq} ${f.code} ${String(f.detail?.['status'] ?? '')}`).sort()).toEqual([
        'a/0 REVIEW_MISSING not-yet-valid',
        'b/0 REVIEW_EXPIRED expired',
        'c/0 REVIEW_MISMATCH rejected',
        'd/0 REVIEW_MISSING missing',
        'e/0 EXCEPTION_EXPIRED not-yet-valid',
        'f/0 DECISION_DIVERGENCE ',
        'g/0 DECISION_DIVERGENCE ',
        'h/1 EXCEPTION_EXPIRED expired',
        'h/1 TS_REGRESSION ',
        'i/0 POLICY_UNKNOWN ',
        'j/0 EXCEPTION_MISSING no-ref',
        'k/0 DECISION_DIVERGENCE ',
      ]);
      // A rejected review is said to be rejected, not to be for another policy version (from mutation testing).
      expect(out.findings.find((f) => f.chain === 'c')!.message).toBe(`resumed although its review ledger/reviews/${digestOf(NPM_REJECTED).slice(7)}.json rejected it`);
      const reviewed = `ledger/reviews/${digestOf(NPM_REVIEWED).slice(7)}.json`;
      expect(out.findings.find((f) => f.chain === 'a')!.message).toBe(`recorded allow before the review ${reviewed} was approved`);
      expect(out.findings.find((f) => f.chain === 'b')!.message).toBe(`resumed after its review ${reviewed} had expired`);
      expect(out.findings.find((f) => f.chain === 'e')!.message).toBe('recorded warn under exception ledger/exceptions/EXEXP.json, which was not yet granted at the event\'s ts');
      expect(out.findings.find((f) => f.chain === 'j')!.message).toBe('recorded warn for a request that needs an exception: the event names no exception');
      expect(out.findings.find((f) => f.chain === 'h' && f.code === 'EXCEPTION_EXPIRED')!.detail).toMatchObject({ chainTs: '2026-11-05T00:00:00.000Z', expires_at: '2026-11-05T00:00:00.000Z' });
      // diverged: b, c, e, f, g, h/1, k; unverifiable: a, d, i, j; i alone not replayed.
      expect(out.summary.replay.events).toEqual({ events: 12, replayed: 11, matched: 1, diverged: 7, unverifiable: 4, skipped: 0 });
    }
  });
});
