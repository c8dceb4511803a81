/**
 * The WebAssembly line scanner (src/wasm/line-scan.as.ts), loaded once per thread: the line
 * is copied into its memory, scanned there, and the spans of the envelope's members are read
 * back through views of that memory. See the AssemblyScript source for what it proves.
 */
import { WASM_BASE64 } from '../wasm/line-scan.wasm.js';

// The little of WebAssembly's JavaScript API used here (neither ES2023's lib nor @types/node 20
// declares it).
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      readonly buffer: ArrayBuffer;
    }
  }
}

interface Exports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (n: number, maxDepth: number) => number;
  readonly lookup: (slot: number) => number;
  readonly intern: (slot: number) => number;
  readonly clearInterned: () => void;
  readonly configure: (hash: number, kind: number, policy: number, prev: number, request: number, fingerprint: number, seq: number, ts: number) => void;
}

/** Where things are in the module's memory: its exported LAYOUT_* globals. */
interface Layout {
  readonly slots: number;
  /** Six i32 tables of `slots` entries: key, value start, value end (UTF-16), then in bytes. */
  readonly tables: number;
  /** i32: present mask, other members, envelope proven, ASCII. */
  readonly status: number;
  /** f64: the seq of a line whose envelope was proven. */
  readonly seq: number;
  /** i32 count, then 4 i32 per request member (at most requestMax). */
  readonly request: number;
  readonly requestMax: number;
  readonly names: number;
  readonly nameBytes: number;
  readonly line: number;
  readonly lineCapacity: number;
  readonly internIndexes: number;
}

/**
 * The instance, or null where WebAssembly is switched off (`node --jitless` has no
 * WebAssembly): the text scanner then does all the work, and only speed differs.
 */
function instantiate(): { exports: Exports; layout: Layout } | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64')), {
      env: {
        abort: () => {
          throw new Error('the line scanner aborted');
        },
      },
    });
    const x = instance.exports;
    const at = (name: string): number => (x[`LAYOUT_${name}`] as { value: number }).value;
    const layout: Layout = {
      slots: at('SLOTS'), tables: at('TABLES'), status: at('STATUS'), seq: at('SEQ'), request: at('REQUEST'),
      requestMax: at('REQUEST_MAX'), names: at('NAMES'), nameBytes: at('NAME_BYTES'), line: at('LINE'),
      lineCapacity: at('LINE_CAPACITY'), internIndexes: at('INTERN_INDEXES'),
    };
    return { exports: x as unknown as Exports, layout };
  } catch {
    return null;
  }
}

const loaded = instantiate();
const wasm = loaded?.exports ?? null;
/** The WebAssembly scanner runs in this process. */
export const WASM_AVAILABLE = wasm !== null;
/**
 * Without the module, plain memory holds the member tables the text scanner fills (and the
 * rest, which then stays zero): the same shape, packed.
 */
const layout: Layout = loaded?.layout ?? {
  slots: 14, tables: 0, status: 6 * 14 * 4, seq: 6 * 14 * 4 + 16, request: 6 * 14 * 4 + 24, requestMax: 32,
  names: 0, nameBytes: 32, line: 0, lineCapacity: -1, internIndexes: 0,
};
// The module's memory has a fixed size (no grow), so these views stay attached.
const bytesView = new Uint8Array(wasm?.memory.buffer ?? new ArrayBuffer(layout.request + 4 + 16 * layout.requestMax));

/** The longest line the scanner takes; longer: the text path. */
export const WASM_LINE_CAPACITY = layout.lineCapacity;

/**
 * Per member slot (in the order of `names` given to `setMemberNames`): where its key's opening
 * quote, its value's start and its value's end are, as UTF-16 offsets into the decoded line
 * (`key16`, `start16`, `end16`) and as byte offsets (`keyByte`, `startByte`, `endByte`).
 */
export function memberTables(slots: number): {
  key16: Int32Array; start16: Int32Array; end16: Int32Array;
  keyByte: Int32Array; startByte: Int32Array; endByte: Int32Array;
} {
  if (slots > layout.slots) throw new Error(`the line scanner has ${layout.slots} member slots`);
  const table = (k: number): Int32Array => new Int32Array(bytesView.buffer, layout.tables + k * layout.slots * 4, slots);
  return { key16: table(0), start16: table(1), end16: table(2), keyByte: table(3), startByte: table(4), endByte: table(5) };
}

const status = new Int32Array(bytesView.buffer, layout.status, 4);
const seqValue = new Float64Array(bytesView.buffer, layout.seq, 1);

/**
 * Names the slots of the members the scanner checks itself after proving a line canonical
 * (the digests, `kind`, `request`, `seq`, `ts`: see `envelope` in src/wasm/line-scan.as.ts).
 */
export function configureEnvelope(slots: { hash: number; kind: number; policy: number; prev: number; request: number; fingerprint: number; seq: number; ts: number }): void {
  wasm?.configure(slots.hash, slots.kind, slots.policy, slots.prev, slots.request, slots.fingerprint, slots.seq, slots.ts);
}

/**
 * The line last accepted also passed the scanner's envelope checks: its digests are strings
 * of `sha256:` + 64 characters (the digits are the caller's to check), `kind` a string of 1-200 code units, `request` an
 * object, `ts` a timestamp and `seq` a non-negative integer (`envelopeSeq`).
 */
export function envelopeProven(): boolean {
  return status[2] === 1;
}

const requestCount = new Int32Array(bytesView.buffer, layout.request, 1);
/** Per member of the request object: key start, key end, value start, value end (UTF-16). */
export const requestSpans = new Int32Array(bytesView.buffer, layout.request + 4, 4 * layout.requestMax);

/**
 * How many members the request object of the line last accepted has, their spans in
 * `requestSpans`; -1 when they were not recorded (too many, or no WebAssembly).
 */
export function requestMembers(): number {
  return wasm === null ? -1 : requestCount[0]!;
}

/** Every byte of the line last accepted is ASCII. */
export function asciiLine(): boolean {
  return status[3] === 1;
}

/** The `seq` of a line `envelopeProven` holds for. */
export function envelopeSeq(): number {
  return seqValue[0]!;
}

/** The member names the scanner records, in key order (at most `layout.slots`, each short). */
export function setMemberNames(names: readonly string[]): void {
  if (wasm === null) return;
  if (names.length > layout.slots) throw new Error(`the line scanner has ${layout.slots} member slots`);
  names.forEach((name, slot) => {
    const at = layout.names + slot * layout.nameBytes;
    const encoded = Buffer.from(name, 'utf8');
    if (encoded.length >= layout.nameBytes) throw new Error(`member name too long for the line scanner: ${name}`);
    bytesView.set(encoded, at + 1);
    bytesView[at] = encoded.length;
  });
}

/**
 * Scans `bytes` (one line, without its LF): true when it is proven valid UTF-8 and canonical
 * JSON, the member tables and `presentMask` / `otherMembers` then describe it.
 */
export function wasmScan(bytes: Uint8Array, maxDepth: number): boolean {
  const n = bytes.length;
  if (wasm === null || n > WASM_LINE_CAPACITY) return false;
  bytesView.set(bytes, layout.line);
  // A sentinel no scan accepts, so nothing reads a stale byte of an earlier, longer line.
  bytesView[layout.line + n] = 0;
  return wasm.scan(n, maxDepth) === 1;
}

/** Bit `slot` set: the line last accepted has that member. */
export function presentMask(): number {
  return status[0]!;
}

/** Top-level members the last accepted line has that are not among the names. */
export function otherMembers(): number {
  return status[1]!;
}

/**
 * Interned values: member `slot`'s value in the line last accepted, by its bytes. `internedIndex`
 * gives the index it was interned under (below INTERN_INDEXES), or -1; `internValue` interns it
 * and gives its index, or -1 when the store is full (`clearInterned` empties it).
 */
export const INTERN_INDEXES = layout.internIndexes;
export const internedIndex: (slot: number) => number = wasm?.lookup ?? (() => -1);
export const internValue: (slot: number) => number = wasm?.intern ?? (() => -1);
export const clearInterned: () => void = wasm?.clearInterned ?? (() => undefined);
