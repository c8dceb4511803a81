/**
 * Tool-name normalisation for reserved names (issue 3): two names that a person or a model
 * would read as the same tool must compare equal. Applied in this order:
 *   1. Unicode NFKC (fullwidth letters, ligatures, compatibility forms fold to plain ones);
 *   2. case folding (toLowerCase, locale-independent);
 *   3. every dot-like character (one dot leader, fullwidth, ideographic, small, halfwidth,
 *      middle dots, Arabic and Syriac full stops) becomes ".";
 *   4. "-" and "_" (and the dash and low-line look-alikes) become "_";
 *   5. invisible characters (Default_Ignorable_Code_Point: zero-width spaces and joiners,
 *      directional marks, soft hyphen, variation selectors, tags, fillers, BOM) are removed.
 * A registration whose normalised name equals a reserved name's normalised form collides.
 */

// Characters that render as (or are routinely confused with) a full stop.
const DOTS = /[\u2024\uFF0E\u3002\uFE52\uFF61\u00B7\u2027\u2219\u22C5\u30FB\u0701\u0702\u06D4\u2E31\u2E33\uA4F8\u0589\u1362]/g;
// Hyphen, dash and low-line look-alikes: Unicode's Dash and connector punctuation (Pc)
// classes, and a few more that read as one (a list alone missed U+2E3A, U+058A, U+2043).
const DASHES = /[-_\p{Dash}\p{Pc}\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\uFE4D-\uFE4F\uFF3F\u2017\u02D7\u2043]/gu;
// Invisible characters that change nothing a reader sees: Unicode's Default_Ignorable_Code_Point
// (zero-width spaces and joiners, directional marks, soft hyphen, variation selectors, tags,
// fillers, BOM), and the Mongolian vowel separator, which was one in older Unicode versions.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u180E]/gu;

export function normalizeToolName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(INVISIBLE, '').replace(DOTS, '.').replace(DASHES, '_');
}
