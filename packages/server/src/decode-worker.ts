import { parentPort } from 'node:worker_threads';
import { SightlineError } from './errors.js';
import type { Signal } from './otlp-proto.js';
import { decodeToRows } from './request-rows.js';

/** Worker thread of DecodePool: decodes and validates request bodies off the main thread. */
interface Job {
  id: number;
  signal: Signal;
  body: ArrayBuffer;
  json: boolean;
  retentionMs: number;
  nowMs: number;
}

parentPort?.on('message', (job: Job) => {
  try {
    const batch = decodeToRows(job.signal, Buffer.from(job.body), job.json, job.retentionMs, job.nowMs);
    parentPort?.postMessage({ id: job.id, batch });
  } catch (e) {
    const err =
      e instanceof SightlineError ? e : new SightlineError('SIGHTLINE_ERR_INTERNAL', (e as Error).message, 500);
    parentPort?.postMessage({ id: job.id, error: { code: err.code, message: err.message, status: err.status } });
  }
});
