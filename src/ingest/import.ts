/**
 * Other systems' exports of sel.audit/1 events as one JSON document, to the JSONL log `sel
 * verify` reads (`sel import`, docs/contract.md). A SIEM, an object store or an audit API hands
 * events over as one large array (`[{...}, {...}]`), or as one member of an object (CloudTrail's
 * `{"Records": [...]}`), pretty-printed and in any key order. The hash and fingerprint of an
 * event are over JCS of its members (SPEC.md §2), not over how a line spelled them, so an event
 * written again in canonical form verifies as the original line did, and any change of a
 * member's value still fails its hash.
 *
 * Streamed with stream-json's tokenizer (its bare `jsonParser`, a function from text to tokens,
 * called here read by read, so that nothing is held between reads; stream-json 1's Transform
 * stream held tokens back from a slow reader and lost them when the document broke): an export
 * of any size is read in constant memory (one event at a time, at most `maxChars` of it), as
 * `sel verify` reads logs. What it does not do, done here:
 * - It takes text: the bytes are decoded by a fatal UTF-8 decoder (stream-json's own decodes
 *   leniently: bad UTF-8 becomes U+FFFD, which would change a value), and a document that is
 *   not UTF-8 is refused at its first such byte, after all that precedes it.
 * - Its values are parsed as JSON.parse would (the last of two equal keys wins, a long integer
 *   is rounded): each event's canonical form is built here from the tokens, numbers from their
 *   literal, with scanStrict's checks on the way (numberProblem is its own). An event that
 *   parsers read two ways (a duplicate key, an integer past 2^53, a lone surrogate) or that is
 *   deeper than `maxDepth` is not imported.
 *
 * Nothing is dropped without a trace: an event that cannot be imported faithfully becomes a line
 * that says why and is not JSON, so `sel verify` of the output reports it (LINE_INVALID_JSON, an
 * error, at the line of the event's place in the array); a document that ends early or is not
 * JSON ends the output with such a line too, so that `sel import … | sel verify -` fails even
 * where the shell does not report the import's own exit status (no `pipefail`).
 */
import { none } from 'stream-chain/defs.js';
import { jsonParser } from 'stream-json/core/parser.js';
import { hasLoneSurrogate } from '../canonical/jcs.js';
import { firstInvalidUtf8 } from '../envelope/check.js';
import { describeIoError } from '../errors.js';
import { DEFAULT_MAX_DEPTH, numberProblem, type ScanReason } from '../canonical/scan.js';

export interface ImportOptions {
  /** The member of a top-level object that holds the array; null: the document is the array. */
  readonly records: string | null;
  /** An event whose text, or canonical line, is longer than this many characters, or bytes, is not imported (--max-line-bytes). */
  readonly maxChars: number;
  readonly maxDepth?: number;
}

export interface ImportResult {
  /** Elements of the array, each one line of the output. */
  readonly events: number;
  /** Of them, those written as a line that says why they were not imported. */
  readonly refused: number;
  /** Why the document could not be read to its end (the output ends with a line saying so), or null. */
  readonly failure: string | null;
}

/** Where the output goes: lines, each ending in a line feed; a promise when the writer wants a pause. */
export type ImportSink = (text: string) => Promise<void>;

/** The line that stands for what was not imported: not JSON (it starts with a letter), one sentence. */
export function refusalLine(what: string): string {
  return `sel import: ${what.replace(/[\r\n]/g, ' ')}\n`;
}

interface Token {
  readonly name: string;
  /** A key's, string's or number's text; null when it was longer than could be kept. */
  readonly value?: string | null;
}

/**
 * `value` as a JSON string, or null when that is longer than V8 can hold (~512 MiB): escaped, a
 * control character is 6 characters, so a value within a large --max-line-bytes (90 million
 * U+0001, from a 540 MB export) threw out of the import, whose output then ended without the
 * line that says it broke, and `sel import … | sel verify -` passed the events written before
 * (found by review). Null: the element is too long, as it is.
 */
function quote(value: string): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

/** How many bytes of `buf` end on a whole character: a character its end cuts is left for the next read. */
function wholeCharacters(buf: Uint8Array): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? n - k : n;
  }
  return n;
}

/** What one read of the document gives the tokenizer: its text in pieces, and why reading stops there, if it does. */
interface Text {
  readonly pieces: string[];
  readonly error: string | null;
}

/**
 * The bytes as UTF-8 text, up to the first byte that is not UTF-8, or up to the first character
 * outside a string that JSON does not allow there but stream-json takes for white space: its
 * patterns use `\s`, which also matches form feed, vertical tab, no-break space, U+2028, a byte
 * order mark within the text and the other Unicode spaces, so `[\f{...}]` was imported as if it
 * were JSON (found by review). Outside strings, JSON is printable ASCII, space, tab, line feed and
 * carriage return; anything else there that stream-json would not refuse itself is refused here.
 *
 * The text is cut into pieces after each element of the array (after its closing bracket or
 * quote, the white space after a number or literal, or the comma after it): the tokenizer gives
 * its tokens per piece, or throws and gives none, so a document that breaks loses no element
 * before the break. An element that is a number or literal is never cut by a read: a read that
 * ends in one leaves it for the next, as the tokenizer ends a number it was given in two pieces
 * only at the next comma or bracket, not at the white space (`[1, 2` then ` x]` lost 2).
 */
class StrictText {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes of the document before `carry`. */
  private offset = 0;
  /** The start of a character the last read cut. */
  private carry: Uint8Array = new Uint8Array(0);
  private atStart = true;
  // Where the text seen so far ends: inside a string, and just after its backslash; how deep in
  // objects and arrays (as written: the tokenizer decides whether it is JSON).
  private inString = false;
  private escaped = false;
  private depth = 0;
  /** Just after a character of a number or literal (which white space, a comma or a bracket ends). */
  private scalar = false;
  /** An element that is a number or literal, which the last read ended in: the start of the next text. */
  private held = '';
  /** The depth of the array's elements' separators: 1 for a document that is the array, 2 for a member's array. */
  constructor(private readonly elementDepth: number) {}

  /** The text of the next read, `bytes`, or with null, of what the last read left. */
  take(bytes: Uint8Array | null): Text {
    let data = bytes ?? new Uint8Array(0);
    if (this.carry.length > 0) data = Buffer.concat([this.carry, data]);
    const whole = bytes === null ? data.length : wholeCharacters(data);
    let text: string;
    let error: string | null = null;
    try {
      text = this.decoder.decode(data.subarray(0, whole));
    } catch {
      // What precedes the first byte that is not UTF-8 is imported: the events just before the
      // damage may be the ones that matter.
      const at = firstInvalidUtf8(data.subarray(0, whole));
      text = this.decoder.decode(data.subarray(0, at));
      error = `the document is not UTF-8 (at byte ${this.offset + at})`;
    }
    this.offset += whole;
    this.carry = data.slice(whole);
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      // A byte order mark that starts the document is not part of it (RFC 8259 §8.1).
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.cut(text, error, bytes === null);
  }

  /**
   * `text` cut after each element, up to its first character that JSON does not allow where it is.
   * `last`: no text follows (the document's end).
   */
  private cut(next: string, error: string | null, last: boolean): Text {
    const pieces: string[] = [];
    // What the last read held back was read through already: it starts the text, not the scan.
    const text = this.held === '' ? next : this.held + next;
    let i = this.held.length;
    this.held = '';
    const n = text.length;
    let from = 0;
    /** Where the number or literal being read started, when it is an element. */
    let scalarStart = i > 0 ? 0 : -1;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          // The tokenizer waits for more text after an escape it does not know (`"\v"`), and
          // says "escaped characters" of a raw control character: said here as what they are.
          if (!JSON_ESCAPES.has(text.charCodeAt(i))) {
            if (i > from) pieces.push(text.slice(from, i));
            return { pieces, error: `it is not JSON (a backslash before ${codePoint(text, i)} in a string, which is not an escape JSON has)` };
          }
          i++;
          continue;
        }
        STRING_SPECIAL.lastIndex = i;
        const m = STRING_SPECIAL.exec(text);
        if (m === null) break;
        i = m.index + 1;
        const s = text.charCodeAt(m.index);
        if (s < 0x20) {
          if (m.index > from) pieces.push(text.slice(from, m.index));
          return { pieces, error: `it is not JSON (${codePoint(text, m.index)} in a string, which JSON allows only escaped)` };
        }
        if (s === 0x5c) this.escaped = true;
        else {
          this.inString = false;
          // An element that is a string ends here: `["a" x]` lost "a" (found by review).
          if (this.depth === this.elementDepth) {
            pieces.push(text.slice(from, i));
            from = i;
          }
        }
        continue;
      }
      const c = text.charCodeAt(i++);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
        // An element that is a number or literal ends at the white space after it: the tokenizer
        // gives it once it sees that (`[1 x]` lost 1).
        if (this.scalar && this.depth === this.elementDepth) {
          pieces.push(text.slice(from, i));
          from = i;
        }
        this.scalar = false;
        continue;
      }
      const inScalar = this.scalar;
      this.scalar = false;
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        // The tokenizer holds a stack entry per open array and object (and the element being read
        // one more): 64 MiB of `[` took 2.8 GB (found by review). No event nested that deep can be
        // imported (--max-depth is at most 2000), and the document is not read on past it.
        if (++this.depth > NESTING_LIMIT) {
          if (i - 1 > from) pieces.push(text.slice(from, i - 1));
          return { pieces, error: `it nests arrays and objects deeper than ${NESTING_LIMIT} levels` };
        }
      }
      else if (c === 0x7d || c === 0x5d) {
        if (--this.depth <= this.elementDepth) {
          pieces.push(text.slice(from, i));
          from = i;
        }
      } else if (c === 0x2c) {
        if (this.depth === this.elementDepth) {
          pieces.push(text.slice(from, i));
          from = i;
        }
      } else if (c > 0x7e || c < 0x20) {
        if (i - 1 > from) pieces.push(text.slice(from, i - 1));
        return { pieces, error: `it is not JSON (${codePoint(text, i - 1)} outside a string, which JSON does not allow there)` };
      } else {
        if (!inScalar && this.depth === this.elementDepth) scalarStart = i - 1;
        this.scalar = c !== 0x3a;
      }
    }
    // A read that ends in an element that is a number or literal leaves it to the next. Bounded:
    // one past HELD_LIMIT characters is given in pieces, and lost if the document breaks right
    // after it (a number that long is refused as imprecise unless it is a fraction).
    if (this.scalar && this.depth === this.elementDepth && !last && error === null && scalarStart >= from && n - scalarStart <= HELD_LIMIT) {
      if (scalarStart > from) pieces.push(text.slice(from, scalarStart));
      this.held = text.slice(scalarStart);
      return { pieces, error };
    }
    if (from < n) pieces.push(from === 0 ? text : text.slice(from));
    return { pieces, error };
  }
}

/** What ends a run of plain characters in a string: its closing quote, an escape, or a control character JSON allows only escaped. */
const STRING_SPECIAL = /["\\\u0000-\u001f]/g;
/** The characters that may follow a backslash in a JSON string (RFC 8259 §7). */
const JSON_ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));
/** The character at `at` of `text`, as U+XXXX. */
function codePoint(text: string, at: number): string {
  return `U+${text.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
/** An array frame's members: none, and never added to (add() puts an array's values in its items). */
const NO_MEMBERS: [string, string][] = [];
/** How deep the document may nest arrays and objects: far past any --max-depth, so an element deeper than that is still refused alone. */
const NESTING_LIMIT = 1 << 16;
/** The longest number or literal element that a read's end holds back whole (see StrictText). */
const HELD_LIMIT = 1 << 16;

/** Reads the document from `input` and writes one line per element of its array to `out`. */
export async function importRecords(input: AsyncIterable<Uint8Array | string>, out: ImportSink, opts: ImportOptions): Promise<ImportResult> {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const document = new StrictText(opts.records === null ? 1 : 2);
  // Keys, strings and numbers come in chunks and are put together here, at most `cap` characters
  // of each: stream-json's own packing holds a value whole, whatever its size, so one long string
  // (even in a member that is not read) took memory in proportion to it, and past V8's longest
  // string (~512 MiB) threw out of the parser (found by review).
  // A flushable stage: text in, tokens out; `none` ends the text (its type leaves that out).
  const tokenize = jsonParser({ packValues: false, streamValues: true }) as (text: string | typeof none) => ReturnType<ReturnType<typeof jsonParser>>;
  const cap = Math.max(opts.maxChars, opts.records?.length ?? 0);
  let acc = '';
  let accOver = false;
  let events = 0;
  let refused = 0;
  let pending = '';

  // Where the tokens are: 'top' before the document's value; 'skip' inside a member of the top
  // object that is not --records (depth counts its containers); 'array' between elements;
  // 'element' inside one; 'after' once the array has ended.
  let state: 'top' | 'members' | 'skip' | 'array' | 'element' | 'after' = 'top';
  let skipDepth = 0;
  let lastKey: string | null = null;
  let seenRecords = false;
  let failure: string | null = null;
  // The element being read. Its canonical form (RFC 8785: members sorted by key, strings as
  // JSON.stringify writes them, numbers as Number#toString) is built from the tokens, per open
  // container its canonical items or members so far, while nothing is wrong with it. `length`
  // counts its JSON text as written back from the tokens (commas, colons and brackets included):
  // past maxChars the element is too long, and no more of it is held. `problem` is the first
  // thing in it, in text order, that parsers read two ways or JCS cannot write, as scanStrict
  // names it: the same checks (numberProblem, lone surrogates, duplicate keys, nesting past
  // maxDepth), on the values as decoded.
  // Per open container, whether nothing was written in it yet (no comma before its next value).
  const open: boolean[] = [];
  let afterKey = false;
  interface Frame {
    /** An array's items; null for an object. */
    readonly items: string[] | null;
    /** An object's members: its key, and `"key":value` as canonical text; its keys so far. Empty for an array. */
    readonly members: [string, string][];
    readonly keys: Set<string> | null;
    /** The key whose value comes next, and it as JSON text. */
    key: string;
    quotedKey: string;
  }
  const frames: Frame[] = [];
  let length = 0;
  let tooLong = false;
  let problem: ScanReason | null = null;
  /** The element's canonical text, once it is whole. */
  let whole: string | null = null;
  const building = (): boolean => !tooLong && problem === null;

  const fail = (why: string): void => {
    if (failure === null) failure = why;
  };
  const emit = (line: string): void => {
    pending += line;
  };
  /** Counts `n` characters of the element's text; null: a value too long to keep, so the element is too. */
  const count = (n: number | null): void => {
    if (tooLong) return;
    if (n === null || length + n > opts.maxChars) {
      tooLong = true;
      frames.length = 0;
      return;
    }
    length += n;
  };
  /** The first problem with the element: it is not imported, and no more of it is built. */
  const note = (reason: ScanReason): void => {
    problem = reason;
    frames.length = 0;
  };
  /** A value of the element, whole, in canonical form: into its container, or the element itself. */
  const add = (canonical: string): void => {
    const top = frames[frames.length - 1];
    if (top === undefined) whole = canonical;
    else if (top.items !== null) top.items.push(canonical);
    else top.members.push([top.key, `${top.quotedKey}:${canonical}`]);
  };
  /** Before a value inside the element: the comma it needs, unless a key just came. */
  const beforeValue = (): void => {
    if (afterKey) {
      afterKey = false;
      return;
    }
    const top = open.length - 1;
    if (top >= 0) {
      if (!open[top]) count(1);
      open[top] = false;
    }
  };
  const endElement = (): void => {
    events++;
    const n = events;
    if (tooLong) {
      refused++;
      emit(refusalLine(`element ${n} of the array is longer than ${opts.maxChars} characters as JSON text (--max-line-bytes); it is not imported`));
    } else if (problem === 'too-deep') {
      // Plain JSON that parsers read alike and JCS writes: only the limit, which the user may raise, refuses it.
      refused++;
      emit(refusalLine(`element ${n} of the array is not imported: it nests arrays and objects deeper than --max-depth (${maxDepth} levels)`));
    } else if (problem !== null) {
      refused++;
      emit(refusalLine(`element ${n} of the array is not imported: ${problem.replace(/-/g, ' ')} (parsers may read it differently, or JCS cannot write it)`));
    } else {
      const line = whole!;
      // The limit is sel verify's, in bytes of the line (the text above is bounded in
      // characters, which hold up to 3 bytes each): a longer line is refused here, saying why,
      // rather than written for verify to skip as LINE_TOO_LONG.
      if (Buffer.byteLength(line) > opts.maxChars) {
        refused++;
        emit(refusalLine(`element ${n} of the array is longer than ${opts.maxChars} bytes as its canonical line (--max-line-bytes); it is not imported`));
      } else emit(`${line}\n`);
    }
    length = 0;
    tooLong = false;
    problem = null;
    whole = null;
    frames.length = 0;
    state = 'array';
  };

  const onToken = (t: Token): void => {
    switch (state) {
      case 'top':
        if (opts.records === null) {
          if (t.name === 'startArray') state = 'array';
          else if (t.name === 'startObject') fail('the document is an object, not an array of events: name the member that holds them with --records (CloudTrail: --records Records)');
          else fail('the document is not an array of events');
        } else if (t.name === 'startObject') state = 'members';
        else fail(`the document is not an object with a member ${JSON.stringify(opts.records)}`);
        return;
      case 'members':
        if (t.name === 'keyValue') {
          lastKey = t.value ?? null;
          return;
        }
        if (t.name === 'endObject') {
          if (!seenRecords) fail(`the document has no member ${JSON.stringify(opts.records)}`);
          state = 'after';
          return;
        }
        if (lastKey === opts.records) {
          // Two members of that name: JSON.parse would take the last, another parser the first.
          if (seenRecords) return fail(`the document has the member ${JSON.stringify(opts.records)} twice`);
          seenRecords = true;
          if (t.name !== 'startArray') return fail(`the member ${JSON.stringify(opts.records)} is not an array of events`);
          state = 'array';
          return;
        }
        if (t.name === 'startObject' || t.name === 'startArray') {
          state = 'skip';
          skipDepth = 1;
        }
        return;
      case 'skip':
        if (t.name === 'startObject' || t.name === 'startArray') skipDepth++;
        else if ((t.name === 'endObject' || t.name === 'endArray') && --skipDepth === 0) state = 'members';
        return;
      case 'array':
        if (t.name === 'endArray') {
          state = opts.records === null ? 'after' : 'members';
          return;
        }
        state = 'element';
        open.length = 0;
        afterKey = false;
        onElementToken(t);
        if (open.length === 0) endElement();
        return;
      case 'element':
        onElementToken(t);
        if (open.length === 0) endElement();
        return;
      case 'after':
        return;
    }
  };

  const byKey = (x: [string, string], y: [string, string]): number => (x[0] < y[0] ? -1 : 1);
  const onElementToken = (t: Token): void => {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        beforeValue();
        count(1);
        if (building()) {
          if (open.length >= maxDepth) note('too-deep');
          else if (t.name === 'startArray') frames.push({ items: [], members: NO_MEMBERS, keys: null, key: '', quotedKey: '' });
          else frames.push({ items: null, members: [], keys: new Set(), key: '', quotedKey: '' });
        }
        open.push(true);
        return;
      case 'endObject':
      case 'endArray': {
        count(1);
        open.pop();
        if (!building()) return;
        const f = frames.pop()!;
        if (f.items !== null) add(`[${f.items.join(',')}]`);
        else {
          // Keys sorted by their UTF-16 code units (RFC 8785 §3.2.3); no two are equal.
          f.members.sort(byKey);
          let text = '{';
          for (let k = 0; k < f.members.length; k++) text += (k === 0 ? '' : ',') + f.members[k]![1];
          add(`${text}}`);
        }
        return;
      }
      case 'keyValue': {
        const top = open.length - 1;
        if (!open[top]) count(1);
        open[top] = false;
        afterKey = true;
        // Too long already: nothing more of it is counted or built.
        if (tooLong) return;
        const quoted = t.value === null ? null : quote(t.value!);
        if (quoted === null) return count(null);
        count(quoted.length + 1);
        if (!building()) return;
        const f = frames[frames.length - 1]!;
        if (hasLoneSurrogate(t.value!)) return note('lone-surrogate');
        if (f.keys!.has(t.value!)) return note('duplicate-key');
        f.keys!.add(t.value!);
        f.key = t.value!;
        f.quotedKey = quoted;
        return;
      }
      case 'stringValue': {
        beforeValue();
        if (tooLong) return;
        const quoted = t.value === null ? null : quote(t.value!);
        if (quoted === null) return count(null);
        count(quoted.length);
        if (!building()) return;
        if (hasLoneSurrogate(t.value!)) return note('lone-surrogate');
        return add(quoted);
      }
      case 'numberValue': {
        beforeValue();
        if (t.value === null) return count(null);
        count(t.value!.length);
        if (!building()) return;
        const wrong = numberProblem(t.value!);
        if (wrong !== null) return note(wrong);
        return add(String(Number(t.value)));
      }
      case 'nullValue':
      case 'trueValue':
      case 'falseValue': {
        beforeValue();
        const literal = t.name === 'nullValue' ? 'null' : t.name === 'trueValue' ? 'true' : 'false';
        count(literal.length);
        if (building()) add(literal);
        return;
      }
    }
  };

  /** The parser's tokens, with keys, strings and numbers put together (at most `cap` characters). */
  const onParserToken = (t: Token): void => {
    switch (t.name) {
      case 'startKey':
      case 'startString':
      case 'startNumber':
        acc = '';
        accOver = false;
        return;
      case 'stringChunk':
      case 'numberChunk':
        if (accOver) return;
        if (acc.length + t.value!.length > cap) {
          accOver = true;
          acc = '';
        } else acc += t.value!;
        return;
      case 'endKey':
      case 'endString':
      case 'endNumber': {
        const value = accOver ? null : acc;
        acc = '';
        accOver = false;
        onToken({ name: t.name === 'endKey' ? 'keyValue' : t.name === 'endString' ? 'stringValue' : 'numberValue', value });
        return;
      }
      default:
        onToken(t);
    }
  };
  /** Tokenizes one piece of the text (none: the end of it) and reads its tokens, until the first failure. */
  const feed = (piece: string | typeof none): void => {
    let tokens: ReturnType<typeof tokenize>;
    try {
      tokens = tokenize(piece);
    } catch (e) {
      // At the end of the text, what the tokenizer still expected was not written, or what it
      // held back for more (`tru`, a string with a raw tab) was not JSON: its error is the same.
      // Before any token, the document is empty only if it held nothing but white space: a
      // literal cut short (`tru`) was said to be an empty document (found by mutation testing).
      fail(piece === none ? ((state as string) === 'top' && !written ? 'the document is empty' : 'the document ends before its array does, or is not JSON at its end') : `it is not JSON (${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 120)})`);
      return;
    }
    if (tokens === none) return;
    for (const t of tokens.values) {
      try {
        onParserToken(t as Token);
      } catch (e) {
        // Not expected (an element's text is bounded by --max-line-bytes): whatever it is, the
        // output still ends with the line that says the document was not read to its end, so
        // that `sel import … | sel verify -` fails without pipefail.
        fail(`an element of the array could not be written (${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 120)})`);
      }
      if (failure !== null) return;
    }
  };
  /** Whether the text so far held anything but white space (JSON's; StrictText refuses any other). */
  let written = false;
  const read = (t: Text): void => {
    if (!written) written = t.pieces.some((p) => /[^ \t\n\r]/.test(p));
    for (const piece of t.pieces) {
      feed(piece);
      if (failure !== null) return;
    }
    if (t.error !== null) fail(t.error);
  };

  // Read by pulling, so a slow reader of the output slows the reading, and all the tokens of a
  // read are taken before the next: nothing is held between the two when the document breaks.
  const reads = input[Symbol.asyncIterator]();
  let done = false;
  for (;;) {
    let r: IteratorResult<Uint8Array | string>;
    try {
      r = await reads.next();
    } catch (e) {
      fail(`it could not be read (${describeIoError(e)})`);
      done = true;
      break;
    }
    if (r.done === true) {
      done = true;
      read(document.take(null));
      if (failure === null) feed(none);
      break;
    }
    read(document.take(typeof r.value === 'string' ? Buffer.from(r.value) : r.value));
    if (failure !== null) break;
    if (pending.length >= 1 << 16) {
      const chunk = pending;
      pending = '';
      await out(chunk);
    }
  }
  // What is left of the input is not read: a broken document is not read on.
  if (!done) await reads.return?.();
  // (state is set by the token handlers, which TypeScript does not follow here)
  if (failure === null && (state as string) !== 'after') fail('the document ends before its array does');
  if (failure !== null) pending += refusalLine(`the document cannot be read on: ${failure}; nothing after this line was imported`);
  await out(pending);
  return { events, refused, failure };
}
