const Module = require('node:module');
const orig = Module._load;
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
let depth = 0;
const rows = [];
Module._load = function (request, parent, isMain) {
  const s = performance.now();
  depth++;
  try {
    return orig.apply(this, arguments);
  } finally {
    depth--;
    const d = performance.now() - s;
    if (d > 2) rows.push([depth, d.toFixed(1), request, (s - t0).toFixed(0)]);
  }
};
setTimeout(() => {
  for (const r of rows.filter((r) => r[0] <= Number(process.env.DEPTH || 3)))
    process._rawDebug('  '.repeat(r[0]) + r[1] + ' ms ' + r[2] + ' @' + r[3]);
}, 1500).unref();
