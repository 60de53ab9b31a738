// Separate load-generator process: POSTs OTLP/HTTP protobuf batches to a running server as fast as it acknowledges them.
// argv: <otlpHttpUrl> <traces|logs> <batches> <concurrency> <worker>
// Batches are made from a few templates with the batch number patched into every trace/span id, so every span and log
// is distinct without paying the encoding cost during the run. Prints one JSON line with the result.
import { Agent, request } from 'node:http';
import { logBatch, spanBatch } from './payloads.mjs';

const [url, signal, batchesArg, concurrencyArg, workerArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const concurrency = Number(concurrencyArg);
const worker = Number(workerArg);
const MARKER = 0xa1b2c3d4e5f6;
const markerBytes = Buffer.from(MARKER.toString(16).padStart(12, '0'), 'hex');

function template(offsetMs) {
  const bytes = Buffer.from((signal === 'traces' ? spanBatch : logBatch)(worker, MARKER, Date.now() - offsetMs));
  const offsets = [];
  for (let i = bytes.indexOf(markerBytes); i !== -1; i = bytes.indexOf(markerBytes, i + 1)) offsets.push(i);
  return { bytes, offsets };
}
const templates = Array.from({ length: 8 }, (_, j) => template(j * 7 * 60_000));

function batchBody(b) {
  const t = templates[b % templates.length];
  const body = Buffer.from(t.bytes);
  const id = Buffer.from(b.toString(16).padStart(12, '0'), 'hex');
  for (const o of t.offsets) id.copy(body, o);
  return body;
}

const target = new URL(`/v1/${signal}`, url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const post = (body) =>
  new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

let next = 0;
let acked = 0;
let retried = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < batches) {
      const b = next++;
      const body = batchBody(b);
      for (;;) {
        const status = await post(body);
        if (status === 200) break;
        if (status !== 429 && status !== 503) throw new Error(`batch ${b}: HTTP ${status}`);
        retried++;
        await new Promise((r) => setTimeout(r, 50));
      }
      acked += 1000;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ signal, acked, seconds, perSecond: acked / seconds, retried })}\n`);
