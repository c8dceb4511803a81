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
/** A value that RFC 8785 cannot represent. */
export class JcsError extends Error {
    reason;
    /** JSON Pointer (RFC 6901) of the offending value. */
    pointer;
    constructor(reason, pointer, message) {
        super(message);
        this.name = 'JcsError';
        this.reason = reason;
        this.pointer = pointer;
    }
}
const LONE_SURROGATE = /\p{Surrogate}/u;
function hasLoneSurrogate(s) {
    // With the `u` flag a well-formed pair is one code point and does not match \p{Surrogate}.
    return LONE_SURROGATE.test(s);
}
function escapePointerToken(key) {
    return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
/**
 * Throws JcsError unless `value` is a tree of plain JSON values that RFC 8785 can represent.
 * Iterative, so depth is bounded by `maxDepth`, not by the call stack.
 */
export function assertJcsValue(value, maxDepth = DEFAULT_MAX_DEPTH) {
    const stack = [{ v: value, path: '', depth: 0 }];
    while (stack.length > 0) {
        const { v, path, depth } = stack.pop();
        switch (typeof v) {
            case 'string':
                if (hasLoneSurrogate(v))
                    throw new JcsError('lone-surrogate', path, `string at "${path}" holds a lone surrogate`);
                continue;
            case 'number':
                if (!Number.isFinite(v))
                    throw new JcsError('non-finite-number', path, `number at "${path}" is not finite`);
                continue;
            case 'boolean':
                continue;
            case 'object': {
                if (v === null)
                    continue;
                if (depth >= maxDepth)
                    throw new JcsError('too-deep', path, `value at "${path}" is nested deeper than ${maxDepth}`);
                if (Array.isArray(v)) {
                    for (let k = 0; k < v.length; k++)
                        stack.push({ v: v[k], path: `${path}/${k}`, depth: depth + 1 });
                    continue;
                }
                const proto = Object.getPrototypeOf(v);
                if (proto !== Object.prototype && proto !== null) {
                    throw new JcsError('unsupported-type', path, `value at "${path}" is not a plain object`);
                }
                for (const key of Object.keys(v)) {
                    if (hasLoneSurrogate(key))
                        throw new JcsError('lone-surrogate', path, `a key in "${path}" holds a lone surrogate`);
                    const child = v[key];
                    if (key === 'toJSON' && typeof child === 'function') {
                        throw new JcsError('unsupported-type', path, `value at "${path}" has a toJSON method`);
                    }
                    stack.push({ v: child, path: `${path}/${escapePointerToken(key)}`, depth: depth + 1 });
                }
                continue;
            }
            default:
                throw new JcsError('unsupported-type', path, `value at "${path}" is a ${typeof v}, which JSON cannot hold`);
        }
    }
}
/** RFC 8785 canonical form of `value`. Throws JcsError for what JCS cannot represent. */
export function canonicalize(value, maxDepth = DEFAULT_MAX_DEPTH) {
    assertJcsValue(value, maxDepth);
    return stableStringify(value);
}
//# sourceMappingURL=jcs.js.map