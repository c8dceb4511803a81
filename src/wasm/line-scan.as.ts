/**
 * The structural half of the line check's fast path, in WebAssembly (AssemblyScript, compiled
 * by `npm run build`; see src/wasm/build.mjs). It proves, in one pass over the line's bytes,
 * what src/envelope/fast.ts's text scanner proves on the decoded text:
 *
 * - the bytes are valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF);
 * - the line is one JSON object, written in canonical form (RFC 8785): no white space, no raw
 *   control characters, escapes as JSON.stringify writes them, integers as Number#toString
 *   writes them, object keys strictly increasing in UTF-16 code units;
 *
 * and it records where the top-level members the envelope names are: their key and value
 * spans, both as byte offsets (what the digests are computed over) and as UTF-16 offsets
 * (where they are in the decoded text the envelope checks read).
 *
 * Like the text scanner it only accepts: 0 means "not proven", never "wrong", and the caller
 * then takes the text scanner and, failing that, the full check, which says what is wrong.
 * It accepts less than is canonical: keys without escapes, integers of at most 15 digits (a
 * fraction or exponent needs Number#toString, which the text scanner has), no key pair whose
 * UTF-8 and UTF-16 orders could differ.
 *
 * Why: a JavaScript loop costs 2-5 ns a character on these machines and each native call
 * (isUtf8, a regular expression, indexOf) ~0.1-1 us, so the text scanner spent ~6 us of a
 * 760-byte line; this walks it in well under one.
 *
 * It also interns member values (`lookup`, `intern`): the caller checks a value like `actor`
 * once, interns its bytes, and for later lines one lookup here says "this exact text, already
 * checked", with an index the caller keys its own data by (replay: the parsed value).
 *
 * Memory (fixed; the module never allocates): the output table at OUT, the member names at
 * NAMES (written once by the caller), the byte classes at CLASS, the interned texts' table at
 * ITAB, the line at LINE, the interned texts' bytes at ARENA.
 */

// ---- layout: exported below (LAYOUT_*), so src/envelope/wasm-scan.ts reads it from here ----
const OUT: usize = 65536;
/** Per slot, i32 each: [K16, VS16, VE16, KB, VSB, VEB] tables of SLOTS entries, then present, others. */
const SLOTS: usize = 14;
const K16: usize = OUT;
const VS16: usize = K16 + SLOTS * 4;
const VE16: usize = VS16 + SLOTS * 4;
const KB: usize = VE16 + SLOTS * 4;
const VSB: usize = KB + SLOTS * 4;
const VEB: usize = VSB + SLOTS * 4;
const PRESENT: usize = VEB + SLOTS * 4;
const OTHERS: usize = PRESENT + 4;
/** 1 when the envelope members `configure` named passed their checks here (see `envelope`). */
const ENVELOPE: usize = OTHERS + 4;
/** 1 when every byte of the line just accepted is ASCII (its UTF-8 and Latin-1 decodings agree). */
const ASCII: usize = ENVELOPE + 4;
/** The `seq` value (f64) of a line whose envelope passed. */
const SEQ_VALUE: usize = OUT + 512;
/**
 * The members of the `request` object (the member slot `configure` names): a count (-1: not
 * recorded, e.g. more than REQ_MAX members), then per member its key's and value's spans as
 * UTF-16 offsets into the decoded line: [key start, key end, value start, value end].
 */
const REQ_COUNT: usize = OUT + 3072;
const REQ_SPANS: usize = REQ_COUNT + 4;
const REQ_MAX: i32 = 32;
/** SLOTS records of 32 bytes: length, then the name's bytes. */
const NAMES: usize = OUT + 1024;
/** 256 bytes: 0 for a byte that continues a string's body as is. */
const CLASS: usize = OUT + 2048;
const LINE: usize = 131072;
/** The interned texts' table: ITAB_SIZE entries of [hash, offset into ARENA, length and member (entryKey)], u32 each. */
const ITAB: usize = OUT + 8192;
const ITAB_SIZE: u32 = 4096;
/** At most this many entries (half the table, so probes stay short). */
const ITAB_LIMIT: u32 = 2048;
/** Interned texts' bytes: the last 4 pages of the 24. */
const ARENA: usize = 20 * 65536;
const ARENA_SIZE: usize = 4 * 65536;

/** The layout, for the caller's views of this memory (read as exported globals). */
export const LAYOUT_SLOTS: i32 = <i32>SLOTS;
export const LAYOUT_TABLES: i32 = <i32>K16;
export const LAYOUT_STATUS: i32 = <i32>PRESENT;
export const LAYOUT_SEQ: i32 = <i32>SEQ_VALUE;
export const LAYOUT_REQUEST: i32 = <i32>REQ_COUNT;
export const LAYOUT_REQUEST_MAX: i32 = REQ_MAX;
export const LAYOUT_NAMES: i32 = <i32>NAMES;
export const LAYOUT_NAME_BYTES: i32 = 32;
export const LAYOUT_LINE: i32 = <i32>LINE;
/** The longest line taken: up to the arena, less one byte for the sentinel. */
export const LAYOUT_LINE_CAPACITY: i32 = <i32>(ARENA - LINE - 1);
export const LAYOUT_INTERN_INDEXES: i32 = <i32>ITAB_SIZE;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const LBRACE: u32 = 0x7b;
const RBRACE: u32 = 0x7d;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;
const MINUS: u32 = 0x2d;
const ZERO: u32 = 0x30;
const NINE: u32 = 0x39;

// Byte classes: 0 plain, 1 quote, 2 backslash, 3 control, 4 non-ASCII.
for (let c: u32 = 0; c < 256; c++) {
  let k: u8 = 0;
  if (c < 0x20) k = 3;
  else if (c == QUOTE) k = 1;
  else if (c == BACKSLASH) k = 2;
  else if (c >= 0x80) k = 4;
  store<u8>(CLASS + c, k);
}

/** The scan position (an address). */
let p: usize = 0;
/** The last byte of the line (the closing brace), an address; nothing is read past it. */
let last: usize = 0;
/** UTF-8 bytes minus UTF-16 code units in the line before `p`'s string ends. */
let extra: i32 = 0;
let depthLimit: i32 = 0;
/** The string just scanned had an escape. */
let escaped: bool = false;
/** The next object at depth 2 is the request's: record its members. */
let recordRequest: bool = false;

// @ts-ignore: decorator
@inline function at(i: usize): u32 {
  return <u32>load<u8>(i);
}

/** A byte 0x80-0xBF. */
// @ts-ignore: decorator
@inline function cont(c: u32): bool {
  return (c & 0xc0) == 0x80;
}

/**
 * The string whose opening quote is at `p`: on success `p` is past its closing quote.
 * UTF-8 sequences are validated here (non-ASCII bytes are valid nowhere else in JSON).
 */
function scanString(): bool {
  let i = p + 1;
  escaped = false;
  while (i < last) {
    // Sixteen bytes at a time while none of them needs a look (SIMD): most of a line is in
    // strings, and digests alone are 64 characters each.
    while (i + 16 <= last) {
      const v = v128.load(i);
      const plain = i8x16.lt_u(i8x16.sub(v, i8x16.splat(0x20)), i8x16.splat(0x60));
      const quote = i8x16.eq(v, i8x16.splat(<i8>QUOTE));
      const slash = i8x16.eq(v, i8x16.splat(<i8>BACKSLASH));
      const look = i8x16.bitmask(v128.or(v128.not(plain), v128.or(quote, slash)));
      if (look != 0) {
        i += <usize>ctz(look);
        break;
      }
      i += 16;
    }
    if (i >= last) break;
    const c = at(i);
    const k = load<u8>(CLASS + c);
    if (k == 0) {
      i++;
      continue;
    }
    if (k == 1) {
      p = i + 1;
      return true;
    }
    if (k == 3) return false;
    if (k == 2) {
      escaped = true;
      const e = at(i + 1);
      if (e == QUOTE || e == BACKSLASH || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
        i += 2;
        continue;
      }
      // \u00xx, lowercase hex, for a control without a short escape; nothing else.
      if (i + 6 >= last || e != 0x75 || at(i + 2) != ZERO || at(i + 3) != ZERO) return false;
      const hi = at(i + 4);
      const lo = at(i + 5);
      if (hi != ZERO && hi != 0x31) return false;
      let low: i32 = -1;
      if (lo >= ZERO && lo <= NINE) low = <i32>(lo - ZERO);
      else if (lo >= 0x61 && lo <= 0x66) low = <i32>(lo - 0x57);
      if (low < 0) return false;
      const code = <i32>(hi - ZERO) * 16 + low;
      if (code == 0x08 || code == 0x09 || code == 0x0a || code == 0x0c || code == 0x0d) return false;
      i += 6;
      continue;
    }
    // A UTF-8 sequence (RFC 3629's table): two bytes are one UTF-16 unit, three are one,
    // four are two. The closing quote is still to come, so every byte read is before `last`.
    if (c >= 0xc2 && c <= 0xdf) {
      if (i + 2 >= last || !cont(at(i + 1))) return false;
      extra += 1;
      i += 2;
      continue;
    }
    if (c >= 0xe0 && c <= 0xef) {
      if (i + 3 >= last) return false;
      const b1 = at(i + 1);
      if (c == 0xe0 ? b1 < 0xa0 || b1 > 0xbf : c == 0xed ? b1 < 0x80 || b1 > 0x9f : !cont(b1)) return false;
      if (!cont(at(i + 2))) return false;
      extra += 2;
      i += 3;
      continue;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      if (i + 4 >= last) return false;
      const b1 = at(i + 1);
      if (c == 0xf0 ? b1 < 0x90 || b1 > 0xbf : c == 0xf4 ? b1 < 0x80 || b1 > 0x8f : !cont(b1)) return false;
      if (!cont(at(i + 2)) || !cont(at(i + 3))) return false;
      extra += 2;
      i += 4;
      continue;
    }
    return false;
  }
  return false;
}

/** An integer of at most 15 digits as Number#toString writes it; anything else: not proven. */
function scanNumber(): bool {
  let i = p;
  const negative = at(i) == MINUS;
  if (negative) i++;
  const first = at(i);
  if (first == ZERO) i++;
  else if (first > ZERO && first <= NINE) {
    i++;
    while (at(i) >= ZERO && at(i) <= NINE) i++;
  } else return false;
  const next = at(i);
  // A fraction or exponent: the text scanner checks those (it needs Number#toString).
  if (next == 0x2e || next == 0x65 || next == 0x45) return false;
  const digits = <i32>(i - p) - (negative ? 1 : 0);
  if (digits > 15 || (negative && first == ZERO)) return false;
  p = i;
  return true;
}

/** `true`, `false` or `null` at `p` (its first letter already seen). */
function literal(c: u32): bool {
  if (c == 0x74) {
    if (p + 4 >= last || at(p + 1) != 0x72 || at(p + 2) != 0x75 || at(p + 3) != 0x65) return false;
    p += 4;
    return true;
  }
  if (c == 0x66) {
    if (p + 5 >= last || at(p + 1) != 0x61 || at(p + 2) != 0x6c || at(p + 3) != 0x73 || at(p + 4) != 0x65) return false;
    p += 5;
    return true;
  }
  if (p + 4 >= last || at(p + 1) != 0x75 || at(p + 2) != 0x6c || at(p + 3) != 0x6c) return false;
  p += 4;
  return true;
}

function scanValue(depth: i32): bool {
  const c = at(p);
  if (c == QUOTE) return scanString();
  if (c == LBRACE) return scanObject(depth + 1);
  if (c == LBRACKET) return scanArray(depth + 1);
  if (c == MINUS || (c >= ZERO && c <= NINE)) return scanNumber();
  if (c == 0x74 || c == 0x66 || c == 0x6e) return literal(c);
  return false;
}

/**
 * Key [ks, ke) sorts strictly after key [ps, pe) in UTF-16 code units: 1 yes, 0 no, -1 not
 * proven. UTF-8 bytes sort as code points, which is UTF-16 order except between U+E000-U+FFFF
 * (lead bytes 0xEE-0xEF) and beyond U+FFFF (lead bytes 0xF0-0xF4, surrogate pairs in UTF-16):
 * the first differing byte of two such keys is a lead byte, so that case is recognised there.
 */
function keyAfter(ps: usize, pe: usize, ks: usize, ke: usize): i32 {
  const la = pe - ps;
  const lb = ke - ks;
  const m = la < lb ? la : lb;
  for (let k: usize = 0; k < m; k++) {
    const a = at(ps + k);
    const b = at(ks + k);
    if (a != b) {
      if (a >= 0xee && b >= 0xee && (a >= 0xf0) != (b >= 0xf0)) return -1;
      return b > a ? 1 : 0;
    }
  }
  return lb > la ? 1 : 0;
}

/** The key at `p`: on success `p` is past its closing quote. Keys with escapes: not proven. */
// @ts-ignore: decorator
@inline function scanKey(): bool {
  return scanString() && !escaped;
}

function scanObject(depth: i32): bool {
  if (depth > depthLimit) return false;
  // Only the request object itself records its members, not the objects inside it.
  const record = recordRequest && depth == 2;
  if (record) recordRequest = false;
  let count: i32 = 0;
  p++;
  if (at(p) == RBRACE) {
    p++;
    if (record) store<i32>(REQ_COUNT, 0);
    return true;
  }
  let ps: usize = 0;
  let pe: usize = 0;
  for (;;) {
    if (at(p) != QUOTE) return false;
    const ks = p + 1;
    const ks16 = <i32>(ks - LINE) - extra;
    if (!scanKey()) return false;
    const ke = p - 1;
    const ke16 = <i32>(ke - LINE) - extra;
    if (ps != 0 && keyAfter(ps, pe, ks, ke) != 1) return false;
    ps = ks;
    pe = ke;
    if (at(p) != COLON) return false;
    p++;
    const vs16 = <i32>(p - LINE) - extra;
    if (!scanValue(depth)) return false;
    if (record && count < REQ_MAX) {
      const at16 = REQ_SPANS + (<usize>count << 4);
      store<i32>(at16, ks16);
      store<i32>(at16 + 4, ke16);
      store<i32>(at16 + 8, vs16);
      store<i32>(at16 + 12, <i32>(p - LINE) - extra);
    }
    count++;
    const c = at(p);
    if (c == COMMA) {
      p++;
      continue;
    }
    if (c == RBRACE) {
      p++;
      if (record) store<i32>(REQ_COUNT, count <= REQ_MAX ? count : -1);
      return true;
    }
    return false;
  }
}

function scanArray(depth: i32): bool {
  if (depth > depthLimit) return false;
  p++;
  if (at(p) == RBRACKET) {
    p++;
    return true;
  }
  for (;;) {
    if (!scanValue(depth)) return false;
    const c = at(p);
    if (c == COMMA) {
      p++;
      continue;
    }
    if (c == RBRACKET) {
      p++;
      return true;
    }
    return false;
  }
}

/** The slot whose name is the key [ks, ke), or -1. */
function isMember(slot: i32, ks: usize, ke: usize): bool {
  if (slot < 0 || <usize>slot >= SLOTS) return false;
  const rec = NAMES + (<usize>slot << 5);
  const n = <usize>load<u8>(rec);
  if (n != ke - ks) return false;
  return memory.compare(rec + 1, ks, n) == 0;
}

function slotOf(ks: usize, ke: usize): i32 {
  for (let slot: i32 = 0; slot < <i32>SLOTS; slot++) if (isMember(slot, ks, ke)) return slot;
  return -1;
}

// @ts-ignore: decorator
@inline function put(table: usize, slot: i32, value: i32): void {
  store<i32>(table + (<usize>slot << 2), value);
}

/**
 * The line of `n` bytes at LINE: 1 when proven canonical (the table then holds the top-level
 * members' spans, `present` and the count of other members), 0 when not proven.
 */
export function scan(n: i32, maxDepth: i32): i32 {
  if (n < 2) return 0;
  const start = LINE;
  last = LINE + <usize>n - 1;
  if (at(start) != LBRACE || at(last) != RBRACE || at(start + 1) == RBRACE) return 0;
  depthLimit = maxDepth;
  extra = 0;
  store<i32>(REQ_COUNT, -1);
  p = start + 1;
  let present: i32 = 0;
  let others: i32 = 0;
  let ps: usize = 0;
  let pe: usize = 0;
  let prevSlot: i32 = -1;
  let expect: i32 = 0;
  for (;;) {
    if (at(p) != QUOTE) return 0;
    const keyQuote = p;
    const keyQuote16 = <i32>(p - start) - extra;
    const ks = p + 1;
    if (!scanKey()) return 0;
    const ke = p - 1;
    if (at(p) != COLON) return 0;
    let slot: i32 = isMember(expect, ks, ke) ? expect : isMember(expect + 1, ks, ke) ? expect + 1 : -1;
    // A named member right after another is in order (slots are in key order); anything else
    // is compared with the key before it.
    if (slot < 0 || prevSlot < 0) {
      if (ps != 0 && keyAfter(ps, pe, ks, ke) != 1) return 0;
      if (slot < 0) slot = slotOf(ks, ke);
    }
    ps = ks;
    pe = ke;
    p++;
    const vs = p;
    const vs16 = <i32>(p - start) - extra;
    recordRequest = slot == sRequest && slot >= 0;
    const scanned = scanValue(1);
    recordRequest = false;
    if (!scanned) return 0;
    if (slot >= 0) {
      present |= 1 << slot;
      put(K16, slot, keyQuote16);
      put(VS16, slot, vs16);
      put(VE16, slot, <i32>(p - start) - extra);
      put(KB, slot, <i32>(keyQuote - start));
      put(VSB, slot, <i32>(vs - start));
      put(VEB, slot, <i32>(p - start));
      expect = slot + 1;
    } else others++;
    prevSlot = slot;
    const c = at(p);
    if (c == COMMA) {
      p++;
      continue;
    }
    if (c != RBRACE || p != last) return 0;
    store<i32>(PRESENT, present);
    store<i32>(OTHERS, others);
    store<i32>(ENVELOPE, envelope(present) ? 1 : 0);
    store<i32>(ASCII, extra == 0 ? 1 : 0);
    return 1;
  }
}

// ---- the envelope's simple members, on a line just proven canonical ----

// Slots of the members checked here, as the caller numbers them (`configure`); -1: not set.
let sHash: i32 = -1;
let sKind: i32 = -1;
let sPolicy: i32 = -1;
let sPrev: i32 = -1;
let sRequest: i32 = -1;
let sFingerprint: i32 = -1;
let sSeq: i32 = -1;
let sTs: i32 = -1;
let envelopeMask: i32 = 0;

/** Names the slots of the members `envelope` checks. */
export function configure(hash: i32, kind: i32, policy: i32, prev: i32, request: i32, fingerprint: i32, seq: i32, ts: i32): void {
  sHash = hash;
  sKind = kind;
  sPolicy = policy;
  sPrev = prev;
  sRequest = request;
  sFingerprint = fingerprint;
  sSeq = seq;
  sTs = ts;
  envelopeMask = (1 << hash) | (1 << kind) | (1 << policy) | (1 << prev) | (1 << request) | (1 << fingerprint) | (1 << seq) | (1 << ts);
}

// @ts-ignore: decorator
@inline function valueAt(slot: i32): usize {
  return LINE + <usize>load<i32>(VSB + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline function valueEnd(slot: i32): usize {
  return LINE + <usize>load<i32>(VEB + (<usize>slot << 2));
}

/**
 * A string of 73 bytes starting `"sha256:`. Its 64 digits are not looked at here: the caller
 * compares `hash` and `request_fingerprint` with the digests it computes (lowercase hex, so
 * equality proves the form) and checks `prev_hash` and `policy_hash` only when they are not
 * among the few it has already seen (the last hash of the chain, the last policy versions;
 * always, for a thread's first lines: fast.ts, WARM_LINES).
 */
function digestShape(slot: i32): bool {
  const s = valueAt(slot);
  if (valueEnd(slot) - s != 73) return false;
  // The eight bytes `"sha256:` read as one little-endian u64.
  return load<u64>(s) == 0x3a36353261687322 && at(s + 72) == QUOTE;
}

/** `count` digits at `i`, as a number; -1 if one is not a digit. */
function digitsAt(i: usize, count: usize): i32 {
  let v: i32 = 0;
  for (let k: usize = 0; k < count; k++) {
    const d = at(i + k) - ZERO;
    if (d > 9) return -1;
    v = v * 10 + <i32>d;
  }
  return v;
}

/**
 * `"YYYY-MM-DDThh:mm:ss.sssZ"`, naming a real instant: as isSelTimestamp in
 * src/schemas/formats.ts (month 1-12, a day of that month, leap years, hour 0-23, minute and
 * second 0-59).
 */
function timestampForm(): bool {
  const q = valueAt(sTs);
  if (valueEnd(sTs) - q != 26 || at(q) != QUOTE) return false;
  const s = q + 1;
  if (at(s + 4) != 0x2d || at(s + 7) != 0x2d || at(s + 10) != 0x54 || at(s + 13) != 0x3a || at(s + 16) != 0x3a ||
      at(s + 19) != 0x2e || at(s + 23) != 0x5a) return false;
  const year = digitsAt(s, 4);
  const month = digitsAt(s + 5, 2);
  const day = digitsAt(s + 8, 2);
  const hour = digitsAt(s + 11, 2);
  const minute = digitsAt(s + 14, 2);
  const second = digitsAt(s + 17, 2);
  const ms = digitsAt(s + 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59 || ms < 0) return false;
  let max = 31;
  if (month == 4 || month == 6 || month == 9 || month == 11) max = 30;
  else if (month == 2) max = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return day <= max;
}

/**
 * The members `configure` named are present and well-formed: the four digests' shape, `seq` a
 * non-negative integer (its value then at SEQ_VALUE), `ts` a timestamp, `kind` a string of 1
 * to 200 UTF-16 code units in its text, `request` an object. The caller checks the rest
 * (`v`, `chain`, `actor`, `decision`, the ledger references) and, when this says no, all of it.
 */
function envelope(present: i32): bool {
  if (envelopeMask == 0 || (present & envelopeMask) != envelopeMask) return false;
  if (!digestShape(sHash) || !digestShape(sFingerprint) || !digestShape(sPrev) || !digestShape(sPolicy)) return false;
  if (at(valueAt(sRequest)) != LBRACE) return false;
  if (at(valueAt(sKind)) != QUOTE) return false;
  const units = load<i32>(VE16 + (<usize>sKind << 2)) - load<i32>(VS16 + (<usize>sKind << 2)) - 2;
  if (units < 1 || units > 200) return false;
  if (!timestampForm()) return false;
  // seq: digits only (the scan allowed at most 15, so the value is exact).
  let seq: f64 = 0;
  const e = valueEnd(sSeq);
  for (let i = valueAt(sSeq); i < e; i++) {
    const d = at(i) - ZERO;
    if (d > 9) return false;
    seq = seq * 10 + <f64>d;
  }
  store<f64>(SEQ_VALUE, seq);
  return true;
}

// ---- interned member values ----

let interned: u32 = 0;
let arenaUsed: usize = 0;

/** FNV-1a of bytes [s, e), never 0 (0 marks an empty entry). */
function fnv(s: usize, e: usize): u32 {
  let h: u32 = 2166136261;
  for (let i = s; i < e; i++) h = (h ^ at(i)) * 16777619;
  return h == 0 ? 1 : h;
}

/**
 * An entry's third word: the value's length, and in the top byte the member it was proven as.
 * A text proven as one member is no proof for another: an actor's text written as the
 * decision (or the reverse) was taken as a proven decision, and a line with no action passed
 * (found by review). Lines are shorter than 2^24 bytes (LAYOUT_LINE_CAPACITY) and slots fewer
 * than 256.
 */
function entryKey(slot: i32, n: usize): u32 {
  return <u32>n | (<u32>slot << 24);
}

/** The entry holding member `slot`'s value (of the line last scanned), or the empty one to use. */
function probe(slot: i32, h: u32): u32 {
  const s = LINE + <usize>load<i32>(VSB + (<usize>slot << 2));
  const n = <usize>load<i32>(VEB + (<usize>slot << 2)) - (s - LINE);
  const key = entryKey(slot, n);
  let k = h & (ITAB_SIZE - 1);
  let e = ITAB + <usize>k * 12;
  // The table is at most half full, so an empty entry ends every probe.
  while (load<u32>(e) != 0) {
    if (load<u32>(e) == h && load<u32>(e + 8) == key && memory.compare(ARENA + <usize>load<u32>(e + 4), s, n) == 0) return k;
    k = (k + 1) & (ITAB_SIZE - 1);
    e = ITAB + <usize>k * 12;
  }
  return k;
}

/** The index of member `slot`'s value if it was interned, else -1. */
export function lookup(slot: i32): i32 {
  const s = LINE + <usize>load<i32>(VSB + (<usize>slot << 2));
  const e = LINE + <usize>load<i32>(VEB + (<usize>slot << 2));
  const h = fnv(s, e);
  const k = probe(slot, h);
  return load<u32>(ITAB + <usize>k * 12) == 0 ? -1 : <i32>k;
}

/** Interns member `slot`'s value; its index, or -1 when the table or the arena is full. */
export function intern(slot: i32): i32 {
  const s = LINE + <usize>load<i32>(VSB + (<usize>slot << 2));
  const e = LINE + <usize>load<i32>(VEB + (<usize>slot << 2));
  const n = e - s;
  const h = fnv(s, e);
  const k = probe(slot, h);
  const entry = ITAB + <usize>k * 12;
  if (load<u32>(entry) != 0) return <i32>k;
  if (interned >= ITAB_LIMIT || arenaUsed + n > ARENA_SIZE) return -1;
  memory.copy(ARENA + arenaUsed, s, n);
  store<u32>(entry, h);
  store<u32>(entry + 4, <u32>arenaUsed);
  store<u32>(entry + 8, entryKey(slot, n));
  arenaUsed += n;
  interned++;
  return <i32>k;
}

/** Forgets every interned value. */
export function clearInterned(): void {
  memory.fill(ITAB, 0, <usize>ITAB_SIZE * 12);
  interned = 0;
  arenaUsed = 0;
}
