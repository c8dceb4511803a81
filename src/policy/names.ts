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
 *      And an enclosed Latin capital that NFKC leaves a symbol (negative circled and squared
 *      letters, regional indicators: 🅴, 🆂, 🇪) becomes the letter it draws (enclosedLatin).
 *   2. Every character that is invisible or not printable is removed: Default_Ignorable_Code_Point,
 *      U+180E, all of \p{C} (controls, format, surrogates, private use, unassigned), all of \p{Z},
 *      and White_Space.
 *   3. ASCII look-alikes: `0` becomes `o`; `1`, `|` and `i` become `l`; then, left to right, the
 *      two letters `rn` become `m`, `vv` become `w` and `cl` become `d`. (`i` joins `l` because step 1 made a
 *      capital I an `l`: without it `FS.WRITE` would read `fs.wrlte` and miss `fs.write`.)
 *   4. Every remaining character that is neither a letter nor a number (\p{L}, \p{N}):
 *      punctuation, symbols, dots, dashes, low lines of any kind, becomes one separator `.`;
 *      a run of separators becomes one; separators at the start and the end are dropped. So
 *      `shell.exec`, `shell-exec`, `shell_exec`, `shell..exec` and `shell\u2E3Cexec` all have the
 *      skeleton `shell.exec` (dot and dash are one class: a reader can take one for the other).
 *   5. A registration collides with a reserved name when the two skeletons have the same length
 *      in code points and agree at every position, where a character outside ASCII in the
 *      registration's skeleton that may be a look-alike agrees with any character: a number of
 *      any script (٣, ২; not ٠ or ০, which the table makes . and O), a character common to all scripts or inherited (ー, ˍ), or a letter of
 *      a script with Latin look-alikes (Latin ꞏ ɑ, Greek, Cyrillic ж, Armenian, Cherokee, Coptic,
 *      Lisu, Tifinagh, Canadian Aboriginal syllabics, and historic scripts: LOOK_ALIKE_CHAR),
 *      when it has no Latin prototype in the table (isWildcard; Cyrillic е is e, and only e). A letter of another
 *      script (Han, kana, Hangul, Arabic, Devanagari, ...) agrees only with itself, so a
 *      Japanese tool name is not taken for `fs.write`. Equal skeletons always collide.
 *   6. Each name has several skeletons (VARIANTS), compared kind with kind: with UTS #39's
 *      prototypes (confusables.ts: Cyrillic е is e, ǁ and ‖ are ll, ʦ is ts, m is rn) and
 *      without (a look-alike the table misses still stands for any character), each with step
 *      3's pairs (`rn`, `vv`, `cl`) and without (Cyrillic г for r: `retuгn` and `return`), and
 *      for a name with one (the registration or the reserved name), each again with the marks
 *      that draw a line or a dot (SEPARATOR_MARKS, and visible spaces) made a separator, and for
 *      one with `$ 5 ! 3 4 @ 7`, or with any character outside ASCII (NFKC and the table make
 *      those of others: ＄, ⁵, Ƽ), the leet skeleton (LEET). Of an ASCII name's, those with pairs
 *      matter (compared with a reserved name's with prototypes and without). A name longer than
 *      MAX_TOOL_NAME_LENGTH (or MAX_TOOL_NAME_NFKC_LENGTH under NFKC) is refused by the
 *      evaluator, not compared.
 * docs/policy.md, "Reserved names", says the same with examples.
 * The price of step 5: a name of those look-alike characters with exactly a reserved name's
 * length and the same ASCII characters in the same places (the others without a Latin
 * prototype) is blocked too, though it may imitate nothing. A false alarm, never a fail-open.
 */

import { CONFUSABLES_PAIRS_JSON } from './confusables.js';
import { ownCopy } from '../envelope/own-copy.js';

// Step 2: invisible or not printable.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u180E\p{C}\p{Z}\p{White_Space}]/gu;
const MARKS = /\p{M}/gu;
const LOOK_ALIKE: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', '|': 'l', i: 'l', rn: 'm', vv: 'w', cl: 'd' };
/**
 * What a reader takes for letters when they stand among letters (found by review: `$hell.exec`,
 * `fs.wr!te`): the `leet` skeleton. Only there: elsewhere `!` is punctuation, a separator.
 */
const LEET: Readonly<Record<string, string>> = { $: 's', '5': 's', '!': 'l', '3': 'e', '4': 'a', '@': 'a', '7': 't' };
const LEET_CHARS = /[$5!34@7]/g;
const HAS_LEET = /[$5!34@7]/;
/**
 * Combining marks that draw a line or a dot where a separator would be (U+0332 low line reads
 * `deploy̲restart` as deploy_restart; U+0323 dot below, `seḷaudit`): one of the compared
 * skeletons makes them a separator instead of removing them (found by review).
 */
const SEPARATOR_MARKS = /[\u0305\u0320\u0323\u0324\u0330-\u0333\u033F\u0347\u0348\u0358\u0359\u035F\p{White_Space}]/gu;
const SEPARATOR_MARK = /[\u0305\u0320\u0323\u0324\u0330-\u0333\u033F\u0347\u0348\u0358\u0359\u035F\p{White_Space}]/u;
/**
 * Longer names are refused, not compared (in UTF-16 code units, as written and after NFKC): a
 * 1 MiB name of U+FDFA made 5 M characters under NFKC and took 8 s, and 1 023 of them still 38 ms
 * (found by review). A tool's name is a few dozen characters.
 */
export const MAX_TOOL_NAME_LENGTH = 128;
export const MAX_TOOL_NAME_NFKC_LENGTH = 256;

/** Too long to compare (MAX_TOOL_NAME_LENGTH): the length that is over, or null. */
export function nameTooLong(name: string): number | null {
  if (name.length > MAX_TOOL_NAME_LENGTH) return name.length;
  // NFKC leaves ASCII as it is.
  if (!NON_ASCII.test(name)) return null;
  const k = name.normalize('NFKC').length;
  return k > MAX_TOOL_NAME_NFKC_LENGTH ? k : null;
}

let confusables: { readonly table: Map<string, string> } | null = null;
/** A character's UTS #39 prototype (confusables.ts, with sel's additions), if it has one. */
export function prototypeOf(c: string): string | undefined {
  return tableOf().get(c);
}
/** The table (confusables.ts, with sel's additions), parsed on first use. */
function tableOf(): Map<string, string> {
  if (confusables === null) {
    const pairs = JSON.parse(CONFUSABLES_PAIRS_JSON) as string[];
    const table = new Map<string, string>();
    for (let i = 0; i < pairs.length; i += 2) table.set(pairs[i]!, pairs[i + 1]!);
    // Look-alikes the table (version 10.0.0) lacks or maps elsewhere, found by review: a Han
    // stroke that reads as l, a Bopomofo letter that reads as a dash (as the table makes 一 and
    // ㅡ), and the Hangul circles, which read as o.
    for (const [c, p] of [['\u4E28', 'l'], ['\u3127', '\u30FC'], ['\u3147', 'o'], ['\u110B', 'o']] as const) table.set(c, p);
    confusables = { table };
  }
  return confusables.table;
}
/**
 * What an ASCII text takes from the table: the entries for ASCII letters, digits and | (a test
 * holds them to the table). ASCII punctuation is a separator whatever it looks like (the table
 * makes % letters). A run whose names are all ASCII never parses the table.
 */
export const ASCII_PROTOTYPES: Readonly<Record<string, string>> = { '0': 'O', '1': 'l', '|': 'l', I: 'l', m: 'rn' };
const ASCII_WITH_PROTOTYPE = /[01|Im]/g;

/** Each character replaced by its UTS #39 prototype. */
function prototypes(s: string): string {
  if (!NON_ASCII.test(s)) return s.replace(ASCII_WITH_PROTOTYPE, (c) => ASCII_PROTOTYPES[c]!);
  const table = tableOf();
  let out = '';
  for (const c of s) out += table.get(c) ?? c;
  return out;
}
const NOT_LETTER_OR_NUMBER = /[^\p{L}\p{N}]+/gu;
const NON_ASCII = /[^\x00-\x7F]/;
/** Step 5: a character outside ASCII that may stand for any one character. */
const LOOK_ALIKE_CHAR = /[\p{N}\p{Script=Common}\p{Script=Inherited}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Armenian}\p{Script=Cherokee}\p{Script=Coptic}\p{Script=Lisu}\p{Script=Tifinagh}\p{Script=Canadian_Aboriginal}\p{Script=Runic}\p{Script=Gothic}\p{Script=Old_Italic}\p{Script=Deseret}\p{Script=Glagolitic}\p{Script=Osage}\p{Script=Old_Permic}\p{Script=Carian}\p{Script=Lycian}\p{Script=Lydian}\p{Script=Old_Hungarian}\p{Script=Elbasan}\p{Script=Caucasian_Albanian}\p{Script=Warang_Citi}]/u;

const ONE_INVISIBLE = new RegExp(INVISIBLE.source, 'u');
const ONE_MARK = /\p{M}/u;
/** Is `c` visible, yet NFKC makes it spaces and combining marks only, which steps 1-2 remove? */
function vanishesUnderNfkc(c: string): boolean {
  const k = c.normalize('NFKC');
  return k !== c && !ONE_INVISIBLE.test(c) && !ONE_MARK.test(c) && k.replace(MARKS, '').replace(INVISIBLE, '') === '';
}

/**
 * The Latin capital an enclosed letter that NFKC leaves a symbol draws (negative circled U+1F150-
 * U+1F169, negative squared U+1F170-U+1F189, regional indicators U+1F1E6-U+1F1FF), or undefined:
 * as symbols they were separators, and `🆂hell.exec` or `shell.ex🇪c` registered past shell.exec,
 * while the squared and circled letters NFKC makes letters (`sh🄴ll.exec`) collided (found by review).
 */
function enclosedLatin(c: string): string | undefined {
  const cp = c.codePointAt(0)!;
  const base = cp >= 0x1f1e6 && cp <= 0x1f1ff ? 0x1f1e6 : cp >= 0x1f170 && cp <= 0x1f189 ? 0x1f170 : cp >= 0x1f150 && cp <= 0x1f169 ? 0x1f150 : -1;
  return base < 0 ? undefined : String.fromCharCode(0x41 + cp - base);
}

/** Which of the skeletons compared (step 5): with UTS #39's prototypes or not, step 3's pairs or not, marks as lines or not. */
export interface Variant {
  readonly prototypes: boolean;
  readonly pairs: boolean;
  readonly lines: boolean;
  readonly leet?: boolean;
}
/**
 * The skeletons a reserved name is compared by, in this order: with prototypes or not, pairs or
 * not, leet or not (and each again with `lines`, skeletonsOfReserved). A registration's are
 * these, each also with `lines` when it has a space or a separator-like mark; leet ones only when
 * it or a reserved name has a leet character; compared kind with kind.
 */
export const VARIANTS: readonly Variant[] = [false, true].flatMap((leet) => [true, false].flatMap((prototypes) => [true, false].map((pairs) => ({ prototypes, pairs, lines: false, leet }))));

/** A skeleton (steps 1 to 4 above), as variant `v` makes it. */
export function skeletonOf(name: string, v: Variant): string {
  return NON_ASCII.test(name) ? unicodeSkeletonOf(name, v) : asciiSkeletonOf(name, v);
}

// What the Unicode classes above hold of ASCII: INVISIBLE the controls and the space (\p{C},
// \p{Z}, White_Space); SEPARATOR_MARKS the white space (TAB to CR, and the space);
// NOT_LETTER_OR_NUMBER all but letters and digits. MARKS holds no ASCII character.
const ASCII_INVISIBLE = /[\x00-\x20\x7f]/g;
const ASCII_WHITE_SPACE = /[\t-\r ]/g;
const ASCII_NOT_LETTER_OR_NUMBER = /[^A-Za-z0-9]+/g;

/**
 * unicodeSkeletonOf for an ASCII name, which NFKC and NFD leave as it is, with the classes'
 * ASCII parts: the same skeleton (a property test compares the two on ASCII text), without
 * normalising, and without compiling the Unicode classes (~13 ms on a run's first name).
 */
function asciiSkeletonOf(name: string, v: Variant): string {
  let s = name;
  if (v.lines) s = s.replace(ASCII_WHITE_SPACE, '.');
  if (v.prototypes) s = prototypes(prototypes(s.replace(ASCII_INVISIBLE, '')).replace(/I/g, 'l').toLowerCase());
  s = s.replace(/I/g, 'l').toLowerCase().replace(ASCII_INVISIBLE, '');
  const single = (v.leet === true ? s.replace(LEET_CHARS, (c) => LEET[c]!) : s).replace(/[01|i]/g, (c) => LOOK_ALIKE[c]!);
  return (v.pairs ? single.replace(/rn|vv|cl/g, (c) => LOOK_ALIKE[c]!) : single).replace(ASCII_NOT_LETTER_OR_NUMBER, '.').replace(/^\.|\.$/g, '');
}

/** skeletonOf for a name with a character outside ASCII (exported for the test that compares it with asciiSkeletonOf). */
export function unicodeSkeletonOf(name: string, v: Variant): string {
  const visible = name.replace(/[^\x00-\x7F]/gu, (c) => enclosedLatin(c) ?? (vanishesUnderNfkc(c) ? '.' : c));
  let s = visible.normalize('NFKC');
  if (v.lines) s = s.normalize('NFD').replace(SEPARATOR_MARKS, '.');
  if (v.prototypes) {
    // UTS #39's prototypes, before and after case folding (the table maps I to l, m to rn, and
    // some lowercase letters to others).
    s = prototypes(s.normalize('NFD').replace(INVISIBLE, '')).normalize('NFD').replace(/I/g, 'l').toLowerCase();
    s = prototypes(s).normalize('NFKC');
  }
  s = s.replace(/I/g, 'l').toLowerCase().normalize('NFD').replace(MARKS, '').replace(INVISIBLE, '');
  const single = (v.leet === true ? s.replace(LEET_CHARS, (c) => LEET[c]!) : s).replace(/[01|i]/g, (c) => LOOK_ALIKE[c]!);
  return (v.pairs ? single.replace(/rn|vv|cl/g, (c) => LOOK_ALIKE[c]!) : single).replace(NOT_LETTER_OR_NUMBER, '.').replace(/^\.|\.$/g, '');
}

/** The skeleton of a tool name (steps 1 to 4 above): the key of a compiled reserved name. */
export function toolNameSkeleton(name: string): string {
  return skeletonOf(name, VARIANTS[0]!);
}

/**
 * A reserved name's skeletons (VARIANTS), then each again with its lines (`lines`: the marks that
 * draw a line and visible spaces made a separator), kept: a policy's list is small, and every
 * registration is compared with it. The lines are read on both sides, as step 6 says ("for a name
 * with one"): a reserved `git push` or `deploy̲restart` was shadowed by `git_push` and
 * `deploy_restart`, whose skeletons kept the separator the reserved one lost (found by review).
 */
const reservedSkeletons = new Map<string, readonly string[]>();
function skeletonsOfReserved(written: string): readonly string[] {
  let k = reservedSkeletons.get(written);
  if (k === undefined) {
    if (reservedSkeletons.size >= 4096) reservedSkeletons.clear();
    k = [...VARIANTS.map((v) => skeletonOf(written, v)), ...VARIANTS.map((v) => skeletonOf(written, { ...v, lines: true }))];
    reservedSkeletons.set(written, k);
  }
  return k;
}

/**
 * The key under which a reserved list (skeleton -> the name as written) takes `name`, or null
 * when the list already compares it: its skeleton, or when another name has that skeleton and
 * other lines or leet skeletons (`GitPush` and `git push` are both gltpush, and only the second
 * reads as git.push), the skeleton and the name, so that both are compared (kept under the
 * skeleton alone, the first in sorted order, `GitPush`, let `git_push` through; found by review).
 * No exact look-up finds such a key: the name's skeleton finds the first.
 */
export function reservedKey(reserved: ReadonlyMap<string, string>, name: string): string | null {
  const n = toolNameSkeleton(name);
  const kept = reserved.get(n);
  if (kept === undefined) return n;
  if (kept === name) return null;
  const a = skeletonsOfReserved(kept);
  const b = skeletonsOfReserved(name);
  if (a.every((x, i) => x === b[i])) return null;
  const k = `${n}\u0000${name}`;
  return reserved.has(k) ? null : k;
}

/** Does `name` have what makes its lines skeletons (a space or a line-drawing mark) or its leet ones (a leet character, or any outside ASCII) differ? */
function kindsOf(name: string): { readonly lines: boolean; readonly leet: boolean } {
  const ascii = !NON_ASCII.test(name);
  return { lines: ascii ? /[\t-\r ]/.test(name) : SEPARATOR_MARK.test(name.normalize('NFD')), leet: !ascii || HAS_LEET.test(name) };
}

/** Whether any name of a reserved list has lines or leet skeletons of its own (kindsOf), per list. */
const reservedKinds = new WeakMap<ReadonlyMap<string, string>, { readonly lines: boolean; readonly leet: boolean }>();
function kindsOfReserved(reserved: ReadonlyMap<string, string>): { readonly lines: boolean; readonly leet: boolean } {
  let k = reservedKinds.get(reserved);
  if (k === undefined) {
    let lines = false;
    let leet = false;
    for (const written of reserved.values()) {
      const w = kindsOf(written);
      lines ||= w.lines;
      leet ||= w.leet;
    }
    reservedKinds.set(reserved, (k = { lines, leet }));
  }
  return k;
}

/** Code points in `s`, counted without making an array of them. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 === s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/** Step 5 on two skeletons: does a registration's collide with a reserved name's? */
export function skeletonsCollide(registration: string, reserved: string): boolean {
  if (registration === reserved) return true;
  if (!NON_ASCII.test(registration) || registration.length > 2 * reserved.length || codePoints(registration) !== codePoints(reserved)) return false;
  const a = [...registration];
  const b = [...reserved];
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !isWildcard(a[i]!)) return false;
  return true;
}

/**
 * Step 5's wildcard: a character outside ASCII of a look-alike script that has no ASCII
 * prototype in the table. One that has one (Cyrillic р is p) stands for that letter only: the
 * skeleton with prototypes compares it as such, and a Cyrillic word is not taken for any reserved
 * name of its length (проверка for fs.write; found by review).
 */
export function isWildcard(c: string): boolean {
  if (!NON_ASCII.test(c) || !LOOK_ALIKE_CHAR.test(c)) return false;
  const p = tableOf().get(c);
  return p === undefined || NON_ASCII.test(p);
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
  // A run sees the same few names registered again and again, and each answer costs several
  // skeletons (NFKC, NFD, the table, ~10 us): kept per reserved list (a compiled policy's),
  // at most COLLISIONS_MAX names each, emptied when full.
  if (name.length > MAX_TOOL_NAME_LENGTH) return collision(name, reserved);
  let known = collisions.get(reserved);
  if (known === undefined) collisions.set(reserved, (known = new Map()));
  const hit = known.get(name);
  if (hit !== undefined) return hit;
  const answer = collision(name, reserved);
  if (known.size >= COLLISIONS_MAX) known.clear();
  known.set(ownCopy(name), answer);
  return answer;
}
const collisions = new WeakMap<ReadonlyMap<string, string>, Map<string, ReservedCollision | null>>();
/** Names kept per reserved list, each at most MAX_TOOL_NAME_LENGTH long. */
const COLLISIONS_MAX = 1024;

function collision(name: string, reserved: ReadonlyMap<string, string>): ReservedCollision | null {
  const skeleton = toolNameSkeleton(name);
  const exact = reserved.get(skeleton);
  if (exact !== undefined) return { name: exact, skeleton, reservedSkeleton: skeleton };
  // An ASCII name has few skeletons that matter (with pairs, with prototypes and without; with
  // lines and leet when it has those): the others only differ outside ASCII, where ASCII
  // skeletons collide only when equal. Each kind is compared with the same kind of each reserved
  // name's: an ASCII name's two with pairs are one text, but a reserved name's are not (its em
  // dash is ー with prototypes and a separator without: compared only with prototypes, a
  // reserved `deploy—restart` let `deploy-restart` through; found by mutation testing).
  const ascii = !NON_ASCII.test(name);
  // Outside ASCII, always leet: NFKC and the table make leet characters of others (a fullwidth
  // ＄, a superscript ⁵, Ƽ whose prototype is 5), and a name's skeletons are read after both.
  const { lines, leet: ownLeet } = kindsOf(name);
  // A reserved name with a leet character ($hell.run) is compared by its leet skeleton too, with
  // the registration's (shell.run's is its own skeleton): kind with kind, on both sides.
  const theirKinds = kindsOfReserved(reserved);
  const leet = ownLeet || theirKinds.leet;
  // Most registrations: an ASCII name with neither, against a list without either, whose one
  // skeleton was looked up above.
  if (ascii && !lines && !leet && !theirKinds.lines) return null;
  const mine: [string, number][] = [];
  VARIANTS.forEach((v, k) => {
    if (v.leet === true && !leet) return;
    if (ascii && !v.pairs) return;
    // VARIANTS[0] is toolNameSkeleton's: made once.
    mine.push([k === 0 ? skeleton : skeletonOf(name, v), k]);
    if (lines) mine.push([skeletonOf(name, { ...v, lines: true }), k]);
  });
  let best: ReservedCollision | null = null;
  let bestKey = '';
  for (const [r, written] of reserved) {
    if (best !== null && r >= bestKey) continue;
    const theirs = skeletonsOfReserved(written);
    const n = VARIANTS.length;
    for (const [v, k] of mine) {
      // The reserved name's skeleton of the kind, and the same with its lines (the same text
      // when it has none).
      const t = skeletonsCollide(v, theirs[k]!) ? theirs[k]! : theirs[n + k] !== theirs[k] && skeletonsCollide(v, theirs[n + k]!) ? theirs[n + k]! : null;
      if (t !== null) {
        [best, bestKey] = [{ name: written, skeleton: v, reservedSkeleton: t }, r];
        break;
      }
    }
  }
  return best;
}
