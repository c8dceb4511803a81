/**
 * The fast path of the line check: one pass over the line that either proves it is a
 * well-formed, canonical, schema-valid `sel.audit/1` event whose `hash` and
 * `request_fingerprint` are right — and returns its record — or gives up (`null`), after
 * which the full check in check.ts runs and says what is wrong.
 *
 * It never reports anything: it only accepts. So its one way to be wrong is to accept a line
 * the full check would not, and the test suite holds it to that (test/envelope/fast.test.ts
 * runs both on clean events, on every single-byte change of them and on random lines, and
 * requires the same record whenever the fast path answers). What it accepts is deliberately
 * narrower than what is canonical: keys without escapes, integers of at most 15 digits,
 * `sha256:` digests; anything else goes the long way, which is right for every input and
 * only slower.
 *
 * Why (issue 6): on a 760-byte event `JSON.parse` costs ~3.5 us here and builds a tree that
 * the integrity check then walks again to prove canonical form, and a JavaScript loop over
 * every character costs ~2.3 ns a character on this machine. So this scanner lets native
 * code touch the bulk of the line: `isUtf8`, one decode, one regular expression for raw
 * control characters, one search for a backslash, and `indexOf('"')` to cross each string.
 * JavaScript only walks the structure (punctuation, keys, numbers) and the envelope's few
 * members. Canonical form (RFC 8785) is: no white space, keys strictly increasing in UTF-16
 * code units (which also rules out duplicates), escapes as JSON.stringify writes them,
 * numbers as Number#toString writes them. Measured on the 300 MB bench log, one thread:
 * 50 000-57 000 events/s with JSON.parse + guided walk + schema, 69 000-76 000 with this.
 *
 * The structure is now proven first by a WebAssembly scanner (src/wasm/line-scan.as.ts via
 * wasm-scan.ts) over the line's bytes, which also validates UTF-8 and gives byte offsets for
 * the digests: one call instead of isUtf8, a regular expression and a JavaScript walk (the
 * same log: ~6.3 s -> ~4.4 s). The text scanner here remains the second tier, for what the
 * WebAssembly one leaves (fractions, escaped keys, overlong lines), and the tests hold the
 * two to the same spans on every line either proves.
 */
import { isUtf8 } from 'node:buffer';
import { SHA256_PREFIX } from '../canonical/digest.js';
import { sha256HexOf, sha256HexOfBytes, sha256HexWithout, sha256HexWithoutBytes } from './line-digest.js';
import {
  clearInterned, configureEnvelope, envelopeProven, envelopeSeq, INTERN_INDEXES, internedIndex, internValue, memberTables,
  asciiLine, otherMembers as wasmOtherMembers, presentMask, requestMembers, requestSpans, setMemberNames, wasmScan,
} from './wasm-scan.js';
import { isChainIdForm, isLedgerPath, isSelTimestampAt } from '../schemas/formats.js';
import { CONTRACT_VERSION, type LineRef, type PlacedEvent, type SelEvent } from './types.js';
import { lazyRequest as makeLazyRequest } from './lazy-request.js';
import { ownCopy } from './own-copy.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper nesting than this is left to the full check (whose scanners are iterative). */
const RECURSION_CAP = 512;

/** A raw control character: never in canonical JSON (strings escape them, no white space). */
const CONTROL = /[\x00-\x1f]/;

// Scanner state: one line at a time, synchronously, so module-level state is safe and keeps
// the hot functions free of closures.
let t = '';
let p = 0;
let depthLimit = 0;
/** Position of the next backslash at or after the scan position (t.length: none). */
let backslash = 0;

function scanValue(depth: number): boolean {
  const c = t.charCodeAt(p);
  if (c === QUOTE) return scanString();
  if (c === LBRACE) return scanObject(depth + 1);
  if (c === LBRACKET) return scanArray(depth + 1);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return scanNumber();
  if (c === 0x74) return literal('true');
  if (c === 0x66) return literal('false');
  if (c === 0x6e) return literal('null');
  return false;
}

function literal(word: string): boolean {
  if (!lit(p, word)) return false;
  p += word.length;
  return true;
}

/**
 * `s` (a short constant) is at `at`. A loop over the characters: `startsWith` at a position
 * was measured slower (~75 ns for 8 characters), and a substring allocates.
 */
function lit(at: number, s: string): boolean {
  const n = s.length;
  for (let k = 0; k < n; k++) if (t.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

/**
 * A string at `p` (its opening quote) written as JSON.stringify writes it. Raw control
 * characters were ruled out for the whole line, so a string without a backslash ends at the
 * next quote; one with a backslash is walked, allowing only `\" \\ \b \f \n \r \t` and
 * `\u00xx` (lowercase hex) for the other controls. The text came from valid UTF-8, so it
 * holds no lone surrogate, and a `\u` escape of one is not among the allowed.
 */
function scanString(): boolean {
  const q = t.indexOf('"', p + 1);
  if (q < 0) return false;
  if (backslash > q) {
    p = q + 1;
    return true;
  }
  if (backslash <= p) {
    backslash = t.indexOf('\\', p + 1);
    if (backslash < 0) backslash = t.length;
    if (backslash > q) {
      p = q + 1;
      return true;
    }
  }
  return scanEscapedString();
}

function scanEscapedString(): boolean {
  const n = t.length;
  let i = p + 1;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === QUOTE) {
      p = i + 1;
      backslash = t.indexOf('\\', p);
      if (backslash < 0) backslash = n;
      return true;
    }
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    const e = t.charCodeAt(i + 1);
    if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      i += 2;
      continue;
    }
    if (e !== 0x75 || t.charCodeAt(i + 2) !== ZERO || t.charCodeAt(i + 3) !== ZERO) return false;
    const hi = t.charCodeAt(i + 4);
    const lo = t.charCodeAt(i + 5);
    if (hi !== ZERO && hi !== 0x31) return false;
    const low = lo >= ZERO && lo <= NINE ? lo - ZERO : lo >= 0x61 && lo <= 0x66 ? lo - 0x57 : -1;
    if (low < 0) return false;
    const code = (hi - ZERO) * 16 + low;
    // These five have a short escape, which is the one JSON.stringify writes.
    if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return false;
    i += 6;
  }
  return false;
}

/**
 * A number at `p` written as Number#toString writes it. Plain integers of at most 15 digits
 * (exact as doubles) are checked on the characters; a fraction or exponent is converted and
 * written back; longer integers go to the full check, which knows about lost precision.
 */
function scanNumber(): boolean {
  let i = p;
  const negative = t.charCodeAt(i) === MINUS;
  if (negative) i++;
  const first = t.charCodeAt(i);
  if (first === ZERO) i++;
  else if (first > ZERO && first <= NINE) {
    i++;
    for (let c = t.charCodeAt(i); c >= ZERO && c <= NINE; c = t.charCodeAt(++i));
  } else return false;
  const next = t.charCodeAt(i);
  if (next !== DOT && next !== 0x65 && next !== 0x45) {
    const digits = i - p - (negative ? 1 : 0);
    if (digits > 15 || (negative && first === ZERO)) return false;
    p = i;
    return true;
  }
  if (next === DOT) {
    const from = ++i;
    for (let c = t.charCodeAt(i); c >= ZERO && c <= NINE; c = t.charCodeAt(++i));
    if (i === from) return false;
  }
  let c = t.charCodeAt(i);
  if (c === 0x65 || c === 0x45) {
    c = t.charCodeAt(++i);
    if (c === 0x2b || c === MINUS) i++;
    const from = i;
    for (c = t.charCodeAt(i); c >= ZERO && c <= NINE; c = t.charCodeAt(++i));
    if (i === from) return false;
  }
  const token = t.slice(p, i);
  const value = Number(token);
  if (!Number.isFinite(value) || String(value) !== token) return false;
  p = i;
  return true;
}

/** Key [ks, ke) sorts strictly after key [ps, pe), in UTF-16 code units (JCS's order). */
function keyAfter(ps: number, pe: number, ks: number, ke: number): boolean {
  const la = pe - ps;
  const lb = ke - ks;
  const m = la < lb ? la : lb;
  for (let k = 0; k < m; k++) {
    const d = t.charCodeAt(ks + k) - t.charCodeAt(ps + k);
    if (d !== 0) return d > 0;
  }
  return lb > la;
}

/**
 * The key at `i` (its opening quote): its closing quote, or -1 for a key with an escape,
 * whose text is not its value (the full check compares decoded keys).
 */
function keyEnd(i: number): number {
  const q = t.indexOf('"', i + 1);
  if (q < 0) return -1;
  if (backslash <= i) {
    backslash = t.indexOf('\\', i + 1);
    if (backslash < 0) backslash = t.length;
  }
  return backslash < q ? -1 : q;
}

function scanObject(depth: number): boolean {
  if (depth > depthLimit) return false;
  let i = p + 1;
  if (t.charCodeAt(i) === RBRACE) {
    p = i + 1;
    return true;
  }
  let ps = -1;
  let pe = -1;
  for (;;) {
    if (t.charCodeAt(i) !== QUOTE) return false;
    const ke = keyEnd(i);
    if (ke < 0) return false;
    const ks = i + 1;
    if (ps >= 0 && !keyAfter(ps, pe, ks, ke)) return false;
    ps = ks;
    pe = ke;
    if (t.charCodeAt(ke + 1) !== COLON) return false;
    p = ke + 2;
    if (!scanValue(depth)) return false;
    const c = t.charCodeAt(p);
    if (c === COMMA) {
      i = p + 1;
      continue;
    }
    if (c === RBRACE) {
      p++;
      return true;
    }
    return false;
  }
}

function scanArray(depth: number): boolean {
  if (depth > depthLimit) return false;
  p++;
  if (t.charCodeAt(p) === RBRACKET) {
    p++;
    return true;
  }
  for (;;) {
    if (!scanValue(depth)) return false;
    const c = t.charCodeAt(p);
    if (c === COMMA) {
      p++;
      continue;
    }
    if (c === RBRACKET) {
      p++;
      return true;
    }
    return false;
  }
}

// The top-level members the envelope names, in key order (which the code relies on: a known
// member after a known member with a lower slot is in order without a comparison).
const MEMBERS = [
  'actor', 'chain', 'decision', 'exception_ref', 'hash', 'kind', 'policy_hash', 'prev_hash',
  'request', 'request_fingerprint', 'review_ref', 'seq', 'ts', 'v',
] as const;
const ACTOR = 0, CHAIN = 1, DECISION = 2, EXCEPTION_REF = 3, HASH = 4, KIND = 5, POLICY_HASH = 6,
  PREV_HASH = 7, REQUEST = 8, FINGERPRINT = 9, REVIEW_REF = 10, SEQ = 11, TS = 12, V = 13;
const REQUIRED = [ACTOR, CHAIN, DECISION, HASH, KIND, POLICY_HASH, PREV_HASH, REQUEST, FINGERPRINT, SEQ, TS, V];
/** Top-level members the envelope does not name, in the line just scanned. */
let otherMembers = 0;
/** Bit `slot` set: the line just scanned has that member (its spans below are valid). */
let present = 0;
const REQUIRED_MASK = REQUIRED.reduce((m, slot) => m | (1 << slot), 0);
const hasMember = (slot: number): boolean => (present & (1 << slot)) !== 0;
// The members' spans, as UTF-16 offsets into `t`: the WebAssembly scanner's tables (it also
// gives byte offsets), which the text scanner fills the same way when it is the one scanning.
setMemberNames(MEMBERS);
configureEnvelope({ hash: HASH, kind: KIND, policy: POLICY_HASH, prev: PREV_HASH, request: REQUEST, fingerprint: FINGERPRINT, seq: SEQ, ts: TS });
const tables = memberTables(MEMBERS.length);
const keyStart = tables.key16;
const valueStart = tables.start16;
const valueEnd = tables.end16;

/**
 * `slot` names the key [ks, ke). Compared as a substring with `===`: measured ~35 ns, where
 * `startsWith` at a position and a loop over the characters both take ~75 ns (and
 * `startsWith` ~330 ns for a 64-character digest: it compares character by character).
 */
function isMember(slot: number, ks: number, ke: number): boolean {
  const m = MEMBERS[slot]!;
  return m.length === ke - ks && t.substring(ks, ke) === m;
}

/** The slot of the key [ks, ke), or -1 for a member the envelope does not name. */
function slotOf(ks: number, ke: number): number {
  for (let slot = 0; slot < MEMBERS.length; slot++) if (isMember(slot, ks, ke)) return slot;
  return -1;
}

/** The top-level object, recording where the envelope's members are. */
function scanTop(): boolean {
  present = 0;
  otherMembers = 0;
  if (t.charCodeAt(0) !== LBRACE || t.charCodeAt(1) === RBRACE) return false;
  let i = 1;
  // The previous key, and its slot (-1: not one the envelope names).
  let ps = -1;
  let pe = -1;
  let prevSlot = -1;
  // Where to look first: members come in slot order, optional ones may be absent.
  let expect = 0;
  for (;;) {
    if (t.charCodeAt(i) !== QUOTE) return false;
    const ks = i + 1;
    const ke = keyEnd(i);
    if (ke < 0 || t.charCodeAt(ke + 1) !== COLON) return false;
    let slot = expect < MEMBERS.length && isMember(expect, ks, ke) ? expect
      : expect + 1 < MEMBERS.length && isMember(expect + 1, ks, ke) ? expect + 1 : -1;
    // A named member right after another is in order (slots are in key order); anything
    // else is compared with the key before it.
    if (slot < 0 || prevSlot < 0) {
      if (ps >= 0 && !keyAfter(ps, pe, ks, ke)) return false;
      if (slot < 0) slot = slotOf(ks, ke);
    }
    ps = ks;
    pe = ke;
    p = ke + 2;
    const vs = p;
    if (!scanValue(1)) return false;
    if (slot >= 0) {
      present |= 1 << slot;
      keyStart[slot] = i;
      valueStart[slot] = vs;
      valueEnd[slot] = p;
      expect = slot + 1;
    }
    if (slot < 0) otherMembers++;
    prevSlot = slot;
    const c = t.charCodeAt(p);
    if (c === COMMA) {
      i = p + 1;
      continue;
    }
    return c === RBRACE && p + 1 === t.length;
  }
}

// ---- the envelope schema, on a line already known to be canonical ----

const VERSION_VALUE = `"${CONTRACT_VERSION}"`;
const ACTOR_HEAD = '{"id":';
const ACTOR_ZONE = ',"zone":"';
const DECISION_HEAD = '{"action":"';
const DECISION_RULE = ',"rule":';
const DECISION_SEVERITY = ',"severity":"';
const ZONES = ['kernel', 'supervisor', 'executor', 'userland'].map((w) => `${w}"`);
const ACTIONS = ['allow', 'warn', 'review', 'block'].map((w) => `${w}"`);
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'].map((w) => `${w}"`);
const DIGEST_HEAD = '"sha256:';
const DIGEST_VALUE_LENGTH = 73; // quote, "sha256:", 64 hex digits, quote

/** One of `words` (each with its closing quote) at `at`; the position after it, or -1. */
function word(at: number, words: readonly string[]): number {
  for (const w of words) if (lit(at, w)) return at + w.length;
  return -1;
}

/**
 * A string of 1 to 200 UTF-16 code units (`sel-name`) at `at`; the position after it, or -1.
 * The text is UTF-16, so a string without escapes has as many code units as its body has
 * characters; an escape is longer than the one code unit it stands for, so a body of 1 to
 * 200 characters is always 1 to 200 code units. Longer bodies go to the full check.
 */
function name(at: number): number {
  if (t.charCodeAt(at) !== QUOTE) return -1;
  // The envelope checks visit members in any order: the next backslash is found afresh.
  backslash = 0;
  p = at;
  if (!scanString()) return -1;
  const body = p - at - 2;
  return body >= 1 && body <= 200 ? p : -1;
}

function actorValid(vs: number, ve: number): boolean {
  if (!lit(vs, ACTOR_HEAD)) return false;
  let at = name(vs + ACTOR_HEAD.length);
  if (at < 0 || !lit(at, ACTOR_ZONE)) return false;
  at = word(at + ACTOR_ZONE.length, ZONES);
  return at >= 0 && at + 1 === ve && t.charCodeAt(at) === RBRACE;
}

function decisionValid(vs: number, ve: number): boolean {
  if (!lit(vs, DECISION_HEAD)) return false;
  let at = word(vs + DECISION_HEAD.length, ACTIONS);
  if (at < 0 || !lit(at, DECISION_RULE)) return false;
  at += DECISION_RULE.length;
  if (t.charCodeAt(at) === QUOTE) {
    backslash = 0;
    p = at;
    if (!scanString()) return false;
    at = p;
  } else if (lit(at, 'null')) at += 4;
  else return false;
  if (!lit(at, DECISION_SEVERITY)) return false;
  at = word(at + DECISION_SEVERITY.length, SEVERITIES);
  return at >= 0 && at + 1 === ve && t.charCodeAt(at) === RBRACE;
}

/** The 64 characters after `"sha256:` at `vs` are lowercase hex digits. */
function hexDigits(vs: number): boolean {
  for (let i = vs + 8; i < vs + 72; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** An optional `sel-ledger-path` member: absent, or a string without escapes that is one. */
function ledgerPathValid(slot: number): boolean {
  if (!hasMember(slot)) return true;
  const vs = valueStart[slot]!;
  const ve = valueEnd[slot]!;
  if (t.charCodeAt(vs) !== QUOTE) return false;
  const body = t.slice(vs + 1, ve - 1);
  return body.indexOf('\\') < 0 && isLedgerPath(body);
}

/**
 * `actor` and `decision` values already proven valid: a log repeats a few of each, and one
 * lookup of the value's text was measured cheaper than checking its parts again (the
 * profile: ~0.28 s against ~0.44 s on the 300 MB bench log). Each is kept with its parsed
 * value, frozen, which replay's events share instead of parsing the same object again.
 * Bounded (cleared when full); only a cache: a miss runs the check. Texts are kept as
 * copies, not as slices that would keep a whole line alive.
 */
class Proven {
  private readonly seen = new Map<string, unknown>();
  constructor(private readonly limit: number) {}
  has(text: string): boolean {
    return this.seen.has(text);
  }
  add(text: string): void {
    if (this.seen.size >= this.limit) this.seen.clear();
    this.seen.set(ownCopy(text), null);
  }
  /** The parsed value of a text `has` accepted, parsed once. */
  parsed(text: string): unknown {
    let v = this.seen.get(text);
    if (v === null || v === undefined) {
      v = Object.freeze(JSON.parse(text) as object);
      this.seen.set(ownCopy(text), v);
    }
    return v;
  }
}

const provenActors = new Proven(4096);
const provenDecisions = new Proven(4096);

/**
 * On the WebAssembly path, `actor` and `decision` texts proven valid are interned there by
 * their bytes instead (a lookup there was measured at a fraction of Map#has on a fresh
 * substring, which hashes it: ~0.4 us each); their parsed values are kept here by index, made
 * on first use. `actorIndex` / `decisionIndex`: the current line's, or -1 when not interned
 * (the store was full: it is emptied before the next line).
 */
const internedParsed: (object | undefined)[] = new Array<object | undefined>(INTERN_INDEXES).fill(undefined);
let internFull = false;
let actorIndex = -1;
let decisionIndex = -1;

/** Interns member `slot`'s value, just proven valid: its index, or -1 (full). */
function internProven(slot: number): number {
  const k = internValue(slot);
  if (k < 0) internFull = true;
  else internedParsed[k] = undefined;
  return k;
}

/** The parsed value of interned member `slot` (index `k`), parsed once. */
function parsedInterned(k: number, slot: number): object {
  let v = internedParsed[k];
  if (v === undefined) {
    v = Object.freeze(JSON.parse(t.substring(valueStart[slot]!, valueEnd[slot]!)) as object);
    internedParsed[k] = v;
  }
  return v;
}

/**
 * Texts seen in the last few lines, each kept (as a copy: a slice would keep its whole line
 * alive) with what was derived from it, so the next line's copy is matched with `===`
 * against a handful of strings instead of being checked again. Only a cache: what it does
 * not hold is checked in full. The oldest entry makes room. Empty slots hold undefined, which
 * no text equals (not '': an empty policy_hash is refused by its length before it is looked
 * up, but a cache must not depend on that).
 */
class Recent<V> {
  readonly texts: (string | undefined)[];
  readonly values: V[];
  private next = 0;
  constructor(size: number, empty: V) {
    this.texts = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<V>(size).fill(empty);
  }
  /** The slot holding `text`, or -1. */
  find(text: string): number {
    const texts = this.texts;
    for (let k = 0; k < texts.length; k++) if (texts[k] === text) return k;
    return -1;
  }
  /** Keeps `text` (copied) with `value`; returns its slot. */
  put(text: string, value: V): number {
    const k = this.next;
    this.next = (k + 1) % this.texts.length;
    this.texts[k] = ownCopy(text);
    this.values[k] = value;
    return k;
  }
}

/**
 * Chains seen recently (chains interleave in a log), by their id as it appears in a line
 * (`"id"`), with the id; and per slot the hash of the chain's last event this path accepted.
 * An event's `prev_hash` is usually that hash: one comparison then proves its form, and the
 * record takes the very same string, so the chain check's comparison is one of identity.
 */
const chains = new Recent<string>(8, '');
// Undefined, not '', for a chain with no accepted event yet: an empty prev_hash must never be
// its head, a proven digest (its length refuses it first today).
const chainHeads: (string | undefined)[] = new Array<string | undefined>(8).fill(undefined);

/** The slot of the chain whose id is written `value` in the line, or -1 for an invalid id. */
function chainSlot(value: string): number {
  const k = chains.find(value);
  if (k >= 0) return k;
  if (value.charCodeAt(0) !== QUOTE) return -1;
  const id = value.slice(1, -1);
  if (id.indexOf('\\') >= 0 || !isChainIdForm(id)) return -1;
  const slot = chains.put(value, ownCopy(id));
  chainHeads[slot] = undefined;
  return slot;
}

/** Policy hashes proven well-formed lately (a log names few policy versions); the kept copy
 * is the one records carry, so its hash code is computed once for the index lookup. */
const policies = new Recent<null>(4, null);

/**
 * Lines this thread checks with its caches' shortcuts (a chain's last hash, the recent policy
 * hashes) not taken: the first WARM_LINES that come this far (past the actor and decision
 * checks), then none. Only a matter of speed, as the caches
 * are: what they would have proven is checked in full. V8 compiles checkEnvelope once it is
 * hot, with what it has seen run; a branch it has not seen run since it began recording (a
 * few calls in) is left out, and the first time it is taken the compiled code is thrown away.
 * The cache misses are such branches: they come in a thread's first lines, then again at each
 * new policy version and at each unit's first event of a chain. checkEnvelope, the largest
 * function of the line check, was compiled three times per thread, not once (--trace-deopt),
 * on cores that --jobs fills. Checking the first lines in full lets V8 see those branches run.
 */
const WARM_LINES = 256;
let warmLines = 0;

/** `"sha256:` at `vs` (eight characters: a copied substring, compared at once). */
function sha256Head(vs: number): boolean {
  return t.substring(vs, vs + 8) === DIGEST_HEAD;
}

const NO_FINDINGS = Object.freeze([]) as readonly never[];

/** A member's value as JSON.parse gives it: a string without escapes is its own text. */
function valueOf(slot: number): unknown {
  const vs = valueStart[slot]!;
  const ve = valueEnd[slot]!;
  if (t.charCodeAt(vs) === QUOTE) {
    const body = t.substring(vs + 1, ve - 1);
    if (body.indexOf('\\') < 0) return body;
  }
  return JSON.parse(t.substring(vs, ve));
}

/**
 * `kind` as a string kept from an earlier line when it is one of the last few: the evaluator
 * looks its handler up by it, and a property lookup with a fresh substring must search V8's
 * string table each time (~1% of a replay, profile); a kept string is found once.
 */
const kinds = new Recent<string>(16, '');

function kindOf(): unknown {
  const text = t.substring(valueStart[KIND]!, valueEnd[KIND]!);
  const k = kinds.find(text);
  if (k >= 0) return kinds.values[k];
  const value = valueOf(KIND);
  if (typeof value === 'string') kinds.put(text, ownCopy(value));
  return value;
}

/** The request of the line being checked, as a LazyRequest over its `members` spans. */
function lazyRequestOf(members: number): Record<string, unknown> {
  const base = valueStart[REQUEST]!;
  // A plain array made at its size: a typed array per event was measured slower to make
  // than it saves, and one grown by push is copied as it grows.
  const spans = new Array<number>(4 * members);
  for (let i = 0; i < 4 * members; i++) spans[i] = requestSpans[i]! - base;
  return makeLazyRequest(t.substring(base, valueEnd[REQUEST]!), spans);
}

/**
 * The parsed event replay needs, equal to JSON.parse of the line (same members, same order:
 * the line's, which is key order), without parsing again what the scan already took apart:
 * only `request`, `actor` and `decision` go through JSON.parse. A line with members the
 * envelope does not name is parsed whole. `actor` and `decision` are shared, frozen objects
 * (flat: strings and null only, so freezing the object freezes the value).
 */
function eventOf(chain: string, seq: number, ts: string, prevHash: string, policyHash: string, fingerprint: string, hash: string, lazyRequest: boolean): SelEvent {
  if (otherMembers > 0) return JSON.parse(t) as SelEvent;
  const actor = actorIndex >= 0 ? parsedInterned(actorIndex, ACTOR) : provenActors.parsed(t.substring(valueStart[ACTOR]!, valueEnd[ACTOR]!));
  const decision = decisionIndex >= 0 ? parsedInterned(decisionIndex, DECISION)
    : provenDecisions.parsed(t.substring(valueStart[DECISION]!, valueEnd[DECISION]!));
  const kind = kindOf();
  const members = lazyRequest ? requestMembers() : -1;
  const request = members >= 0 ? lazyRequestOf(members) : valueOf(REQUEST);
  const requestFingerprint = SHA256_PREFIX + fingerprint;
  if (!hasMember(EXCEPTION_REF) && !hasMember(REVIEW_REF)) {
    // Most events: one literal, so the object is made at its full size at once. Members added
    // one by one go to a separate store that is grown and copied as they come (~0.9 KB of
    // garbage an event, the largest share of a replay's, allocation profile).
    const e = { actor, chain, decision, hash, kind, policy_hash: policyHash, prev_hash: prevHash, request, request_fingerprint: requestFingerprint, seq, ts, v: CONTRACT_VERSION };
    return e as unknown as SelEvent;
  }
  const e: Record<string, unknown> = {};
  e['actor'] = actor;
  e['chain'] = chain;
  e['decision'] = decision;
  if (hasMember(EXCEPTION_REF)) e['exception_ref'] = valueOf(EXCEPTION_REF);
  e['hash'] = hash;
  e['kind'] = kind;
  e['policy_hash'] = policyHash;
  e['prev_hash'] = prevHash;
  e['request'] = request;
  e['request_fingerprint'] = requestFingerprint;
  if (hasMember(REVIEW_REF)) e['review_ref'] = valueOf(REVIEW_REF);
  e['seq'] = seq;
  e['ts'] = ts;
  e['v'] = CONTRACT_VERSION;
  return e as unknown as SelEvent;
}

/**
 * The record of a line that is a clean event, or null when the line needs the full check.
 * `keepEvent`: also parse the event (replay needs it).
 */
export function fastCheckLine(bytes: Buffer, ref: LineRef, maxDepth: number, keepEvent: boolean, lazyRequest = false, wasm = true): PlacedEvent | null {
  const n = bytes.length;
  if (n < 2 || bytes[0] !== LBRACE || bytes[n - 1] !== RBRACE) return null;
  const depth = maxDepth < RECURSION_CAP ? maxDepth : RECURSION_CAP;
  if (internFull) {
    clearInterned();
    internedParsed.fill(undefined);
    internFull = false;
  }
  // The WebAssembly scanner proves most lines; what it does not (a fraction, an escaped key,
  // a line over its capacity, or a fault) the text scanner tries, and after it the full check.
  // (`wasm` false: the text scanner alone, which the tests hold to the same record.)
  const inWasm = wasm && wasmScan(bytes, depth);
  if (inWasm) {
    present = presentMask();
    otherMembers = wasmOtherMembers();
  } else if (!isUtf8(bytes)) return null;
  // An all-ASCII line (90% of the bench log) decodes the same as Latin-1, which is a copy.
  t = bytes.toString(inWasm && asciiLine() ? 'latin1' : 'utf8');
  try {
    if (!inWasm && !scanText(depth)) return null;
    return checkEnvelope(bytes, ref, keepEvent, inWasm, lazyRequest);
  } finally {
    t = '';
  }
}

/** What one scanner proves of a line, for the tests that hold the two to the same answers. */
export interface Scanned {
  /** Bit per member slot present. */
  readonly present: number;
  readonly others: number;
  /** Per slot present, in slot order: key, value start, value end (UTF-16 offsets). */
  readonly spans: readonly number[];
  /** The same as byte offsets (the WebAssembly scanner's own; null for the text scanner). */
  readonly byteSpans: readonly number[] | null;
  /** The WebAssembly scanner also proved the envelope members it checks (false: text scanner). */
  readonly envelope: boolean;
}

/** The spans `tier`'s scanner finds in `bytes`, or null when it proves nothing. */
export function scannedBy(tier: 'wasm' | 'text', bytes: Buffer, maxDepth: number): Scanned | null {
  const n = bytes.length;
  if (n < 2 || bytes[0] !== LBRACE || bytes[n - 1] !== RBRACE) return null;
  const depth = maxDepth < RECURSION_CAP ? maxDepth : RECURSION_CAP;
  if (tier === 'wasm') {
    if (!wasmScan(bytes, depth)) return null;
    present = presentMask();
    otherMembers = wasmOtherMembers();
  } else {
    if (!isUtf8(bytes)) return null;
    t = bytes.toString('utf8');
    const ok = scanText(depth);
    t = '';
    if (!ok) return null;
  }
  const spans: number[] = [];
  const byteSpans: number[] = [];
  for (let slot = 0; slot < MEMBERS.length; slot++) {
    if (!hasMember(slot)) continue;
    spans.push(keyStart[slot]!, valueStart[slot]!, valueEnd[slot]!);
    byteSpans.push(tables.keyByte[slot]!, tables.startByte[slot]!, tables.endByte[slot]!);
  }
  return { present, others: otherMembers, spans, byteSpans: tier === 'wasm' ? byteSpans : null, envelope: tier === 'wasm' && envelopeProven() };
}

/** The text scanner: the line `t` is canonical JSON (the spans then describe it). */
function scanText(depth: number): boolean {
  if (CONTROL.test(t)) return false;
  depthLimit = depth;
  backslash = 0;
  return scanTop();
}

/**
 * The envelope's schema and digests, on a line proven canonical. `byteSpans`: the scanner's
 * byte offsets are valid (the WebAssembly scanner ran), so the digests need no conversion.
 */
function checkEnvelope(bytes: Buffer, ref: LineRef, keepEvent: boolean, byteSpans: boolean, lazyRequest: boolean): PlacedEvent | null {
  const vs = valueStart;
  const ve = valueEnd;
  if ((present & REQUIRED_MASK) !== REQUIRED_MASK) return null;
  // The checks below re-read strings behind the scan position: find backslashes afresh.
  backslash = 0;

  if (ve[V]! - vs[V]! !== VERSION_VALUE.length || t.substring(vs[V]! + 1, ve[V]! - 1) !== CONTRACT_VERSION) return null;
  const slot = chainSlot(t.substring(vs[CHAIN]!, ve[CHAIN]!));
  if (slot < 0) return null;
  // The WebAssembly scanner checked the digests' shape (not their digits), seq, ts, kind and
  // request's type itself (`proven`); otherwise they are checked here.
  const proven = byteSpans && envelopeProven();
  // seq: a plain integer (the scanner allowed at most 15 digits), not negative.
  let seq = 0;
  if (proven) seq = envelopeSeq();
  else {
    for (let i = vs[SEQ]!; i < ve[SEQ]!; i++) {
      const d = t.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) return null;
      seq = seq * 10 + d;
    }
    if (ve[TS]! - vs[TS]! !== 26 || t.charCodeAt(vs[TS]!) !== QUOTE || !isSelTimestampAt(t, vs[TS]! + 1)) return null;
    if (name(vs[KIND]!) !== ve[KIND]) return null;
    if (t.charCodeAt(vs[REQUEST]!) !== LBRACE) return null;
    // Digests: each is 73 characters, `"sha256:` + 64 + `"` (the string scan found the quote).
    if (ve[HASH]! - vs[HASH]! !== DIGEST_VALUE_LENGTH || ve[FINGERPRINT]! - vs[FINGERPRINT]! !== DIGEST_VALUE_LENGTH ||
        ve[PREV_HASH]! - vs[PREV_HASH]! !== DIGEST_VALUE_LENGTH || ve[POLICY_HASH]! - vs[POLICY_HASH]! !== DIGEST_VALUE_LENGTH) return null;
    if (!sha256Head(vs[FINGERPRINT]!) || !sha256Head(vs[HASH]!)) return null;
  }
  // A copy, not a slice: a slice would keep the whole line alive for as long as the record
  // (and the chain's last ts) lives, which with --jobs is batches of them. From the bytes
  // (the value is ASCII, proven above), one flat string: two substrings joined made a rope,
  // which each of the five comparisons of ts that follow (report range, chain range, order)
  // had to flatten first (one thread, 300 MB: 1.03x).
  const ts = byteSpans ? bytes.toString('latin1', tables.startByte[TS]! + 1, tables.endByte[TS]! - 1)
    : t.substring(vs[TS]! + 1, vs[TS]! + 13) + t.substring(vs[TS]! + 13, ve[TS]! - 1);
  if (byteSpans) {
    actorIndex = internedIndex(ACTOR);
    if (actorIndex < 0) {
      if (!actorValid(vs[ACTOR]!, ve[ACTOR]!)) return null;
      actorIndex = internProven(ACTOR);
    }
    decisionIndex = internedIndex(DECISION);
    if (decisionIndex < 0) {
      if (!decisionValid(vs[DECISION]!, ve[DECISION]!)) return null;
      decisionIndex = internProven(DECISION);
    }
  } else {
    actorIndex = decisionIndex = -1;
    const actor = t.substring(vs[ACTOR]!, ve[ACTOR]!);
    if (!provenActors.has(actor)) {
      if (!actorValid(vs[ACTOR]!, ve[ACTOR]!)) return null;
      provenActors.add(actor);
    }
    const decision = t.substring(vs[DECISION]!, ve[DECISION]!);
    if (!provenDecisions.has(decision)) {
      if (!decisionValid(vs[DECISION]!, ve[DECISION]!)) return null;
      provenDecisions.add(decision);
    }
  }
  const warm = warmLines === WARM_LINES;
  if (!warm) warmLines++;
  let prevHash = t.substring(vs[PREV_HASH]! + 1, ve[PREV_HASH]! - 1);
  if (warm && prevHash === chainHeads[slot]) prevHash = chainHeads[slot]!;
  else if ((!proven && !sha256Head(vs[PREV_HASH]!)) || !hexDigits(vs[PREV_HASH]!)) return null;
  let policyHash = t.substring(vs[POLICY_HASH]! + 1, ve[POLICY_HASH]! - 1);
  let kept = warm ? policies.find(policyHash) : -1;
  if (kept < 0) {
    if ((!proven && !sha256Head(vs[POLICY_HASH]!)) || !hexDigits(vs[POLICY_HASH]!)) return null;
    kept = policies.put(policyHash, null);
  }
  policyHash = policies.texts[kept]!;
  if (!ledgerPathValid(REVIEW_REF) || !ledgerPathValid(EXCEPTION_REF)) return null;

  // The digests, over the line's own bytes: equal to the recorded ones (which proves their
  // digits), or the full check explains the difference.
  const fingerprint = byteSpans ? sha256HexOfBytes(bytes, tables.startByte[REQUEST]!, tables.endByte[REQUEST]!)
    : sha256HexOf(bytes, t, vs[REQUEST]!, ve[REQUEST]!);
  if (t.substring(vs[FINGERPRINT]! + 8, ve[FINGERPRINT]! - 1) !== fingerprint) return null;
  const eventHash = byteSpans ? sha256HexWithoutBytes(bytes, tables.keyByte[HASH]!, tables.endByte[HASH]!)
    : sha256HexWithout(bytes, t, keyStart[HASH]!, valueEnd[HASH]!);
  if (t.substring(vs[HASH]! + 8, ve[HASH]! - 1) !== eventHash) return null;
  const recorded = SHA256_PREFIX + eventHash;
  chainHeads[slot] = recorded;

  return {
    kind: 'event',
    ref,
    chain: chains.values[slot]!,
    seq,
    prevHash,
    hash: recorded,
    ts,
    findings: NO_FINDINGS,
    event: keepEvent ? eventOf(chains.values[slot]!, seq, ts, prevHash, policyHash, fingerprint, recorded, lazyRequest && byteSpans) : null,
  };
}
