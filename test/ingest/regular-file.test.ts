/**
 * readRegularFile: a file of a policy directory or a ledger, checked on the descriptor it is
 * read from. Checked by name and then read by name, an entry swapped for a named pipe in
 * between made the read wait for a writer for ever.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegularFile } from '../../src/ingest/regular-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-regular-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file whole, up to its limit; one byte more is too large and not read', async () => {
    writeFileSync(join(tmp, 'at'), 'x'.repeat(10));
    writeFileSync(join(tmp, 'over'), 'x'.repeat(11));
    writeFileSync(join(tmp, 'empty'), '');
    expect(await readRegularFile(join(tmp, 'at'), 10)).toEqual({ kind: 'file', bytes: Buffer.from('x'.repeat(10)) });
    expect(await readRegularFile(join(tmp, 'over'), 10)).toEqual({ kind: 'too large', size: 11 });
    expect(await readRegularFile(join(tmp, 'empty'), 10)).toEqual({ kind: 'file', bytes: Buffer.alloc(0) });
  });

  it('opens a named pipe no process writes without waiting, and refuses it, as it does a directory', async () => {
    // Opened by name without O_NONBLOCK, this waited for a writer for ever (the test's timeout).
    execFileSync('mkfifo', [join(tmp, 'pipe')]);
    mkdirSync(join(tmp, 'dir'));
    expect(await readRegularFile(join(tmp, 'pipe'), 10)).toEqual({ kind: 'special file' });
    expect(await readRegularFile(join(tmp, 'dir'), 10)).toEqual({ kind: 'special file' });
  });

  it('does not follow a symbolic link, to a file or to nothing', async () => {
    writeFileSync(join(tmp, 'target'), '{}');
    symlinkSync(join(tmp, 'target'), join(tmp, 'link'));
    symlinkSync(join(tmp, 'nowhere'), join(tmp, 'dangling'));
    expect(await readRegularFile(join(tmp, 'link'), 10)).toEqual({ kind: 'symbolic link' });
    expect(await readRegularFile(join(tmp, 'dangling'), 10)).toEqual({ kind: 'symbolic link' });
  });

  it('reads to the end of a file that holds more than its size says (grown since it was looked at), not to that size', async () => {
    // /proc files say size 0 and hold text: the case of a file that grew after fstat.
    const want = readFileSync('/proc/self/mountinfo');
    expect(want.length).toBeGreaterThan(64);
    const got = await readRegularFile('/proc/self/mountinfo', 1 << 20);
    expect(got.kind).toBe('file');
    if (got.kind === 'file') expect(got.bytes.length).toBeGreaterThan(64);
    expect(await readRegularFile('/proc/self/mountinfo', 16)).toEqual({ kind: 'too large', size: 17 });
  });

  it('throws what the system says of a file it cannot open', async () => {
    await expect(readRegularFile(join(tmp, 'missing'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
