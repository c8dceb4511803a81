/**
 * A governance repository (the shipped policy, a review and two exceptions with short windows)
 * and logs whose writers backdate an event's ts into an artifact's window after an earlier event
 * of the same chain already said the time was past it (see docs/policy.md, "the chain's time").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { digestOf } from '../../src/canonical/digest.js';
import { exceptionFingerprint } from '../../src/policy/evaluate.js';
import { sel } from './cli.js';
import { commit, initRepo, write } from './git.js';
import { SAMPLE_POLICY_DIR } from './policy.js';

export interface Backdated {
  readonly repo: string;
  /** Chain x: the reviewer's case. seq 3 at 2026-11-10, seq 4 back at 2026-11-04T23:59:59.999Z under exception EXEXP (expires 2026-11-05). */
  readonly exception: string;
  /** Chain r: a request gated to review, resumed (allow) at a ts back inside its review's window, after seq 3 at 2026-11-10. */
  readonly review: string;
  /** Chain y: exception EXREV is in force until December, but the review it names expires 2026-11-05. */
  readonly exceptionReview: string;
  /** Chain s: ts back by 1 ms, the exception and the review in force at both times: only TS_REGRESSION. */
  readonly small: string;
  /** The four chains, one after the other, in one file. */
  readonly all: string;
}

/** An event's members but its policy_hash (Omit<> would keep only EventInput's index signature). */
type Unsealed = { [K in keyof EventInput as K extends 'policy_hash' ? never : K]: EventInput[K] };

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const OPS = { id: 'ops-bot', zone: 'executor' as const };
const CODER = { id: 'coder', zone: 'executor' as const };
const STATUS_QUERY = { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' };
const NPM_PUBLISH = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
const STATUS_SCOPE = { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' };

export function buildBackdated(dir: string): Backdated {
  const repo = initRepo(dir);
  for (const f of ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones']) {
    write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  }
  commit(repo, 'policy');
  const policy = sel(['policy', 'hash', repo]).stdout.trim();
  const review = (fp: string, from: string, until: string) =>
    ({ v: 'sel.review/1', request_fingerprint: fp, policy_hash: policy, decision: 'approved', reviewer: 'alice@example.com', reviewed_at: from, expires_at: until });
  const reviewPath = (fp: string) => `ledger/reviews/${fp.slice(7)}.json`;
  const exexpReview = exceptionFingerprint('EXEXP');
  const exrevReview = exceptionFingerprint('EXREV');
  write(repo, {
    [reviewPath(exexpReview)]: pretty(review(exexpReview, '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')),
    'ledger/exceptions/EXEXP.json': pretty({
      v: 'sel.exception/1', id: 'EXEXP', justification: 'The status page takes its key as a query parameter; for a few days only.',
      review_ref: reviewPath(exexpReview), granted_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-11-05T00:00:00.000Z', scope: STATUS_SCOPE,
    }),
    [reviewPath(exrevReview)]: pretty(review(exrevReview, '2026-10-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z')),
    'ledger/exceptions/EXREV.json': pretty({
      v: 'sel.exception/1', id: 'EXREV', justification: 'Granted until December, but its review runs out on 2026-11-05.',
      review_ref: reviewPath(exrevReview), granted_at: '2026-11-01T00:00:00.000Z', expires_at: '2026-12-01T00:00:00.000Z', scope: STATUS_SCOPE,
    }),
    [reviewPath(digestOf(NPM_PUBLISH))]: pretty(review(digestOf(NPM_PUBLISH), '2026-11-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z')),
  });
  commit(repo, 'ledger: a review and two exceptions, each in force until 2026-11-05');

  const chain = (id: string, last: Unsealed[], third: string): string[] => {
    const w = new ChainWriter(id);
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      lines.push(w.append({
        ts: `2026-11-0${i + 1}T00:00:00.000Z`, kind: 'tool.invoke', actor: CODER, request: { tool: 'git', n: i }, policy_hash: policy,
        decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
      }).line);
    }
    lines.push(w.append({ ts: third, kind: 'tool.invoke', actor: CODER, request: { tool: 'git', n: 3 }, policy_hash: policy, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }).line);
    for (const e of last) lines.push(w.append({ ...e, policy_hash: policy }).line);
    return lines;
  };
  const statusQuery = (ts: string, ex: string): Unsealed =>
    ({ ts, kind: 'secret.inject', actor: OPS, request: STATUS_QUERY, exception_ref: `ledger/exceptions/${ex}.json`, decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' } });
  const npmPublish = (ts: string): Unsealed =>
    ({ ts, kind: 'secret.inject', actor: CODER, request: NPM_PUBLISH, decision: { action: 'allow', rule: 'secrets.npm-publish', severity: 'medium' } });
  const logs = {
    exception: chain('x', [statusQuery('2026-11-04T23:59:59.999Z', 'EXEXP')], '2026-11-10T00:00:00.000Z'),
    review: chain('r', [npmPublish('2026-11-04T12:00:00.000Z')], '2026-11-10T00:00:00.000Z'),
    exceptionReview: chain('y', [statusQuery('2026-11-04T23:59:59.999Z', 'EXREV')], '2026-11-10T00:00:00.000Z'),
    small: chain('s', [statusQuery('2026-11-04T12:00:00.000Z', 'EXEXP'), npmPublish('2026-11-04T11:59:59.999Z')], '2026-11-04T12:00:00.001Z'),
  };
  const file = (name: string, lines: string[]) => {
    const path = join(dir, `${name}.jsonl`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  return {
    repo,
    exception: file('exception', logs.exception),
    review: file('review', logs.review),
    exceptionReview: file('exception-review', logs.exceptionReview),
    small: file('small', logs.small),
    all: file('all', [...logs.exception, ...logs.review, ...logs.exceptionReview, ...logs.small]),
  };
}
