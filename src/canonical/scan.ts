/**
 * Single-pass JSON text scanners.
 *
 * `scanCanonical` decides, without building any value, whether a text is exactly the
 * RFC 8785 (JCS) serialisation of the value it denotes. A line of an audit log must be
 * (SPEC.md §2), so this is the hot path: it replaces "parse, re-serialise, compare" with one
 * left-to-right pass, and records where the top-level `hash` and `request` members are so
 * the event hash and the request fingerprint can be computed from slices of the line itself
 * (the canonical form of "the event without `hash`" is the line with that member cut out).
 *
 * `scanStrict` accepts any JSON formatting but rejects what JSON.parse would silently resolve
 * one way while another parser resolves it another (duplicate keys), and what JCS cannot
 * represent (lone surrogates, non-finite numbers, integer literals that lose their value as
 * an IEEE-754 double, SPEC.md §1). It is used for files that are hashed after parsing
 * (policy files, ledger artifacts) and to classify a log line that is not canonical.
 *
 * Both scanners are iterative with an explicit depth limit, so hostile nesting cannot
 * overflow the stack, and both work on a JS string decoded from bytes already checked to be
 * well-formed UTF-8 (so the text itself holds no lone surrogate).
 */

/** Why a text is not canonical or not JSON. Stable identifiers, used in finding details. */
export type ScanReason =
  // not JSON at all (RFC 8259 grammar)
  | 'unexpected-character'
  | 'unexpected-end'
  | 'control-character-in-string'
  | 'invalid-escape'
  | 'invalid-number'
  | 'trailing-content'
  // JSON, but JCS cannot represent it or parsers may disagree on it
  | 'duplicate-key'
  | 'lone-surrogate'
  | 'number-out-of-range'
  | 'integer-precision-loss'
  | 'too-deep'
  // JSON and representable, but not written in canonical form
  | 'whitespace'
  | 'key-order'
  | 'escape-form'
  | 'number-form';

/** The reasons for which the text is not JSON at all. */
export const INVALID_JSON_REASONS: ReadonlySet<ScanReason> = new Set<ScanReason>([
  'unexpected-character',
  'unexpected-end',
  'control-character-in-string',
  'invalid-escape',
  'invalid-number',
  'trailing-content',
]);

/** The reasons for which the text is JSON that JCS cannot represent faithfully. */
export const UNREPRESENTABLE_REASONS: ReadonlySet<ScanReason> = new Set<ScanReason>([
  'duplicate-key',
  'lone-surrogate',
  'number-out-of-range',
  'integer-precision-loss',
  'too-deep',
]);

export interface ScanFailure {
  readonly ok: false;
  readonly reason: ScanReason;
  /** Offset (UTF-16 code units) in the text where the problem was seen. */
  readonly offset: number;
}

/** Where a top-level member sits in a canonical text: [start of its key, end of its value). */
export interface MemberSpan {
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

export interface CanonicalScan {
  readonly ok: true;
  /** True when the top-level value is an object. */
  readonly isObject: boolean;
  readonly hash: MemberSpan | null;
  readonly request: MemberSpan | null;
}

export interface StrictScan {
  readonly ok: true;
}

export const DEFAULT_MAX_DEPTH = 128;

const enum C {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SPACE = 0x20,
  QUOTE = 0x22,
  PLUS = 0x2b,
  COMMA = 0x2c,
  MINUS = 0x2d,
  DOT = 0x2e,
  SLASH = 0x2f,
  ZERO = 0x30,
  ONE = 0x31,
  NINE = 0x39,
  COLON = 0x3a,
  UPPER_A = 0x41,
  UPPER_E = 0x45,
  UPPER_F = 0x46,
  LBRACKET = 0x5b,
  BACKSLASH = 0x5c,
  RBRACKET = 0x5d,
  LOWER_A = 0x61,
  LOWER_B = 0x62,
  LOWER_E = 0x65,
  LOWER_F = 0x66,
  LOWER_N = 0x6e,
  LOWER_R = 0x72,
  LOWER_T = 0x74,
  LOWER_U = 0x75,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
}

function fail(reason: ScanReason, offset: number): ScanFailure {
  return { ok: false, reason, offset };
}

function isWhitespace(c: number): boolean {
  return c === C.SPACE || c === C.LF || c === C.CR || c === C.TAB;
}

function hexValue(c: number): number {
  if (c >= C.ZERO && c <= C.NINE) return c - C.ZERO;
  if (c >= C.LOWER_A && c <= C.LOWER_F) return c - C.LOWER_A + 10;
  if (c >= C.UPPER_A && c <= C.UPPER_F) return c - C.UPPER_A + 10;
  return -1;
}

/** Escapes JSON.stringify writes itself (ECMA-262 QuoteJSONString): \b \t \n \f \r. */
function isShortEscapedControl(code: number): boolean {
  return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/**
 * Decodes the JSON string body s[start, end) (between the quotes, already validated).
 * Only used for keys that contain escapes, where raw comparison would be wrong.
 */
function decodeStringBody(s: string, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== C.BACKSLASH) {
      out += s[i];
      i++;
      continue;
    }
    const e = s.charCodeAt(i + 1);
    switch (e) {
      case C.LOWER_B: out += '\b'; break;
      case C.LOWER_F: out += '\f'; break;
      case C.LOWER_N: out += '\n'; break;
      case C.LOWER_R: out += '\r'; break;
      case C.LOWER_T: out += '\t'; break;
      case C.LOWER_U: {
        const code =
          (hexValue(s.charCodeAt(i + 2)) << 12) |
          (hexValue(s.charCodeAt(i + 3)) << 8) |
          (hexValue(s.charCodeAt(i + 4)) << 4) |
          hexValue(s.charCodeAt(i + 5));
        out += String.fromCharCode(code);
        i += 6;
        continue;
      }
      default: out += String.fromCharCode(e); break;
    }
    i += 2;
  }
  return out;
}

/**
 * Compares two raw key bodies by UTF-16 code units (RFC 8785 §3.2.3). When neither holds an
 * escape the raw text is the key itself, so no string is built.
 */
function compareKeys(
  s: string,
  a0: number, a1: number, aEscaped: boolean,
  b0: number, b1: number, bEscaped: boolean,
): number {
  if (aEscaped || bEscaped) {
    const a = decodeStringBody(s, a0, a1);
    const b = decodeStringBody(s, b0, b1);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const la = a1 - a0;
  const lb = b1 - b0;
  const n = la < lb ? la : lb;
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(a0 + k) - s.charCodeAt(b0 + k);
    if (d !== 0) return d;
  }
  return la - lb;
}

const MAX_SAFE_DIGITS = 15; // every integer of at most 15 digits is exactly representable

/**
 * Is `text` exactly JCS(value) for the JSON value it denotes?
 *
 * Checks, in one pass: no insignificant white space; object keys strictly increasing in UTF-16
 * code-unit order (which also excludes duplicates); strings escaped exactly as ECMAScript
 * JSON.stringify escapes them (only `\"`, `\\`, `\b \f \n \r \t`, and `\u00xx` in lowercase hex
 * for other controls); numbers written as ECMAScript Number#toString writes them.
 */
export function scanCanonical(text: string, maxDepth: number = DEFAULT_MAX_DEPTH): CanonicalScan | ScanFailure {
  const n = text.length;
  // A canonical text holds no raw control character at all (JSON.stringify escapes them in
  // strings, and there is no white space between tokens). When it also holds no backslash,
  // no string has an escape, and a string ends at the next quote: one native indexOf instead
  // of a loop over every character. Measured: ~2x the throughput on typical events.
  if (CONTROL_CHARACTER.test(text)) return failOnControl(text);
  const plain = text.indexOf('\\') < 0;
  const scanString = plain ? scanPlainString : scanCanonicalString;
  let i = 0;
  let depth = 0;
  // Per open container: 1 = object, 2 = array. Previous key per object level.
  const kinds: number[] = [];
  const prevKeyStart: number[] = [];
  const prevKeyEnd: number[] = [];
  const prevKeyEsc: boolean[] = [];
  let topIsObject = false;
  let hash: MemberSpan | null = null;
  let request: MemberSpan | null = null;
  // Top-level member being read: which one and where it started.
  let memberStart = -1;
  let memberKind = 0; // 0 other, 1 hash, 2 request
  let memberValueStart = -1;

  // The state machine expects a value at the current position.
  value: for (;;) {
    if (i >= n) return fail('unexpected-end', i);
    let c = text.charCodeAt(i);
    if (c === C.LBRACE || c === C.LBRACKET) {
      if (depth >= maxDepth) return fail('too-deep', i);
      if (depth === 0 && c === C.LBRACE) topIsObject = true;
      depth++;
      i++;
      if (i >= n) return fail('unexpected-end', i);
      const isObj = c === C.LBRACE;
      kinds.push(isObj ? 1 : 2);
      if (isObj) {
        prevKeyStart.push(-1);
        prevKeyEnd.push(-1);
        prevKeyEsc.push(false);
      }
      c = text.charCodeAt(i);
      if (c === (isObj ? C.RBRACE : C.RBRACKET)) {
        i++;
        kinds.pop();
        if (isObj) {
          prevKeyStart.pop();
          prevKeyEnd.pop();
          prevKeyEsc.pop();
        }
        depth--;
      } else if (isObj) {
        // read the first key, then a value
        const r = readKey();
        if (r !== null) return r;
        continue value;
      } else {
        continue value;
      }
    } else if (c === C.QUOTE) {
      const end = scanString(text, i + 1);
      if (end < 0) return fail(stringFailure, -end - 1);
      i = end;
    } else if (c === C.MINUS || (c >= C.ZERO && c <= C.NINE)) {
      const r = scanCanonicalNumber(text, i);
      if (r < 0) return fail(numberFailure, i);
      i = r;
    } else if (c === C.LOWER_T) {
      if (!text.startsWith('true', i)) return fail('unexpected-character', i);
      i += 4;
    } else if (c === C.LOWER_F) {
      if (!text.startsWith('false', i)) return fail('unexpected-character', i);
      i += 5;
    } else if (c === C.LOWER_N) {
      if (!text.startsWith('null', i)) return fail('unexpected-character', i);
      i += 4;
    } else if (isWhitespace(c)) {
      return fail('whitespace', i);
    } else {
      return fail('unexpected-character', i);
    }

    // A value ended at i. Close containers or move to the next element.
    for (;;) {
      if (depth === 1 && memberStart >= 0) {
        if (memberKind === 1) hash = { start: memberStart, valueStart: memberValueStart, end: i };
        else if (memberKind === 2) request = { start: memberStart, valueStart: memberValueStart, end: i };
        memberStart = -1;
      }
      if (depth === 0) {
        if (i !== n) return fail(isWhitespace(text.charCodeAt(i)) ? 'whitespace' : 'trailing-content', i);
        return { ok: true, isObject: topIsObject, hash, request };
      }
      if (i >= n) return fail('unexpected-end', i);
      const c2 = text.charCodeAt(i);
      const kind = kinds[kinds.length - 1];
      if (c2 === C.COMMA) {
        i++;
        if (kind === 1) {
          const r = readKey();
          if (r !== null) return r;
        }
        continue value;
      }
      if (kind === 1 ? c2 === C.RBRACE : c2 === C.RBRACKET) {
        i++;
        kinds.pop();
        if (kind === 1) {
          prevKeyStart.pop();
          prevKeyEnd.pop();
          prevKeyEsc.pop();
        }
        depth--;
        continue;
      }
      return fail(isWhitespace(c2) ? 'whitespace' : 'unexpected-character', i);
    }
  }

  /** Reads `"key":` at i, checks order against the previous key of this object. */
  function readKey(): ScanFailure | null {
    if (i >= n) return fail('unexpected-end', i);
    const c = text.charCodeAt(i);
    if (c !== C.QUOTE) return fail(isWhitespace(c) ? 'whitespace' : 'unexpected-character', i);
    const keyStart = i + 1;
    const end = scanString(text, keyStart);
    if (end < 0) return fail(stringFailure, -end - 1);
    const keyEnd = end - 1;
    const escaped = lastStringEscaped;
    const top = prevKeyStart.length - 1;
    const ps = prevKeyStart[top]!;
    if (ps >= 0) {
      const cmp = compareKeys(text, ps, prevKeyEnd[top]!, prevKeyEsc[top]!, keyStart, keyEnd, escaped);
      if (cmp >= 0) return fail(cmp === 0 ? 'duplicate-key' : 'key-order', i);
    }
    prevKeyStart[top] = keyStart;
    prevKeyEnd[top] = keyEnd;
    prevKeyEsc[top] = escaped;
    if (end >= n) return fail('unexpected-end', end);
    const colon = text.charCodeAt(end);
    if (colon !== C.COLON) return fail(isWhitespace(colon) ? 'whitespace' : 'unexpected-character', end);
    if (depth === 1) {
      memberStart = i;
      memberValueStart = end + 1;
      const len = keyEnd - keyStart;
      memberKind = 0;
      if (!escaped) {
        if (len === 4 && text.startsWith('hash', keyStart)) memberKind = 1;
        else if (len === 7 && text.startsWith('request', keyStart)) memberKind = 2;
      }
    }
    i = end + 1;
    return null;
  }
}

const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/** Classifies the first raw control character: white space between tokens, or invalid JSON. */
function failOnControl(text: string): ScanFailure {
  const at = text.search(CONTROL_CHARACTER);
  const c = text.charCodeAt(at);
  if (!isWhitespace(c)) return fail('control-character-in-string', at);
  // White space is legal between tokens and illegal inside a string; scanStrict tells which.
  return fail('whitespace', at);
}

/** String body scanner for texts without any backslash or control character. */
function scanPlainString(s: string, start: number): number {
  const q = s.indexOf('"', start);
  if (q < 0) {
    stringFailure = 'unexpected-end';
    return -(s.length + 1);
  }
  lastStringEscaped = false;
  return q + 1;
}

// Side channels of the string and number scanners (avoids allocating result objects).
let stringFailure: ScanReason = 'unexpected-end';
let lastStringEscaped = false;
let numberFailure: ScanReason = 'invalid-number';

/**
 * Scans a string body starting after its opening quote. Returns the index after the closing
 * quote, or -(offset + 1) on failure with the reason in `stringFailure`.
 */
function scanCanonicalString(s: string, start: number): number {
  const n = s.length;
  let i = start;
  let escaped = false;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === C.QUOTE) {
      lastStringEscaped = escaped;
      return i + 1;
    }
    if (c === C.BACKSLASH) {
      escaped = true;
      if (i + 1 >= n) break;
      const e = s.charCodeAt(i + 1);
      if (e === C.QUOTE || e === C.BACKSLASH || e === C.LOWER_B || e === C.LOWER_F ||
          e === C.LOWER_N || e === C.LOWER_R || e === C.LOWER_T) {
        i += 2;
        continue;
      }
      if (e === C.SLASH) {
        stringFailure = 'escape-form';
        return -(i + 1);
      }
      if (e !== C.LOWER_U) {
        stringFailure = 'invalid-escape';
        return -(i + 1);
      }
      if (i + 5 >= n) break;
      let code = 0;
      let upper = false;
      for (let k = 2; k < 6; k++) {
        const h = s.charCodeAt(i + k);
        const v = hexValue(h);
        if (v < 0) {
          stringFailure = 'invalid-escape';
          return -(i + 1);
        }
        if (h >= C.UPPER_A && h <= C.UPPER_F) upper = true;
        code = (code << 4) | v;
      }
      // JSON.stringify writes every character >= 0x20 as itself, a surrogate pair included;
      // whether an escaped surrogate is lone (not representable) is for scanStrict to say.
      if (upper || code >= 0x20 || isShortEscapedControl(code)) {
        stringFailure = 'escape-form';
        return -(i + 1);
      }
      i += 6;
      continue;
    }
    if (c < 0x20) {
      stringFailure = 'control-character-in-string';
      return -(i + 1);
    }
    i++;
  }
  stringFailure = 'unexpected-end';
  return -(n + 1);
}

/** Length of a JSON number token at i (RFC 8259 §6 grammar), or -1 if malformed. */
function numberTokenEnd(s: string, start: number): number {
  const n = s.length;
  let i = start;
  if (s.charCodeAt(i) === C.MINUS) i++;
  if (i >= n) return -1;
  let c = s.charCodeAt(i);
  if (c === C.ZERO) {
    i++;
  } else if (c >= C.ONE && c <= C.NINE) {
    i++;
    while (i < n && (c = s.charCodeAt(i)) >= C.ZERO && c <= C.NINE) i++;
  } else {
    return -1;
  }
  if (i < n && s.charCodeAt(i) === C.DOT) {
    i++;
    const f = i;
    while (i < n && (c = s.charCodeAt(i)) >= C.ZERO && c <= C.NINE) i++;
    if (i === f) return -1;
  }
  if (i < n && ((c = s.charCodeAt(i)) === C.LOWER_E || c === C.UPPER_E)) {
    i++;
    if (i < n && ((c = s.charCodeAt(i)) === C.PLUS || c === C.MINUS)) i++;
    const e = i;
    while (i < n && (c = s.charCodeAt(i)) >= C.ZERO && c <= C.NINE) i++;
    if (i === e) return -1;
  }
  return i;
}

function isPlainInteger(s: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === C.DOT || c === C.LOWER_E || c === C.UPPER_E) return false;
  }
  return true;
}

/**
 * Does an integer literal survive the round trip through an IEEE-754 double (SPEC.md §1)?
 * It does when the shortest decimal that names the double (Number#toString, the canonical
 * form) is the literal's own value: `-32311379455057110` survives, `9007199254740993` (read
 * as 9007199254740992) does not. Decimal fractions and exponent forms denote doubles by
 * definition (RFC 8785 §3.2.2.3 reads them as such), so the rule is for integer literals.
 */
function integerSurvives(token: string, value: number): boolean {
  if (Number.isSafeInteger(value)) return true;
  return decimalValue(String(value)) === BigInt(token);
}

/** The exact integer a Number#toString of an integral double denotes ("1.5e+21" included). */
function decimalValue(s: string): bigint {
  const e = s.indexOf('e');
  if (e < 0) return BigInt(s);
  const mantissa = s.slice(0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const shift = exponent - (dot < 0 ? 0 : mantissa.length - dot - 1);
  return shift >= 0 ? BigInt(digits) * 10n ** BigInt(shift) : BigInt(digits) / 10n ** BigInt(-shift);
}

function scanCanonicalNumber(s: string, start: number): number {
  const end = numberTokenEnd(s, start);
  if (end < 0) {
    numberFailure = 'invalid-number';
    return -1;
  }
  const first = s.charCodeAt(start);
  const digits = end - start;
  // Fast path: a short plain integer without leading zero is its own Number#toString.
  if (first !== C.MINUS && digits <= MAX_SAFE_DIGITS && isPlainInteger(s, start, end) &&
      (first !== C.ZERO || digits === 1)) {
    return end;
  }
  const token = s.slice(start, end);
  const value = Number(token);
  if (!Number.isFinite(value)) {
    numberFailure = 'number-out-of-range';
    return -1;
  }
  if (isPlainInteger(s, start, end) && !integerSurvives(token, value)) {
    numberFailure = 'integer-precision-loss';
    return -1;
  }
  if (String(value) !== token) {
    numberFailure = 'number-form';
    return -1;
  }
  return end;
}

/**
 * Why a JSON number literal cannot be represented (SPEC.md §1), or null: a non-zero literal that
 * reads as 0 or as no finite double, or an integer literal whose value the double it reads as
 * does not have. What scanStrict asks of each number, and `sel import` of each number token.
 */
export function numberProblem(token: string): 'number-out-of-range' | 'integer-precision-loss' | null {
  const v = Number(token);
  if (!Number.isFinite(v)) return 'number-out-of-range';
  if (v === 0 && /[1-9]/.test(token.replace(/[eE].*$/, ''))) return 'number-out-of-range';
  if (isPlainInteger(token, 0, token.length) && !integerSurvives(token, v)) return 'integer-precision-loss';
  return null;
}

/**
 * Scans any JSON text (RFC 8259) and rejects what cannot be represented faithfully:
 * duplicate keys, `\u` escapes of lone surrogates, non-finite numbers, integer literals that
 * lose their value as a double, nesting deeper than `maxDepth`. Whether the text is canonical
 * is not asked (ok is also for spacing and key order JCS would change): scanCanonical is.
 */
export function scanStrict(text: string, maxDepth: number = DEFAULT_MAX_DEPTH): StrictScan | ScanFailure {
  const n = text.length;
  let i = 0;
  const kinds: number[] = [];
  const keySets: Set<string>[] = [];
  // The first problem of representation is held back until the whole text is known to be
  // JSON, so that "not JSON" always wins and a caller can trust the classification.
  let deferred: ScanFailure | null = null;
  const defer = (reason: ScanReason, at: number): void => {
    deferred ??= fail(reason, at);
  };

  const skipWs = (): void => {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
  };

  value: for (;;) {
    skipWs();
    if (i >= n) return fail('unexpected-end', i);
    const c = text.charCodeAt(i);
    if (c === C.LBRACE || c === C.LBRACKET) {
      if (kinds.length >= maxDepth) defer('too-deep', i);
      i++;
      const isObj = c === C.LBRACE;
      kinds.push(isObj ? 1 : 2);
      if (isObj) keySets.push(new Set());
      skipWs();
      if (i < n && text.charCodeAt(i) === (isObj ? C.RBRACE : C.RBRACKET)) {
        i++;
        kinds.pop();
        if (isObj) keySets.pop();
      } else if (isObj) {
        const r = readStrictKey();
        if (r !== null) return r;
        continue value;
      } else {
        continue value;
      }
    } else if (c === C.QUOTE) {
      const r = readStrictString();
      if (typeof r !== 'number') return r;
    } else if (c === C.MINUS || (c >= C.ZERO && c <= C.NINE)) {
      const end = numberTokenEnd(text, i);
      if (end < 0) return fail('invalid-number', i);
      const wrong = numberProblem(text.slice(i, end));
      if (wrong !== null) defer(wrong, i);
      i = end;
    } else if (c === C.LOWER_T && text.startsWith('true', i)) {
      i += 4;
    } else if (c === C.LOWER_F && text.startsWith('false', i)) {
      i += 5;
    } else if (c === C.LOWER_N && text.startsWith('null', i)) {
      i += 4;
    } else {
      return fail('unexpected-character', i);
    }

    for (;;) {
      skipWs();
      if (kinds.length === 0) {
        if (i !== n) return fail('trailing-content', i);
        return deferred ?? { ok: true };
      }
      if (i >= n) return fail('unexpected-end', i);
      const c2 = text.charCodeAt(i);
      const kind = kinds[kinds.length - 1];
      if (c2 === C.COMMA) {
        i++;
        if (kind === 1) {
          skipWs();
          const r = readStrictKey();
          if (r !== null) return r;
        }
        continue value;
      }
      if (kind === 1 ? c2 === C.RBRACE : c2 === C.RBRACKET) {
        i++;
        kinds.pop();
        if (kind === 1) keySets.pop();
        continue;
      }
      return fail('unexpected-character', i);
    }
  }

  function readStrictString(): number | ScanFailure {
    // i at the opening quote
    const start = i + 1;
    let k = start;
    let escaped = false;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === C.QUOTE) {
        i = k + 1;
        lastStringEscaped = escaped;
        return start;
      }
      if (c === C.BACKSLASH) {
        escaped = true;
        if (k + 1 >= n) return fail('unexpected-end', n);
        const e = text.charCodeAt(k + 1);
        if (e === C.LOWER_U) {
          if (k + 5 >= n) return fail('unexpected-end', n);
          let code = 0;
          for (let h = 2; h < 6; h++) {
            const v = hexValue(text.charCodeAt(k + h));
            if (v < 0) return fail('invalid-escape', k);
            code = (code << 4) | v;
          }
          if (code >= 0xd800 && code <= 0xdbff) {
            // A high surrogate must be followed by an escaped low surrogate.
            const lo = text.startsWith('\\u', k + 6) ? parseInt(text.slice(k + 8, k + 12), 16) : -1;
            if (!(lo >= 0xdc00 && lo <= 0xdfff) || !/^[0-9a-fA-F]{4}$/.test(text.slice(k + 8, k + 12))) {
              defer('lone-surrogate', k);
              k += 6;
              continue;
            }
            k += 12;
            continue;
          }
          if (code >= 0xdc00 && code <= 0xdfff) defer('lone-surrogate', k);
          k += 6;
          continue;
        }
        if (e === C.QUOTE || e === C.BACKSLASH || e === C.SLASH || e === C.LOWER_B ||
            e === C.LOWER_F || e === C.LOWER_N || e === C.LOWER_R || e === C.LOWER_T) {
          k += 2;
          continue;
        }
        return fail('invalid-escape', k);
      }
      if (c < 0x20) return fail('control-character-in-string', k);
      k++;
    }
    return fail('unexpected-end', n);
  }

  function readStrictKey(): ScanFailure | null {
    if (i >= n) return fail('unexpected-end', i);
    if (text.charCodeAt(i) !== C.QUOTE) return fail('unexpected-character', i);
    const keyAt = i;
    const r = readStrictString();
    if (typeof r !== 'number') return r;
    const key = lastStringEscaped ? decodeStringBody(text, r, i - 1) : text.slice(r, i - 1);
    const set = keySets[keySets.length - 1]!;
    if (set.has(key)) defer('duplicate-key', keyAt);
    set.add(key);
    skipWs();
    if (i >= n) return fail('unexpected-end', i);
    if (text.charCodeAt(i) !== C.COLON) return fail('unexpected-character', i);
    i++;
    return null;
  }
}
