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
 * SHA-256 (hex) of the line without the member [from, to) and one adjacent comma. Two copies
 * into a reused buffer (TypedArray#set from plain views: Buffer#copy's wrapper was measured
 * ~30% slower, Buffer.concat allocates per event).
 */
export function sha256HexWithout(bytes: Buffer, text: string, from: number, to: number): string {
  if (text.charCodeAt(from - 1) === COMMA) from -= 1;
  else if (text.charCodeAt(to) === COMMA) to += 1;
  const b0 = byteAt(bytes, text, from);
  const b1 = byteAt(bytes, text, to);
  const n = bytes.length - (b1 - b0);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const ab = bytes.buffer;
  const off = bytes.byteOffset;
  scratch.set(new Uint8Array(ab, off, b0), 0);
  scratch.set(new Uint8Array(ab, off + b1, bytes.length - b1), b0);
  return hash('sha256', new Uint8Array(scratch.buffer, 0, n), 'hex');
}

/** SHA-256 (hex) of the line's characters [from, to). */
export function sha256HexOf(bytes: Buffer, text: string, from: number, to: number): string {
  const b0 = byteAt(bytes, text, from);
  const b1 = byteAt(bytes, text, to);
  return hash('sha256', new Uint8Array(bytes.buffer, bytes.byteOffset + b0, b1 - b0), 'hex');
}
