/**
 * Reserved tool names (issue 3): nothing shadows a reserved name. A name a person or a model
 * could read as a reserved one must collide with it, so the comparison fails closed: it works
 * on a "skeleton" of each name, made the same way for both, deterministic and locale-independent:
 *   1. Unicode NFKC; then `I` (capital i) becomes `l` (they look alike in many fonts); then
 *      lowercase (toLowerCase); then NFD, and every combining mark (\p{M}) is removed.
 *      Before NFKC, a visible character that NFKC turns into nothing but spaces and combining
 *      marks becomes `.`, as step 4 would make it: the spacing accents and lines (U+00A8 ¨,
 *      U+00AF ¯, U+00B4 ´, U+00B8 ¸, U+02D8-U+02DD ˘ ˙ ˚ ˛ ˜ ˝, U+2017 ‗, U+203E ‾,
 *      U+FE49-U+FE4C, U+FFE3, U+309B ゛, the Greek spacing accents, the Arabic isolated
 *      vowel signs, ...: 52 characters). Steps 1 and 2 would otherwise remove them, and
 *      `deploy‗restart` or `shell˙exec` would be one shorter than the name they imitate.
 *   2. Every character that is invisible or not printable is removed: Default_Ignorable_Code_Point,
 *      U+180E, all of \p{C} (controls, format, surrogates, private use, unassigned), all of \p{Z},
 *      and White_Space.
 *   3. ASCII look-alikes: `0` becomes `o`; `1`, `|` and `i` become `l`; then, left to right, the
 *      two letters `rn` become `m` and `vv` become `w`. (`i` joins `l` because step 1 made a
 *      capital I an `l`: without it `FS.WRITE` would read `fs.wrlte` and miss `fs.write`.)
 *   4. Every remaining character that is neither a letter nor a number (\p{L}, \p{N}):
 *      punctuation, symbols, dots, dashes, low lines of any kind, becomes one separator `.`;
 *      a run of separators becomes one; separators at the start and the end are dropped. So
 *      `shell.exec`, `shell-exec`, `shell_exec`, `shell..exec` and `shell\u2E3Cexec` all have the
 *      skeleton `shell.exec` (dot and dash are one class: a reader can take one for the other).
 *   5. A registration collides with a reserved name when the two skeletons have the same length
 *      in code points and agree at every position, where a character outside ASCII in the
 *      registration's skeleton that may be a look-alike agrees with any character: a number of
 *      any script (٠, ০), a character common to all scripts or inherited (ー, ˍ), or a letter of
 *      a script with Latin look-alikes (Latin ꞏ ɑ, Greek, Cyrillic е, Armenian, Georgian,
 *      Cherokee, Coptic, Lisu, Tifinagh, Canadian Aboriginal syllabics). A letter of another
 *      script (Han, kana, Hangul, Arabic, Devanagari, ...) agrees only with itself, so a
 *      Japanese tool name is not taken for `fs.write`. Equal skeletons always collide. The same comparison is also made on
 *      the two names' skeletons without step 3's two-letter look-alikes (`rn`, `vv`), so a
 *      look-alike of one of those letters collides too (Cyrillic г for r: `retuгn` and `return`,
 *      where the skeleton `retum` is one shorter).
 * The price of step 5: a name of those look-alike characters with exactly a reserved name's
 * length and the same ASCII characters in the same places is blocked too, though it may imitate
 * nothing (an all-Cyrillic name of ten letters against `shell.exec`). A false alarm, never a
 * fail-open.
 */

// Step 2: invisible or not printable.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u180E\p{C}\p{Z}\p{White_Space}]/gu;
const MARKS = /\p{M}/gu;
const LOOK_ALIKE: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', '|': 'l', i: 'l', rn: 'm', vv: 'w' };
const NOT_LETTER_OR_NUMBER = /[^\p{L}\p{N}]+/gu;
const NON_ASCII = /[^\x00-\x7F]/;
/** Step 5: a character outside ASCII that may stand for any one character. */
const LOOK_ALIKE_CHAR = /[\p{N}\p{Script=Common}\p{Script=Inherited}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Armenian}\p{Script=Georgian}\p{Script=Cherokee}\p{Script=Coptic}\p{Script=Lisu}\p{Script=Tifinagh}\p{Script=Canadian_Aboriginal}]/u;

const ONE_INVISIBLE = new RegExp(INVISIBLE.source, 'u');
const ONE_MARK = /\p{M}/u;
/** Is `c` visible, yet NFKC makes it spaces and combining marks only, which steps 1-2 remove? */
function vanishesUnderNfkc(c: string): boolean {
  const k = c.normalize('NFKC');
  return k !== c && !ONE_INVISIBLE.test(c) && !ONE_MARK.test(c) && k.replace(MARKS, '').replace(INVISIBLE, '') === '';
}

/** A skeleton (steps 1 to 4 above); `pairs` false leaves out step 3's `rn` and `vv`. */
function skeletonOf(name: string, pairs: boolean): string {
  const visible = name.replace(/[^\x00-\x7F]/gu, (c) => (vanishesUnderNfkc(c) ? '.' : c));
  const folded = visible.normalize('NFKC').replace(/I/g, 'l').toLowerCase().normalize('NFD').replace(MARKS, '');
  const single = folded.replace(INVISIBLE, '').replace(/[01|i]/g, (c) => LOOK_ALIKE[c]!);
  return (pairs ? single.replace(/rn|vv/g, (c) => LOOK_ALIKE[c]!) : single).replace(NOT_LETTER_OR_NUMBER, '.').replace(/^\.|\.$/g, '');
}

/** The skeleton of a tool name (steps 1 to 4 above): the key of a compiled reserved name. */
export function toolNameSkeleton(name: string): string {
  return skeletonOf(name, true);
}

/** Step 5 on two skeletons: does a registration's collide with a reserved name's? */
export function skeletonsCollide(registration: string, reserved: string): boolean {
  if (registration === reserved) return true;
  if (!NON_ASCII.test(registration)) return false;
  const a = [...registration];
  const b = [...reserved];
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(NON_ASCII.test(a[i]!) && LOOK_ALIKE_CHAR.test(a[i]!))) return false;
  return true;
}

export interface ReservedCollision {
  /** The reserved name as written. */
  readonly name: string;
  /** The two skeletons compared: the registration's and the reserved name's. */
  readonly skeleton: string;
  readonly reservedSkeleton: string;
}

/**
 * The reserved name a registration `name` collides with (step 5), from `reserved` (skeleton →
 * the name as written), or null. An equal skeleton first (one map look-up); else, for a name
 * whose skeleton holds a character outside ASCII, a scan of the reserved names (a registration
 * is rare), where the smallest colliding reserved skeleton answers, whatever the map's order.
 */
export function collidesWithReserved(name: string, reserved: ReadonlyMap<string, string>): ReservedCollision | null {
  const skeleton = toolNameSkeleton(name);
  const exact = reserved.get(skeleton);
  if (exact !== undefined) return { name: exact, skeleton, reservedSkeleton: skeleton };
  const unpaired = skeletonOf(name, false);
  if (!NON_ASCII.test(unpaired)) return null; // the pairs are ASCII: then the skeleton is ASCII too
  let best: ReservedCollision | null = null;
  let bestKey = '';
  for (const [r, written] of reserved) {
    if (best !== null && r >= bestKey) continue;
    let hit: ReservedCollision | null = null;
    if (skeletonsCollide(skeleton, r)) hit = { name: written, skeleton, reservedSkeleton: r };
    else {
      const ru = skeletonOf(written, false);
      if (skeletonsCollide(unpaired, ru)) hit = { name: written, skeleton: unpaired, reservedSkeleton: ru };
    }
    if (hit !== null) [best, bestKey] = [hit, r];
  }
  return best;
}
