/**
 * A unit's result (worker-protocol.ts: columns and UTF-8 text) turned back into the records a
 * single thread makes, in order: used where `--jobs N` applies its units (units.ts) and where
 * `sel merge` applies the units a shard wrote (src/shard/merge.ts, after checking them).
 */
import { isAscii } from 'node:buffer';
import type { EventRecord, LineRef } from '../envelope/types.js';
import { shiftLines, type Finding } from '../findings/finding.js';
import type { ReplayOutcome } from '../replay/replay.js';
import { KIND_EVENT_EXTRA, KIND_HOLE, KIND_MASK, LINKED, NO_TS, type ExtraEvent, type ExtraHole, type UnitResult } from './worker-protocol.js';

/** The columns of a unit's result, without its bookkeeping. */
export type UnitColumns = Pick<UnitResult, 'kinds' | 'lineNos' | 'seqs' | 'chainIdx' | 'chainNames' | 'text' | 'lens' | 'replay' | 'extra'>;

const NONE: readonly Finding[] = Object.freeze([]);
const MATCHED: ReplayOutcome = { type: 'matched' };
const SKIPPED: ReplayOutcome = { type: 'skipped' };

type NextRef = (file: string, line: number) => LineRef;
type AddRecord = (rec: EventRecord) => void;

/**
 * Adds the unit's records to `add`, in order. Its line numbers (and its findings') count from
 * 1 within the unit: `base` lines of `file` come before it. `nextRef` gives each record's ref.
 */
export function addUnitRecords(r: UnitColumns, file: string, base: number, nextRef: NextRef, add: AddRecord): void {
  addColumns(oneShape(r), file, base, nextRef, add);
}

/**
 * The columns as an object (and chain names as an array) of one shape. A result made on this
 * thread and one cloned from a worker differ: the loop, reading them, was thrown out of its
 * optimised code when the second shape came, several times early in each run.
 */
function oneShape(r: UnitColumns): UnitColumns {
  const names: string[] = [];
  for (const name of r.chainNames) names.push(name);
  return { kinds: r.kinds, lineNos: r.lineNos, seqs: r.seqs, chainIdx: r.chainIdx, chainNames: names, text: r.text, lens: r.lens, replay: r.replay, extra: r.extra };
}

function addColumns(r: UnitColumns, file: string, base: number, nextRef: NextRef, add: AddRecord): void {
  const { kinds, lineNos, seqs, chainIdx, chainNames, lens, replay, extra } = r;
  const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength);
  // Hashes and timestamps are ASCII but for a damaged event's: a unit whose text is all ASCII
  // is decoded as latin1, a plain copy, where UTF-8 decoding scans each value first (merge of
  // the bench's 300 MB in 4 shards: 1.05x).
  const encoding = isAscii(text) ? 'latin1' : 'utf8';
  const fix = (f: Finding): Finding => shiftLines(f, file, base);
  const last: string[] = [];
  for (let c = 0; c < chainNames.length; c++) last.push('');
  let t = 0;
  let e = 0;
  const n = kinds.length;
  for (let i = 0; i < n; i++) {
    const ref = nextRef(file, base + lineNos[i]!);
    const kind = kinds[i]!;
    if ((kind & KIND_MASK) === KIND_HOLE) {
      const h = extra[e++] as ExtraHole;
      add({ kind: 'hole', ref, chain: h.chain, hashes: h.hashes, capacity: h.capacity, findings: h.findings.map(fix) });
      continue;
    }
    const c = chainIdx[i]!;
    const hash = text.toString(encoding, t, (t += lens[3 * i]!));
    const prevHash = (kind & LINKED) !== 0 ? last[c]! : text.toString(encoding, t, (t += lens[3 * i + 1]!));
    const ts = (kind & NO_TS) !== 0 ? null : text.toString(encoding, t, (t += lens[3 * i + 2]!));
    last[c] = hash;
    const x = (kind & KIND_MASK) === KIND_EVENT_EXTRA ? (extra[e++] as ExtraEvent) : null;
    const code = replay[i]!;
    const outcome = code === 1 ? MATCHED : code === 2 ? SKIPPED : x?.replay === undefined ? undefined : x.replay.type === 'finding' ? { ...x.replay, finding: fix(x.replay.finding) } : x.replay;
    const chain = chainNames[c]!;
    const seq = seqs[i]!;
    if (x === null) {
      // The common record: two literals, not one with `...(replay ? { replay } : {})`, whose
      // spread copied an empty object into every record of an integrity run.
      if (outcome === undefined) add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings: NONE, event: null });
      else add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings: NONE, event: null, replay: outcome });
      continue;
    }
    // A record with more to it: findings, its event, a note (a gate's facts, impact's). Each
    // shape written out, and no new array for no findings: against spreads, a 300 MB gate that
    // notes most events (--policy-at naming another bundle) 1.03x, impact 1.05x (5-8 pairs).
    const findings = x.findings.length === 0 ? NONE : x.findings.map(fix);
    const event = x.event;
    const note = x.note;
    if (note === undefined) {
      if (outcome === undefined) add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event });
      else add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event, replay: outcome });
    } else if (outcome === undefined) add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event, note });
    else add({ kind: 'event', ref, chain, seq, prevHash, hash, ts, findings, event, replay: outcome, note });
  }
}
