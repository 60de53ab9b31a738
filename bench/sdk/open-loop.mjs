#!/usr/bin/env node
// Open-loop load at a fixed request rate, spread evenly over each millisecond (autocannon's rate limit sends each
// connection's share in bursts, which measures burst queueing rather than the cost per request). Latency counts from
// the moment a request was due, so a server that falls behind is charged for the wait (no coordinated omission).
// Usage: node open-loop.mjs <url> <seconds> <rate> [maxSockets]. Prints {"rps","p50","p99","errors"}; latency in ms.
import http from 'node:http';

const [url, seconds, rateArg, socketsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(socketsArg ?? 50) });
const latencies = [];
let errors = 0;
let sent = 0;
let done = 0;
const t0 = performance.now();
const end = t0 + Number(seconds) * 1000;

function send(due) {
  const req = http.get(url, { agent }, (res) => {
    res.resume();
    res.on('end', () => {
      done++;
      if (res.statusCode >= 400) errors++;
      else latencies.push(performance.now() - due);
    });
  });
  req.on('error', () => {
    done++;
    errors++;
  });
}

await new Promise((resolve) => {
  const tick = setInterval(() => {
    const now = performance.now();
    const due = Math.floor(((Math.min(now, end) - t0) / 1000) * rate);
    for (; sent < due; sent++) send(t0 + (sent / rate) * 1000);
    if (now >= end) {
      clearInterval(tick);
      resolve();
    }
  }, 1);
});
// Let the requests in flight finish (bounded: a stuck server must not hang the benchmark).
const drainUntil = performance.now() + 10_000;
while (done < sent && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
errors += sent - done;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const elapsed = (end - t0) / 1000;
process.stdout.write(`${JSON.stringify({ rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors })}\n`);
