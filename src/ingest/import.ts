/**
 * Other systems' exports of sel.audit/1 events as one JSON document, to the JSONL log `sel
 * verify` reads (`sel import`, docs/contract.md). A SIEM, an object store or an audit API hands
 * events over as one large array (`[{...}, {...}]`), or as one member of an object (CloudTrail's
 * `{"Records": [...]}`), pretty-printed and in any key order. The hash and fingerprint of an
 * event are over JCS of its members (SPEC.md §2), not over how a line spelled them, so an event
 * written again in canonical form verifies as the original line did, and any change of a
 * member's value still fails its hash.
 *
 * Streamed with stream-json's tokenizer: an export of any size is read in constant memory (one
 * event at a time, at most `maxChars` of it), as `sel verify` reads logs. What it does not do,
 * done here:
 * - It decodes bytes leniently (bad UTF-8 becomes U+FFFD, which would change a value): the
 *   bytes go through a fatal UTF-8 decoder first, and a document that is not UTF-8 is refused.
 * - Its values are parsed as JSON.parse would (the last of two equal keys wins, a long integer
 *   is rounded): each event is written back as JSON text from the tokens, numbers as their
 *   literal, and checked by scanStrict, as policy files are. An event that parsers read two ways
 *   (a duplicate key, an integer past 2^53, a lone surrogate) or that is deeper than
 *   `maxDepth` is not imported.
 *
 * Nothing is dropped without a trace: an event that cannot be imported faithfully becomes a line
 * that says why and is not JSON, so `sel verify` of the output reports it (LINE_INVALID_JSON, an
 * error, at the line of the event's place in the array); a document that ends early or is not
 * JSON ends the output with such a line too, so that `sel import … | sel verify -` fails even
 * where the shell does not report the import's own exit status (no `pipefail`).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import Parser from 'stream-json/Parser.js';
import { canonicalize } from '../canonical/jcs.js';
import { DEFAULT_MAX_DEPTH, INVALID_JSON_REASONS, scanStrict, UNREPRESENTABLE_REASONS } from '../canonical/scan.js';

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
 * The bytes as UTF-8 text, or an error at the first byte that is not UTF-8, or at the first
 * character outside a string that JSON does not allow there but stream-json takes for white space:
 * its patterns use `\s`, which also matches form feed, vertical tab, no-break space, U+2028, a
 * byte order mark within the text and the other Unicode spaces, so `[\f{...}]` was imported as if
 * it were JSON (found by review). Outside strings, JSON is printable ASCII, space, tab, line feed
 * and carriage return; anything else there that stream-json would not refuse itself is refused here.
 */
class StrictUtf8 extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private seen = 0;
  // Where the text seen so far ends: inside a string, and just after its backslash.
  private inString = false;
  private escaped = false;
  /** The offset in `text` of the first character outside a string that JSON does not allow, or -1. */
  private firstStray(text: string): number {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        QUOTE_OR_BACKSLASH.lastIndex = i;
        const m = QUOTE_OR_BACKSLASH.exec(text);
        if (m === null) return -1;
        i = m.index + 1;
        if (text.charCodeAt(m.index) === 0x5c) this.escaped = true;
        else this.inString = false;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) this.inString = true;
      else if (c > 0x7e || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return i;
      i++;
    }
    return -1;
  }
  /** Passes `text` on, or what precedes a stray character in it and then the error. */
  private pass(text: string, done: TransformCallback): void {
    const at = this.firstStray(text);
    if (at < 0) {
      done(null, text);
      return;
    }
    const c = text.codePointAt(at)!;
    if (at > 0) this.push(text.slice(0, at));
    done(new ImportError(`it is not JSON (U+${c.toString(16).toUpperCase().padStart(4, '0')} outside a string, which JSON does not allow there)`));
  }
  constructor() {
    super({ decodeStrings: true, readableObjectMode: false, encoding: 'utf8' });
  }
  // Only the decoding is in the try: done() runs the parser and the import synchronously, and
  // what they throw is not a UTF-8 error (it was reported as one: found by review).
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new ImportError(`the document is not UTF-8 (in the bytes before offset ${this.seen + chunk.length})`));
      return;
    }
    this.seen += chunk.length;
    this.pass(text, done);
  }
  override _flush(done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode();
    } catch {
      done(new ImportError('the document is not UTF-8 (it ends inside a character)'));
      return;
    }
    this.pass(text, done);
  }
}

class ImportError extends Error {}

const QUOTE_OR_BACKSLASH = /["\\]/g;

/** Reads the document from `input` and writes one line per element of its array to `out`. */
export function importRecords(input: Readable, out: ImportSink, opts: ImportOptions): Promise<ImportResult> {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const decode = new StrictUtf8();
  // Keys, strings and numbers come in chunks and are put together here, at most `cap` characters
  // of each: stream-json's own packing holds a value whole, whatever its size, so one long string
  // (even in a member that is not read) took memory in proportion to it, and past V8's longest
  // string (~512 MiB) threw out of the parser (found by review).
  const parser = new Parser({ packValues: false, streamValues: true });
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
  // The element being read: its JSON text, rebuilt from the tokens; per open container, whether
  // a value was written in it yet (for commas).
  let text = '';
  let tooLong = false;
  const open: { first: boolean }[] = [];
  let afterKey = false;

  const fail = (why: string): void => {
    if (failure === null) failure = why;
  };
  const emit = (line: string): void => {
    pending += line;
  };
  /** Appends to the element's text; null: a value too long to keep, so the element is too. */
  const piece = (s: string | null): void => {
    if (tooLong) return;
    if (s === null || text.length + s.length > opts.maxChars) {
      tooLong = true;
      text = '';
      return;
    }
    text += s;
  };
  /** Before a value inside the element: the comma it needs, unless a key just came. */
  const beforeValue = (): void => {
    if (afterKey) {
      afterKey = false;
      return;
    }
    const top = open[open.length - 1];
    if (top !== undefined) {
      if (!top.first) piece(',');
      top.first = false;
    }
  };
  const endElement = (): void => {
    events++;
    const n = events;
    if (tooLong) {
      refused++;
      emit(refusalLine(`element ${n} of the array is longer than ${opts.maxChars} characters as JSON text (--max-line-bytes); it is not imported`));
    } else {
      const scan = scanStrict(text, maxDepth);
      if (!scan.ok && (UNREPRESENTABLE_REASONS.has(scan.reason) || INVALID_JSON_REASONS.has(scan.reason))) {
        refused++;
        emit(refusalLine(`element ${n} of the array is not imported: ${scan.reason.replace(/-/g, ' ')} (parsers may read it differently, or JCS cannot write it)`));
      } else {
        const line = canonicalize(JSON.parse(text) as unknown, maxDepth);
        // The limit is sel verify's, in bytes of the line (the text above is bounded in
        // characters, which hold up to 3 bytes each): a longer line is refused here, saying why,
        // rather than written for verify to skip as LINE_TOO_LONG.
        if (Buffer.byteLength(line) > opts.maxChars) {
          refused++;
          emit(refusalLine(`element ${n} of the array is longer than ${opts.maxChars} bytes as its canonical line (--max-line-bytes); it is not imported`));
        } else emit(`${line}\n`);
      }
    }
    text = '';
    tooLong = false;
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

  const onElementToken = (t: Token): void => {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        beforeValue();
        piece(t.name === 'startObject' ? '{' : '[');
        open.push({ first: true });
        return;
      case 'endObject':
      case 'endArray':
        piece(t.name === 'endObject' ? '}' : ']');
        open.pop();
        return;
      case 'keyValue': {
        const top = open[open.length - 1]!;
        if (!top.first) piece(',');
        top.first = false;
        piece(t.value === null ? null : `${JSON.stringify(t.value)}:`);
        afterKey = true;
        return;
      }
      case 'stringValue':
        beforeValue();
        piece(t.value === null ? null : JSON.stringify(t.value));
        return;
      case 'numberValue':
        beforeValue();
        piece(t.value ?? null);
        return;
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        beforeValue();
        piece(t.name === 'nullValue' ? 'null' : t.name === 'trueValue' ? 'true' : 'false');
        return;
    }
  };

  return new Promise((resolve) => {
    let ended = false;
    const finish = (why: string | null): void => {
      if (ended) return;
      ended = true;
      if (why !== null) fail(why);
      if (failure === null && state !== 'after') fail('the document ends before its array does');
      input.unpipe(decode);
      decode.unpipe(parser);
      parser.removeAllListeners('data');
      // What is left of the input is not read: a broken document is not read on.
      input.destroy();
      if (failure !== null) pending += refusalLine(`the document cannot be read on: ${failure}; nothing after this line was imported`);
      const rest = pending;
      pending = '';
      void out(rest).then(() => resolve({ events, refused, failure }));
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
    parser.on('data', (t: Token) => {
      if (ended) return;
      onParserToken(t);
      if (failure !== null) {
        finish(null);
        return;
      }
      if (pending.length >= 1 << 16) {
        const chunk = pending;
        pending = '';
        parser.pause();
        void out(chunk).then(() => {
          if (!ended) parser.resume();
        });
      }
    });
    parser.on('end', () => finish(null));
    const broken = (e: Error): void => finish(e instanceof ImportError ? e.message : `it is not JSON (${e.message.replace(/\s+/g, ' ').slice(0, 120)})`);
    parser.on('error', broken);
    decode.on('error', broken);
    input.on('error', (e: NodeJS.ErrnoException) => finish(`it could not be read (${e.code ?? e.message})`));
    input.pipe(decode).pipe(parser);
  });
}
