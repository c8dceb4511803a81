/**
 * Lines of a log file, read again by their numbers: what `sel explain` shows of lines that
 * never became intact events (the verification path keeps no bytes of a damaged line: it must
 * stay flat in memory and fast). Lines are counted as the verifier counts them: from 1,
 * separated by LF. All the lines asked for come from one pass over the file.
 */
import { open } from 'node:fs/promises';

export interface LineText {
  /** The line's first bytes (at most `showBytes`, cut before a character that would not fit), as UTF-8. */
  readonly text: string;
  /** The whole line's length in bytes, without its LF. */
  readonly bytes: number;
  /** How many of its bytes `text` shows (less than `bytes` when the line was cut). */
  readonly shownBytes: number;
  /** Only the first part of the line is in `text`. */
  readonly truncated: boolean;
  /** The whole line as UTF-8 when it has at most `keepBytes` bytes (to read its members), else null. */
  readonly whole: string | null;
}

const CHUNK_BYTES = 1 << 20;
const LF = 0x0a;

/**
 * Lines `lineNos` (from 1) of the file at `path`, by number; a number past the file's last
 * line has no entry. Keeps at most `keepBytes` of each (and never less than `showBytes`).
 * Reads the file up to the last line asked for; I/O errors are thrown.
 */
export async function readLinesAt(path: string, lineNos: readonly number[], showBytes = 4096, keepBytes = showBytes): Promise<Map<number, LineText>> {
  const out = new Map<number, LineText>();
  const wanted = new Set(lineNos);
  if (wanted.size === 0) return out;
  let last = 0;
  for (const n of wanted) if (n > last) last = n;
  const keep = Math.max(showBytes, keepBytes);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let kept: Buffer | null = null;
    let keptBytes = 0;
    let bytes = 0;
    let line = 1;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const filled = buf.subarray(0, bytesRead); // so the LF search never looks at stale bytes
      let s = 0;
      while (s < bytesRead) {
        const lf = filled.indexOf(LF, s);
        const e = lf < 0 ? bytesRead : lf;
        if (wanted.has(line)) {
          // A cut looks back from itself for the character it would split (charCut): no byte
          // past what is kept is needed.
          kept ??= Buffer.allocUnsafe(keep);
          const take = Math.min(e - s, kept.length - keptBytes);
          buf.copy(kept, keptBytes, s, s + take);
          keptBytes += take;
          bytes += e - s;
        }
        if (lf < 0) break;
        if (kept !== null) out.set(line, lineText(kept, keptBytes, bytes, showBytes, keepBytes));
        if (line === last) return out;
        kept = null;
        keptBytes = 0;
        bytes = 0;
        line++;
        s = lf + 1;
      }
    }
    // A last line without LF (an LF ends the last line: no line follows it).
    if (kept !== null && bytes > 0) out.set(line, lineText(kept, keptBytes, bytes, showBytes, keepBytes));
    return out;
  } finally {
    await fh.close();
  }
}

/** Line `lineNo` alone (readLinesAt), or null when the file has fewer lines. */
export async function readLineAt(path: string, lineNo: number, showBytes = 4096, keepBytes = showBytes): Promise<LineText | null> {
  return (await readLinesAt(path, [lineNo], showBytes, keepBytes)).get(lineNo) ?? null;
}

function lineText(kept: Buffer, keptBytes: number, bytes: number, showBytes: number, keepBytes: number): LineText {
  const whole = bytes <= keepBytes ? kept.toString('utf8', 0, bytes) : null;
  if (bytes <= showBytes) return { text: whole ?? kept.toString('utf8', 0, bytes), bytes, shownBytes: bytes, truncated: false, whole };
  const cut = charCut(kept, Math.min(showBytes, keptBytes));
  return { text: kept.toString('utf8', 0, cut), bytes, shownBytes: cut, truncated: true, whole };
}

/**
 * Where to cut `b` at most `at` bytes in so that no UTF-8 character is split: before the
 * character the cut would split, found from its lead byte within the 3 bytes before the cut.
 * Bytes that are not UTF-8 are cut where they are.
 */
function charCut(b: Buffer, at: number): number {
  for (let k = 1; k <= 3 && at - k >= 0; k++) {
    const lead = b[at - k]!;
    if ((lead & 0xc0) === 0x80) continue; // a continuation byte: the lead is further back
    const len = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
    return len > k ? at - k : at;
  }
  return at;
}
