/**
 * Tool-name normalisation for reserved names (issue 3): two names that a person or a model
 * would read as the same tool must compare equal. Applied in this order:
 *   1. Unicode NFKC (fullwidth letters, ligatures, compatibility forms fold to plain ones);
 *   2. case folding (toLowerCase, locale-independent);
 *   3. every dot-like character (one dot leader, fullwidth, ideographic, small, halfwidth,
 *      middle dots, Arabic and Syriac full stops) becomes ".";
 *   4. "-" and "_" (and the dash and low-line look-alikes) become "_";
 *   5. invisible characters (zero-width spaces and joiners, soft hyphen, BOM) are removed.
 * A registration whose normalised name equals a reserved name's normalised form collides.
 */

// Characters that render as (or are routinely confused with) a full stop.
const DOTS = /[\u2024\uFF0E\u3002\uFE52\uFF61\u00B7\u2027\u2219\u22C5\u30FB\u0701\u0702\u06D4\u2E31\u2E33\uA4F8\u0589\u1362]/g;
// Hyphen, dash and low-line look-alikes.
const DASHES = /[-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D\uFE4D\uFE4E\uFE4F\uFF3F\u2017]/g;
// Invisible characters that change nothing a reader sees.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD\u180E]/g;

export function normalizeToolName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(INVISIBLE, '').replace(DOTS, '.').replace(DASHES, '_');
}
