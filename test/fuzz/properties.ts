/**
 * The fuzzing properties, shared by the test suite (bounded, fixed seed) and the long run
 * (`npm run fuzz -- --seed S --count N`): the verifier never throws on any bytes, and reports
 * every mutation of a valid chain.
 */
import fc from 'fast-check';
import { interleavedLines, toLog, verifyBytes } from '../helpers/chains.js';
import type { Finding } from '../../src/findings/finding.js';

/** Runs the verifier on arbitrary bytes, in an arbitrary chunking; it must return, never throw. */
export function survive(bytes: Buffer): readonly Finding[] {
  return verifyBytes([bytes], {}, 1 + (bytes.length % 997)).findings;
}

const LOG = toLog(interleavedLines(10, ['a', 'b']));
const LINES = LOG.toString('utf8').trimEnd().split('\n');
const LINE_STARTS = new Set([0, ...[...LOG.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)]);

export type Mutation =
  | { op: 'insert'; at: number; byte: number }
  | { op: 'delete'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; line: number; to: number }
  | { op: 'copy'; from: number; len: number; to: number }
  | { op: 'swap'; i: number; j: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat({ max: LOG.length }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat({ max: LOG.length - 1 }) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat({ max: LOG.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: LOG.length - 1 }) }),
  fc.record({ op: fc.constant('duplicate' as const), line: fc.nat({ max: LINES.length - 1 }), to: fc.nat({ max: LINES.length }) }),
  // A run of lines read again elsewhere (a copy: one SEQ_DUPLICATE per chain it holds).
  fc.record({ op: fc.constant('copy' as const), from: fc.nat({ max: LINES.length - 1 }), len: fc.integer({ min: 2, max: LINES.length }), to: fc.nat({ max: LINES.length }) }),
  fc.record({ op: fc.constant('swap' as const), i: fc.nat({ max: LINES.length - 1 }), j: fc.nat({ max: LINES.length - 1 }) }),
);

/** The mutated log, or null when the mutation is not a fault the log alone can show. */
export function mutate(m: Mutation): Buffer | null {
  switch (m.op) {
    // A LF next to the final one makes one empty line at the very end: SPEC.md §2 allows it.
    case 'insert': return m.byte === 0x0a && m.at >= LOG.length - 1 ? null : Buffer.concat([LOG.subarray(0, m.at), Buffer.from([m.byte]), LOG.subarray(m.at)]);
    case 'delete': return Buffer.concat([LOG.subarray(0, m.at), LOG.subarray(m.at + 1)]);
    case 'flip': {
      const b = Buffer.from(LOG);
      b[m.at] = b[m.at]! ^ (1 << m.bit);
      return b;
    }
    // Cutting at a line boundary only removes whole last events: anchors show that, the log cannot.
    case 'truncate': return LINE_STARTS.has(m.at) ? null : LOG.subarray(0, m.at);
    case 'duplicate': {
      const l = [...LINES];
      l.splice(m.to, 0, LINES[m.line]!);
      return toLog(l);
    }
    case 'copy': {
      const l = [...LINES];
      l.splice(m.to, 0, ...LINES.slice(m.from, m.from + m.len));
      return toLog(l);
    }
    case 'swap': {
      const [x, y] = [LINES[m.i]!, LINES[m.j]!];
      // Events of different chains may interleave in any order: swapping them is no fault.
      if (m.i === m.j || x.includes('"chain":"a"') !== y.includes('"chain":"a"')) return null;
      const l = [...LINES];
      [l[m.i], l[m.j]] = [y, x];
      return toLog(l);
    }
  }
}

export const neverThrowsOnBytes = fc.property(fc.uint8Array({ maxLength: 2000 }), (a) => {
  survive(Buffer.from(a));
});

export const reportsEveryMutation = fc.property(mutation, (m) => {
  const bad = mutate(m);
  fc.pre(bad !== null);
  if (survive(bad!).length === 0) throw new Error(`mutation ${JSON.stringify(m)} went unreported`);
});

export const cleanChainsAreClean = fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 30 }), (chains) => {
  const per = new Map<string, number>();
  for (const c of chains) per.set(c, (per.get(c) ?? 0) + 1);
  const f = survive(toLog(interleavedLines(Math.max(...per.values()), [...per.keys()])));
  if (f.length > 0) throw new Error(`a clean log gave ${f.map((x) => x.code).join(', ')}`);
});
