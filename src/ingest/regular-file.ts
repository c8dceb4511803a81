/**
 * Reads a small file of a directory sel walks (a policy directory, a ledger) by what its
 * descriptor is, not by what its name was a moment before. Checked by name (lstat) and then
 * read by name, an entry replaced in between by a named pipe made the read wait for a writer
 * for ever, and one replaced by a symbolic link was followed. Opened without following a link
 * and without waiting, then checked on the descriptor, the entry read is the one checked.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { errnoCode } from '../errors.js';

export type RegularRead =
  | { readonly kind: 'file'; readonly bytes: Buffer }
  | { readonly kind: 'symbolic link' | 'special file' }
  | { readonly kind: 'too large'; readonly size: number };

/** The bytes of the regular file at `path`, or why it is none; larger than `maxBytes` is not read. I/O errors are thrown. */
export async function readRegularFile(path: string, maxBytes: number): Promise<RegularRead> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    // O_NOFOLLOW on a symbolic link: ELOOP (Linux, the BSDs: EMLINK on some).
    if (errnoCode(e) === 'ELOOP' || errnoCode(e) === 'EMLINK') return { kind: 'symbolic link' };
    // A socket cannot be opened at all; a device may refuse (ENXIO).
    if (errnoCode(e) === 'ENXIO' || errnoCode(e) === 'EOPNOTSUPP') return { kind: 'special file' };
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'special file' };
    if (st.size > maxBytes) return { kind: 'too large', size: st.size };
    // Read to its end, not to the size taken: a file that grew since is not cut short. Never
    // more than one byte past the limit.
    const cap = maxBytes + 1;
    let buf = Buffer.alloc(Math.min(st.size + 1, cap));
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got === cap) return { kind: 'too large', size: Math.max(got, (await fh.stat()).size) };
        const more = Buffer.alloc(Math.min(buf.length * 2, cap));
        buf.copy(more);
        buf = more;
      }
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { kind: 'file', bytes: buf.subarray(0, got) };
  } finally {
    await fh.close();
  }
}
