/**
 * Replay as a property: logs produced with the producer API and the evaluator replay with
 * no finding, and flipping any one recorded decision gives exactly one finding, at that seq.
 * In memory (no Git): the policy index and ledger are built directly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOf, sha256Digest } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import type { PolicyIndex } from '../../src/git/history.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { Replayer, TimeRing } from '../../src/replay/replay.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from '../../src/verify/verifier.js';
import type { Action, DecisionSeverity, TrustZone } from '../../src/envelope/types.js';
import { bundleOf, edited, egress, sampleFiles } from '../helpers/policy.js';

const EMPTY = buildLedger(new Map());

interface Req {
  kind: string;
  actor: { id: string; zone: TrustZone };
  request: Record<string, unknown>;
}

const REQUESTS: Req[] = [
  { kind: 'http.egress', actor: { id: 'coder', zone: 'executor' }, request: egress('https://api.github.com/repos/acme/app') },
  { kind: 'http.egress', actor: { id: 'coder', zone: 'executor' }, request: egress('https://api.github.com/repos/acme/app/hooks/3', { method: 'POST' }) },
  { kind: 'http.egress', actor: { id: 'browser', zone: 'executor' }, request: egress('https://guides.docs.example.com/a/b') },
  { kind: 'http.egress', actor: { id: 'coder', zone: 'executor' }, request: egress('https://registry.npmjs.org/left-pad') },
  { kind: 'secret.inject', actor: { id: 'coder', zone: 'executor' }, request: { secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/x' } },
  { kind: 'secret.inject', actor: { id: 'coder', zone: 'executor' }, request: { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/x' } },
  { kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', resources: { memory_mb: 100 } } },
  { kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'rm' } },
  { kind: 'fs.write', actor: { id: 'coder', zone: 'executor' }, request: { path: '/workspace/notes/x.md' } },
  { kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' }, request: { from: 'executor', to: 'supervisor' } },
  { kind: 'tool.register', actor: { id: 'coder', zone: 'executor' }, request: { name: 'Shell.Exec' } },
  { kind: 'mcp.call', actor: { id: 'browser', zone: 'executor' }, request: { server: 'browser', tool: 'open' } },
];

const SEVERITIES: DecisionSeverity[] = ['info', 'low', 'medium', 'high', 'critical'];
const ACTIONS: Action[] = ['allow', 'warn', 'review', 'block'];

/** A policy: the sample with generated gates and grant severities. */
const policyArb = fc.record({
  gates: fc.tuple(...SEVERITIES.map(() => fc.constantFrom(...ACTIONS))),
  coderSeverity: fc.constantFrom(...SEVERITIES),
  dropNpm: fc.boolean(),
});

/** `lazy`: requests parsed member by member as the evaluator reads them (what sel verify --repo does). */
function run(lines: string[], index: PolicyIndex, lazy = false) {
  let replayer: Replayer;
  const verifier = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS }, (rec) => replayer.onEvent(rec), lazy, (rec) => replayer.onBranch(rec));
  replayer = new Replayer({ index, ledger: EMPTY, repoLabel: 'repo' }, (f) => verifier.report(f));
  const s = verifier.beginFile('log.jsonl');
  s.push(Buffer.from(`${lines.join('\n')}\n`));
  verifier.endFile('log.jsonl', s);
  return verifier.finish((chains) => replayer.finish(chains));
}

describe('replay properties', () => {
  it('logs made with the producer API and the evaluator replay clean; one flipped decision is one finding at its seq', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.nat({ max: REQUESTS.length - 1 }), { minLength: 1, maxLength: 25 }), fc.nat(), fc.nat(), (p, picks, flipAt, flipTo) => {
        const files = edited((f) => {
          SEVERITIES.forEach((s, i) => (f['severity-gating'].gates[s] = p.gates[i]));
          f['capabilities'].grants[0].severity = p.coderSeverity;
          if (p.dropNpm) f['network-egress'].rules = f['network-egress'].rules.filter((r: { id: string }) => r.id !== 'egress.registry-npm');
          if (p.dropNpm) f['capabilities'].grants[0].http = ['egress.github-api'];
        });
        const b = bundleOf(files);
        if (!b.ok) throw new Error(JSON.stringify(b.problems));
        const index: PolicyIndex = { byHash: new Map([[b.hash, { hash: b.hash, loaded: b, commits: ['c0'], inherited: [] }]]), unhashable: [], commitsScanned: 1, policyTrees: 1 };
        const make = (flip: number | null) => {
          const w = new ChainWriter('prop');
          return picks.map((k, i) => {
            const r = REQUESTS[k]!;
            const ts = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
            let decision = evaluate(b.policy, { ...r, ts, fingerprint: digestOf(r.request), exceptionRef: null }, EMPTY).decision;
            if (i === flip) {
              const others = ACTIONS.filter((a) => a !== decision.action);
              decision = { ...decision, action: others[flipTo % others.length]! };
            }
            return w.append({ ts, kind: r.kind, actor: r.actor, request: r.request, policy_hash: b.hash, decision }).line;
          });
        };
        expect(run(make(null), index).findings).toEqual([]);
        expect(run(make(null), index, true).findings).toEqual([]);
        const k = flipAt % picks.length;
        const flipped = run(make(k), index).findings;
        expect(run(make(k), index, true).findings).toEqual(flipped);
        expect(flipped).toHaveLength(1);
        expect(flipped[0]!.seq).toBe(k);
        expect(['DECISION_DIVERGENCE', 'REVIEW_MISSING', 'EXCEPTION_MISSING']).toContain(flipped[0]!.code);
      }),
      { numRuns: 120 },
    );
  });
  it('a forged event read ahead of the real one at any seq hides no divergence: the real events, now a fork branch, are replayed too (found by review)', () => {
    const b = bundleOf(sampleFiles());
    if (!b.ok) throw new Error(JSON.stringify(b.problems));
    const index: PolicyIndex = { byHash: new Map([[b.hash, { hash: b.hash, loaded: b, commits: ['c0'], inherited: [] }]]), unhashable: [], commitsScanned: 1, policyTrees: 1 };
    fc.assert(
      fc.property(fc.array(fc.nat({ max: REQUESTS.length - 1 }), { minLength: 2, maxLength: 20 }), fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (picks, flipAt, flipTo, decoyAt, lazy) => {
        const k = flipAt % picks.length;
        const w = new ChainWriter('prop');
        const lines = picks.map((pick, i) => {
          const r = REQUESTS[pick]!;
          const ts = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
          let decision = evaluate(b.policy, { ...r, ts, fingerprint: digestOf(r.request), exceptionRef: null }, EMPTY).decision;
          if (i === k) decision = { ...decision, action: ACTIONS.filter((a) => a !== decision.action)[flipTo % 3]! };
          return w.append({ ts, kind: r.kind, actor: r.actor, request: r.request, policy_hash: b.hash, decision }).line;
        });
        // Event d sealed again with one more request member (same prev_hash), read first.
        const d = 1 + (decoyAt % (picks.length - 1));
        const { hash: _, ...rest } = JSON.parse(lines[d]!) as Record<string, unknown> & { request: Record<string, unknown> };
        rest.request = { ...rest.request, note: 'decoy' };
        rest.request_fingerprint = digestOf(rest.request);
        const decoy = canonicalize({ ...rest, hash: sha256Digest(canonicalize(rest)) });
        const findings = run([...lines.slice(0, d), decoy, ...lines.slice(d)], index, lazy).findings;
        expect(findings.filter((f) => f.code === 'CHAIN_FORK').map((f) => f.seq)).toEqual([d]);
        const flipped = run(lines, index, lazy).findings[0]!;
        expect(findings.map((f) => `${f.code} ${f.seq}`)).toContain(`${flipped.code} ${k}`);
      }),
      { numRuns: 150 },
    );
  });
  it('a recorded decision that differs only in its severity, or only in its rule, diverges (from mutation testing)', () => {
    // The property above flips actions only: a severity or rule not compared went unseen.
    const b = bundleOf(sampleFiles());
    if (!b.ok) throw new Error(JSON.stringify(b.problems));
    const index: PolicyIndex = { byHash: new Map([[b.hash, { hash: b.hash, loaded: b, commits: ['c0'], inherited: [] }]]), unhashable: [], commitsScanned: 1, policyTrees: 1 };
    const ts = '2026-11-01T12:00:00.000Z';
    for (const r of REQUESTS) {
      const right = evaluate(b.policy, { ...r, ts, fingerprint: digestOf(r.request), exceptionRef: null }, EMPTY).decision;
      const wrongs = [
        { ...right, severity: SEVERITIES.find((s) => s !== right.severity)! },
        { ...right, rule: right.rule === 'cap.browser' ? 'cap.coder' : 'cap.browser' },
      ];
      for (const decision of [right, ...wrongs]) {
        const w = new ChainWriter('p');
        const findings = run([w.append({ ts, kind: r.kind, actor: r.actor, request: r.request, policy_hash: b.hash, decision }).line], index).findings;
        expect(findings.map((f) => f.code), `${r.kind} ${JSON.stringify(decision)}`).toEqual(decision === right ? [] : ['DECISION_DIVERGENCE']);
      }
    }
  });
});

describe('TimeRing (a chain\'s time after each of its last 512 seqs, kept as numbers)', () => {
  it('gives back each time as it was set, at or below a seq, for the last 512 seqs set, gaps or not; nothing older', () => {
    // Any instant sel accepts as a ts (years 0000-9999, milliseconds), as toISOString writes it.
    const ts = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()).filter((t) => t.length === 24);
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), ts, fc.nat()), { minLength: 1, maxLength: 700 }), (entries) => {
      const ring = new TimeRing();
      const set: [number, string, number][] = [];
      let seq = -1;
      for (const [step, t, tsSeq] of entries) {
        seq += step;
        ring.set(seq, t, tsSeq);
        set.push([seq, t, tsSeq]);
      }
      // The greatest seq held at or below the one asked for (a late arrival after another was
      // judged at the chain's time now; found by review); none for a seq older than those held.
      const held = set.slice(-512);
      for (const [s] of set.slice(0, -512)) expect(ring.atOrBefore(s)).toBeUndefined();
      for (let s = held[0]![0] - 1; s <= seq + 1; s++) {
        const below = held.filter(([x]) => x <= s).at(-1);
        expect(ring.atOrBefore(s)).toEqual(below === undefined ? undefined : { ts: below[1], seq: below[2] });
      }
    }), { numRuns: 60 });
  });
});
