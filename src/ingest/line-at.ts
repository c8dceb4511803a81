/**
 * One line of a log file, read again by its number: what `sel explain` shows of a line that
 * never became an intact event (a damaged line keeps no bytes on the verification path, which
 * must stay flat in memory and fast). Lines are counted as the verifier counts them: from 1,
 * separated by LF.
 */
import { open } from 'node:fs/promises';

export interface LineText {
  /** The line's first bytes (at most the limit, cut on a character boundary), as UTF-8. */
  readonly text: string;
  /** The whole line's length in bytes, without its LF. */
  readonly bytes: number;
  /** Only the first part of the line is in `text`. */
  readonly truncated: boolean;
}

const CHUNK_BYTES = 1 << 20;
const LF = 0x0a;

/**
 * Line `lineNo` (from 1) of the file at `path`, its first `maxBytes` bytes kept; null when the
 * file has fewer lines. Reads the file up to the line's end; I/O errors are thrown.
 */
export async function readLineAt(path: string, lineNo: number, maxBytes = 4096): Promise<LineText | null> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    // Up to 3 bytes past the limit: enough to see where the character at the cut ends.
    const kept = Buffer.allocUnsafe(maxBytes + 3);
    let keptBytes = 0;
    let line = 1;
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const filled = buf.subarray(0, bytesRead); // so the LF search never looks at stale bytes
      let s = 0;
      while (s < bytesRead) {
        const lf = filled.indexOf(LF, s);
        const e = lf < 0 ? bytesRead : lf;
        if (line === lineNo) {
          const take = Math.min(e - s, kept.length - keptBytes);
          buf.copy(kept, keptBytes, s, s + take);
          keptBytes += take;
          bytes += e - s;
          if (lf >= 0) return lineText(kept, keptBytes, bytes, maxBytes);
        }
        if (lf < 0) break;
        line++;
        s = lf + 1;
      }
    }
    // A last line without LF; or the file ended before the line (an LF ends the last line).
    return line === lineNo && bytes > 0 ? lineText(kept, keptBytes, bytes, maxBytes) : null;
  } finally {
    await fh.close();
  }
}

function lineText(kept: Buffer, keptBytes: number, bytes: number, maxBytes: number): LineText {
  if (bytes <= maxBytes) return { text: kept.toString('utf8', 0, bytes), bytes, truncated: false };
  // Cut before the character that would not fit whole: back over UTF-8 continuation bytes.
  let cut = Math.min(maxBytes, keptBytes);
  while (cut > 0 && (kept[cut]! & 0xc0) === 0x80) cut--;
  return { text: kept.toString('utf8', 0, cut), bytes, truncated: true };
}
