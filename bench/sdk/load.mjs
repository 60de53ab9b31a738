#!/usr/bin/env node
// One autocannon run in its own process, with latencies kept at full precision (autocannon's own histogram counts
// whole milliseconds, too coarse for a 2 ms p99). Usage: node load.mjs <url> <seconds> <connections>
// Prints {"rps","total","p50","p99","errors"} as JSON; latencies in ms.
import autocannon from 'autocannon';

const [url, seconds, connections] = process.argv.slice(2);
const latencies = [];
const instance = autocannon({
  url,
  duration: Number(seconds),
  connections: Number(connections),
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode < 400) latencies.push(responseTime);
});
const result = await instance;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({ rps: result.requests.average, total: result.requests.total, p50: at(0.5), p99: at(0.99), errors: result.errors + result.non2xx })}\n`,
);
