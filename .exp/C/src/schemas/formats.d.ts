/**
 * RFC 3339 UTC with exactly three fraction digits (`2026-11-01T12:00:00.000Z`), naming a
 * real instant: month 1-12, a day that exists in that month (leap years included), hour
 * 0-23, minute and second 0-59. Pure arithmetic, no `Date` and no clock: it runs per event.
 */
export declare function isSelTimestamp(s: string): boolean;
/**
 * A chain id as the envelope schema allows it (a path-safe alphabet: anchors live at
 * ledger/anchors/<chain>/). Chains are few and repeat on every event, so ids already seen to
 * be valid are remembered (bounded) instead of matched again.
 */
export declare function isChainIdForm(v: string): boolean;
/**
 * A name (`kind`, `actor.id`): 1 to 200 UTF-16 code units. A format rather than
 * minLength/maxLength, which ajv implements by counting code points in a loop over the
 * string: measured as a large share of the per-event cost, for a bound that is a sanity
 * limit, not a budget.
 */
export declare function isName(v: string): boolean;
/**
 * A repository-relative path of a ledger artifact (SPEC.md §5): non-empty, not absolute, no
 * empty, `.` or `..` segment, no backslash or NUL, so it can only name a file under the
 * repository root.
 */
export declare function isLedgerPath(v: string): boolean;
/** A format as ajv defines one: the generated validators call `.validate`. */
export interface FormatDefinition {
    readonly type: 'string';
    readonly validate: (v: string) => boolean;
}
/** The format table the generated validators import (names as in the schemas). */
export declare const formats: Readonly<Record<string, FormatDefinition>>;
