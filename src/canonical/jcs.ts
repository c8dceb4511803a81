/**
 * RFC 8785 JSON Canonicalization Scheme for values already in memory.
 *
 * Serialisation is `fast-json-stable-stringify`: keys sorted with the default Array#sort
 * (UTF-16 code units, RFC 8785 §3.2.3), strings and numbers written by JSON.stringify and
 * Number#toString (§3.2.2). What that library silently papers over (it writes `null` for a
 * non-finite number, escapes a lone surrogate, drops `undefined`, calls `toJSON`) is rejected
 * first by `assertJcsValue`, because SPEC.md §1 makes each of those an error. The value is read
 * twice, by the check and by the writer: it must hold still meanwhile (a getter that answers
 * 1 and then NaN is written as null; the producer canonicalizes its input once and writes from
 * that copy, producer.ts).
 */
import stableStringify from 'fast-json-stable-stringify';
import { DEFAULT_MAX_DEPTH } from './scan.js';
import { OperatorError } from '../errors.js';

export type JcsErrorReason = 'lone-surrogate' | 'non-finite-number' | 'unsupported-type' | 'too-deep';

/** A value that RFC 8785 cannot represent. */
export class JcsError extends Error {
  readonly reason: JcsErrorReason;
  /** JSON Pointer (RFC 6901) of the offending value. */
  readonly pointer: string;
  constructor(reason: JcsErrorReason, pointer: string, message: string) {
    super(message);
    this.name = 'JcsError';
    this.reason = reason;
    this.pointer = pointer;
  }
}

/** A JSON value as JSON.parse produces it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Whether `s` holds a UTF-16 surrogate that is not half of a pair. */
export function hasLoneSurrogate(s: string): boolean {
  // ES2024's String#isWellFormed (Node.js 20): 2-3x faster than the regular expression
  // /\p{Surrogate}/u it replaces, which a well-formed pair does not match either.
  return !s.isWellFormed();
}

function escapePointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A value to look at, and where it is: the pointer is written only for the value that fails. */
interface Place {
  readonly v: unknown;
  readonly parent: Place | null;
  readonly key: string | number;
  readonly depth: number;
  /** The ancestor a container here is compared with (selfContained). */
  readonly anchor?: object | undefined;
}

/** JSON Pointer (RFC 6901) of `p`. */
function pointerOf(p: Place): string {
  const keys: string[] = [];
  for (let at: Place | null = p; at !== null && at.parent !== null; at = at.parent) keys.push(typeof at.key === 'number' ? String(at.key) : escapePointerToken(at.key));
  return keys.length === 0 ? '' : `/${keys.reverse().join('/')}`;
}

function assertMaxDepth(maxDepth: unknown): void {
  if (typeof maxDepth !== 'number' || !Number.isSafeInteger(maxDepth) || maxDepth < 0) {
    throw new OperatorError(`maxDepth must be a whole number, 0 or more, not ${typeof maxDepth === 'number' ? String(maxDepth) : typeof maxDepth}`);
  }
}

/**
 * A container that is its own ancestor. Each container is compared with its ancestor at the
 * last power-of-two depth (Brent's cycle detection): any cycle is found by twice its depth,
 * whatever the `maxDepth`, at one comparison a container.
 */
function selfContained(place: Place): JcsError {
  const path = pointerOf(place);
  return new JcsError('unsupported-type', path, `value at "${path}" contains itself, which JSON cannot hold`);
}

/**
 * Whether the writer would call a `toJSON` method of `v` and write what it returns instead:
 * its own, an array's (the plain-object check never looked at those), or one inherited from a
 * polluted Object.prototype. `[Object.assign([1], { toJSON: () => NaN })]` was written `[null]`
 * (found by review).
 */
function hasToJSON(v: object): boolean {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

function toJSONError(place: Place): JcsError {
  const path = pointerOf(place);
  return new JcsError('unsupported-type', path, `value at "${path}" has a toJSON method`);
}

/**
 * Throws JcsError unless `value` is a tree of plain JSON values that RFC 8785 can represent.
 * Iterative, so depth is bounded by `maxDepth`, not by the call stack. A `maxDepth` that is
 * not a whole number, 0 or more, is OperatorError: NaN bounded nothing, and a cyclic value
 * then ran the process out of memory (found by review); a cyclic value is a JcsError at any
 * `maxDepth`.
 */
export function assertJcsValue(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): asserts value is JsonValue {
  assertMaxDepth(maxDepth);
  const stack: Place[] = [];
  const root: Place = { v: value, parent: null, key: '', depth: 0 };
  if (!isLeaf(value, null, '', 0)) stack.push(root);
  while (stack.length > 0) {
    const place = stack.pop()!;
    const { depth } = place;
    const v = place.v as object;
    if (depth >= maxDepth) {
      const path = pointerOf(place);
      throw new JcsError('too-deep', path, `value at "${path}" is nested deeper than ${maxDepth}`);
    }
    if (place.anchor === v) throw selfContained(place);
    const anchor = (depth & (depth - 1)) === 0 ? v : place.anchor;
    // Only containers are held: a leaf is checked where it is found, so a sparse array of 2^32 - 1
    // places is refused at its first hole, where all its places were held first and the heap ran
    // out (found by review), and a long flat array holds nothing.
    if (Array.isArray(v)) {
      if (hasToJSON(v)) throw toJSONError(place);
      for (let k = 0; k < v.length; k++) {
        const child: unknown = v[k];
        if (!isLeaf(child, place, k, depth + 1)) stack.push({ v: child, parent: place, key: k, depth: depth + 1, anchor });
      }
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const path = pointerOf(place);
      throw new JcsError('unsupported-type', path, `value at "${path}" is not a plain object`);
    }
    if (hasToJSON(v)) throw toJSONError(place);
    for (const key of Object.keys(v)) {
      if (hasLoneSurrogate(key)) {
        const path = pointerOf(place);
        throw new JcsError('lone-surrogate', path, `a key in "${path}" holds a lone surrogate`);
      }
      const child = (v as Record<string, unknown>)[key];
      if (!isLeaf(child, place, key, depth + 1)) stack.push({ v: child, parent: place, key, depth: depth + 1, anchor });
    }
  }
}

/**
 * Checks `v`, at `key` of `parent` (the place is made only for an error): true for a value JCS
 * holds that is not a container, false for an array or an object (the caller walks it), and a
 * JcsError for anything JCS cannot hold.
 */
function isLeaf(v: unknown, parent: Place | null, key: string | number, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      if (hasLoneSurrogate(v)) {
        const path = pointerOf({ v, parent, key, depth });
        throw new JcsError('lone-surrogate', path, `string at "${path}" holds a lone surrogate`);
      }
      return true;
    case 'number':
      if (!Number.isFinite(v)) {
        const path = pointerOf({ v, parent, key, depth });
        throw new JcsError('non-finite-number', path, `number at "${path}" is not finite`);
      }
      return true;
    case 'boolean':
      return true;
    case 'object':
      return v === null;
    default: {
      const path = pointerOf({ v, parent, key, depth });
      throw new JcsError('unsupported-type', path, `value at "${path}" is ${v === undefined ? 'undefined' : `a ${typeof v}`}, which JSON cannot hold`);
    }
  }
}

/**
 * RFC 8785 canonical form of `value`. Throws JcsError for what JCS cannot represent (a value
 * nested deeper than the writer's stack holds too), OperatorError for a bad `maxDepth`.
 */
export function canonicalize(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): string {
  assertJcsValue(value, maxDepth);
  try {
    return stableStringify(value);
  } catch (e) {
    // The writer recurses once a level: a value checked at a maxDepth past what the stack
    // holds (a library caller's 1e6, 100 000 levels deep) threw a RangeError (found by review).
    // A canonical form longer than a string can hold is one too.
    if (e instanceof RangeError) {
      const what = /call stack/i.test(e.message) ? `nested deeper than this process's stack can write (${DEFAULT_MAX_DEPTH} levels always can)` : 'longer, written canonically, than a string can hold';
      throw new JcsError('too-deep', '', `value is ${what}`);
    }
    throw e;
  }
}
