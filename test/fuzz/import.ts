/**
 * `sel import` against JSON.parse and scanStrict: the fuzzing property shared by the test suite
 * (bounded, fixed seed) and the long run (`npm run fuzz`). Whatever the export and however its
 * reads are cut:
 * - a document that is UTF-8 and that JSON.parse reads as an array is imported whole, one line
 *   per element: the element's canonical form, or, where scanStrict refuses the element's text
 *   (a duplicate key, an integer past 2^53, a lone surrogate, nesting past --max-depth), a line
 *   that says so;
 * - any other document ends the output with the line that says it could not be read on, and
 *   every element of it that ended before the damage was written first, as it would have been.
 */
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { canonicalize } from '../../src/canonical/jcs.js';
import { scanStrict } from '../../src/canonical/scan.js';
import { importRecords } from '../../src/ingest/import.js';

const MAX_DEPTH = 6;

/** Elements as another system may write them: plain values, and what parsers read two ways. */
const elementText = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v, null, 1)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"a":1,"a":2}', '{"n":9007199254740993}', '{"s":"\\ud800"}', '[1e400]', '[1e-400]', '{"k\\udc00":1}',
      '"\\ud83d\\ude00"', '{"b":-0.0,"a":1E2,"c":0.1e1}', '[[[[[[[]]]]]]]', '{"\\u00e9":"\\/\\b","e":"é😂"}',
      '-0', '1.5e300', 'true', 'null', '""', '{}', '[]', '{"z":{"y":[1,{"x":"\\"\\\\"}]}}',
    ),
  },
);
const space = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ');

/** What the import writes for one element's text, as scanStrict and canonicalize say. */
function expected(text: string, n: number): string {
  const scan = scanStrict(text, MAX_DEPTH);
  return scan.ok ? canonicalize(JSON.parse(text) as unknown) : `sel import: element ${n} `;
}

/** A line matches what is expected of it: the same line, or a refusal of the same element. */
function matches(line: string, want: string): boolean {
  return want.startsWith('sel import: element ') ? line.startsWith(want) : line === want;
}

type Damage = { op: 'none' } | { op: 'truncate'; at: number } | { op: 'insert'; at: number; byte: number } | { op: 'flip'; at: number; bit: number };

const document = fc.record({
  elements: fc.array(elementText, { maxLength: 8 }),
  gaps: fc.array(space, { minLength: 20, maxLength: 20 }),
  damage: fc.oneof(
    fc.constant<Damage>({ op: 'none' }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x0c, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x30, 0x80, 0xc3, 0xff) }),
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  ),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

/** Counts what the property saw, for the long run's report. */
export const importStats = { documents: 0, whole: 0, broken: 0, lines: 0 };

export const importAgrees = fc.asyncProperty(document, async ({ elements, gaps, damage, cuts }) => {
  const gap = (i: number): string => gaps[i % gaps.length]!;
  // The document, and where each element's text ends in its bytes.
  let text = `${gap(0)}[${gap(1)}`;
  const ends: number[] = [];
  elements.forEach((e, i) => {
    if (i > 0) text += `${gap(2 * i)},${gap(2 * i + 1)}`;
    text += e;
    ends.push(Buffer.byteLength(text));
  });
  text += `${gap(19)}]${gap(18)}`;
  const original = Buffer.from(text);
  let bytes = original;
  let at = original.length;
  if (damage.op !== 'none') {
    at = damage.at % (original.length + (damage.op === 'insert' ? 1 : 0));
    if (damage.op === 'truncate') bytes = original.subarray(0, at);
    else if (damage.op === 'insert') bytes = Buffer.concat([original.subarray(0, at), Buffer.from([damage.byte]), original.subarray(at)]);
    else if (at < original.length) {
      bytes = Buffer.from(original);
      bytes[at]! ^= 1 << damage.bit;
    }
  }
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const reads = [0, ...points, bytes.length].slice(1).map((end, i, all) => bytes.subarray(i === 0 ? 0 : all[i - 1]!, end));

  let out = '';
  const r = await importRecords(Readable.from(reads), async (t) => void (out += t), { records: null, maxChars: 1 << 20, maxDepth: MAX_DEPTH });
  const lines = out === '' ? [] : out.slice(0, -1).split('\n');
  importStats.documents++;
  importStats.lines += lines.length;

  // The reference: a fatal UTF-8 decoder and JSON.parse (a byte order mark is left to JSON.parse,
  // which refuses it: a mutation does not make one at the start here).
  let parsed: unknown[] | null = null;
  try {
    const v = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)) as unknown;
    if (Array.isArray(v)) parsed = v;
  } catch {
    parsed = null;
  }
  if (parsed !== null) {
    importStats.whole++;
    if (r.failure !== null) throw new Error(`a document JSON.parse reads was refused: ${r.failure}`);
    if (lines.length !== parsed.length) throw new Error(`${parsed.length} elements, ${lines.length} lines`);
    lines.forEach((line, i) => {
      // Undamaged (or damaged where it changes nothing of the elements before it): exactly as expected.
      if (i < elements.length && ends[i]! < at && !matches(line, expected(elements[i]!, i + 1))) throw new Error(`line ${i + 1} is ${line}`);
      let canonical: string | null;
      try {
        canonical = canonicalize(parsed![i]);
      } catch {
        canonical = null;
      }
      if (line !== canonical && !line.startsWith(`sel import: element ${i + 1} `)) throw new Error(`line ${i + 1} is neither the element's canonical form nor its refusal: ${line}`);
    });
    return;
  }
  importStats.broken++;
  if (r.failure === null) throw new Error('a document JSON.parse refuses was imported without a failure');
  const last = lines.pop();
  if (last !== `sel import: the document cannot be read on: ${r.failure}; nothing after this line was imported`) throw new Error(`the last line is ${last}`);
  // Every element that ended before the damage, as expected; a number or a literal at the
  // end of them only if what ended it came before the damage too (whatever the reads' cuts).
  let before = ends.filter((e) => e <= at).length;
  const lastBefore = elements[before - 1];
  if (lastBefore !== undefined && /^[-\dtfn]/.test(lastBefore) && ends[before - 1] === at) before--;
  if (lines.length < before) throw new Error(`${before} elements ended before the damage at byte ${at}, ${lines.length} were written`);
  for (let i = 0; i < Math.min(before, lines.length); i++) {
    if (!matches(lines[i]!, expected(elements[i]!, i + 1))) throw new Error(`line ${i + 1} is ${lines[i]}`);
  }
});
