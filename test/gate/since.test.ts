/** `--since REF` on a real Git repository: the commit's time, from its second on. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveSince } from '../../src/cli/gate.js';
import { GateCollector, parseSince, type Since } from '../../src/gate/gate.js';
import { commit, git, initRepo } from '../helpers/git.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-since-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--since REF', () => {
  it('counts an event in the commit\'s own second, at its first millisecond too (git records whole seconds), and not one before it', async () => {
    const repo = initRepo(join(tmp, 'repo'));
    commit(repo, 'release');
    const date = git(repo, 'log', '-1', '--format=%cI');
    const second = new Date(Date.parse(date)).toISOString();
    const since = await resolveSince(repo, 'HEAD');
    const id = git(repo, 'rev-parse', 'HEAD').trim();
    // The commit judged is named: a tag moved since names another.
    expect(since).toMatchObject({ kind: 'ts', label: `HEAD (commit ${id.slice(0, 12)}, ${date})` });
    const c = new GateCollector(since);
    const at = (ts: string) => ({ chain: 'c', seq: 0, ts });
    expect(c.inRange(at(second))).toBe(true);
    expect(c.inRange(at(new Date(Date.parse(date) - 1).toISOString()))).toBe(false);
  });
});

// Review: the range starts at the commit's time, which its committer wrote. A tag pushed (or
// moved) onto a side commit dated after the real release hid every divergence between the two
// dates from `sel gate --since TAG --ref main`, and the gate passed.
describe('--since REF not in the history of --ref', () => {
  it('is refused (exit 2 in the CLI), naming both; a ref in that history is taken', async () => {
    const repo = initRepo(join(tmp, 'side'));
    commit(repo, 'release 1.4');
    const release = git(repo, 'rev-parse', 'HEAD');
    commit(repo, 'work');
    git(repo, 'checkout', '-q', '-b', 'side', release);
    commit(repo, 'dated later, off main');
    git(repo, 'tag', 'v1.4.0');
    git(repo, 'checkout', '-q', 'main');
    await expect(resolveSince(repo, 'v1.4.0', 'main')).rejects.toThrow(/^--since v1\.4\.0 \([0-9a-f]{12}\) is not in the history of --ref main \([0-9a-f]{12}\)/);
    await expect(resolveSince(repo, release, 'main')).resolves.toMatchObject({ kind: 'ts' });
    await expect(resolveSince(repo, 'main', 'main')).resolves.toMatchObject({ kind: 'ts' });
    // Judged against --ref, not against what is checked out (from mutation testing).
    git(repo, 'checkout', '-q', 'side');
    await expect(resolveSince(repo, 'v1.4.0', 'main')).rejects.toThrow(/^--since v1\.4\.0 \([0-9a-f]{12}\) is not in the history of --ref main /);
    await expect(resolveSince(repo, 'v1.4.0', 'side')).resolves.toMatchObject({ kind: 'ts' });
  });
});

describe('--since TIME', () => {
  it('counts an event at the time itself, and at a date\'s first instant (from 00:00 UTC), and not one before it', () => {
    // An allowed elevation at 2026-11-05T00:00:00.000Z was left out of --since 2026-11-05, and
    // passed --no-unreviewed-elevation (found by review).
    for (const [text, first] of [['2026-11-05', '2026-11-05T00:00:00.000Z'], ['2026-11-05T12:30:00Z', '2026-11-05T12:30:00.000Z'], ['2026-11-05T13:30:00.250+01:00', '2026-11-05T12:30:00.250Z']] as const) {
      const c = new GateCollector(parseSince(text) as Since);
      const at = (ts: string) => ({ chain: 'c', seq: 0, ts });
      expect(c.inRange(at(first)), text).toBe(true);
      expect(c.inRange(at(new Date(Date.parse(first) + 1).toISOString())), text).toBe(true);
      expect(c.inRange(at(new Date(Date.parse(first) - 1).toISOString())), text).toBe(false);
    }
  });
});

describe('--since TIME finer than a millisecond (from mutation testing)', () => {
  it('rounds down: the event in the millisecond it falls in counts (fail closed), not only those after it', () => {
    const c = new GateCollector(parseSince('2026-11-05T12:30:00.0005Z') as Since);
    const at = (ts: string) => ({ chain: 'c', seq: 0, ts });
    expect(c.inRange(at('2026-11-05T12:30:00.000Z'))).toBe(true);
    expect(c.inRange(at('2026-11-05T12:29:59.999Z'))).toBe(false);
  });
});

describe('--since SEQ (from mutation testing)', () => {
  it('is a seq up to the largest safe integer, and refused past it (it would not compare exactly)', () => {
    expect(parseSince('9007199254740991')).toEqual({ kind: 'seq', seq: 9007199254740991 });
    expect(parseSince('9007199254740992')).toBeNull();
  });
});

// Review: a short commit id of digits only (one in 27 seven-digit ids) reads as a seq, and a tag
// named as a date as that date; a range after a seq past the log holds no event, and every
// assertion but --min-events passes on none. The reading stays (docs/ci.md), and is said.
describe('--since SEQ or TIME that also names a commit', () => {
  it('is read as a seq or a time, and standard error says which commit it also names and how to name it', async () => {
    const repo = initRepo(join(tmp, 'digits'));
    commit(repo, 'release');
    const id = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'tag', '12345');
    git(repo, 'tag', '2026-11-01');
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      expect(await resolveSince(repo, '12345')).toEqual({ kind: 'seq', seq: 12345 });
      expect(await resolveSince(repo, '2026-11-01')).toMatchObject({ kind: 'ts', label: '2026-11-01T00:00:00Z' });
      expect(await resolveSince(repo, '123')).toEqual({ kind: 'seq', seq: 123 });
      expect(await resolveSince(repo, '54321')).toEqual({ kind: 'seq', seq: 54321 });
    } finally {
      spy.mockRestore();
    }
    expect(said).toEqual([
      'sel gate: --since 12345 is read as a seq (events after seq 12345), but it also names a ref; to mean that, give its full ref name or commit id\n',
      `sel gate: --since 2026-11-01 is read as a time, but it also names commit ${id.slice(0, 12)}; to mean that, give its full ref name or commit id\n`,
    ]);
    // The way out it names is taken as the commit.
    expect(await resolveSince(repo, 'refs/tags/12345')).toMatchObject({ kind: 'ts', label: expect.stringContaining(id.slice(0, 12)) });
  });
});

// A tag named by a build number (`42`) names a commit though git reads no commit id that short:
// it was read as seq 42 and nothing was said, as the length of a commit id was checked first
// (from mutation testing).
describe('--since SEQ of fewer than 4 digits that names a tag', () => {
  it('is read as a seq, and standard error says which commit it also names', async () => {
    const repo = initRepo(join(tmp, 'short-tag'));
    commit(repo, 'release');
    const id = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'tag', '42');
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      expect(await resolveSince(repo, '42')).toEqual({ kind: 'seq', seq: 42 });
      expect(await resolveSince(repo, '7')).toEqual({ kind: 'seq', seq: 7 });
    } finally {
      spy.mockRestore();
    }
    expect(said).toEqual([`sel gate: --since 42 is read as a seq (events after seq 42), but it also names commit ${id.slice(0, 12)}; to mean that, give its full ref name or commit id\n`]);
  });
});

// A short id of digits only that abbreviates two commits names none for git: it was read as a
// seq and nothing was said, where one commit so named was (the last session's note).
describe('--since SEQ that abbreviates two commits', () => {
  it('is read as a seq, and standard error names the commits', async () => {
    const repo = initRepo(join(tmp, 'twins'));
    const emptyTree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
    const body = (n: number) => `tree ${emptyTree}\nauthor T <t@example.com> 1700000000 +0000\ncommitter T <t@example.com> 1700000000 +0000\n\nnonce ${n}\n`;
    const id = (n: number) => createHash('sha1').update(`commit ${Buffer.byteLength(body(n))}\0${body(n)}`).digest('hex');
    // Two commits whose ids begin with the same four digits (found in a few hundred tries).
    const seen = new Map<string, number>();
    let pair: [number, number] | undefined;
    for (let n = 0; pair === undefined; n++) {
      const prefix = id(n).slice(0, 4);
      if (!/^[0-9]{4}$/.test(prefix)) continue;
      const other = seen.get(prefix);
      if (other !== undefined) pair = [other, n];
      else seen.set(prefix, n);
    }
    const tree = join(tmp, 'empty-tree');
    writeFileSync(tree, '');
    expect(git(repo, 'hash-object', '-t', 'tree', '-w', tree)).toBe(emptyTree);
    const ids = pair.map((n) => {
      const file = join(tmp, `commit-${n}`);
      writeFileSync(file, body(n));
      return git(repo, 'hash-object', '-t', 'commit', '-w', file);
    });
    expect(ids).toEqual(pair.map(id));
    const prefix = ids[0]!.slice(0, 4);
    // A blob of the same prefix is not a commit, and is not named.
    const blobId = (n: number) => createHash('sha1').update(`blob ${String(n).length}\0${n}`).digest('hex');
    let b = 0;
    while (!blobId(b).startsWith(prefix)) b++;
    const blob = join(tmp, 'blob');
    writeFileSync(blob, String(b));
    expect(git(repo, 'hash-object', '-w', blob)).toBe(blobId(b));
    expect(git(repo, 'rev-parse', `--disambiguate=${prefix}`).split('\n').sort()).toEqual([...ids, blobId(b)].sort());
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      expect(await resolveSince(repo, prefix)).toEqual({ kind: 'seq', seq: Number(prefix) });
    } finally {
      spy.mockRestore();
    }
    const named = [...ids].sort().map((c) => c.slice(0, 12)).join(', ');
    expect(said).toEqual([`sel gate: --since ${prefix} is read as a seq (events after seq ${Number(prefix)}), but it also abbreviates the commits ${named}; to mean one, give its commit id in full\n`]);
  });
});
