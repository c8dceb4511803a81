/**
 * What the evaluator keeps between events (src/policy/evaluate.ts, DNS verdicts by the texts of
 * pinned_ips and dns_snapshot; src/policy/names.ts, reserved-name answers by name): a decision
 * never depends on it. Requests read from log lines (lazy, as replay reads them, where verdicts
 * are kept) decide as the same requests parsed whole (nothing kept) and as traced evaluations,
 * over a sequence that asks the same evidence again and again, good and bad alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/canonical/digest.js';
import { fastCheckLine } from '../../src/envelope/fast.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { lazyFields } from '../../src/envelope/lazy-request.js';
import { compiled, egress } from '../helpers/policy.js';

const EMPTY = buildLedger(new Map());
const POLICY = compiled();
const PUBLIC = ['140.82.112.6', '151.101.64.223'];
const LOOPBACK = ['140.82.112.6', '127.0.0.1'];

/** DNS evidence, as request members (undefined: the member is left out). */
const EVIDENCE: Record<string, unknown>[] = [
  { pinned_ips: ['140.82.112.6'] },
  { pinned_ips: PUBLIC },
  { pinned_ips: LOOPBACK },
  { pinned_ips: ['10.0.0.8'] },
  { pinned_ips: [] },
  { pinned_ips: 'x' },
  { pinned_ips: undefined },
  { pinned_ips: undefined, dns_snapshot: { digest: digestOf(PUBLIC), addresses: PUBLIC } },
  { pinned_ips: undefined, dns_snapshot: { digest: digestOf(LOOPBACK), addresses: LOOPBACK } },
  { pinned_ips: undefined, dns_snapshot: { digest: digestOf(['1.1.1.1']), addresses: PUBLIC } },
  { pinned_ips: undefined, dns_snapshot: { digest: digestOf([]), addresses: [] } },
  { pinned_ips: ['140.82.112.6'], dns_snapshot: { digest: digestOf(LOOPBACK), addresses: LOOPBACK } },
  { pinned_ips: ['140.82.112.6'], dns_snapshot: { digest: digestOf(PUBLIC), addresses: PUBLIC } },
  { pinned_ips: ['140.82.112.6'], dns_snapshot: { addresses: PUBLIC, digest: digestOf(PUBLIC), extra: 1 } },
];
const URLS = ['https://api.github.com/repos/acme/app', 'https://registry.npmjs.org/left-pad', 'https://127.0.0.1/x', 'https://[::1]/x', 'http://api.github.com/repos/x'];
const NAMES = ['Shell.Exec', 'shell.exec', 'ｓｈｅｌｌ．ｅｘｅｃ', 'fs.wr!te', 'notes.add', 'deploy\u0332restart', 'a'.repeat(129), '\uFDFA'.repeat(15)];

interface Req {
  readonly kind: string;
  readonly request: Record<string, unknown>;
}

const reqArb: fc.Arbitrary<Req> = fc.oneof(
  fc.record({ kind: fc.constant('http.egress'), request: fc.tuple(fc.constantFrom(...URLS), fc.constantFrom(...EVIDENCE)).map(([u, e]) => egress(u, e)) }),
  fc.record({ kind: fc.constant('tool.register'), request: fc.constantFrom(...NAMES).map((name) => ({ name })) }),
);

describe('verdicts kept between events', () => {
  it('never change a decision: lazy requests (kept) decide as whole ones (not kept) and as traced ones', () => {
    fc.assert(
      fc.property(fc.array(reqArb, { minLength: 1, maxLength: 40 }), (reqs) => {
        const w = new ChainWriter('kept');
        const actor = { id: 'coder', zone: 'executor' as const };
        reqs.forEach((r, i) => {
          const ts = new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
          const input = { kind: r.kind, actor, request: r.request, ts, fingerprint: digestOf(r.request), exceptionRef: null };
          const traced = evaluate(POLICY, input, EMPTY, true).decision;
          const plain = evaluate(POLICY, input, EMPTY, false).decision;
          const line = w.append({ ts, kind: r.kind, actor, request: r.request, policy_hash: `sha256:${'1'.repeat(64)}`, decision: plain }).line;
          const event = fastCheckLine(Buffer.from(line), { file: 'log.jsonl', line: i + 1, ordinal: i }, 128, true, true)!.event!;
          expect(lazyFields(event.request)).toBeDefined();
          const lazy = evaluate(POLICY, { ...input, request: event.request }, EMPTY, false).decision;
          expect(lazy, JSON.stringify(r)).toEqual(traced);
          expect(plain).toEqual(traced);
        });
      }),
      { numRuns: 150 },
    );
  });
  it('are kept by the whole text of each member: a dns_snapshot of one character is evidence, not one left out (from mutation testing)', () => {
    const w = new ChainWriter('kept-text');
    const actor = { id: 'coder', zone: 'executor' as const };
    const url = 'https://api.github.com/repos/acme/app';
    // The first is allowed; the second's snapshot is not { digest, addresses }: a verdict kept
    // for the first must not stand for it.
    [egress(url, { pinned_ips: ['140.82.112.6'] }), egress(url, { pinned_ips: ['140.82.112.6'], dns_snapshot: 5 })].forEach((request, i) => {
      const ts = new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
      const input = { kind: 'http.egress', actor, request, ts, fingerprint: digestOf(request), exceptionRef: null };
      const traced = evaluate(POLICY, input, EMPTY, true).decision;
      const line = w.append({ ts, kind: 'http.egress', actor, request, policy_hash: `sha256:${'1'.repeat(64)}`, decision: traced }).line;
      const event = fastCheckLine(Buffer.from(line), { file: 'log.jsonl', line: i + 1, ordinal: i }, 128, true, true)!.event!;
      expect(lazyFields(event.request)).toBeDefined();
      expect(evaluate(POLICY, { ...input, request: event.request }, EMPTY, false).decision, JSON.stringify(request)).toEqual(traced);
    });
  });
  it('are kept apart for evidence in pinned_ips and the same text in dns_snapshot: a snapshot object is no list of pins (from mutation testing)', () => {
    const w = new ChainWriter('kept-member');
    const actor = { id: 'coder', zone: 'executor' as const };
    const url = 'https://api.github.com/repos/acme/app';
    const snap = { digest: digestOf(PUBLIC), addresses: PUBLIC };
    // The first, a well-formed snapshot, is allowed; the second names the same object as its
    // pinned_ips, which is not a non-empty list: a verdict kept for the first must not stand for it.
    [egress(url, { pinned_ips: undefined, dns_snapshot: snap }), egress(url, { pinned_ips: snap })].forEach((request, i) => {
      const ts = new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
      const input = { kind: 'http.egress', actor, request, ts, fingerprint: digestOf(request), exceptionRef: null };
      const traced = evaluate(POLICY, input, EMPTY, true).decision;
      expect(traced.action, JSON.stringify(request)).toBe(i === 0 ? 'allow' : 'block');
      const line = w.append({ ts, kind: 'http.egress', actor, request, policy_hash: `sha256:${'1'.repeat(64)}`, decision: traced }).line;
      const event = fastCheckLine(Buffer.from(line), { file: 'log.jsonl', line: i + 1, ordinal: i }, 128, true, true)!.event!;
      expect(lazyFields(event.request)).toBeDefined();
      expect(evaluate(POLICY, { ...input, request: event.request }, EMPTY, false).decision, JSON.stringify(request)).toEqual(traced);
    });
  });
});
