/**
 * Logs for the bench's orders section: one chain in order, and the same number of events in
 * the orders that cost the chain check more than reading them did before it was made linear
 * in `--reorder-window` (docs/performance.md, "Adversarial orderings"). Small events (the
 * test helpers' producer, ~430 bytes) and one chain: what is measured is the chain check's
 * judging, not the line check. Written afresh each run (a second or two).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainLines, forgedFor, toLog } from '../test/helpers/chains.js';

export interface OrderLog {
  /** What the order is, in a few words. */
  readonly name: string;
  readonly path: string;
  readonly events: number;
  /** The `--reorder-window` it is checked with. */
  readonly window: number;
  /** The findings a correct check reports, by code. */
  readonly expect: Readonly<Record<string, number>>;
}

/** The logs, `2 * w + 1` events each (the forged order 2w + 2), written under `dir`. */
export function writeOrderLogs(dir: string, w: number): OrderLog[] {
  mkdirSync(dir, { recursive: true });
  const n = 2 * w + 1;
  const lines = chainLines(n + 1, 'orders');
  const logs: OrderLog[] = [];
  const put = (name: string, file: string, order: readonly string[], window: number, expect: Record<string, number>) => {
    const path = join(dir, file);
    writeFileSync(path, toLog(order));
    logs.push({ name, path, events: order.length, window, expect });
  };
  put('in order', 'in-order.jsonl', lines.slice(0, n), w, {});
  // seq w…1 read before seq 0, the rest in order: one SEQ_REORDER.
  put('the first w reversed', 'reversed.jsonl', [...lines.slice(0, w + 1).reverse(), ...lines.slice(w + 1, n)], w, { SEQ_REORDER: 1 });
  // seq 2w-1, 0, 2w-2, 1, …: each early event after one more of the late ones, w SEQ_REORDERs
  // (each stretch of the run sliced and scanned again was quadratic).
  const nested: string[] = [];
  for (let k = 0; k < w; k++) nested.push(lines[2 * w - 1 - k]!, lines[k]!);
  nested.push(lines[2 * w]!);
  put('nested (2w-1, 0, 2w-2, 1, …)', 'nested.jsonl', nested, w, { SEQ_REORDER: w });
  // seq 5 deleted, forged seq 7…w+6 read before the real ones: each real one the lead of a
  // run, and every waiting forgery counted again for each was quadratic.
  const k = 5;
  const forgedFirst = [...lines.slice(0, k), lines[k + 1]!];
  for (let s = k + 2; s <= k + w + 1; s++) forgedFirst.push(forgedFor(lines[s]!));
  forgedFirst.push(...lines.slice(k + 2, n + 1));
  put('forged events read before the real ones', 'forged-first.jsonl', forgedFirst, w + 1, { SEQ_GAP: 1, CHAIN_FORK: w });
  return logs;
}
