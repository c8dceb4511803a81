/**
 * The library API as another program uses it: everything through src/index.ts, the package's
 * one entry point. Wrong use is a documented error (JcsError, OperatorError, ProducerError) in
 * one sentence, never a RangeError, a TypeError or a run that quietly drops a bound; and what
 * the producer writes, the verifier accepts.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertJcsValue,
  buildReport,
  canonicalize,
  ChainVerifier,
  ChainWriter,
  checkLine,
  DEFAULT_CHAIN_OPTIONS,
  DEFAULT_VERIFY_OPTIONS,
  fails,
  GENESIS_PREV_HASH,
  IntegrityVerifier,
  JcsError,
  makeFinding,
  mergeShards,
  OperatorError,
  ProducerError,
  runShard,
  sha256Digest,
  verifyLogs,
  type AcceptHook,
  type BranchHook,
  type CanonicalScan,
  type EventHook,
  type EventInput,
  type FailOn,
  type FindingInit,
  type ReplayStatus,
  type RunOptions,
  type SetAsideHook,
  type ShardOptions,
  type VerifyExtension,
} from '../../src/index.js';
import { toLog, verifyBytes } from '../helpers/chains.js';
import { MAX_LINE_BYTES_LIMIT } from '../../src/verify/options.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-api-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const POLICY = `sha256:${'b'.repeat(64)}`;
const input = (ts = '2026-11-01T12:00:00.000Z'): EventInput => ({
  ts, kind: 'tool.invoke', actor: { id: 'agent', zone: 'userland' }, request: { tool: 'fs.read', path: '/tmp/x' },
  policy_hash: POLICY, decision: { action: 'allow', rule: null, severity: 'info' },
});
const findingsOf = (lines: readonly string[]) => verifyBytes([toLog(lines)]).findings.map((f) => f.code);

/** One event nested `depth` objects deep in its request, sealed, then written with a space (not canonical). */
function deepNoncanonicalLine(depth: number): string {
  const request = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const body = `{"actor":{"id":"a","zone":"userland"},"chain":"c","decision":{"action":"allow","rule":null,"severity":"info"},"kind":"k","policy_hash":"${POLICY}","prev_hash":"${GENESIS_PREV_HASH}","request":${request},"request_fingerprint":"${sha256Digest(request)}","seq":0,"ts":"2026-11-01T12:00:00.000Z","v":"sel.audit/1"}`;
  return body.replace(',"kind"', `,"hash":"${sha256Digest(body)}", "kind"`);
}

describe('the producer (ChainWriter) writes only what the verifier accepts', () => {
  it('writes from one copy of its input: a request behind a getter, or with getters in it, is written as it was hashed (found by review)', () => {
    let n = 0;
    const behind = input();
    Object.defineProperty(behind, 'request', { enumerable: true, get: () => ({ tool: `t${n++}` }) });
    let m = 0;
    const within = { ...input(), request: { get tool() { return `t${m++}`; } } };
    const w = new ChainWriter('c');
    const lines = [w.append(behind).line, w.append(within).line];
    // Before: FINGERPRINT_MISMATCH at the first (fingerprinted one request, wrote another), HASH_MISMATCH at the second.
    expect(findingsOf(lines)).toEqual([]);
    // One copy (canonicalize reads a value twice, its check and its writer: the copy is the writer's).
    expect((JSON.parse(lines[0]!) as { request: unknown }).request).toEqual({ tool: 't1' });
    expect([n, m]).toEqual([2, 2]);
  });

  it('refuses an event without a request as the envelope schema does, not as a value JCS cannot hold (found by review)', () => {
    const w = new ChainWriter('c');
    const { request: _, ...noRequest } = input();
    expect(() => w.append(noRequest as EventInput)).toThrow(new ProducerError("event would not match the envelope schema: event must have required property 'request'"));
    expect(w.nextSeq).toBe(0);
  });

  it('refuses a policy_hash under a digest algorithm the verifier does not implement (DIGEST_UNSUPPORTED; found by review)', () => {
    const w = new ChainWriter('c');
    for (const ph of ['md5:abc', `sha512:${'a'.repeat(128)}`]) {
      expect(() => w.append({ ...input(), policy_hash: ph }), ph).toThrow(ProducerError);
    }
    expect(w.nextSeq).toBe(0);
    expect(findingsOf([w.append(input()).line])).toEqual([]);
  });

  it('refuses to continue a chain from a position no chain has: a seq below 0 or not whole, a hash that is not sha256 (found by review)', () => {
    const hash = `sha256:${'1'.repeat(64)}`;
    // Before: md5 was written as prev_hash (DIGEST_UNSUPPORTED), -1 gave a seq 0 naming a hash (GENESIS_INVALID).
    // Before: null was a TypeError (reading its lastSeq).
    for (const from of [null, 5, { lastSeq: 4, lastHash: 'md5:abc' }, { lastSeq: -1, lastHash: hash }, { lastSeq: 1.5, lastHash: hash }, { lastSeq: Number.NaN, lastHash: hash }, { lastSeq: 4, lastHash: hash.toUpperCase() }]) {
      expect(() => new ChainWriter('c', from as { lastSeq: number; lastHash: string }), JSON.stringify(from)).toThrow(ProducerError);
    }
    // Nor from the last seq a chain can have: every append after it was refused (found by review).
    expect(() => new ChainWriter('c', { lastSeq: Number.MAX_SAFE_INTEGER, lastHash: hash })).toThrow(new ProducerError(`lastSeq ${Number.MAX_SAFE_INTEGER} is the last seq a chain can have: no event can follow it`));
    expect(new ChainWriter('c', { lastSeq: Number.MAX_SAFE_INTEGER - 1, lastHash: hash }).append(input()).event.seq).toBe(Number.MAX_SAFE_INTEGER);
    const w = new ChainWriter('c', { lastSeq: 4, lastHash: hash });
    expect(w.append(input()).event.seq).toBe(5);
    // Continuing from the first event of a chain (from mutation testing).
    const after0 = new ChainWriter('c', { lastSeq: 0, lastHash: hash });
    expect([after0.nextSeq, after0.head]).toEqual([1, hash]);
    expect(after0.append(input()).event).toMatchObject({ seq: 1, prev_hash: hash });
  });

  it('refuses every member it computes when the input supplies one, and does not move the chain (from mutation testing)', () => {
    const w = new ChainWriter('c');
    // Before, with any one of them off the list, the input's value was silently replaced.
    for (const k of ['v', 'chain', 'seq', 'prev_hash', 'request_fingerprint', 'hash']) {
      expect(() => w.append({ ...input(), [k]: 'x' }), k).toThrow(`"${k}" is computed by the producer and must not be supplied`);
    }
    expect([w.nextSeq, w.head]).toEqual([0, GENESIS_PREV_HASH]);
  });

  it('refuses, as a JcsError, an input that JCS cannot hold: never written as JSON.stringify writes it, null for NaN and nothing for undefined (from mutation testing)', () => {
    const w = new ChainWriter('c');
    for (const bad of [Number.NaN, Infinity, undefined, '\ud800', () => 1]) {
      expect(() => w.append({ ...input(), request: { x: bad } }), String(bad)).toThrow(JcsError);
    }
    expect([w.nextSeq, w.head]).toEqual([0, GENESIS_PREV_HASH]);
  });

  it('refuses an event whose line the verifier would not read (LINE_TOO_LONG), at 1 MiB or the maxLineBytes given, and does not move the chain', () => {
    const w = new ChainWriter('c');
    const line0 = w.append(input()).line;
    // The request's path sized so that the line is exactly `bytes` long (é is two bytes: UTF-8 counted, not characters).
    const sized = (bytes: number) => {
      const probe = new ChainWriter('c', { lastSeq: 0, lastHash: w.head }).append({ ...input(), request: { tool: 'fs.read', path: 'é' } }).line;
      return { ...input(), request: { tool: 'fs.read', path: `é${'x'.repeat(bytes - Buffer.byteLength(probe))}` } };
    };
    const MiB = 1024 * 1024;
    expect(Buffer.byteLength(new ChainWriter('c', { lastSeq: 0, lastHash: w.head }).append(sized(MiB)).line)).toBe(MiB);
    expect(() => w.append(sized(MiB + 1))).toThrow(new ProducerError(`the event's line would be ${MiB + 1} bytes, longer than the ${MiB} the log is verified with (maxLineBytes): the verifier would not read it`));
    expect(w.nextSeq).toBe(1);
    const line1 = w.append(sized(MiB)).line;
    expect(findingsOf([line0, line1])).toEqual([]);
    // Before: written, and the log failed verify with the default options (LINE_TOO_LONG); a
    // writer told the log is verified with a larger maxLineBytes writes it.
    const longer = new ChainWriter('c', { lastSeq: 1, lastHash: w.head }, { maxLineBytes: MiB + 1 }).append(sized(MiB + 1)).line;
    expect(findingsOf([line0, line1, longer])).toEqual(['LINE_TOO_LONG']);
    const small = new ChainWriter('c', undefined, { maxLineBytes: Buffer.byteLength(line0) });
    expect(small.append(input()).line).toBe(line0);
    expect(() => small.append({ ...input(), kind: 'tool.invoke.' })).toThrow(ProducerError);
    for (const bad of [0, -1, 1.5, Number.NaN, '100', MAX_LINE_BYTES_LIMIT + 1]) {
      expect(() => new ChainWriter('c', undefined, { maxLineBytes: bad as number }), String(bad)).toThrow(ProducerError);
    }
    expect(() => new ChainWriter('c', undefined, null as unknown as object)).toThrow(ProducerError);
  });

  it('refuses, when made, a chain id the verifier does not take, options that are no object, a lastSeq past 2^53 - 1: each was taken, and the chain id refused at every append or never (from mutation testing)', () => {
    for (const chain of ['', 'a b', 5, null]) {
      expect(() => new ChainWriter(chain as unknown as string), String(chain)).toThrow(new ProducerError(`invalid chain id ${JSON.stringify(chain)}`));
    }
    for (const options of [5, 'x', true]) {
      expect(() => new ChainWriter('c', undefined, options as unknown as object), String(options)).toThrow(new ProducerError('the options must be an object { maxLineBytes }'));
    }
    const hash = `sha256:${'1'.repeat(64)}`;
    for (const lastSeq of [2 ** 53, 2 ** 60]) {
      expect(() => new ChainWriter('c', { lastSeq, lastHash: hash }), String(lastSeq)).toThrow(new ProducerError(`lastSeq ${lastSeq} is not a seq (a whole number, 0 or more); to start a chain, give no position`));
    }
    // The last seq there is: taken, and the one event after it is written.
    const last = new ChainWriter('c', { lastSeq: Number.MAX_SAFE_INTEGER - 1, lastHash: hash });
    expect(last.append(input()).event.seq).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an input that is not an object with its own error, not a TypeError (found by review)', () => {
    const w = new ChainWriter('c');
    for (const bad of [null, undefined, 'event', [input()]]) expect(() => w.append(bad as unknown as EventInput), String(bad)).toThrow(new ProducerError('an event must be an object'));
  });

  it('what it writes verifies clean, whatever the input; what it refuses is a ProducerError or a JcsError and does not move the chain', () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
      fc.constantFrom('__proto__', 'toJSON', 'constructor', 'hash', 'a\u0000b', '\u2028', '\ufeff', 'e\u0301'),
    );
    const leaf = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 1e21, 1e-7, 5e-324, 2 ** 53, 1.7976931348623157e308, undefined), name, fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(name, tie('tree'), { maxKeys: 3 })),
    }));
    // Around the default --max-depth (128), from the event's top: the producer and the verifier agree on it.
    const deep = fc.integer({ min: 123, max: 130 }).map((n) => {
      let v: unknown = 1;
      for (let i = 0; i < n; i++) v = i % 2 === 0 ? { a: v } : [v];
      return v;
    });
    const one = fc.record({
      ms: fc.integer({ min: 0, max: 1000 }),
      kind: name,
      actor: fc.record({ id: name, zone: fc.constantFrom('kernel', 'supervisor', 'executor', 'userland') }),
      request: fc.dictionary(name, fc.oneof(tree, deep), { maxKeys: 4 }),
      decision: fc.record({ action: fc.constantFrom('allow', 'warn', 'review', 'block'), rule: fc.oneof(fc.constant(null), name), severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical') }),
      policy: fc.oneof(fc.constant(POLICY), fc.constant(POLICY), fc.constantFrom('md5:abc', `sha256:${'B'.repeat(64)}`, `sha1:${'a'.repeat(40)}`)),
      extra: fc.dictionary(name, tree, { maxKeys: 2 }),
      refs: fc.dictionary(fc.constantFrom('review_ref', 'exception_ref'), fc.oneof(name, fc.constantFrom('ledger/reviews/a.json', 'a/../b', '/abs', 'a\\b'))),
    });
    let written = 0;
    fc.assert(
      fc.property(fc.array(one, { minLength: 1, maxLength: 4 }), (inputs) => {
        const w = new ChainWriter('c');
        const lines: string[] = [];
        let t = Date.UTC(2026, 0, 1);
        for (const x of inputs) {
          t += x.ms;
          const before = [w.nextSeq, w.head];
          try {
            lines.push(w.append({ ...x.extra, ...x.refs, ts: new Date(t).toISOString(), kind: x.kind, actor: x.actor, request: x.request, decision: x.decision, policy_hash: x.policy } as unknown as EventInput).line);
          } catch (e) {
            if (!(e instanceof ProducerError || e instanceof JcsError)) throw e;
            expect([w.nextSeq, w.head]).toEqual(before);
          }
        }
        written += lines.length;
        if (lines.length > 0) expect(findingsOf(lines)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The property ran on events written, not only on refusals.
    expect(written).toBeGreaterThan(50);
  });
});

describe('verifyLogs refuses options it cannot keep to (OperatorError), before reading', () => {
  it('a bound that is not a whole number in the CLI\'s range: NaN turned the bound off, a partial chain threw a RangeError (found by review)', async () => {
    const w = new ChainWriter('c');
    const log = join(tmp, 'clean.jsonl');
    writeFileSync(log, `${w.append(input()).line}\n`);
    const bad: [string, Partial<RunOptions>][] = [
      ['maxDepth', { maxDepth: Number.NaN }],
      ['maxDepth', { maxDepth: 0 }],
      ['maxDepth', { maxDepth: 1e9 }],
      ['maxDepth', { maxDepth: '3' as unknown as number }],
      ['maxLineBytes', { maxLineBytes: Number.NaN }],
      ['maxLineBytes', { maxLineBytes: -5 }],
      ['maxLineBytes', { maxLineBytes: 2 ** 40 }],
      ['maxFindings', { maxFindings: -1 }],
      ['chain.recentWindow', { chain: { reorderWindow: 5 } as unknown as RunOptions['chain'] }],
      ['chain.reorderWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: Number.NaN } }],
      ['chain must be', { chain: null as unknown as RunOptions['chain'] }],
      // From mutation testing: each chain bound at and past its ends (a hole window of NaN
      // remembered every unreadable line; a recent window of 0 or 1.5 indexed no slot).
      ['chain.reorderWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 0 } }],
      ['chain.reorderWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, reorderWindow: 1_000_001 } }],
      ['chain.recentWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 0 } }],
      ['chain.recentWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, recentWindow: 1.5 } }],
      ['chain.holeWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, holeWindow: Number.NaN } }],
      ['chain.holeWindow', { chain: { ...DEFAULT_CHAIN_OPTIONS, holeWindow: 0 } }],
      ['jobs', { jobs: 0 }],
      ['jobs', { jobs: 1.5 }],
      ['jobs', { jobs: 1e6 }],
      // From mutation testing: one past MAX_JOBS (64), the CLI's bound.
      ['jobs must be a whole number from 1 to 64', { jobs: 65 }],
      ['unitBytes', { unitBytes: -1 }],
      // From mutation testing: unitBytes at each end of its bounds (1 to 2^30; past 2^31, unitBytes >> 2 is negative).
      ['unitBytes', { unitBytes: 0 }],
      ['unitBytes', { unitBytes: 2 ** 30 + 1 }],
      // From mutation testing: a chain start list that is not a list.
      ['starts must be an array', { starts: 'c' as unknown as RunOptions['starts'] }],
    ];
    for (const [what, opts] of bad) {
      const run = verifyLogs([log], opts);
      await expect(run, JSON.stringify(opts)).rejects.toThrow(OperatorError);
      await expect(run, JSON.stringify(opts)).rejects.toThrow(what);
    }
    await expect(verifyLogs(log as unknown as string[])).rejects.toThrow('logs must be an array of paths');
    // An array with something other than a path in it (from mutation testing: a TypeError of node:fs, an internal error).
    await expect(verifyLogs([log, 42 as unknown as string])).rejects.toThrow('logs must be an array of paths');
    expect(() => new ChainVerifier(() => undefined, { reorderWindow: 5 } as unknown as RunOptions['chain'])).toThrow(OperatorError);
    // Options that are no object at all (from mutation testing: a TypeError).
    expect(() => new IntegrityVerifier(null as unknown as RunOptions)).toThrow('the verify options must be an object');
    // The bounds themselves are taken.
    expect((await verifyLogs([log], { maxDepth: 2000, maxLineBytes: 1 << 20, maxFindings: 0, jobs: 1 })).findings).toEqual([]);
    for (const unitBytes of [1, 2 ** 30]) expect((await verifyLogs([log], { jobs: 2, unitBytes, mainThreadUnits: false })).findings, String(unitBytes)).toEqual([]);
    // The largest maxLineBytes too, as the CLI takes it (from mutation testing), and one past it is not.
    expect((await verifyLogs([log], { maxLineBytes: MAX_LINE_BYTES_LIMIT })).findings).toEqual([]);
    await expect(verifyLogs([log], { maxLineBytes: MAX_LINE_BYTES_LIMIT + 1 })).rejects.toThrow(`maxLineBytes must be a whole number from 1 to ${MAX_LINE_BYTES_LIMIT}`);
    expect((await verifyLogs([log], { chain: { reorderWindow: 1_000_000, recentWindow: 1, holeWindow: 1 } })).findings).toEqual([]);
  });

  it('a hook that is no function, an extension without onEvent, preFindings that are no array, a progress without its three functions: each was a TypeError mid-run, or none (found by mutation review)', async () => {
    const log = join(tmp, 'hooks.jsonl');
    // A line with a finding, so that keepFinding is called (and was a TypeError).
    const w = new ChainWriter('c');
    writeFileSync(log, `${[w.append(input()).line, w.append(input()).line, '{"not": json'].join('\n')}\n`);
    const good = await verifyLogs([log], { keepFinding: () => true, onForkBranch: () => undefined, onSettled: () => undefined, preFindings: [], progress: { start: () => undefined, update: () => undefined, stop: () => undefined } }, { onEvent: () => undefined, onBranch: () => undefined, begin: () => undefined, finish: () => undefined });
    expect(good.findings.map((f) => f.code)).toContain('LINE_INVALID_JSON');
    // null is no hook, for the two that always took it.
    expect((await verifyLogs([log], { onForkBranch: null as never, onSettled: null as never })).findings).toEqual(good.findings);
    const bad: [string, Partial<RunOptions>, unknown][] = [
      ['keepFinding must be a function, not string', { keepFinding: 'x' as never }, null],
      ['keepFinding must be a function, not null', { keepFinding: null as never }, null],
      ['onSettled must be a function, not number', { onSettled: 5 as never }, null],
      ['onForkBranch must be a function, not string', { onForkBranch: 'f' as never }, null],
      ['preFindings must be an array of findings', { preFindings: 5 as unknown as [] }, null],
      ['progress must be an object { start, update, stop } of functions', { progress: {} as never }, null],
      ['progress must be an object { start, update, stop } of functions', { progress: 5 as never }, null],
      ['the extension must be an object with an onEvent function', {}, {}],
      ['the extension must be an object with an onEvent function', {}, 5],
      ['extension.finish must be a function, not string', {}, { onEvent: () => undefined, finish: 'x' }],
      ['extension.onBranch must be a function, not number', {}, { onEvent: () => undefined, onBranch: 1 }],
      ['extension.begin must be a function, not boolean', {}, { onEvent: () => undefined, begin: true }],
    ];
    for (const [what, opts, extension] of bad) {
      const run = verifyLogs([log], opts, extension as VerifyExtension | null);
      await expect(run, what).rejects.toThrow(OperatorError);
      await expect(run, what).rejects.toThrow(what);
    }
    expect(() => new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, keepFinding: 1 as never })).toThrow(new OperatorError('keepFinding must be a function, not number'));
  });

  it('a chain start (starts) no checkpoint could hold: each was a wrong answer or a TypeError, not a refusal (found by review)', async () => {
    const w = new ChainWriter('c');
    const lines = [w.append(input()).line, w.append(input()).line, w.append(input()).line];
    const [h0, h1] = lines.map((l) => (JSON.parse(l) as { hash: string }).hash);
    const log = join(tmp, 'resumed.jsonl');
    writeFileSync(log, `${lines.slice(1).join('\n')}\n`);
    const ts = '2026-11-01T12:00:00.000Z';
    const bad: [string, unknown[]][] = [
      // Before: SEQ_GAP "seq -1–0 are missing", "seq 0.5–0", SEQ_DUPLICATE after "seq NaN", a SEQ_GAP and a SEQ_DUPLICATE.
      ['starts[0].next must be a whole number', [{ chain: 'c', next: -1, parent: h0 }]],
      ['starts[0].next must be a whole number', [{ chain: 'c', next: 0.5, parent: h0 }]],
      ['starts[0].next must be a whole number', [{ chain: 'c', next: Number.NaN, parent: h0 }]],
      ['starts[0].next must be a whole number', [{ chain: 'c', next: '1', parent: h0 }]],
      ['starts[0].next must be a whole number', [{ chain: 'c', parent: h0 }]],
      ['starts[0].next must be a whole number', [{ chain: 'c', next: 2 ** 53, parent: h0 }]],
      // Before: a PREV_HASH_MISMATCH on a sound event (a missing parent was the genesis hash).
      ['starts[0].parent must be a digest', [{ chain: 'c', next: 1 }]],
      ['starts[0].parent must be a digest', [{ chain: 'c', next: 1, parent: null }]],
      ['starts[0].parent must be a digest', [{ chain: 'c', next: 1, parent: 'xyz' }]],
      ['starts[0].parent must be a digest', [{ chain: 'c', next: 1, parent: h0!.toUpperCase() }]],
      // Before: resumed from whichever came last (a SEQ_DUPLICATE, or nothing).
      ['starts names chain c twice', [{ chain: 'c', next: 1, parent: h0 }, { chain: 'c', next: 2, parent: h1 }]],
      ['starts names chain c twice', [{ chain: 'c', next: 2, parent: h1 }, { chain: 'c', next: 1, parent: h0 }]],
      // Before: a TypeError; a chain that is no id named no chain, silently.
      ['starts[1] must be a chain position', [{ chain: 'd', next: 1, parent: h0 }, null]],
      ['starts[0] must be a chain position', ['c']],
      ['starts[0].chain must be a chain id', [{ chain: 5, next: 1, parent: h0 }]],
      ['starts[0].chain must be a chain id', [{ chain: '', next: 1, parent: h0 }]],
      // Before: TS_REGRESSION against "nope", nothing against 5, a TypeError for null.
      ['starts[0].last.ts must be a timestamp', [{ chain: 'c', next: 1, parent: h0, last: { seq: 0, ts: 'nope' } }]],
      ['starts[0].last.ts must be a timestamp', [{ chain: 'c', next: 1, parent: h0, last: { seq: 0, ts: 5 } }]],
      ['starts[0].last must be a time point', [{ chain: 'c', next: 1, parent: h0, last: null }]],
      ['starts[0].last.seq must be a whole number', [{ chain: 'c', next: 1, parent: h0, last: { ts } }]],
      ['starts[0].latest.seq must be a whole number', [{ chain: 'c', next: 1, parent: h0, latest: { seq: -3, ts } }]],
      ['starts[0].latest must be a time point', [{ chain: 'c', next: 1, parent: h0, latest: 'x' }]],
      ['starts[0].latest.ts must be a timestamp', [{ chain: 'c', next: 1, parent: h0, latest: { seq: 0, ts: '2026-02-30T12:00:00.000Z' } }]],
    ];
    for (const [what, starts] of bad) {
      const s = starts as unknown as RunOptions['starts'];
      const run = verifyLogs([log], { starts: s });
      await expect(run, what).rejects.toThrow(OperatorError);
      await expect(run, what).rejects.toThrow(what);
      expect(() => new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, starts: s }), what).toThrow(what);
      expect(() => new ChainVerifier(() => undefined, DEFAULT_CHAIN_OPTIONS, s), what).toThrow(what);
    }
    // Positions a checkpoint holds are taken, a time point included, and the chain resumes there.
    const good = [{ chain: 'c', next: 1, parent: h0!, last: { seq: 0, ts }, latest: { seq: 0, ts } }, { chain: 'd', next: 0, parent: GENESIS_PREV_HASH }];
    expect((await verifyLogs([log], { starts: good })).findings).toEqual([]);
    expect((await verifyLogs([log], { starts: [{ chain: 'c', next: 1, parent: h0!, last: { seq: 0, ts: '2026-11-01T12:00:00.001Z' } }] })).findings.map((f) => f.code)).toEqual(['TS_REGRESSION']);
    const cv = new ChainVerifier(() => undefined, DEFAULT_CHAIN_OPTIONS, good);
    expect(cv.positions().map((p) => [p.chain, p.next])).toEqual([['c', 1], ['d', 0]]);
    // A shard result is written without the chain check (the merge applies starts): refused before writing too.
    const out = join(tmp, 'resumed.shard');
    await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, starts: bad[0]![1] as unknown as RunOptions['starts'] })).rejects.toThrow('starts[0].next must be a whole number');
    expect(existsSync(out)).toBe(false);
    // The merge, which runs the chain check, takes them from its options.
    await runShard([log], 0, 1, out);
    await expect(mergeShards({ shards: [out], options: { starts: bad[6]![1] as unknown as RunOptions['starts'] } })).rejects.toThrow('starts[0].parent must be a digest');
    expect((await mergeShards({ shards: [out], options: { starts: good } })).result.findings).toEqual([]);
  });

  it('a resume no checkpoint gives: a bytes of 1.5 aborted the process, one of NaN verified nothing and passed (found by review)', async () => {
    const w = new ChainWriter('c');
    const lines = [w.append(input()).line, w.append(input()).line];
    const log = join(tmp, 'resume.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const path = realpathSync(log);
    const starts = [{ chain: 'c', next: 1, parent: (JSON.parse(lines[0]!) as { hash: string }).hash }];
    const tail = sha256Digest(`${lines[0]!}\n`);
    const first = { bytes: Buffer.byteLength(lines[0]!) + 1, lines: 1, tail };
    type Resume = NonNullable<RunOptions['resume']>;
    const resume = (f: object, s: unknown = starts) => ({ files: new Map([[path, f]]), starts: s }) as unknown as Resume;
    // Verified past its first line, the log resumes at its second.
    const resumed = await verifyLogs([log], { resume: resume(first) });
    expect([resumed.summary.events, resumed.findings]).toEqual([1, []]);
    const bad: [string, Resume][] = [
      // Before: a native assertion in Node.js's read (the process aborted, no exception).
      ['bytes must be a whole number', resume({ ...first, bytes: 1.5 })],
      // Before: nothing read, no finding, a pass.
      ['bytes must be a whole number', resume({ ...first, bytes: Number.NaN })],
      // Before: read from the start, its first event a SEQ_DUPLICATE of the checkpoint's.
      ['bytes must be a whole number', resume({ ...first, bytes: -5 })],
      ['lines must be a whole number', resume({ ...first, lines: -7 })],
      ['tail must be a digest', resume({ ...first, tail: 'x' })],
      [`resume.files of ${JSON.stringify(path)} must map a path`, resume(null as unknown as object)],
      // Before: a TypeError (files.get is not a function).
      ['resume.files must be a Map', { files: { [path]: first }, starts } as unknown as Resume],
      // From mutation testing: a key that is no path (taken, and matching no file, it resumed nothing).
      ['resume.files of number must map a path', { files: new Map([[5, first]]), starts } as unknown as Resume],
      ['resume.starts must be an array', resume(first, null)],
      ['starts[0].next must be a whole number', resume(first, [{ ...starts[0], next: -1 }])],
    ];
    for (const [what, r] of bad) {
      const run = verifyLogs([log], { resume: r });
      await expect(run, what).rejects.toThrow(OperatorError);
      await expect(run, what).rejects.toThrow(what);
    }
  });

  it('a resume past the file\'s end is LOG_CHANGED, on one thread and in units: nothing was read and the file passed (found by review)', async () => {
    const w = new ChainWriter('c');
    const lines = [w.append(input()).line, w.append(input()).line];
    const log = join(tmp, 'resume-past-end.jsonl');
    const text = `${lines.join('\n')}\n`;
    writeFileSync(log, text);
    const path = realpathSync(log);
    const size = Buffer.byteLength(text);
    const starts = [{ chain: 'c', next: 2, parent: (JSON.parse(lines[1]!) as { hash: string }).hash }];
    const resume = (bytes: number) => ({ files: new Map([[path, { bytes, lines: 2, tail: sha256Digest(`${lines[1]!}\n`) }]]), starts });
    for (const jobs of [1, 2]) {
      // At its end: nothing left to verify, a pass.
      const atEnd = await verifyLogs([log], { resume: resume(size), jobs, unitBytes: 64 });
      expect([atEnd.summary.events, atEnd.findings], `jobs ${jobs}`).toEqual([0, []]);
      // One byte past it (a file truncated since its checkpoint was compared). Before: the same pass.
      const past = await verifyLogs([log], { resume: resume(size + 1), jobs, unitBytes: 64 });
      expect(past.findings.map((f) => [f.code, f.location, f.message]), `jobs ${jobs}`).toEqual([
        ['LOG_CHANGED', { file: log, line: 1 }, `the file is ${size} bytes, shorter than the ${size + 1} bytes verified before, where this run resumes it: it was truncated or replaced`],
      ]);
    }
  });

  it('IntegrityVerifier begins a file only where one can begin: a firstLine of 0 dropped LOG_EMPTY, a from of bytes NaN was the file\'s end (found by review)', () => {
    // Sound: an empty file is LOG_EMPTY at line 1; a file resumed at line 3, byte 40, ends there.
    const tail = sha256Digest('x\n');
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    v.endFile('empty.jsonl', v.beginFile('empty.jsonl'));
    v.endFile('resumed.jsonl', v.beginFile('resumed.jsonl', 3, { bytes: 40, tail }));
    v.beginRecords('records.jsonl', 5, { bytes: 0, tail });
    v.endRecords('records.jsonl', { lines: 0, bytes: 0, content: 0 }, null);
    const sound = v.finish();
    expect(sound.findings.map((f) => [f.code, f.location])).toEqual([['LOG_EMPTY', { file: 'empty.jsonl', line: 1 }]]);
    expect([sound.ends.get('resumed.jsonl'), sound.ends.get('records.jsonl')]).toEqual([{ bytes: 40, lines: 2, tail }, { bytes: 0, lines: 4, tail }]);
    const bad: [string, (v: IntegrityVerifier) => unknown][] = [
      // Before: no LOG_EMPTY for an empty file, and a torn line's finding at line 0 (NaN: null in JSON).
      ['firstLine must be a whole number from 1', (v) => v.beginFile('a.jsonl', 0)],
      ['firstLine must be a whole number from 1', (v) => v.beginFile('a.jsonl', Number.NaN)],
      ['firstLine must be a whole number from 1', (v) => v.beginRecords('a.jsonl', 1.5)],
      // Before: ends held { bytes: NaN } (a checkpoint written from it holds null), or the tail given.
      ['from.bytes must be a whole number', (v) => v.beginFile('a.jsonl', 2, { bytes: Number.NaN, tail })],
      ['from.bytes must be a whole number', (v) => v.beginRecords('a.jsonl', 2, { bytes: -1, tail })],
      ['from.tail must be the digest', (v) => v.beginFile('a.jsonl', 2, { bytes: 4, tail: 'x' })],
      ['from.tail must be the digest', (v) => v.beginRecords('a.jsonl', 2, { bytes: 4 } as unknown as { bytes: number; tail: string })],
      ['from must be where the file resumes', (v) => v.beginFile('a.jsonl', 2, 5 as unknown as null)],
      ['a file is named by a string', (v) => v.beginFile(7 as unknown as string)],
    ];
    for (const [what, begin] of bad) {
      const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
      expect(() => begin(v), what).toThrow(OperatorError);
      expect(() => begin(v), what).toThrow(what);
    }
  });

  it('a deep line that is not canonical, with maxDepth past the CLI\'s 2 000: an OperatorError, not a stack overflow (found by review)', async () => {
    const line = deepNoncanonicalLine(20_000);
    const log = join(tmp, 'deep.jsonl');
    writeFileSync(log, `${line}\n`);
    await expect(verifyLogs([log], { maxDepth: 1e9 })).rejects.toThrow(OperatorError);
    expect(() => checkLine(Buffer.from(line), { file: 'x', line: 1, ordinal: 0 }, { maxDepth: 1e9, keepEvent: true })).toThrow(OperatorError);
    expect(() => checkLine(Buffer.from(line), { file: 'x', line: 1, ordinal: 0 }, { maxDepth: Number.NaN, keepEvent: true })).toThrow(OperatorError);
    // At the CLI's bound it is a finding.
    expect(checkLine(Buffer.from(line), { file: 'x', line: 1, ordinal: 0 }, { maxDepth: 2000, keepEvent: true }).findings.map((f) => f.detail)).toEqual([{ reason: 'too-deep' }]);
    expect((await verifyLogs([log], { maxDepth: 2000 })).findings.map((f) => f.code)).toEqual(['EVENT_NONCANONICAL']);
  });

  it('checkLine reads a Uint8Array as the bytes it holds, as a Buffer: its numbers were read as the line, a LINE_INVALID_JSON (found by review)', () => {
    const w = new ChainWriter('c');
    const line = Buffer.from(w.append({ ...input(), request: { path: '/tmp/é' } }).line);
    const ref = { file: 'x', line: 1, ordinal: 0 };
    const opts = { maxDepth: 128, keepEvent: true };
    const want = checkLine(line, ref, opts);
    expect([want.kind, want.findings]).toEqual(['event', []]);
    // A view into a larger buffer, at an offset: its own bytes only.
    const big = new Uint8Array(line.length + 10);
    big.set(line, 3);
    for (const bytes of [new Uint8Array(line), big.subarray(3, 3 + line.length)]) expect(checkLine(bytes as Buffer, ref, opts)).toEqual(want);
    expect(() => checkLine(line.toString() as unknown as Buffer, ref, opts)).toThrow(new OperatorError('a line must be a Buffer (or a Uint8Array) of its bytes'));
  });
});

describe('runShard and mergeShards refuse what no run is (OperatorError)', () => {
  it('a shard index out of its count, a count of 0, a bound of NaN: each was written as a result; no shard to merge threw a TypeError (found by review)', async () => {
    const log = join(tmp, 'shard.jsonl');
    const w = new ChainWriter('c');
    writeFileSync(log, `${w.append(input()).line}\n`);
    const out = join(tmp, 'shard.out');
    for (const [index, of] of [[5, 2], [2, 2], [-1, 2], [0, 0], [0.5, 2], [0, Number.NaN]] as const) {
      await expect(runShard([log], index, of, out), `${index}/${of}`).rejects.toThrow(OperatorError);
    }
    await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, maxDepth: Number.NaN })).rejects.toThrow('maxDepth must be a whole number');
    await expect(runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, jobs: 1e6 })).rejects.toThrow('jobs must be a whole number');
    expect(existsSync(out)).toBe(false);
    await expect(mergeShards({ shards: [] })).rejects.toThrow(OperatorError);
    // Paths that are no array of paths, as verifyLogs refuses them: a string was read as one log
    // (or shard) per character, "." among them the current directory; null was a TypeError (found by review).
    await expect(runShard(log as unknown as string[], 0, 1, out)).rejects.toThrow('logs must be an array of paths');
    await expect(runShard([log, 5 as unknown as string], 0, 1, out)).rejects.toThrow('logs must be an array of paths');
    expect(existsSync(out)).toBe(false);
    for (const input of [null, { shards: out }, { shards: [out, 5] }]) {
      await expect(mergeShards(input as unknown as { shards: string[] }), JSON.stringify(input)).rejects.toThrow('mergeShards takes { shards }: an array of the paths of shard results');
    }
    // A shard that is one: written, and merged to the one run's findings.
    await runShard([log], 0, 1, out);
    expect((await mergeShards({ shards: [out] })).result.findings).toEqual([]);
  });
});

describe('buildReport and fails take only the --fail-on values', () => {
  it('any other failOn is an OperatorError: \'info\', \'Error\' or none given ranked no severity, and a run with errors passed (found by review)', () => {
    const result = verifyBytes([toLog(['{"not": json'])]);
    expect(result.summary.findings.bySeverity.error).toBe(1);
    const replay = { performed: false, reason: 'no --repo given' } as const;
    const verdicts = (['error', 'warning', 'note', 'never'] as const).map((f) => [f, fails(result.summary.findings, f), buildReport(result, replay, f).summary.result]);
    expect(verdicts).toEqual([['error', true, 'fail'], ['warning', true, 'fail'], ['note', true, 'fail'], ['never', false, 'pass']]);
    for (const [bad, what] of [['info', '"info"'], ['Error', '"Error"'], ['', '""'], [undefined, 'undefined'], [null, 'null'], [2, 'number']] as const) {
      const failOn = bad as unknown as FailOn;
      const message = `failOn must be one of error, warning, note, never, not ${what}`;
      // Before: false, and a report whose result was 'pass'.
      expect(() => fails(result.summary.findings, failOn), what).toThrow(new OperatorError(message));
      expect(() => buildReport(result, replay, failOn), what).toThrow(OperatorError);
    }
  });
});

describe('makeFinding', () => {
  it('refuses a code the registry does not hold, one it inherits too: \'valueOf\' was a finding of no severity (found by review)', () => {
    expect(makeFinding('LOG_EMPTY', { message: 'x' })).toMatchObject({ code: 'LOG_EMPTY', severity: 'warning' });
    for (const [code, what] of [['valueOf', '"valueOf"'], ['__proto__', '"__proto__"'], ['NOPE', '"NOPE"'], [5, 'number']] as const) {
      // Before: { code: 'valueOf', severity: undefined, ... }; the others a TypeError.
      expect(() => makeFinding(code as unknown as 'LOG_EMPTY', { message: 'x' }), what).toThrow(new OperatorError(`${what} is not a finding code (ALL_CODES lists them)`));
      expect(() => makeFinding(code as unknown as 'LOG_EMPTY', { message: 'x' }), what).toThrow(OperatorError);
    }
  });
});

describe('canonicalize', () => {
  it('refuses a maxDepth that is not a whole number, 0 or more: NaN bounded nothing (found by review)', () => {
    for (const d of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      expect(() => canonicalize({ a: { b: {} } }, d), String(d)).toThrow(OperatorError);
    }
    expect(canonicalize({ b: { c: [] }, a: -0 }, 3)).toBe('{"a":0,"b":{"c":[]}}');
    expect(() => canonicalize({ b: { c: [] } }, 2)).toThrow(JcsError);
  });

  it('a value deeper than the writer\'s stack, at a maxDepth that allows it, is a JcsError, not a RangeError (found by review)', () => {
    const nest = (n: number): unknown => {
      let deep: unknown = 1;
      for (let i = 0; i < n; i++) deep = i % 2 === 0 ? [deep] : { a: deep };
      return deep;
    };
    let err: unknown;
    try {
      canonicalize(nest(100_000), 1e6);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JcsError);
    expect((err as JcsError).reason).toBe('too-deep');
    expect((err as JcsError).message).toMatch(/^value is nested deeper than this process's stack can write/);
    // What the CLI allows (--max-depth 2000) is written.
    const text = canonicalize(nest(2000), 2001);
    expect(text.length).toBe(1 + 1000 * 2 + 1000 * 6);
    expect(text.startsWith('{"a":[{"a":[')).toBe(true);
  });

  it('a value that contains itself is a JcsError at once, whatever the maxDepth: with a large one it ran out of memory', () => {
    const self: Record<string, unknown> = { x: 1 };
    self['me'] = self;
    const loop: unknown[] = [];
    const inner = { l: [{ back: loop }] };
    loop.push(1, inner);
    for (const [v, at] of [[self, '/me'], [loop, '/1/l/0/back'], [{ a: { b: self } }, '/a/b/me']] as const) {
      expect(() => assertJcsValue(v, Number.MAX_SAFE_INTEGER), at).toThrow('contains itself');
      let err: unknown;
      try {
        canonicalize(v, 1e6);
      } catch (e) {
        err = e;
      }
      expect(err, at).toBeInstanceOf(JcsError);
      // Found by twice the cycle's depth: at its first repeat, or a round or two further on.
      expect((err as JcsError).message, at).toMatch(/^value at "[^"]*" contains itself, which JSON cannot hold$/);
      expect((err as JcsError).pointer.startsWith(at), at).toBe(true);
      expect((err as JcsError).pointer.length, at).toBeLessThanOrEqual(4 * at.length);
    }
    // The same value twice, side by side, is no cycle.
    const shared = { k: [1] };
    expect(canonicalize({ b: shared, a: [shared, shared] })).toBe('{"a":[{"k":[1]},{"k":[1]}],"b":{"k":[1]}}');
  });
});

describe('the types a caller needs are exported', () => {
  it('types an options object, an extension, hooks and a report\'s replay status without an internal path', async () => {
    const seen: number[] = [];
    const onEvent: EventHook = (rec) => void seen.push(rec.seq);
    const extension: VerifyExtension = { onEvent };
    const options: Partial<RunOptions> = { ...DEFAULT_VERIFY_OPTIONS, jobs: 1 };
    const log = join(tmp, 'typed.jsonl');
    const w = new ChainWriter('c');
    writeFileSync(log, `${[w.append(input()).line, w.append(input()).line].join('\n')}\n`);
    expect((await verifyLogs([log], options, extension)).findings).toEqual([]);
    expect(seen).toEqual([0, 1]);
    // Compile-time: each of these is a name a caller writes.
    const hooks: [AcceptHook, SetAsideHook, BranchHook] = [() => undefined, () => undefined, () => undefined];
    const status: ReplayStatus = { performed: false, reason: 'no --repo given' };
    const shard: Partial<ShardOptions> = { jobs: 1 };
    const init: FindingInit | null = null;
    const scan: CanonicalScan | null = null;
    expect([hooks.length, status.performed, shard.jobs, init, scan]).toEqual([3, false, 1, null, null]);
  });
});
