const { performance } = require('node:perf_hooks');
const t = (m) => {
  const s = performance.now();
  require(m);
  return (performance.now() - s).toFixed(1);
};
const order = process.argv.slice(2);
console.log(order.map((m) => `${m.split('/').slice(-1)[0]}=${t(m)}`).join(' '));
