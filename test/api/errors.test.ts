/**
 * The operator's errors (src/errors.ts): OperatorError, and the one-sentence description of a
 * system error that the CLI prints after "cannot read X: ". Real errors from the file system
 * where a test can make one; the others (a full disk, a quota, an I/O error, too many open
 * files) as Node.js makes them, an Error with a `code`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/index.js';
import { describeIoError, errnoCode } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The error reading `path` throws. */
function readError(path: string): unknown {
  try {
    readFileSync(path);
  } catch (e) {
    return e;
  }
  throw new Error(`${path} was read`);
}

const coded = (code: unknown, extra: object = {}): Error => Object.assign(new Error(`${String(code)}: the system's own words`), { code, ...extra });

describe('OperatorError', () => {
  it('is an Error named OperatorError whose message is the sentence given', () => {
    const e = new OperatorError('the file is missing');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message]).toEqual(['OperatorError', 'the file is missing']);
  });
});

describe('describeIoError', () => {
  it('describes the errors the file system gives, in a few words without the path or a stack (from mutation testing)', () => {
    writeFileSync(join(tmp, 'file'), 'x');
    mkdirSync(join(tmp, 'dir'));
    symlinkSync(join(tmp, 'loop'), join(tmp, 'loop'));
    const cases: [string, string][] = [
      [join(tmp, 'absent'), 'it does not exist'],
      [join(tmp, 'dir'), 'it is a directory'],
      [join(tmp, 'file', 'x'), 'a part of the path is not a directory'],
      [join(tmp, 'loop'), 'too many levels of symbolic links'],
      [join(tmp, 'x'.repeat(300)), 'its name is too long'],
    ];
    for (const [path, words] of cases) expect(describeIoError(readError(path)), path).toBe(words);
  });
  it('tells a name with U+FFFD in it, which a name that is not UTF-8 becomes, from one that does not exist', () => {
    expect(describeIoError(readError(join(tmp, 'caf\uFFFD.jsonl')))).toMatch(/^it does not exist under this name, which holds U\+FFFD: /);
    expect(describeIoError(coded('ENOENT', { path: 42 }))).toBe('it does not exist');
  });
  it('describes each other system error it knows by its code, and any other error by its message alone (from mutation testing)', () => {
    const words: [string, string][] = [
      ['EACCES', 'permission denied'], ['EPERM', 'permission denied'], ['EIO', 'an I/O error occurred'],
      ['EMFILE', 'too many open files'], ['ENFILE', 'too many open files'], ['ENOSPC', 'no space left on the device'],
      ['EDQUOT', 'the disk quota is exceeded'], ['EFBIG', 'the file would grow past the largest size allowed (by the file system, or by ulimit -f)'],
    ];
    for (const [code, text] of words) expect(describeIoError(coded(code)), code).toBe(text);
    // Not "Error: ...": the message, as the sentence it ends.
    expect(describeIoError(coded('EXDEV'))).toBe("EXDEV: the system's own words");
    expect(describeIoError(coded(13))).toBe("13: the system's own words");
    expect(describeIoError('a string thrown')).toBe('a string thrown');
    expect(describeIoError(null)).toBe('null');
  });
  it('errnoCode is the code of a system error, and nothing for a value without a string code', () => {
    expect(errnoCode(readError(join(tmp, 'absent')))).toBe('ENOENT');
    for (const v of [null, undefined, 'ENOENT', 5, coded(13), coded(undefined), {}]) expect(errnoCode(v), String(v)).toBeUndefined();
    expect(errnoCode({ code: 'EIO' })).toBe('EIO');
  });
});
