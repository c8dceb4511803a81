/**
 * Fast canonical-form check for a text that JSON.parse has already accepted.
 *
 * Given `value = JSON.parse(text)`, walk the value and the text together and confirm that
 * the text is exactly JCS(value) (RFC 8785): every structural character, every key and its
 * order, every string and every number written as JSON.stringify and Number#toString write
 * them. The cost is per node, not per byte: when the text holds no backslash, no string in it
 * has an escape, so a string's body is compared with one native `startsWith` instead of being
 * re-escaped (JSON.parse has already rejected raw control characters in strings, and the
 * UTF-16 units of the text are the units of the value). Piece by piece the walk compares the
 * whole text with JCS(value), so a match proves equality; duplicate keys, which JSON.parse
 * collapses, leave text over and fail the match.
 *
 * The walk answers "canonical" only when it is sure. It answers "not sure" for what it does
 * not handle: keys that look like array indices (V8 enumerates them first, in numeric order,
 * so the walk cannot follow the text's order), a `\uD8xx`-style escape (a lone surrogate
 * would round-trip through JSON.stringify but JCS cannot represent it), nesting deeper than
 * the limit, or any mismatch. The caller then runs the exact scanner (`scanCanonical`), which
 * also names the reason.
 */
import type { MemberSpan } from './scan.js';

export interface GuidedMatch {
  readonly hash: MemberSpan | null;
  readonly request: MemberSpan | null;
}

// Any surrogate escape, high (D800-DBFF) or low (DC00-DFFF): the walk compares re-serialised
// text, and JSON.stringify writes a lone surrogate as the very escape it was read from, so a
// line holding one would match; the exact scanner judges them instead.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The walk recurses once per level: past this depth it leaves the text to the exact scanner,
 * which is iterative, whatever `maxDepth` the caller allows. The CLI caps `--max-depth` at
 * 2 000, but the library's `checkLine` and `verifyLogs` take any: an event 20 000 deep,
 * checked with `maxDepth` 30 000, overflowed the stack here (a RangeError, not a finding).
 */
const WALK_DEPTH_CAP = 1000;

/** Returns the top-level member spans when `text` is exactly JCS(`value`), else null. */
export function matchCanonical(text: string, value: unknown, maxDepth: number): GuidedMatch | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const escapes = text.indexOf('\\') >= 0;
  if (escapes && SURROGATE_ESCAPE.test(text)) return null;
  const w = WALKER;
  w.reset(text, escapes, maxDepth < WALK_DEPTH_CAP ? maxDepth : WALK_DEPTH_CAP);
  const r = w.top(value as Record<string, unknown>);
  w.reset('', false, 0);
  return r;
}

/**
 * Does `text` hold `s` at `pos`? `slice` + `===` was measured 2.5x faster than `startsWith`
 * here (V8 compares a sliced string natively; startsWith goes character by character).
 */
function holds(text: string, pos: number, s: string): boolean {
  return text.slice(pos, pos + s.length) === s;
}

/** One walker, reused: no allocation per event beyond the result. */
class Walker {
  private pos = 0;
  private text = '';
  private escapes = false;
  private limit = 0;

  reset(text: string, escapes: boolean, limit: number): void {
    this.text = text;
    this.escapes = escapes;
    this.limit = limit;
    this.pos = 0;
  }

  top(obj: Record<string, unknown>): GuidedMatch | null {
    const text = this.text;
    if (text.charCodeAt(0) !== 0x7b) return null;
    this.pos = 1;
    let hash: MemberSpan | null = null;
    let request: MemberSpan | null = null;
    let prev: string | null = null;
    for (const key in obj) {
      if (prev !== null) {
        if (!(prev < key) || text.charCodeAt(this.pos) !== 0x2c) return null;
        this.pos++;
      }
      const start = this.pos;
      if (!this.key(key)) return null;
      const valueStart = this.pos;
      if (!this.value(obj[key], 1)) return null;
      if (key === 'hash') hash = { start, valueStart, end: this.pos };
      else if (key === 'request') request = { start, valueStart, end: this.pos };
      prev = key;
    }
    if (text.charCodeAt(this.pos) !== 0x7d || this.pos + 1 !== text.length) return null;
    return { hash, request };
  }

  /** `"key":` at pos; keys that are array indices are left to the exact scanner. */
  private key(key: string): boolean {
    const c = key.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39 && ARRAY_INDEX.test(key)) return false;
    if (!this.string(key)) return false;
    if (this.text.charCodeAt(this.pos) !== 0x3a) return false;
    this.pos++;
    return true;
  }

  private string(s: string): boolean {
    const text = this.text;
    const pos = this.pos;
    if (text.charCodeAt(pos) !== 0x22) return false;
    if (!this.escapes) {
      // No backslash in the text: the token's body is the string itself, so it must end at
      // the first quote after it. Checking that boundary (a native indexOf) keeps the walk on
      // the real tokens; the member counts it then checks rule out duplicate keys, so the
      // body, which JSON.parse took from this very token, needs no comparison.
      const end = pos + 1 + s.length;
      if (text.indexOf('"', pos + 1) !== end) return false;
      this.pos = end + 1;
      return true;
    }
    const quoted = JSON.stringify(s);
    if (!holds(text, pos, quoted)) return false;
    this.pos = pos + quoted.length;
    return true;
  }

  private value(v: unknown, depth: number): boolean {
    const text = this.text;
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number': {
        // Number#toString is the canonical number form (RFC 8785 §3.2.2.3).
        const s = String(v);
        if (!holds(text, this.pos, s)) return false;
        this.pos += s.length;
        // The token must end here: "1.50" starts with "1.5" but is not canonical.
        const c = text.charCodeAt(this.pos);
        return !((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45);
      }
      case 'boolean': {
        const lit = v ? 'true' : 'false';
        if (!holds(text, this.pos, lit)) return false;
        this.pos += lit.length;
        return true;
      }
      case 'object': {
        if (v === null) {
          if (!holds(text, this.pos, 'null')) return false;
          this.pos += 4;
          return true;
        }
        if (depth >= this.limit) return false;
        if (Array.isArray(v)) {
          if (text.charCodeAt(this.pos) !== 0x5b) return false;
          this.pos++;
          for (let k = 0; k < v.length; k++) {
            if (k > 0) {
              if (text.charCodeAt(this.pos) !== 0x2c) return false;
              this.pos++;
            }
            if (!this.value(v[k], depth + 1)) return false;
          }
          if (text.charCodeAt(this.pos) !== 0x5d) return false;
          this.pos++;
          return true;
        }
        if (text.charCodeAt(this.pos) !== 0x7b) return false;
        this.pos++;
        const obj = v as Record<string, unknown>;
        let prev: string | null = null;
        for (const key in obj) {
          if (prev !== null) {
            if (!(prev < key) || text.charCodeAt(this.pos) !== 0x2c) return false;
            this.pos++;
          }
          if (!this.key(key)) return false;
          if (!this.value(obj[key], depth + 1)) return false;
          prev = key;
        }
        if (text.charCodeAt(this.pos) !== 0x7d) return false;
        this.pos++;
        return true;
      }
      default:
        return false;
    }
  }
}

const WALKER = new Walker();
