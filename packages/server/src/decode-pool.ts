import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SightlineError } from './errors.js';
import type { Signal } from './otlp-proto.js';
import type { RowBatch } from './rows.js';

interface Pending {
  resolve: (b: RowBatch) => void;
  reject: (e: Error) => void;
  worker: Worker;
}

/**
 * Worker threads that decode + validate large request bodies, so decoding (the main CPU cost of ingest) runs in
 * parallel with appending on the main thread. Only available from the built package (dist/decode-worker.js);
 * elsewhere (e.g. running the TypeScript sources) create() returns undefined and decoding stays inline.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly url: URL,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  static create(size: number): DecodePool | undefined {
    const url = new URL('./decode-worker.js', import.meta.url);
    if (size < 1 || !existsSync(fileURLToPath(url))) return undefined;
    return new DecodePool(url, size);
  }

  private spawn(): Worker {
    const worker = new Worker(this.url);
    worker.unref();
    this.workers.push(worker);
    this.load.set(worker, 0);
    worker.on(
      'message',
      (m: { id: number; batch?: RowBatch; error?: { code: string; message: string; status: number } }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
        if (m.error) p.reject(new SightlineError(m.error.code, m.error.message, m.error.status));
        else p.resolve(m.batch as RowBatch);
      },
    );
    const fail = (err: Error) => {
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(new SightlineError('SIGHTLINE_ERR_INTERNAL', `decode worker failed: ${err.message}`, 500));
      }
      this.workers.splice(this.workers.indexOf(worker), 1);
      this.load.delete(worker);
      if (!this.closed) this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.workers.includes(worker)) fail(new Error(`exited with code ${code}`));
    });
    return worker;
  }

  decode(signal: Signal, body: Buffer, json: boolean, retentionMs: number): Promise<RowBatch> {
    let worker = this.workers[0]!;
    for (const w of this.workers) if ((this.load.get(w) ?? 0) < (this.load.get(worker) ?? 0)) worker = w;
    const id = this.nextId++;
    const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ id, signal, body: copy, json, retentionMs, nowMs: Date.now() }, [copy]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
