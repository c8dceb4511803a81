/**
 * RFC 8785 JSON Canonicalization Scheme for values already in memory.
 *
 * Serialisation is `fast-json-stable-stringify`: keys sorted with the default Array#sort
 * (UTF-16 code units, RFC 8785 §3.2.3), strings and numbers written by JSON.stringify and
 * Number#toString (§3.2.2). What that library silently papers over (it writes `null` for a
 * non-finite number, escapes a lone surrogate, drops `undefined`, calls `toJSON`) is rejected
 * first by `assertJcsValue`, because SPEC.md §1 makes each of those an error.
 */
import stableStringify from 'fast-json-stable-stringify';
import { DEFAULT_MAX_DEPTH } from './scan.js';

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
}

/** JSON Pointer (RFC 6901) of `p`. */
function pointerOf(p: Place): string {
  const keys: string[] = [];
  for (let at: Place | null = p; at !== null && at.parent !== null; at = at.parent) keys.push(typeof at.key === 'number' ? String(at.key) : escapePointerToken(at.key));
  return keys.length === 0 ? '' : `/${keys.reverse().join('/')}`;
}

/**
 * Throws JcsError unless `value` is a tree of plain JSON values that RFC 8785 can represent.
 * Iterative, so depth is bounded by `maxDepth`, not by the call stack.
 */
export function assertJcsValue(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): asserts value is JsonValue {
  const stack: Place[] = [{ v: value, parent: null, key: '', depth: 0 }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    const { v, depth } = place;
    switch (typeof v) {
      case 'string':
        if (hasLoneSurrogate(v)) {
          const path = pointerOf(place);
          throw new JcsError('lone-surrogate', path, `string at "${path}" holds a lone surrogate`);
        }
        continue;
      case 'number':
        if (!Number.isFinite(v)) {
          const path = pointerOf(place);
          throw new JcsError('non-finite-number', path, `number at "${path}" is not finite`);
        }
        continue;
      case 'boolean':
        continue;
      case 'object': {
        if (v === null) continue;
        if (depth >= maxDepth) {
          const path = pointerOf(place);
          throw new JcsError('too-deep', path, `value at "${path}" is nested deeper than ${maxDepth}`);
        }
        if (Array.isArray(v)) {
          for (let k = 0; k < v.length; k++) stack.push({ v: v[k], parent: place, key: k, depth: depth + 1 });
          continue;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          const path = pointerOf(place);
          throw new JcsError('unsupported-type', path, `value at "${path}" is not a plain object`);
        }
        for (const key of Object.keys(v)) {
          const child = (v as Record<string, unknown>)[key];
          if (hasLoneSurrogate(key)) {
            const path = pointerOf(place);
            throw new JcsError('lone-surrogate', path, `a key in "${path}" holds a lone surrogate`);
          }
          if (key === 'toJSON' && typeof child === 'function') {
            const path = pointerOf(place);
            throw new JcsError('unsupported-type', path, `value at "${path}" has a toJSON method`);
          }
          stack.push({ v: child, parent: place, key, depth: depth + 1 });
        }
        continue;
      }
      default: {
        const path = pointerOf(place);
        throw new JcsError('unsupported-type', path, `value at "${path}" is a ${typeof v}, which JSON cannot hold`);
      }
    }
  }
}

/** RFC 8785 canonical form of `value`. Throws JcsError for what JCS cannot represent. */
export function canonicalize(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): string {
  assertJcsValue(value, maxDepth);
  return stableStringify(value);
}
