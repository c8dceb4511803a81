/**
 * A line-check worker (`--jobs N`): runs processBatch (batch.ts) over the batches the main
 * thread sends and returns the records. The chain check stays on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchContext, processBatch } from './batch.js';
import type { BatchRequest, WorkerInit } from './worker-protocol.js';

const ctx = batchContext(workerData as WorkerInit);

parentPort!.on('message', (req: BatchRequest) => {
  // The batch's buffer goes back with the results, for the main thread to fill again.
  const result = { ...processBatch(req, ctx), buf: req.buf };
  parentPort!.postMessage(result, [result.kinds.buffer, result.seqs.buffer, result.replay.buffer, req.buf] as ArrayBuffer[]);
});
