/**
 * --jobs N cuts the logs into units (byte ranges on line boundaries) that threads check
 * independently (src/verify/units.ts). Whatever the cuts and the thread count, the result must
 * be the one-thread result, exactly: the same findings with the same lines, the same counts,
 * the same chain summaries. These tests run the library in process with real worker threads
 * (the built dist/ worker) on real files, with units as small as one byte, so that every kind
 * of line and fault lands on, before and after a cut.
 */
import { appendFileSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { nextLineStartSync, readRangeSync } from '../../src/ingest/range.js';
import { verifyLogs, type RunOptions } from '../../src/verify/run.js';
import { MAX_DEPTH_LIMIT } from '../../src/verify/options.js';
import { interleavedLines, POLICY_A, sampleInput } from '../helpers/chains.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { digestOf, GENESIS_PREV_HASH, sha256Digest } from '../../src/canonical/digest.js';
import { MAX_UNIT_LINES, processUnit, unitContext } from '../../src/verify/unit.js';
import { addUnitRecords } from '../../src/verify/apply.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { gateFacts, type GateFacts } from '../../src/gate/facts.js';
import { gateNote, impactNote } from '../../src/verify/notes.js';
import { evalUnder, impactOf, type ImpactNote } from '../../src/replay/impact.js';
import { buildLedger } from '../../src/policy/ledger.js';
import { loadBundle } from '../../src/policy/bundle.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';
import type { EventRecord, SelEvent } from '../../src/envelope/types.js';
import { KIND_EVENT, KIND_HOLE, KIND_MASK, type UnitRequest, type UnitResult, type WorkerInit } from '../../src/verify/worker-protocol.js';
import { runUnits, verifierSink } from '../../src/verify/units.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type IntegrityResult } from '../../src/verify/verifier.js';
import { orderSources, resolveSources, totalBytes } from '../../src/ingest/sources.js';
import type { PlacedEvent } from '../../src/envelope/types.js';
import { buildGovernanceRepo } from '../../ledger-samples/governance.js';
import { GitRepo } from '../../src/git/git.js';
import { readGovernance } from '../../src/git/history.js';
import { replayData } from '../../src/verify/replay-data.js';
import { replayEvent } from '../../src/replay/replay.js';
import { inFuzzDir, unitsAgree } from '../fuzz/units.js';
import { openSync, closeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { LinePool, prestartPool, takePool } from '../../src/verify/pool.js';
import { blockColumns } from '../../src/shard/format.js';
import { matchesFilter, type EventFilter } from '../../src/envelope/filter.js';
import { runShard } from '../../src/shard/shard.js';
import { mergeShards } from '../../src/shard/merge.js';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/json.js';
import type { BundleVersion } from '../../src/git/history.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function file(bytes: Buffer | string, dir = tmp): string {
  const p = join(dir, `log-${n++}.jsonl`);
  writeFileSync(p, bytes);
  return p;
}

/**
 * One thread's result against `jobs` threads with `unitBytes`-byte units: must be equal. Twice:
 * as a run shares the units (the main thread takes most of a small log's units while a worker
 * starts), and with every unit checked by a worker, so that results that cross between
 * threads are always compared too.
 */
async function expectSame(logs: string[], opts: Partial<RunOptions>, jobs: number, unitBytes: number): Promise<void> {
  const one = await verifyLogs(logs, { ...opts, jobs: 1 });
  for (const mainThreadUnits of [true, false]) {
    const many = await verifyLogs(logs, { ...opts, jobs, unitBytes, mainThreadUnits });
    expect(many, `--jobs ${jobs}, units of ${unitBytes} bytes${mainThreadUnits ? '' : ', all in workers'}`).toEqual(one);
  }
}

/** Lines of every shape SPEC.md §2 names, and chain faults, among clean events of 3 chains. */
function assorted(): string[] {
  const lines = interleavedLines(12, ['a', 'b', 'c']);
  lines[4] = lines[4]!.replace('"action":"', '"action":"x'); // HASH_MISMATCH
  lines.splice(7, 0, ''); // an empty line mid-file
  lines[10] = `${lines[10]!}\r`; // CRLF
  lines.splice(12, 0, '{"v":"sel.audit/1","x":"\xff"}'); // invalid UTF-8 once written as latin1, below
  lines.splice(15, 0, 'x'.repeat(3000)); // longer than --max-line-bytes 2000
  lines.splice(18, 0, lines[16]!); // a duplicate
  [lines[20], lines[23]] = [lines[23]!, lines[20]!]; // a swap within one chain
  lines.splice(27, 1); // a gap
  lines.splice(30, 0, '{"not":"an event"}');
  return lines;
}

function assortedBytes(torn: boolean): Buffer {
  const parts = assorted().map((l) => (l.includes('\xff') ? Buffer.from(l, 'latin1') : Buffer.from(l, 'utf8')));
  const body = Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
  // A torn last line: the first 100 bytes of an event, without its line feed.
  return torn ? Buffer.concat([body, Buffer.from(interleavedLines(1, ['d'])[0]!.slice(0, 100))]) : body;
}

describe('units: the one-thread result for any cut', () => {
  const opts: Partial<RunOptions> = { maxLineBytes: 2000 };

  it('every line shape and fault, at units from 1 byte to the whole file', async () => {
    const log = file(assortedBytes(true));
    const one = await verifyLogs([log], { ...opts, jobs: 1 });
    // The log has what it was made to have, so the equality below compares something.
    const codes = new Set(one.findings.map((f) => f.code));
    for (const c of ['HASH_MISMATCH', 'LINE_EMPTY', 'EVENT_NONCANONICAL', 'LINE_INVALID_UTF8', 'LINE_TOO_LONG', 'SEQ_DUPLICATE', 'SEQ_REORDER', 'SEQ_GAP', 'LINE_TORN']) {
      expect([...codes], c).toContain(c);
    }
    for (const unitBytes of [1, 2, 61, 500, 777, 1999, 2000, 2001, 4096, 10_000, 1 << 20]) {
      await expectSame([log], opts, 2, unitBytes);
    }
    await expectSame([log], opts, 3, 333);
  });

  it('a file that ends in an empty line, a file of one empty line, an empty file, in one directory', async () => {
    const dir = join(tmp, 'rotated');
    mkdirSync(dir);
    const lines = interleavedLines(30, ['r']);
    file(`${lines.slice(0, 10).join('\n')}\n\n`, dir);
    file(`${lines.slice(10, 20).join('\n')}\n`, dir);
    file('\n', dir);
    file('', dir);
    file(`${lines.slice(20).join('\n')}\n`, dir);
    const one = await verifyLogs([dir], { jobs: 1 });
    expect(one.findings.map((f) => f.code)).toContain('LOG_EMPTY');
    for (const unitBytes of [1, 100, 700, 5000]) await expectSame([dir], {}, 2, unitBytes);
  });

  it('a line far longer than a unit is cut around, once', async () => {
    const lines = interleavedLines(6, ['z']);
    lines.splice(3, 0, `{"pad":"${'y'.repeat(200_000)}"}`);
    const log = file(`${lines.join('\n')}\n`);
    for (const maxLineBytes of [1 << 20, 10_000]) {
      for (const unitBytes of [1, 1000, 65_536]) await expectSame([log], { maxLineBytes }, 2, unitBytes);
    }
  });

  it('property: random damage, random cuts, 2 or 3 threads', async () => {
    const base = interleavedLines(20, ['p', 'q']);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(base.length - 1), op: fc.constantFrom('drop', 'dup', 'flip', 'blank', 'swap', 'junk') }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 8000 }),
        fc.constantFrom(2, 3),
        async (ops, unitBytes, jobs) => {
          const lines = [...base];
          for (const { at, op } of ops) {
            const i = Math.min(at, lines.length - 1);
            if (i < 0) break;
            if (op === 'drop') lines.splice(i, 1);
            else if (op === 'dup') lines.splice(i, 0, lines[i]!);
            else if (op === 'flip') lines[i] = lines[i]!.replace('"seq":', '"seq": ');
            else if (op === 'blank') lines.splice(i, 0, '');
            else if (op === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
            else if (op === 'junk') lines.splice(i, 0, '{"junk":true');
          }
          const log = file(`${lines.join('\n')}\n`);
          await expectSame([log], {}, jobs, unitBytes);
        },
      ),
      { numRuns: 12, seed: 20261201 },
    );
  });
});

describe('units: a consumer of events on the main thread', () => {
  it('receives every accepted event, parsed, in the order one thread gives them', async () => {
    const log = file(assortedBytes(false));
    const collect = async (jobs: number) => {
      const seen: unknown[] = [];
      const result = await verifyLogs([log], { maxLineBytes: 2000, jobs, unitBytes: 700, mainThreadUnits: false }, { onEvent: (rec) => seen.push([rec.ref, rec.chain, rec.seq, rec.hash, rec.event]) });
      return { result, seen };
    };
    const one = await collect(1);
    expect(one.seen.length).toBeGreaterThan(20);
    expect(await collect(2)).toEqual(one);
  });
});

describe('units: a file that changes while it is read', () => {
  const changing = async (change: (log: string) => void) => {
    const log = file(`${interleavedLines(40, ['g']).join('\n')}\n`);
    let done = false;
    const progress = { start: () => undefined, stop: () => undefined, update: () => {
      if (!done) change(log);
      done = true;
    } };
    return verifyLogs([log], { jobs: 2, unitBytes: 2000, progress, mainThreadUnits: false });
  };
  it('grows: LOG_CHANGED, and only the bytes there were at the start are verified', async () => {
    const r = await changing((log) => appendFileSync(log, 'more\n'));
    expect(r.findings.map((f) => [f.code, f.message])).toEqual([['LOG_CHANGED', expect.stringContaining('grew')]]);
    expect(r.summary.events).toBe(40);
  });
  it('shrinks: LOG_CHANGED, whether a unit still had to be read or only the end saw it', async () => {
    const r = await changing((log) => truncateSync(log, 5000));
    const changed = r.findings.filter((f) => f.code === 'LOG_CHANGED');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.message).toMatch(/shrank/);
    expect(r.summary.events).toBeGreaterThan(0);
  });
});

describe('a file that shrinks while its units are read on this thread', () => {
  it('LOG_CHANGED says where reading stopped (not the size found at the end), and the line cut there is torn (from mutation testing)', async () => {
    const lines = interleavedLines(40, ['k']);
    const log = file(`${lines.join('\n')}\n`);
    const size = statSync(log).size;
    // Where the file is cut: inside a line.
    const at = 5000;
    let offset = 0;
    let cutLine = 0;
    while (offset + lines[cutLine]!.length + 1 <= at) offset += lines[cutLine++]!.length + 1;
    expect(offset).toBeLessThan(at);
    let truncated = false;
    // After the first unit is applied: the next cut, and the unit read from there, find the end at `at`.
    const progress = { start: () => undefined, stop: () => undefined, update: () => {
      if (!truncated) truncateSync(log, at);
      truncated = true;
    } };
    const r = await unitsHere([log], { progress }, 2000);
    expect(r.findings.map((f) => [f.code, f.location?.line, f.message])).toEqual([
      ['LOG_CHANGED', 1, `the file shrank while it was read: ${size} bytes at open, only ${at} could be read`],
      ['LINE_TORN', cutLine + 1, expect.any(String)],
    ]);
    expect(r.summary.events).toBe(cutLine);
  });
});

describe('a unit whose file shrank after the cut', () => {
  /** Checks the unit [0, unitEnd) of `whole` as cut at its old size, from the file cut to `cutAt` bytes, inside its third line. */
  async function shrunk(whole: Buffer, unitEnd: number, cutAt: number): Promise<void> {
    const p = file(whole.subarray(0, cutAt));
    const fd = openSync(p, 'r');
    try {
      const ctx = await unitContext({ maxDepth: 128, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note: null, sendWhole: null });
      const r = processUnit({ id: 0, fd, file: p, start: 0, end: unitEnd, size: whole.length }, ctx);
      expect(r.problem).toEqual({ code: 'LOG_CHANGED', message: `the file shrank while it was read: ${whole.length} bytes at open, only ${cutAt} could be read` });
      expect(r.lines).toBe(3);
      expect(r.bytes).toBe(cutAt);
      expect([...r.kinds].map((k) => k & KIND_MASK)).toEqual([KIND_EVENT, KIND_EVENT, KIND_HOLE]);
      expect(r.extra[0]).toMatchObject({ findings: [{ code: 'LINE_TORN', location: { line: 3 } }] });
    } finally {
      closeSync(fd);
    }
  }

  it('its last unit: reports the shrink where reading stopped, and the line cut there as torn, as one thread does', async () => {
    const whole = Buffer.from(`${interleavedLines(3, ['t']).join('\n')}\n`);
    await shrunk(whole, whole.length, whole.length - 40); // cut inside the last line
  });

  it('a unit before the file\'s end (units cut ahead, read later): the same (from mutation testing)', async () => {
    const lines = interleavedLines(6, ['m']);
    const whole = Buffer.from(`${lines.join('\n')}\n`);
    // Lines 1-4 as cut from the file at its old size; not its last unit.
    await shrunk(whole, Buffer.byteLength(`${lines.slice(0, 4).join('\n')}\n`), Buffer.byteLength(`${lines.slice(0, 2).join('\n')}\n`) + 50);
  });

  it('an empty line where reading stopped is the file\'s last line, allowed as on one thread, not LINE_EMPTY (from mutation testing)', async () => {
    const lines = interleavedLines(4, ['n']);
    lines.splice(2, 0, '');
    const whole = Buffer.from(`${lines.join('\n')}\n`);
    const unitEnd = Buffer.byteLength(`${lines.slice(0, 4).join('\n')}\n`);
    const cutAt = Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n`); // just after the empty line 3
    const p = file(whole.subarray(0, cutAt));
    const one = await verifyLogs([p], { jobs: 1 });
    expect(one.findings.map((f) => f.code)).not.toContain('LINE_EMPTY');
    const fd = openSync(p, 'r');
    try {
      const ctx = await unitContext({ maxDepth: 128, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note: null, sendWhole: null });
      const r = processUnit({ id: 0, fd, file: p, start: 0, end: unitEnd, size: whole.length }, ctx);
      expect(r.problem).toMatchObject({ code: 'LOG_CHANGED' });
      expect(r.lines).toBe(3);
      expect([...r.kinds].map((k) => k & KIND_MASK)).toEqual([KIND_EVENT, KIND_EVENT]);
      expect(r.extra).toEqual([]);
      expect([r.emptyLines, r.emptyBytes]).toEqual([1, 1]);
    } finally {
      closeSync(fd);
    }
  });
});

describe('a release gate\'s facts (sel gate --jobs N)', () => {
  it('are made in the unit and land on their own record, past holes, findings and other chains; one thread notes the same', async () => {
    // Two chains; elevations allowed, warned and blocked, under two bundles; a hole and a
    // damaged event between them.
    const POLICY_B = digestOf({ policy: 'b' });
    const writers = [new ChainWriter('a'), new ChainWriter('b')];
    const lines: string[] = [];
    for (let i = 0; i < 24; i++) {
      const kind = i % 3 === 0 ? 'zone.elevate' : 'tool.invoke';
      lines.push(writers[i % 2]!.append(sampleInput(i, { kind, policy_hash: i % 5 === 0 ? POLICY_B : POLICY_A })).line);
    }
    lines.splice(7, 0, '{"not":"an event"}');
    lines[12] = lines[12]!.replace('"action":"', '"action":"x');
    // Placed, with a line finding (a zone the schema does not know; sealed again, last of its
    // chain): an allowed elevation, but no event, so no facts, as on one thread.
    const last = JSON.parse(writers[0]!.append(sampleInput(24, { kind: 'zone.elevate', decision: { action: 'allow', rule: null, severity: 'info' } })).line) as Record<string, unknown>;
    (last['actor'] as Record<string, unknown>)['zone'] = 'root';
    delete last['hash'];
    last['hash'] = digestOf(last);
    lines.push(canonicalize(last));
    const p = file(`${lines.join('\n')}\n`);
    const note = { kind: 'gate', policyHash: POLICY_A } as const;
    const fd = openSync(p, 'r');
    const records: EventRecord[] = [];
    try {
      const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note, sendWhole: null });
      const r = processUnit({ id: 0, fd, file: p, start: 0, end: statSync(p).size, size: statSync(p).size }, ctx);
      addUnitRecords(r, p, 0, (f, line) => ({ file: f, line, ordinal: line }), (rec) => records.push(rec));
    } finally {
      closeSync(fd);
    }
    // The same facts as made from each intact event, on the very record.
    const noted: GateFacts[] = [];
    for (const rec of records) {
      if (rec.kind !== 'event') continue;
      const line = lines[rec.ref.line - 1]!;
      const intact = rec.findings.length === 0;
      const expected = intact ? gateFacts(JSON.parse(line) as SelEvent, POLICY_A) : null;
      expect(gateNote(rec), `line ${rec.ref.line}`).toEqual(expected);
      expect(rec.event).toBeNull();
      const facts = gateNote(rec);
      if (facts !== null) noted.push(facts);
    }
    expect(records.some((rec) => rec.kind === 'hole')).toBe(true);
    expect(records.some((rec) => rec.kind === 'event' && rec.findings.length > 0)).toBe(true);
    // Both kinds of fact, alone and together.
    expect(noted.filter((f) => f.elevation && f.otherPolicy === null).length).toBeGreaterThan(0);
    expect(noted.filter((f) => !f.elevation && f.otherPolicy === POLICY_B).length).toBeGreaterThan(0);
    expect(noted.filter((f) => f.elevation && f.otherPolicy === POLICY_B).length).toBeGreaterThan(0);
    // One thread: the run notes each event before the extension sees its record, the same notes.
    const placed = records.filter((rec) => rec.kind === 'event');
    const here: [number, GateFacts | null][] = [];
    await verifyLogs([p], { jobs: 1 }, { note, onEvent: (rec) => void here.push([rec.ref.line, gateNote(rec)]) });
    expect(here).toEqual(placed.map((rec) => [rec.ref.line, gateNote(rec)]));
  });
});

describe('impact\'s notes (sel impact --jobs N)', () => {
  it('are made by the workers for their own records, as one thread makes them, as evaluating each event gives', async () => {
    const texts = readdirSync(SAMPLE_POLICY_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => [f, readFileSync(join(SAMPLE_POLICY_DIR, f), 'utf8')] as [string, string]);
    const loaded = loadBundle(new Map(texts));
    if (!loaded.ok) throw new Error('the sample bundle is not valid');
    const ledger = buildLedger(new Map());
    // Events recorded as the sample policy decides them (every third), the others not; a
    // line that is not an event and a damaged one between them (holes: never placed).
    const draft = new ChainWriter('a');
    const writer = new ChainWriter('a');
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const input = sampleInput(i, { kind: 'tool.invoke', policy_hash: loaded.hash });
      const decision = evalUnder(loaded.policy, JSON.parse(draft.append(input).line) as SelEvent, ledger, false).decision;
      lines.push(writer.append(i % 3 === 0 ? { ...input, decision } : input).line);
    }
    lines.splice(20, 0, '{"not":"an event"}');
    lines[40] = lines[40]!.replace('"action":"', '"action":"x');
    // Placed, but with a line finding (a zone the schema does not know, sealed again): not evaluated.
    const odd = JSON.parse(writer.append(sampleInput(60, { kind: 'tool.invoke', policy_hash: loaded.hash })).line) as Record<string, unknown>;
    (odd['actor'] as Record<string, unknown>)['zone'] = 'root';
    delete odd['hash'];
    odd['hash'] = digestOf(odd);
    lines.push(canonicalize(odd));
    const p = file(`${lines.join('\n')}\n`);
    const note = { kind: 'impact', bundle: { hash: loaded.hash, files: texts, inherited: [] }, ledger: [] } as const;
    const notes = async (options: Partial<RunOptions>) => {
      const out: [number, ImpactNote | null][] = [];
      await verifyLogs([p], options, { note, requestsByName: true, onEvent: (rec) => void out.push([rec.ref.line, impactNote(rec)]) });
      return out;
    };
    const one = await notes({ jobs: 1 });
    // What evaluating each placed event gives: intact lines evaluated, the damaged one not.
    expect(one).toEqual(one.map(([line]) => {
      const text = lines[line - 1]!;
      const intact = line !== lines.length;
      return [line, impactOf(loaded.policy, intact ? JSON.parse(text) as SelEvent : null, ledger)];
    }));
    const kinds = one.map(([, n]) => (n === null ? 'same' : n.evaluated ? 'change' : 'not evaluated'));
    expect(new Set(kinds)).toEqual(new Set(['same', 'change', 'not evaluated']));
    // Workers only (the main thread cuts and applies), in units of a few lines.
    expect(await notes({ jobs: 3, unitBytes: 2000, mainThreadUnits: false })).toEqual(one);
  });
});

describe('units: resources', () => {
  // Counts descriptors in /proc (Linux, as on these machines and CI).
  it.skipIf(!existsSync('/proc/self/fd'))('closes each file when it is done: a directory of many files does not hold them all open', async () => {
    const dir = join(tmp, 'many');
    mkdirSync(dir);
    const lines = interleavedLines(120, ['m']);
    for (let i = 0; i < 120; i++) file(`${lines[i]!}\n`, dir);
    const open = () => readdirSync('/proc/self/fd').length;
    const one = await verifyLogs([dir], { jobs: 1 });
    expect(one.summary.files.length).toBe(120);
    const before = open();
    let most = 0;
    const progress = { start: () => undefined, stop: () => undefined, update: () => void (most = Math.max(most, open())) };
    expect(await verifyLogs([dir], { jobs: 2, unitBytes: 100, progress, mainThreadUnits: false })).toEqual(one);
    // A file is open from its first cut to its end: at most the units in flight (24), plus
    // what a worker thread opens for itself; never one per file.
    expect(most - before).toBeLessThan(60);
    expect(open()).toBe(before);
  });
  it.skipIf(!existsSync('/proc/self/fd'))('files with nothing to read (empty ones) are not opened all at once behind a pending unit', async () => {
    const dir = join(tmp, 'empties');
    mkdirSync(dir);
    file(`${interleavedLines(100, ['e']).join('\n')}\n`, dir);
    for (let i = 0; i < 300; i++) file('', dir);
    const open = () => readdirSync('/proc/self/fd').length;
    const one = await verifyLogs([dir], { jobs: 1 });
    expect(one.findings.filter((f) => f.code === 'LOG_EMPTY')).toHaveLength(300);
    const before = open();
    let most = 0;
    const poll = setInterval(() => void (most = Math.max(most, open())), 0);
    try {
      expect(await verifyLogs([dir], { jobs: 2, unitBytes: 500, mainThreadUnits: false })).toEqual(one);
    } finally {
      clearInterval(poll);
    }
    expect(most - before).toBeLessThan(60);
    expect(open()).toBe(before);
  });
});

/** A log of one clean event whose request nests `depth` arrays deep. */
function deepLog(depth: number): string {
  let deep = '1';
  for (let d = 0; d < depth; d++) deep = `[${deep}]`;
  const big = depth + 100;
  const request = JSON.parse(`{"deep":${deep}}`) as unknown;
  const body = { ...sampleInput(0), request, v: 'sel.audit/1', chain: 'deep', seq: 0, prev_hash: GENESIS_PREV_HASH, request_fingerprint: sha256Digest(canonicalize(request, big)) };
  return file(`${canonicalize({ ...body, hash: sha256Digest(canonicalize(body, big)) }, big)}\n`);
}

describe('deep nesting up to the CLI\'s --max-depth limit', () => {
  it('an event nested MAX_DEPTH_LIMIT deep is verified on one thread and in workers, events handed over too', async () => {
    const log = deepLog(MAX_DEPTH_LIMIT - 2);
    for (const jobs of [1, 2]) {
      let seen = 0;
      const r = await verifyLogs([log], { jobs, unitBytes: 1, mainThreadUnits: false, maxDepth: MAX_DEPTH_LIMIT }, { onEvent: () => void seen++ });
      expect(r.findings).toEqual([]);
      expect(seen).toBe(1);
    }
  });
});

describe('units: a worker whose result cannot be handed over', () => {
  it('fails the run at once instead of waiting for it forever', async () => {
    // An event nested 4 000 deep, kept for a consumer on the main thread: the structured
    // clone of the parsed event overflows the receiving thread's stack. verifyLogs refuses a
    // maxDepth past MAX_DEPTH_LIMIT, as the CLI does: the units are run here, with a worker
    // set up to take it.
    const big = 4100;
    const log = deepLog(4000);
    await expect(verifyLogs([log], { jobs: 2, unitBytes: 1, mainThreadUnits: false, maxDepth: big }, { onEvent: () => undefined })).rejects.toThrow(`maxDepth must be a whole number from 1 to ${MAX_DEPTH_LIMIT}, not ${big}`);
    const ordered = await orderSources((await resolveSources([log])).sources, DEFAULT_VERIFY_OPTIONS.maxLineBytes);
    const verifier = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS, () => undefined, false);
    const init: WorkerInit = { maxDepth: big, maxLineBytes: DEFAULT_VERIFY_OPTIONS.maxLineBytes, keepEvents: true, replay: null, note: null, sendWhole: null };
    const run = runUnits({ mainThreadUnits: false }, ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 })), verifierSink(verifier), init, 2, (await totalBytes(ordered))!, 1);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 20_000).unref());
    await expect(Promise.race([run, timeout])).rejects.toThrow(/stack/);
  });
});

/**
 * The pool itself (src/verify/pool.ts), with its real workers (the built dist/ worker), seen
 * through the process's 'worker' event: what it says when a worker ends, and how it shares units.
 */
describe('the worker pool', () => {
  const INIT: WorkerInit = { maxDepth: 10_000_000, maxLineBytes: 1 << 30, keepEvents: false, replay: null, note: null, sendWhole: null };
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** A guard against a hang (the failure these tests look for), not a measure of time. */
  const orStillWaiting = <T>(p: Promise<T>) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 20_000).unref())]);

  /** The worker threads started while the test runs ('worker' comes a tick after each start). */
  async function withWorkers(test: (seen: Worker[]) => Promise<void>): Promise<void> {
    const seen: Worker[] = [];
    const add = (w: Worker) => void seen.push(w);
    process.on('worker', add);
    try {
      await test(seen);
    } finally {
      process.off('worker', add);
    }
  }

  /** Requests for the whole of `p`, one id each; and the descriptor's release. */
  function unitsOf(p: string): { req: (id: number) => UnitRequest; close: () => void } {
    const fd = openSync(p, 'r');
    const size = statSync(p).size;
    return { req: (id) => ({ id, fd, file: p, start: 0, end: size, size }), close: () => closeSync(fd) };
  }

  /** One clean event whose request nests `depth` arrays deep, made as text (no recursion on this thread). */
  function deepLine(depth: number): string {
    const request = `{"deep":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    const body = { ...sampleInput(0), request: '@request@', v: 'sel.audit/1', chain: 'deep', seq: 0, prev_hash: GENESIS_PREV_HASH, request_fingerprint: sha256Digest(request) };
    const hash = sha256Digest(canonicalize(body).replace('"@request@"', request));
    return canonicalize({ ...body, hash }).replace('"@request@"', request);
  }

  it('a worker that ends between units fails the pool: a unit sent after is refused, saying why, not left unanswered (from mutation testing)', async () => {
    const units = unitsOf(file(`${interleavedLines(3, ['e', 'f']).join('\n')}\n`));
    await withWorkers(async (seen) => {
      const pool = new LinePool(1);
      try {
        pool.init(INIT);
        expect((await pool.run(units.req(0))).lines).toBe(6);
        await tick();
        expect(seen).toHaveLength(1);
        // Ended from outside while it holds no unit (as the system ends a thread): an exit, no error.
        expect(await seen[0]!.terminate()).toBe(1);
        await expect(orStillWaiting(pool.run(units.req(1)))).rejects.toThrow('a verification worker exited with code 1');
      } finally {
        await pool.close();
        units.close();
      }
    });
  });

  it('a worker that throws on a unit (an event nested too deep for its stack) fails that unit with the error, and units sent after with the same error, not with the exit that followed it (from mutation testing)', async () => {
    const deep = unitsOf(file(`${deepLine(200_000)}\n`));
    const fine = unitsOf(file(`${interleavedLines(2, ['g']).join('\n')}\n`));
    await withWorkers(async (seen) => {
      const pool = new LinePool(1);
      try {
        // Handed over whole, as a replay needs events: the line check holds at any depth (its
        // canonical walk leaves deep text to the iterative scanner), handing over recurses per
        // level, which is why the CLI caps --max-depth (docs/contract.md).
        pool.init({ ...INIT, keepEvents: true });
        await tick();
        const exited = new Promise((resolve) => seen[0]!.once('exit', resolve));
        await expect(orStillWaiting(pool.run(deep.req(0)))).rejects.toThrow('Maximum call stack size exceeded');
        expect(await exited).toBe(1);
        await expect(orStillWaiting(pool.run(fine.req(1)))).rejects.toThrow('Maximum call stack size exceeded');
      } finally {
        await pool.close();
        deep.close();
        fine.close();
      }
    });
  });

  it('a worker ended mid-run fails the run with why, whatever units it held (from mutation testing)', async () => {
    const log = file(`${interleavedLines(100, ['h', 'i']).join('\n')}\n`);
    await withWorkers(async (seen) => {
      let ended = false;
      const progress = { start: () => undefined, stop: () => undefined, update: () => {
        if (!ended) void seen[0]!.terminate();
        ended = true;
      } };
      // ~200 units of one event: far more than are cut ahead of the first one applied.
      const run = verifyLogs([log], { jobs: 2, unitBytes: 500, mainThreadUnits: false, progress });
      await expect(orStillWaiting(run)).rejects.toThrow('a verification worker exited with code 1');
      expect(seen).toHaveLength(1);
    });
  });

  it('sends each unit to the least busy worker; it is saturated when every worker holds QUEUED units, and no longer once they are answered, each with its own result (from mutation testing)', async () => {
    const units = unitsOf(file(`${interleavedLines(2, ['j']).join('\n')}\n`));
    const pool = new LinePool(2);
    try {
      pool.init(INIT);
      const results: Promise<UnitResult>[] = [];
      for (let id = 0; id < 2 * LinePool.QUEUED - 1; id++) results.push(pool.run(units.req(id)));
      expect(pool.saturated).toBe(false);
      results.push(pool.run(units.req(2 * LinePool.QUEUED - 1)));
      expect(pool.saturated).toBe(true);
      expect((await Promise.all(results)).map((r) => [r.id, r.lines])).toEqual(results.map((_, id) => [id, 2]));
      expect(pool.saturated).toBe(false);
    } finally {
      await pool.close();
      units.close();
    }
  });

  it('moves a spare buffer to the worker (not a copy), which writes the result into it when it is large enough (from mutation testing)', async () => {
    const units = unitsOf(file(`${interleavedLines(2, ['k']).join('\n')}\n`));
    const pool = new LinePool(1);
    try {
      pool.init(INIT);
      const spare = new ArrayBuffer(3 << 20);
      const result = pool.run(units.req(0), spare);
      expect(spare.byteLength).toBe(0);
      expect((await result).mem.byteLength).toBe(3 << 20);
      // Without a spare: a buffer of its own, rounded up to 1 MiB.
      expect((await pool.run(units.req(1))).mem.byteLength).toBe(1 << 20);
    } finally {
      await pool.close();
      units.close();
    }
  });

  it('prestartPool starts workers once; takePool takes them when the thread count fits, once, else ends them and starts its own (from mutation testing)', async () => {
    await withWorkers(async (seen) => {
      const pools: LinePool[] = [];
      const ended = (w: Worker) => (w.threadId === -1 ? Promise.resolve() : new Promise((resolve) => w.once('exit', resolve)));
      try {
        prestartPool(1); // one thread: no workers
        prestartPool(3);
        prestartPool(3); // already started: nothing more
        await tick();
        expect(seen).toHaveLength(2);
        pools.push(takePool(3, INIT));
        await tick();
        expect(seen).toHaveLength(2);
        expect(pools[0]!.threads).toBe(2);
        // Taken once: the next run starts its own.
        pools.push(takePool(3, INIT));
        await tick();
        expect(seen).toHaveLength(4);
        // Another thread count: the early workers are ended, a pool of the right size started.
        prestartPool(3);
        await tick();
        expect(seen).toHaveLength(6);
        pools.push(takePool(2, INIT));
        await tick();
        expect(seen).toHaveLength(7);
        expect(pools[2]!.threads).toBe(1);
        expect(await orStillWaiting(Promise.all(seen.slice(4, 6).map(ended)))).not.toBe('still waiting');
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    });
  });
});

describe('units: fuzzed logs (test/fuzz/units.ts; npm run fuzz runs many more)', () => {
  it('every mutation of a valid log, random cuts, 2 or 3 threads: the one-thread result', async () => {
    await inFuzzDir((dir) => fc.assert(unitsAgree(dir), { numRuns: 15, seed: 61 }));
  });
});

describe('range reading (src/ingest/range.ts)', () => {
  it('finds line starts, and reports a file shorter than its recorded size', () => {
    const p = file('ab\ncd\n\nef');
    const fd = openSync(p, 'r');
    try {
      const scratch = Buffer.alloc(4);
      expect(nextLineStartSync(fd, 0, 9, scratch)).toBe(3);
      expect(nextLineStartSync(fd, 3, 9, scratch)).toBe(6);
      expect(nextLineStartSync(fd, 6, 9, scratch)).toBe(7);
      expect(nextLineStartSync(fd, 7, 9, scratch)).toBe(9);
      // The file was 9 bytes; a reader told it has 12 finds it shrank.
      expect(nextLineStartSync(fd, 7, 12, scratch)).toMatchObject({ code: 'LOG_CHANGED' });
      const chunks: string[] = [];
      expect(readRangeSync(fd, 3, 9, 9, scratch, (c) => { chunks.push(c.toString()); })).toBeNull();
      expect(chunks.join('')).toBe('cd\n\nef');
      expect(readRangeSync(fd, 3, 12, 12, scratch, () => undefined)).toMatchObject({ code: 'LOG_CHANGED', message: expect.stringContaining('only 9 could be read') });
    } finally {
      closeSync(fd);
    }
  });
  it('reads no byte past the size the file had when opened: an LF appended after it starts no line (from mutation testing)', () => {
    // 'ab' was the file, then a writer appended '\ncd\n'; the unit ends at the recorded size.
    const p = file('ab\ncd\n');
    const fd = openSync(p, 'r');
    try {
      expect(nextLineStartSync(fd, 0, 2, Buffer.alloc(64))).toBe(2);
      expect(nextLineStartSync(fd, 1, 2, Buffer.alloc(64))).toBe(2);
    } finally {
      closeSync(fd);
    }
  });
  it('stops reading a range once the reader says it has what it wants (false), even where the file shrank after that (from mutation testing)', () => {
    const p = file('ab\ncd\n');
    const fd = openSync(p, 'r');
    try {
      const chunks: string[] = [];
      expect(readRangeSync(fd, 0, 6, 6, Buffer.alloc(2), (c) => (chunks.push(c.toString()) === 2 ? false : undefined))).toBeNull();
      expect(chunks).toEqual(['ab', '\nc']);
      // 12 bytes recorded, 6 there: nothing past the stop is read, so nothing is missing.
      chunks.length = 0;
      expect(readRangeSync(fd, 0, 12, 12, Buffer.alloc(2), (c) => (chunks.push(c.toString()), false))).toBeNull();
      expect(chunks).toEqual(['ab']);
    } finally {
      closeSync(fd);
    }
  });
});

describe('units of many short lines stop short, and the rest is checked as units of its own', () => {
  it('a unit stops at the first line start past MAX_UNIT_LINES lines, whatever the line shapes', async () => {
    // Empty lines, two-byte junk lines and a few events, more than MAX_UNIT_LINES of them in
    // one nominal unit: the unit must stop short, and the result must be one thread's.
    const events = interleavedLines(3, ['a']);
    const lines: string[] = [];
    for (let i = 0; i < 3 * MAX_UNIT_LINES; i++) lines.push(i % 3 === 0 ? '' : i % 3 === 1 ? 'x' : i % 1000 === 2 ? events[(i / 1000) % 3 | 0]! : '{');
    lines.push(...interleavedLines(4, ['b']));
    const log = file(`${lines.join('\n')}\n`);
    const fd = openSync(log, 'r');
    try {
      const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note: null, sendWhole: null });
      const size = statSync(log).size;
      const r = processUnit({ id: 0, fd, file: log, start: 0, end: size, size }, ctx);
      expect(r.lines).toBe(MAX_UNIT_LINES);
      expect(r.kinds.length).toBe(MAX_UNIT_LINES);
      expect(r.bytes).toBeLessThan(size);
      // It stopped at a line start: the byte before is a line feed.
      const b = Buffer.alloc(1);
      readRangeSync(fd, r.bytes - 1, r.bytes, size, b, (chunk) => void b.set(chunk));
      expect(b[0]).toBe(0x0a);
    } finally {
      closeSync(fd);
    }
    for (const unitBytes of [1 << 20, 7000]) await expectSame([log], {}, 2, unitBytes);
    await expectSame([log], {}, 3, 1 << 20);
  });
});

/**
 * The units run with no worker thread at all (runUnits with one job: the pool has no worker, so
 * every unit is checked on this thread by the unit code as imported here, from src/). What the
 * tests above compare runs partly in the built dist/ worker, and which thread checks which unit
 * depends on timing; this is the one-thread result of the unit code, cut by cut, deterministically.
 */
async function unitsHere(logs: string[], opts: Partial<RunOptions>, unitBytes: number, onEvent: ((rec: PlacedEvent) => void) | null = null): Promise<IntegrityResult> {
  const o = { ...DEFAULT_VERIFY_OPTIONS, ...opts };
  const ordered = await orderSources((await resolveSources(logs)).sources, o.maxLineBytes);
  const verifier = new IntegrityVerifier(o, onEvent, false);
  const init: WorkerInit = { maxDepth: o.maxDepth, maxLineBytes: o.maxLineBytes, keepEvents: onEvent !== null, replay: null, note: null, sendWhole: null };
  const parts = ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 }));
  await runUnits(opts.progress === undefined ? {} : { progress: opts.progress }, parts, verifierSink(verifier), init, 1, (await totalBytes(ordered))!, unitBytes);
  return verifier.finish();
}

describe('units checked on this thread, unit by unit (from mutation testing)', () => {
  it('every line shape and fault, at units from 1 byte to the whole file: the one-thread result (from mutation testing)', async () => {
    const opts: Partial<RunOptions> = { maxLineBytes: 2000 };
    for (const torn of [true, false]) {
      const log = file(assortedBytes(torn));
      const one = await verifyLogs([log], { ...opts, jobs: 1 });
      for (const unitBytes of [1, 2, 61, 500, 777, 2001, 1 << 20]) expect(await unitsHere([log], opts, unitBytes), `units of ${unitBytes} bytes`).toEqual(one);
    }
  });

  it('files ending in empty lines, files of empty lines only, an empty file, in one directory (from mutation testing)', async () => {
    const dir = join(tmp, 'empties-here');
    mkdirSync(dir);
    const lines = interleavedLines(30, ['r']);
    file(`${lines.slice(0, 10).join('\n')}\n\n\n\n`, dir);
    file(`${lines.slice(10, 20).join('\n')}\n`, dir);
    file('\n\n\n', dir);
    file('', dir);
    file(`\n\n${lines.slice(20).join('\n')}\n\n`, dir);
    // Files whose only line is too long, or torn: they hold something, so they are not empty.
    file(`${'y'.repeat(3000)}\n`, dir);
    file('{"torn":', dir);
    const opts = { maxLineBytes: 2000 };
    const one = await verifyLogs([dir], { ...opts, jobs: 1 });
    expect(one.findings.filter((f) => f.code === 'LOG_EMPTY')).toHaveLength(2);
    for (const unitBytes of [1, 2, 100, 700, 5000]) expect(await unitsHere([dir], opts, unitBytes), `units of ${unitBytes} bytes`).toEqual(one);
  });

  it('a unit of thousands of events (its columns and text grow past their first size), and units of many short lines that stop short (from mutation testing)', async () => {
    const big = file(`${interleavedLines(700, ['a', 'b'])
      .map((l, i) => (i % 97 === 5 ? l.replace('"action":"', '"action":"x') : l))
      .join('\n')}\n`);
    const one = await verifyLogs([big], { jobs: 1 });
    expect(one.summary.events).toBeGreaterThan(1300);
    const events: unknown[] = [];
    const seen = (into: unknown[]) => (rec: PlacedEvent) => void into.push([rec.ref, rec.chain, rec.seq, rec.hash, rec.prevHash, rec.ts]);
    await verifyLogs([big], { jobs: 1 }, { onEvent: seen(events) });
    for (const unitBytes of [1 << 20, 100_000]) {
      expect(await unitsHere([big], {}, unitBytes)).toEqual(one);
      const here: unknown[] = [];
      await unitsHere([big], {}, unitBytes, seen(here));
      expect(here).toEqual(events);
    }
    const lines: string[] = [];
    for (let i = 0; i < 2 * MAX_UNIT_LINES + 5; i++) lines.push(i % 3 === 0 ? '' : i % 3 === 1 ? 'x' : '{');
    lines.push(...interleavedLines(3, ['s']));
    const short = file(`${lines.join('\n')}\n`);
    expect(await unitsHere([short], {}, 1 << 20)).toEqual(await verifyLogs([short], { jobs: 1 }));
    // The unit stops right after an empty line: the line is mid-file, not the file's last (LINE_EMPTY).
    const blanks = file(`${Array.from({ length: MAX_UNIT_LINES + 2 }, (_, i) => (i % 2 === 0 ? 'x' : '')).join('\n')}\n${interleavedLines(2, ['s']).join('\n')}\n`);
    const oneBlanks = await verifyLogs([blanks], { jobs: 1 });
    expect(oneBlanks.findings.filter((f) => f.code === 'LINE_EMPTY').map((f) => f.location?.line)).toContain(MAX_UNIT_LINES);
    expect(await unitsHere([blanks], {}, 1 << 20)).toEqual(oneBlanks);
  });

  it('an event whose digest is far longer than a result buffer (an algorithm this verifier lacks) crosses whole (from mutation testing)', async () => {
    const lines = interleavedLines(4, ['h']);
    const ev = JSON.parse(lines[2]!) as Record<string, unknown>;
    ev['hash'] = `blake3:${'A'.repeat(1_500_000)}`;
    lines[2] = canonicalize(ev);
    const log = file(`${lines.join('\n')}\n`);
    const opts = { maxLineBytes: 4 << 20 };
    const one = await verifyLogs([log], { ...opts, jobs: 1 });
    // The event is placed (its digest is of another algorithm, not malformed): its hash is in the chain.
    expect(one.findings.some((f) => f.location?.line === 3)).toBe(true);
    for (const unitBytes of [1 << 20, 1000]) expect(await unitsHere([log], opts, unitBytes)).toEqual(one);
    await expectSame([log], opts, 2, 1 << 20);
  });

  it('a consumer of events receives each accepted event, parsed, in one thread\'s order (from mutation testing)', async () => {
    // With an event whose ts is not a timestamp (sealed again): placed, with no ts.
    const lines = interleavedLines(3, ['u']);
    const odd = JSON.parse(lines[1]!) as Record<string, unknown>;
    odd['ts'] = 'yesterday';
    delete odd['hash'];
    odd['hash'] = digestOf(odd);
    const log = file(Buffer.concat([assortedBytes(false), Buffer.from(`${lines[0]!}\n${canonicalize(odd)}\n${lines[2]!}\n`)]));
    const seen = (into: unknown[]) => (rec: PlacedEvent) => void into.push([rec.ref, rec.chain, rec.seq, rec.hash, rec.prevHash, rec.ts, rec.event, rec.findings]);
    const one: unknown[] = [];
    const r1 = await verifyLogs([log], { maxLineBytes: 2000, jobs: 1 }, { onEvent: seen(one) });
    expect(one.length).toBeGreaterThan(20);
    expect(one.some((x) => (x as unknown[])[5] === null)).toBe(true);
    for (const unitBytes of [1, 700, 1 << 20]) {
      const here: unknown[] = [];
      expect(await unitsHere([log], { maxLineBytes: 2000 }, unitBytes, seen(here))).toEqual(r1);
      expect(here).toEqual(one);
    }
  });
});

describe('units: a log that cannot be opened when its turn comes', () => {
  /** Verifies with `log` removed once the run has found it (progress starts before any file is opened). */
  const removedAfterListing = async (logs: string[], log: string, bytes: string, opts: Partial<RunOptions>) => {
    writeFileSync(log, bytes);
    const progress = { start: () => rmSync(log), stop: () => undefined, update: () => undefined };
    return verifyLogs(logs, { ...opts, progress });
  };

  it('found in a directory: LOG_UNREADABLE for it, the others verified, as one thread reports (from mutation testing)', async () => {
    const dir = join(tmp, 'vanishing');
    mkdirSync(dir);
    const lines = interleavedLines(9, ['v']);
    file(`${lines.slice(0, 3).join('\n')}\n`, dir);
    const gone = join(dir, 'log-gone.jsonl');
    file(`${lines.slice(6).join('\n')}\n`, dir);
    const one = await removedAfterListing([dir], gone, `${lines.slice(3, 6).join('\n')}\n`, { jobs: 1 });
    expect(one.findings.filter((f) => f.location?.file === gone).map((f) => [f.code, f.message])).toEqual([['LOG_UNREADABLE', expect.stringMatching(/^the file could not be opened: /)]]);
    for (const mainThreadUnits of [true, false]) {
      expect(await removedAfterListing([dir], gone, `${lines.slice(3, 6).join('\n')}\n`, { jobs: 2, unitBytes: 100, mainThreadUnits })).toEqual(one);
    }
  });

  it('named by the operator: the run stops with one sentence, as on one thread (from mutation testing)', async () => {
    const log = join(tmp, 'named-gone.jsonl');
    const bytes = `${interleavedLines(3, ['w']).join('\n')}\n`;
    for (const jobs of [1, 2]) await expect(removedAfterListing([log], log, bytes, { jobs, unitBytes: 100 })).rejects.toThrow(`cannot read log ${log}: `);
  });
});

describe('replay in the units (--jobs N with --repo)', () => {
  it('each event\'s outcome, made where its unit is checked, is what replaying it on one thread gives, findings at their lines (from mutation testing)', async () => {
    const gov = buildGovernanceRepo(join(tmp, 'governance'));
    const repo = await GitRepo.open(gov.repo);
    const g = await readGovernance(repo, 'HEAD');
    for (const log of [gov.clean, gov.incident]) {
      // One thread: the evaluation of each accepted event, as the replayer makes it.
      const expected: unknown[] = [];
      await verifyLogs([log], { jobs: 1 }, { onEvent: (rec) => void expected.push([rec.ref.line, rec.chain, rec.seq, replayEvent(rec, g)]) });
      const kinds = new Set(expected.map((x) => { const o = (x as [number, string, number, { type: string; relied?: unknown }])[3]; return o.type === 'matched' && o.relied !== undefined ? 'relied' : o.type; }));
      if (log === gov.incident) expect([...kinds].sort()).toEqual(['finding', 'matched', 'relied']);
      // With a release gate's notes too (a bundle no event names: every intact event is noted).
      for (const [unitBytes, note] of [[1, null], [700, null], [1 << 20, null], [700, { kind: 'gate', policyHash: digestOf({ policy: 'other' }) }]] as const) {
        const got: unknown[] = [];
        let noted = 0;
        const verifier = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS, (rec) => {
          got.push([rec.ref.line, rec.chain, rec.seq, rec.replay]);
          if (gateNote(rec) !== null) noted++;
        }, true);
        const ordered = await orderSources((await resolveSources([log])).sources, DEFAULT_VERIFY_OPTIONS.maxLineBytes);
        const init: WorkerInit = { maxDepth: DEFAULT_VERIFY_OPTIONS.maxDepth, maxLineBytes: DEFAULT_VERIFY_OPTIONS.maxLineBytes, keepEvents: false, replay: replayData(g), note, sendWhole: null };
        await runUnits({}, ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 })), verifierSink(verifier), init, 1, (await totalBytes(ordered))!, unitBytes);
        verifier.finish();
        expect(got, `units of ${unitBytes} bytes`).toEqual(expected);
        if (note !== null) expect(noted).toBeGreaterThan(10);
      }
    }
  });
});

/** The whole of file `p` checked as one unit with `ctx`, on this thread. */
function wholeFile(p: string, ctx: Parameters<typeof processUnit>[1]): ReturnType<typeof processUnit> {
  const fd = openSync(p, 'r');
  try {
    const size = statSync(p).size;
    return processUnit({ id: 0, fd, file: p, start: 0, end: size, size }, ctx);
  } finally {
    closeSync(fd);
  }
}

describe('a unit\'s result is its own', () => {
  it('checking the next unit on the same thread (the same columns) leaves the last result as it was (from mutation testing)', async () => {
    const a = file(`${interleavedLines(3, ['one', 'two']).join('\n')}\n{"not":"an event"}\n`);
    const b = file(`${interleavedLines(3, ['three']).join('\n')}\nx\n`);
    const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note: null, sendWhole: null });
    const check = (p: string) => wholeFile(p, ctx);
    const first = check(a);
    const names = [...first.chainNames];
    const extra = JSON.stringify(first.extra);
    expect(names).toEqual(['one', 'two']);
    expect(first.extra).toHaveLength(1);
    const second = check(b);
    expect(second.chainNames).toEqual(['three']);
    expect(first.chainNames).toEqual(names);
    expect(JSON.stringify(first.extra)).toBe(extra);
  });
});

describe('a hole checked after events on the same thread (the same columns)', () => {
  it('has blank columns, as a shard writes them and the merge requires, whatever the events before it left there (from mutation testing)', async () => {
    const gov = buildGovernanceRepo(join(tmp, 'governance-blank'));
    const g = await readGovernance(await GitRepo.open(gov.repo), 'HEAD');
    const junk = file('x\n{"not":"an event"}\n{\n\n}\n');
    const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: replayData(g), note: null, sendWhole: null });
    const check = (p: string) => wholeFile(p, ctx);
    // Events with replay outcomes by code, seqs past 0 and text in every column the holes take next.
    const events = check(gov.clean);
    expect(events.kinds.length).toBeGreaterThan(5);
    expect([...events.replay.subarray(0, 5)].some((x) => x !== 0)).toBe(true);
    expect([...events.seqs.subarray(0, 5)].some((x) => x !== 0)).toBe(true);
    const r = check(junk);
    const n = r.kinds.length;
    expect([...r.kinds].map((k) => k & KIND_MASK)).toEqual([KIND_HOLE, KIND_HOLE, KIND_HOLE, KIND_HOLE, KIND_HOLE]);
    expect([[...r.chainIdx], [...r.seqs], [...r.lens], [...r.replay]]).toEqual([Array(n).fill(-1), Array(n).fill(0), Array(3 * n).fill(0), Array(n).fill(0)]);
    const meta = { file: 0, lines: r.lines, content: r.content, bytes: r.bytes, n, textBytes: r.text.byteLength, chainNames: r.chainNames, extra: r.extra };
    expect(blockColumns(meta, r.mem)).not.toBeNull();
  });
});

describe('sel explain\'s and timeline\'s events with --jobs N (sendWhole)', () => {
  it('the events the filter keeps cross whole, as one thread parses them; the others stay in the unit (from mutation testing)', async () => {
    const log = file(assortedBytes(false));
    for (const filter of [{ kind: 'http.egress' }, { chain: 'b', seq: 3 }] as EventFilter[]) {
      // One thread: every event on its record; the filter picks those the units must send.
      const one: unknown[] = [];
      await verifyLogs([log], { maxLineBytes: 2000, jobs: 1 }, { onEvent: (rec) => void one.push([rec.ref.line, rec.chain, rec.seq, matchesFilter(filter, rec, rec.event) ? rec.event : null]) });
      const sent = one.filter((x) => (x as unknown[])[3] !== null).length;
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(one.length);
      const seen = (into: unknown[]) => (rec: PlacedEvent) => void into.push([rec.ref.line, rec.chain, rec.seq, rec.event]);
      // The units on this thread (src/), then with workers (dist/).
      for (const unitBytes of [1, 700, 1 << 20]) {
        const here: unknown[] = [];
        const o = { ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: 2000 };
        const ordered = await orderSources((await resolveSources([log])).sources, o.maxLineBytes);
        const verifier = new IntegrityVerifier(o, seen(here), false);
        const init: WorkerInit = { maxDepth: o.maxDepth, maxLineBytes: o.maxLineBytes, keepEvents: false, replay: null, note: null, sendWhole: filter };
        await runUnits({}, ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 })), verifierSink(verifier), init, 1, (await totalBytes(ordered))!, unitBytes);
        verifier.finish();
        expect(here, `units of ${unitBytes} bytes`).toEqual(one);
      }
      for (const mainThreadUnits of [true, false]) {
        const many: unknown[] = [];
        await verifyLogs([log], { maxLineBytes: 2000, jobs: 2, unitBytes: 700, mainThreadUnits }, { sendWhole: filter, onEvent: seen(many) });
        expect(many).toEqual(one);
      }
    }
  });
});

describe('an event\'s strings far longer than the columns\' text buffer', () => {
  it('cross whole: the record keeps the very hash and prev_hash one thread reads (from mutation testing)', async () => {
    // Digests of an algorithm this verifier lacks, each longer than the text buffer grown twice.
    const lines = interleavedLines(4, ['h']);
    const ev = JSON.parse(lines[2]!) as Record<string, unknown>;
    ev['prev_hash'] = `blake3:${'B'.repeat(700_000)}`;
    ev['hash'] = `blake3:${'A'.repeat(1_500_000)}`;
    lines[2] = canonicalize(ev);
    const log = file(`${lines.join('\n')}\n`);
    const opts = { maxLineBytes: 4 << 20 };
    const seen = (into: unknown[]) => (rec: PlacedEvent) => void into.push([rec.ref.line, rec.chain, rec.seq, rec.hash, rec.prevHash, rec.ts]);
    const one: unknown[] = [];
    const r1 = await verifyLogs([log], { ...opts, jobs: 1 }, { onEvent: seen(one) });
    expect(one.map((x) => ((x as string[])[3]!).length)).toContain(1_500_007);
    for (const unitBytes of [1 << 20, 1000]) {
      const here: unknown[] = [];
      expect(await unitsHere([log], opts, unitBytes, seen(here))).toEqual(r1);
      expect(here).toEqual(one);
    }
  });
});

describe('a unit that stops short in a file that shrank after the cut', () => {
  it('stops without reading on: no problem of its own, and the rest, checked as a unit of its own, finds the shrink past its lines (from mutation testing)', async () => {
    // More than MAX_UNIT_LINES short lines, then events; the file as cut held all of them, and
    // has lost its last 100 bytes since.
    const lines = Array.from({ length: MAX_UNIT_LINES + 10 }, () => 'x');
    lines.push(...interleavedLines(3, ['s']));
    const whole = Buffer.from(`${lines.join('\n')}\n`);
    const cutAt = whole.length - 100;
    const p = file(whole.subarray(0, cutAt));
    const fd = openSync(p, 'r');
    try {
      const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: null, note: null, sendWhole: null });
      const r = processUnit({ id: 0, fd, file: p, start: 0, end: whole.length, size: whole.length }, ctx);
      expect([r.problem, r.lines, r.bytes]).toEqual([null, MAX_UNIT_LINES, 2 * MAX_UNIT_LINES]);
      const rest = processUnit({ id: 1, fd, file: p, start: r.bytes, end: whole.length, size: whole.length }, ctx);
      expect(rest.problem).toEqual({ code: 'LOG_CHANGED', message: `the file shrank while it was read: ${whole.length} bytes at open, only ${cutAt} could be read` });
      // Its 10 junk lines, two events and the third torn where the file now ends.
      expect([rest.lines, rest.bytes]).toEqual([13, cutAt - r.bytes]);
      expect([...rest.kinds].map((k) => k & KIND_MASK)).toEqual([...Array(10).fill(KIND_HOLE), KIND_EVENT, KIND_EVENT, KIND_HOLE]);
    } finally {
      closeSync(fd);
    }
  });
});

describe('empty lines written as CRLF at the end of a file', () => {
  it('end the verified part where one thread ends it: before them, counted in bytes, not lines (from mutation testing)', async () => {
    const lines = interleavedLines(4, ['c']);
    const log = file(`${lines.join('\n')}\n\r\n\r\n`);
    const one = await verifyLogs([log], { jobs: 1 });
    // Where a checkpoint of this run would end: the last event's line feed.
    expect(one.ends.get(log)?.bytes).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
    for (const unitBytes of [1, 2, 700, 1 << 20]) expect(await unitsHere([log], {}, unitBytes), `units of ${unitBytes} bytes`).toEqual(one);
  });
});

describe('a shard\'s part of a log that grows while the shard runs', () => {
  it('is checked to the size the shard cut it for, and written: the merge, not the shard, compares the sizes the shards saw (from mutation testing)', async () => {
    const bytes = `${interleavedLines(10, ['g']).join('\n')}\n`;
    const log = file(bytes);
    const one = await verifyLogs([log], { jobs: 1 });
    const out = join(tmp, 'grown.shard');
    // Appended once the shard has cut its part, before any unit is read.
    const progress = { start: () => appendFileSync(log, 'more\n'), stop: () => undefined, update: () => undefined };
    for (const jobs of [1, 2]) {
      writeFileSync(log, bytes);
      const { trailer } = await runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, jobs, unitBytes: 1000, progress });
      expect(trailer.files).toEqual([{ lines: 10, content: 10 }]);
      const merged = await mergeShards({ shards: [out], options: {} });
      const report = (r: IntegrityResult) => renderJson(buildReport(r, { performed: false, reason: 'no --repo given' }, 'error'));
      expect(report(merged.result)).toBe(report(one));
    }
  });
});

describe('a shard\'s part cut for a size its file no longer has', () => {
  it('a cut that cannot be read makes the rest one last unit: the line cut where the file ends is torn once, whatever the unit size (from mutation testing)', async () => {
    const lines = interleavedLines(6, ['t']);
    const whole = Buffer.from(`${lines.join('\n')}\n`);
    // The file ends 40 bytes before the size the part was cut for: inside its last line.
    const log = file(whole.subarray(0, whole.length - 40));
    const ordered = await orderSources((await resolveSources([log])).sources, DEFAULT_VERIFY_OPTIONS.maxLineBytes);
    const init: WorkerInit = { maxDepth: DEFAULT_VERIFY_OPTIONS.maxDepth, maxLineBytes: DEFAULT_VERIFY_OPTIONS.maxLineBytes, keepEvents: false, replay: null, note: null, sendWhole: null };
    const run = async (unitBytes: number) => {
      const verifier = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS, null, false);
      await runUnits({}, [{ source: ordered[0]!, start: 0, cut: { end: whole.length, size: whole.length }, firstLine: 1 }], verifierSink(verifier), init, 1, whole.length, unitBytes);
      return verifier.finish();
    };
    const once = await run(1 << 20);
    expect(once.findings.map((f) => [f.code, f.location?.line])).toEqual([['LOG_CHANGED', 1], ['LINE_TORN', 6]]);
    expect(once.summary.events).toBe(5);
    for (const unitBytes of [1, 100, 700]) expect(await run(unitBytes), `units of ${unitBytes} bytes`).toEqual(once);
  });
});

describe('replay in the units under a policy version that is not valid', () => {
  it('reports each event under it as one thread does, quoting the version\'s first problem (from mutation testing)', async () => {
    const problems = [{ kind: 'schema', file: 'rules.json', pointer: '/rules/0', message: 'must have required property \'id\'' }, { kind: 'schema', file: 'tools.json', pointer: '', message: 'must be object' }];
    const version = { hash: POLICY_A, loaded: { ok: false, hash: POLICY_A, problems, texts: new Map() }, commits: ['c'.repeat(40)], inherited: [] } as unknown as BundleVersion;
    const gov = { index: { byHash: new Map([[POLICY_A, version]]), unhashable: [], commitsScanned: 1, policyTrees: 1 }, ledger: buildLedger(new Map()) };
    const p = file(`${interleavedLines(3, ['v']).join('\n')}\n`);
    const fd = openSync(p, 'r');
    const records: EventRecord[] = [];
    try {
      const ctx = await unitContext({ maxDepth: 64, maxLineBytes: 1 << 20, keepEvents: false, replay: replayData(gov), note: null, sendWhole: null });
      const size = statSync(p).size;
      addUnitRecords(processUnit({ id: 0, fd, file: p, start: 0, end: size, size }, ctx), p, 0, (f, line) => ({ file: f, line, ordinal: line }), (rec) => records.push(rec));
    } finally {
      closeSync(fd);
    }
    const expected: unknown[] = [];
    await verifyLogs([p], { jobs: 1 }, { onEvent: (rec) => void expected.push([rec.ref.line, replayEvent(rec, gov)]) });
    expect(expected).toHaveLength(3);
    expect(expected[0]).toMatchObject([1, { type: 'finding', finding: { code: 'POLICY_INVALID', message: expect.stringContaining('policy/rules.json: must have required property'), detail: { problems: 2 } } }]);
    expect(records.map((rec) => [rec.ref.line, rec.kind === 'event' ? rec.replay : null])).toEqual(expected);
  });
});

describe('replay in the units with ledger artifacts the main thread could not use', () => {
  it('names a review that is there but not valid as such, as one thread does, not as missing (from mutation testing)', async () => {
    const gov = buildGovernanceRepo(join(tmp, 'governance-problems'));
    const g = await readGovernance(await GitRepo.open(gov.repo), 'HEAD');
    // The reviews as the tree walk might have refused them (a symbolic link, a file too large):
    // not among the ledger's files, each with its problem.
    const reviews = [...g.ledger.files.keys()].filter((path) => path.startsWith('ledger/reviews/'));
    expect(reviews.length).toBeGreaterThan(0);
    const ledger = { ...buildLedger(new Map([...g.ledger.files].filter(([path]) => !reviews.includes(path)))), problems: reviews.map((path) => ({ path, message: 'a symbolic link is not a ledger artifact; it is not used' })) };
    const gp = { index: g.index, ledger };
    const expected: unknown[] = [];
    await verifyLogs([gov.incident], { jobs: 1 }, { onEvent: (rec) => void expected.push([rec.ref.line, rec.chain, rec.seq, replayEvent(rec, gp)]) });
    expect(JSON.stringify(expected)).toContain('is in the ledger but not valid');
    const got: unknown[] = [];
    const verifier = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS, (rec) => void got.push([rec.ref.line, rec.chain, rec.seq, rec.replay]), true);
    const ordered = await orderSources((await resolveSources([gov.incident])).sources, DEFAULT_VERIFY_OPTIONS.maxLineBytes);
    const init: WorkerInit = { maxDepth: DEFAULT_VERIFY_OPTIONS.maxDepth, maxLineBytes: DEFAULT_VERIFY_OPTIONS.maxLineBytes, keepEvents: false, replay: replayData(gp), note: null, sendWhole: null };
    await runUnits({}, ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 })), verifierSink(verifier), init, 1, (await totalBytes(ordered))!, 700);
    verifier.finish();
    expect(got).toEqual(expected);
  });
});

describe('units with one job and none on the main thread', () => {
  it('has no worker to send them to: every unit is checked on this thread, not sent to a worker that is not there (from review)', async () => {
    const log = file(assortedBytes(true));
    const opts = { ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: 2000 };
    const one = await verifyLogs([log], { ...opts, jobs: 1 });
    const ordered = await orderSources((await resolveSources([log])).sources, opts.maxLineBytes);
    const verifier = new IntegrityVerifier(opts, null, false);
    const init: WorkerInit = { maxDepth: opts.maxDepth, maxLineBytes: opts.maxLineBytes, keepEvents: false, replay: null, note: null, sendWhole: null };
    await runUnits({ mainThreadUnits: false }, ordered.map((source) => ({ source, start: 0, cut: null, firstLine: 1 })), verifierSink(verifier), init, 1, (await totalBytes(ordered))!, 700);
    expect(verifier.finish()).toEqual(one);
    // A shard run so (its default is one thread): written, as with the main thread's share.
    const outs = [join(tmp, 'one-job-a.shard'), join(tmp, 'one-job-b.shard')];
    const written = [];
    for (const [i, mainThreadUnits] of [true, false].entries()) written.push((await runShard([log], 0, 1, outs[i]!, { ...opts, jobs: 1, unitBytes: 700, mainThreadUnits })).trailer);
    expect(written[1]).toEqual(written[0]);
  });
});

describe('a unit that stops short one byte before its end', () => {
  it('checks that last byte as a unit of its own: a torn one-byte last line, or an empty one, is not dropped (from mutation testing)', async () => {
    // MAX_UNIT_LINES short lines, then one byte: the unit stops at the line start before it.
    for (const last of ['y', '\n']) {
      const log = file(`${'x\n'.repeat(MAX_UNIT_LINES)}${last}`);
      const one = await verifyLogs([log], { jobs: 1 });
      if (last === 'y') expect(one.findings.filter((f) => f.code === 'LINE_TORN').map((f) => f.location?.line)).toEqual([MAX_UNIT_LINES + 1]);
      expect(one.summary.lines, JSON.stringify(last)).toBe(MAX_UNIT_LINES + 1);
      for (const unitBytes of [1 << 20, 2 * MAX_UNIT_LINES + 1]) expect(await unitsHere([log], {}, unitBytes), `${JSON.stringify(last)}, units of ${unitBytes} bytes`).toEqual(one);
    }
  });
});

describe('the governance state as the unit threads get it (replayData)', () => {
  it('gives back each valid version\'s files, non-ASCII text included, and the reserved names it inherits (from mutation testing)', () => {
    const valid = (hash: string, texts: [string, string][], inherited: [string, string][]) =>
      ({ hash, loaded: { ok: true, hash, texts: new Map(texts) }, commits: ['d'.repeat(40)], inherited }) as unknown as BundleVersion;
    const a = valid(POLICY_A, [['rules.json', '{"description":"accès refusé — ✓"}'], ['tools.json', '{}']], [['deploy', 'e'.repeat(40)]]);
    const b = valid(digestOf('policy b'), [['rules.json', '{"description":"plain"}']], []);
    const data = replayData({ index: { byHash: new Map([[a.hash, a], [b.hash, b]]), unhashable: [], commitsScanned: 2, policyTrees: 2 }, ledger: buildLedger(new Map()) });
    const back = data.bundles.map((x) => [x.hash, JSON.parse(Buffer.from(data.texts, x.at, x.length).toString('utf8')), x.inherited]);
    expect(back).toEqual([
      [a.hash, [['rules.json', '{"description":"accès refusé — ✓"}'], ['tools.json', '{}']], [['deploy', 'e'.repeat(40)]]],
      [b.hash, [['rules.json', '{"description":"plain"}']], []],
    ]);
  });
});
