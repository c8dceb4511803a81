/**
 * The digests of a line's own bytes (src/envelope/line-digest.ts): the line without one member
 * and one comma beside it, and a range of the line, at UTF-16 offsets into its decoded text.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256HexOf, sha256HexWithout } from '../../src/envelope/line-digest.js';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** sha256HexWithout(line without `member`), the member found in the line's text. */
function without(line: string, member: string): string {
  const at = line.indexOf(member);
  expect(at, member).toBeGreaterThan(0);
  return sha256HexWithout(Buffer.from(line, 'utf8'), line, at, at + member.length);
}

describe('sha256HexWithout', () => {
  it('cuts the member and the comma before it when it is the last, the comma after it otherwise, and no comma when it is the only one (from mutation testing)', () => {
    // The line check never cuts a last member ("v" sorts after "hash"), but the function holds to its word.
    const m = '"hash":"sha256:x"';
    expect(without(`{"a":1,${m}}`, m)).toBe(sha('{"a":1}'));
    expect(without(`{${m},"v":2}`, m)).toBe(sha('{"v":2}'));
    expect(without(`{"a":1,${m},"v":2}`, m)).toBe(sha('{"a":1,"v":2}'));
    expect(without(`{${m}}`, m)).toBe(sha('{}'));
  });
  it('counts UTF-16 offsets as UTF-8 bytes in a line that is not ASCII, before and after the member', () => {
    const m = '"hash":"é"';
    expect(without(`{"a":"😂é",${m},"z":"ü"}`, m)).toBe(sha('{"a":"😂é","z":"ü"}'));
    const line = '{"r":{"ü":1},"s":2}';
    expect(sha256HexOf(Buffer.from(line), line, 5, 12)).toBe(sha('{"ü":1}'));
  });
  it('hashes a line longer than the buffer it reuses, and a short one after it, over their own bytes', () => {
    const m = '"hash":"h"';
    const long = `{"a":"${'x'.repeat(200_000)}",${m},"v":1}`;
    expect(without(long, m)).toBe(sha(`{"a":"${'x'.repeat(200_000)}","v":1}`));
    expect(without(`{"a":2,${m}}`, m)).toBe(sha('{"a":2}'));
  });
});
