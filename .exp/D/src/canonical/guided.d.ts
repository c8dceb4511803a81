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
/** Returns the top-level member spans when `text` is exactly JCS(`value`), else null. */
export declare function matchCanonical(text: string, value: unknown, maxDepth: number): GuidedMatch | null;
