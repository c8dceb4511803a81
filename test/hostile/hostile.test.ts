/**
 * Hostile input: the verifier cannot be crashed, hung or fooled, and never loses a finding.
 * The crafted corpus (committed, rebuilt here), bounded fuzzing with fast-check, and the
 * resource limits.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCorpus } from './corpus.js';
import { readSource } from '../../src/ingest/read.js';
import { chainLines, interleavedLines, toLog, verifyBytes } from '../helpers/chains.js';
import { cleanChainsAreClean, neverThrowsOnBytes, reportsEveryMutation, survive } from '../fuzz/properties.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { Replayer } from '../../src/replay/replay.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from '../../src/verify/verifier.js';
import type { Finding } from '../../src/findings/finding.js';

const CORPUS = join(import.meta.dirname, 'corpus');
const tmp = mkdtempSync(join(tmpdir(), 'sel-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const show = (fs: readonly Finding[]) =>
  fs.map((f) => `${f.code}@${f.location?.line ?? '-'}${f.code === 'EVENT_NONCANONICAL' ? `:${String(f.detail?.['reason'])}` : ''}`);

describe('the crafted corpus', () => {
  const corpus = buildCorpus();
  it('is the committed test/hostile/corpus, byte for byte', () => {
    const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, { expected: string[]; about: string }>;
    expect(Object.keys(expected).sort()).toEqual(Object.keys(corpus).sort());
    for (const [name, e] of Object.entries(corpus)) {
      expect(readFileSync(join(CORPUS, name)).equals(e.bytes), name).toBe(true);
      expect(expected[name]).toEqual({ expected: e.expected, about: e.about });
    }
  });
  for (const [name, e] of Object.entries(corpus)) {
    it(`${name}: ${e.about}`, () => {
      expect(show(verifyBytes([e.bytes]).findings)).toEqual(e.expected);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }
});

describe('limits', () => {
  it('skips a line over --max-line-bytes without holding it, whatever its size', () => {
    const lines = chainLines(3);
    const v = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: 4096 });
    const s = v.beginFile('big.jsonl');
    s.push(Buffer.from(`${lines[0]}\n`));
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) s.push(block); // a 64 MiB line, pushed in 1 MiB chunks
    s.push(Buffer.from(`\n${lines[2]}\n`));
    v.endFile('big.jsonl', s);
    const r = v.finish();
    expect(show(r.findings)).toEqual(['LINE_TOO_LONG@2']);
    expect(r.findings[0]!.actual).toBe(64 << 20);
    expect(r.findings[0]!.expected).toBe('<= 4096'); // the limit it broke (from mutation testing)
  });
  it('shows at most a few hundred characters of a value a finding echoes, however long it is', () => {
    // A finding echoed a line's `v`, in its message and as `actual`: a 280 MB log of such
    // lines made a report longer than V8's longest string, and sel stopped with an internal error.
    const long = `${'x'.repeat(351)}\u{1F600}${'y'.repeat(900_000)}\u{1F600}${'z'.repeat(95)}`;
    const algo = `md${'5'.repeat(900_000)}`;
    const line = (v: string) => Buffer.from(`${JSON.stringify({ v })}\n`);
    const r = verifyBytes([Buffer.concat([line(long), Buffer.from(`${chainLines(1)[0]!.replace(/"hash":"sha256:/, `"hash":"${algo}:`)}\n`)])]);
    expect(r.findings.map((f) => f.code)).toEqual(['EVENT_VERSION_UNKNOWN', 'HASH_MISMATCH']);
    for (const f of r.findings) {
      expect(f.message.length, f.code).toBeLessThan(1024);
      for (const v of [f.actual, f.detail?.['algorithm']]) if (typeof v === 'string') expect(v.length, f.code).toBeLessThan(512);
    }
    const [version] = r.findings;
    // Cut around the two emoji, not through them.
    expect(version!.actual).toMatch(/^x{351}…\[\d+ characters left out\]…z{95}$/u);
    expect(version!.message).toContain('is not sel.audit/1');
  });
  it('reports a file that grows or shrinks while it is read', async () => {
    const f = join(tmp, 'moving.jsonl');
    writeFileSync(f, toLog(chainLines(5)));
    const grow = await readSource({ display: f, path: f, regular: true, named: true }, () => appendFileSync(f, 'x'));
    expect(grow?.code).toBe('LOG_CHANGED');
    const big = Buffer.alloc(3 << 20, 0x0a);
    writeFileSync(f, big);
    let first = true;
    const shrink = await readSource({ display: f, path: f, regular: true, named: true }, () => {
      if (first) truncateSync(f, 10);
      first = false;
    });
    expect(shrink?.code).toBe('LOG_CHANGED');
    expect(existsSync(f)).toBe(true);
  });
});

describe('fuzzing (bounded, fixed seed in CI; npm run fuzz for long runs)', () => {
  const LINES = toLog(interleavedLines(10, ['a', 'b'])).toString('utf8').trimEnd().split('\n');

  it('never throws on arbitrary bytes', () => {
    fc.assert(neverThrowsOnBytes, { numRuns: 300 });
  });
  it('never throws on JSON-shaped garbage, and reports some line of it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.json(), fc.string()), { minLength: 1, maxLength: 20 }), (items) => {
        const text = `${items.map((s) => s.replace(/\n/g, ' ')).join('\n')}\n`;
        const f = survive(Buffer.from(text));
        if (items.some((s) => s.length > 0)) expect(f.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
  it('reports every mutation of a valid chain (insert, delete, flip, truncate, duplicate, swap), and never throws', () => {
    fc.assert(reportsEveryMutation, { numRuns: 600 });
  });
  it('gives clean interleaved chains no finding', () => {
    fc.assert(cleanChainsAreClean, { numRuns: 50 });
  });
  it('catches truncation at a line boundary with an anchor on the last event', () => {
    const lines = chainLines(6, 'anch');
    const last = JSON.parse(lines[5]!) as { hash: string; ts: string };
    const anchor = Buffer.from(JSON.stringify({ v: 'sel.anchor/1', chain: 'anch', seq: 5, hash: last.hash, ts: last.ts }));
    const ledger = buildLedger(new Map([['ledger/anchors/anch/5.json', anchor]]));
    for (let keep = 1; keep <= 6; keep++) {
      let replayer: Replayer;
      const v = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS }, (rec) => replayer.onEvent(rec));
      replayer = new Replayer({ index: { byHash: new Map(), unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger, repoLabel: 'r' }, (f) => v.report(f));
      const s = v.beginFile('l.jsonl');
      s.push(toLog(lines.slice(0, keep)));
      v.endFile('l.jsonl', s);
      const codes = v.finish((chains) => replayer.finish(chains)).findings.map((f) => f.code).filter((c) => c !== 'POLICY_UNKNOWN');
      expect(codes, `kept ${keep}`).toEqual(keep === 6 ? [] : ['LOG_TRUNCATED']);
    }
  });
  it('never lets a fault hide the next one: two faults, both reported', () => {
    fc.assert(
      fc.property(fc.nat({ max: LINES.length - 5 }), fc.integer({ min: 2, max: 4 }), (i, gap) => {
        const l = [...LINES];
        l[i] = `${l[i]!.slice(0, 20)}`; // a damaged line
        l[i + gap] = l[i + gap]!.replace(/"seq":(\d+)/, (_m, n: string) => `"seq":${Number(n) + 1}`); // a tampered seq
        const lines = new Set(survive(toLog(l)).map((f) => f.location?.line));
        expect(lines.has(i + 1)).toBe(true);
        expect(lines.has(i + gap + 1)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
