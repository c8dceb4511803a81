/**
 * The two digests a line check computes over the line's own bytes, shared by both tiers of
 * the check (fast.ts and check.ts). Since a checked line is canonical, its bytes without the
 * top-level `hash` member are JCS(event without "hash"), and the request's bytes are
 * JCS(request): nothing is re-serialised, and the bytes hashed are the bytes read.
 * Positions are UTF-16 offsets into `text`, the line decoded (`bytes` is its UTF-8 form).
 */
import { hash } from 'node:crypto';

const COMMA = 0x2c;

/** Byte offset of UTF-16 offset `k` in `text` (the same when the line is ASCII). */
function byteAt(bytes: Buffer, text: string, k: number): number {
  return bytes.length === text.length ? k : Buffer.byteLength(text.slice(0, k));
}

let scratch = new Uint8Array(64 * 1024);

/**
 * SHA-256 (hex) of the line without the member at bytes [from, to) and one adjacent comma.
 * Two copies into a reused buffer (TypedArray#set from plain views: Buffer#copy's wrapper was
 * measured ~30% slower, Buffer.concat allocates per event).
 */
export function sha256HexWithoutBytes(bytes: Uint8Array, from: number, to: number): string {
  if (bytes[from - 1] === COMMA) from -= 1;
  else if (bytes[to] === COMMA) to += 1;
  const n = bytes.length - (to - from);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const ab = bytes.buffer;
  const off = bytes.byteOffset;
  scratch.set(new Uint8Array(ab, off, from), 0);
  scratch.set(new Uint8Array(ab, off + to, bytes.length - to), from);
  return hash('sha256', new Uint8Array(scratch.buffer, 0, n), 'hex');
}

/** SHA-256 (hex) of the line's bytes [from, to). */
export function sha256HexOfBytes(bytes: Uint8Array, from: number, to: number): string {
  return hash('sha256', new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from), 'hex');
}

/** sha256HexWithoutBytes, for the member at characters [from, to) of `text`. */
export function sha256HexWithout(bytes: Buffer, text: string, from: number, to: number): string {
  return sha256HexWithoutBytes(bytes, byteAt(bytes, text, from), byteAt(bytes, text, to));
}

/** sha256HexOfBytes, for the characters [from, to) of `text`. */
export function sha256HexOf(bytes: Buffer, text: string, from: number, to: number): string {
  return sha256HexOfBytes(bytes, byteAt(bytes, text, from), byteAt(bytes, text, to));
}
