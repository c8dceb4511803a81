/**
 * The hostile-input corpus (test/hostile/corpus/): crafted logs, each with the findings it
 * must give (expected.json). Built from a clean three-event chain by replacing its middle
 * line, so each file also checks that the damage is reported once and the chain around it
 * stays intact. `buildCorpus()` is what the committed files are; a test rebuilds and compares.
 */
import { ChainWriter } from '../../src/producer/producer.js';
import { sampleInput } from '../helpers/chains.js';

export interface CorpusEntry {
  readonly bytes: Buffer;
  /** "CODE@line" or "CODE@line:reason". */
  readonly expected: readonly string[];
  readonly about: string;
}

function chain(): string[] {
  const w = new ChainWriter('hostile');
  return [0, 1, 2].map((i) => w.append(sampleInput(i)).line);
}

/**
 * The chain with the middle event's request edited (through the producer, so hashes,
 * fingerprint and links are consistent), then `raw` applied to the middle line's text.
 */
function withMiddle(edit: (request: Record<string, any>) => void, raw: (line: string) => string = (l) => l): Buffer {
  const w = new ChainWriter('hostile');
  const lines = [0, 1, 2].map((i) => {
    const input = sampleInput(i);
    if (i !== 1) return w.append(input).line;
    const request = structuredClone(input.request) as Record<string, any>;
    edit(request);
    return raw(w.append({ ...input, request }).line);
  });
  return Buffer.from(`${lines.join('\n')}\n`);
}

const join3 = (mid: Buffer | string): Buffer => {
  const [a, , c] = chain();
  return Buffer.concat([Buffer.from(`${a}\n`), Buffer.isBuffer(mid) ? mid : Buffer.from(mid), Buffer.from(`\n${c}\n`)]);
};

export function buildCorpus(): Record<string, CorpusEntry> {
  const deep = `{"v":"sel.audit/1","chain":"hostile","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const [a, b, c] = chain();
  const bytesWith = (text: string, marker: string, replacement: number[]) => {
    const buf = Buffer.from(text);
    const at = buf.indexOf(Buffer.from(marker));
    return Buffer.concat([buf.subarray(0, at), Buffer.from(replacement), buf.subarray(at + marker.length)]);
  };
  return {
    'deep-nesting.jsonl': { bytes: join3(deep), expected: ['EVENT_NONCANONICAL@2:too-deep'], about: '100 000 levels of nesting: refused without recursion' },
    'nul-bytes.jsonl': { bytes: join3(Buffer.alloc(1000)), expected: ['LINE_INVALID_JSON@2'], about: 'a line of 1000 NUL bytes' },
    'overlong-utf8.jsonl': { bytes: join3(bytesWith(b!, 'plain', [0xc0, 0xaf])), expected: ['LINE_INVALID_UTF8@2'], about: 'an overlong encoding of "/" (C0 AF)' },
    'surrogate-utf8.jsonl': { bytes: join3(bytesWith(b!, 'plain', [0xed, 0xa0, 0x80])), expected: ['LINE_INVALID_UTF8@2'], about: 'a UTF-16 surrogate encoded in UTF-8 (ED A0 80)' },
    'truncated-utf8.jsonl': { bytes: join3(bytesWith(b!, 'plain', [0xe2, 0x82])), expected: ['LINE_INVALID_UTF8@2'], about: 'a truncated three-byte sequence' },
    'lone-surrogate-escape.jsonl': {
      bytes: withMiddle((r) => (r.note = 'x'), (l) => l.replace('"note":"x"', '"note":"\\ud800"')),
      expected: ['EVENT_NONCANONICAL@2:lone-surrogate'],
      about: 'a \\ud800 escape: a lone surrogate JCS cannot represent',
    },
    'number-1e400.jsonl': { bytes: withMiddle((r) => (r.n = 1), (l) => l.replace('"n":1', '"n":1e400')), expected: ['EVENT_NONCANONICAL@2:number-out-of-range'], about: '1e400, which is not a finite double' },
    'big-integer.jsonl': { bytes: withMiddle((r) => (r.n = 1), (l) => l.replace('"n":1', '"n":9007199254740993')), expected: ['EVENT_NONCANONICAL@2:integer-precision-loss'], about: 'an integer a double cannot hold exactly' },
    'negative-zero.jsonl': { bytes: withMiddle((r) => (r.n = 0), (l) => l.replace('"n":0', '"n":-0')), expected: ['EVENT_NONCANONICAL@2:number-form'], about: '-0, whose canonical form is 0 (the event still verifies)' },
    'duplicate-keys.jsonl': { bytes: join3(b!.replace('"kind":', '"kind":"fs.read","kind":')), expected: ['EVENT_NONCANONICAL@2:duplicate-key'], about: 'a duplicate key: two parsers, two events' },
    'escape-form.jsonl': { bytes: withMiddle((r) => (r.tool = 'A'), (l) => l.replace('"tool":"A"', '"tool":"\\u0041"')), expected: ['EVENT_NONCANONICAL@2:escape-form'], about: 'an escape JSON.stringify would not write' },
    'proto-keys.jsonl': {
      bytes: withMiddle((r) => {
        Object.defineProperty(r, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
        Object.defineProperty(r, 'constructor', { value: { prototype: { polluted: true } }, enumerable: true, configurable: true, writable: true });
      }),
      expected: [],
      about: '__proto__ and constructor keys: data, never prototypes',
    },
    'bom.jsonl': { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${a}\n${b}\n${c}\n`)]), expected: ['EVENT_NONCANONICAL@1:byte-order-mark'], about: 'a byte order mark before the first line' },
    'crlf.jsonl': { bytes: Buffer.from(`${a}\r\n${b}\r\n${c}\r\n`), expected: ['EVENT_NONCANONICAL@1:crlf', 'EVENT_NONCANONICAL@2:crlf', 'EVENT_NONCANONICAL@3:crlf'], about: 'CRLF line endings' },
    'control-characters.jsonl': { bytes: join3(b!.replace('"plain"', '"pla\u0001in"')), expected: ['LINE_INVALID_JSON@2'], about: 'a raw control character inside a string' },
    'merged-lines.jsonl': { bytes: Buffer.from(`${a}\n${b} ${c}\n`), expected: ['LINE_INVALID_JSON@2'], about: 'two events on one line (a lost line feed): one finding for both' },
  };
}
