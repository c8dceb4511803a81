/**
 * Takes a `sel.shard/9` result apart and puts it back together, with its trailer's row count
 * and digest made to match again: what a test needs to hand the merge a result that is
 * damaged in one precise way, past the digest (which proves a result whole, not honest).
 */
import { createHash } from 'node:crypto';

export interface ShardBlock {
  meta: Record<string, unknown>;
  columns: Buffer;
}

export interface ShardParts {
  header: string;
  blocks: ShardBlock[];
  trailer: ['end', { rows: number; digest: string; files: unknown[] }];
}

export function splitShard(file: Buffer): ShardParts {
  const headerEnd = file.indexOf(0x0a) + 1;
  const trailerStart = file.lastIndexOf(0x0a, file.length - 2) + 1;
  const blocks: ShardBlock[] = [];
  for (let at = headerEnd; at < trailerStart;) {
    if (file.toString('latin1', at, at + 4) !== 'SELU') throw new Error(`no block at ${at}`);
    const metaBytes = file.readUInt32LE(at + 4);
    const columnBytes = file.readUInt32LE(at + 8);
    const meta = JSON.parse(file.toString('utf8', at + 12, at + 12 + metaBytes)) as Record<string, unknown>;
    blocks.push({ meta, columns: Buffer.from(file.subarray(at + 12 + metaBytes, at + 12 + metaBytes + columnBytes)) });
    at += 12 + metaBytes + columnBytes + 1;
  }
  return {
    header: file.toString('utf8', 0, headerEnd - 1),
    blocks,
    trailer: JSON.parse(file.toString('utf8', trailerStart, file.length - 1)) as ShardParts['trailer'],
  };
}

/** The file for `parts`: blocks encoded as sel writes them, the trailer resealed. */
export function joinShard(parts: ShardParts, opts: { rawMeta?: (i: number, json: Buffer) => Buffer } = {}): Buffer {
  const chunks: Buffer[] = [Buffer.from(`${parts.header}\n`)];
  let rows = 0;
  parts.blocks.forEach((b, i) => {
    const json = opts.rawMeta?.(i, Buffer.from(JSON.stringify(b.meta))) ?? Buffer.from(JSON.stringify(b.meta));
    const prefix = Buffer.alloc(12);
    prefix.write('SELU', 0, 'latin1');
    prefix.writeUInt32LE(json.length, 4);
    prefix.writeUInt32LE(b.columns.length, 8);
    chunks.push(prefix, json, b.columns, Buffer.from('\n'));
    // A damaged meta may hold anything as n (an object whose toString is not a function made
    // Number() throw, in the fuzz run); the merge refuses such a block whatever the trailer says.
    const n = b.meta['n'];
    rows += typeof n === 'number' ? n : 0;
  });
  const body = Buffer.concat(chunks);
  const trailer: ShardParts['trailer'] = ['end', { ...parts.trailer[1], rows, digest: `sha256:${createHash('sha256').update(body).digest('hex')}` }];
  return Buffer.concat([body, Buffer.from(`${JSON.stringify(trailer)}\n`)]);
}

/** Where each column of a block starts (as src/verify/worker-protocol.ts lays them out). */
export function columnsAt(n: number) {
  return { seqs: 0, lineNos: 8 * n, chainIdx: 12 * n, lens: 16 * n, kinds: 28 * n, replay: 29 * n, text: 30 * n };
}
