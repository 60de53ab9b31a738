// Express 5 hello-world with one pino log line per request (identical for every variant of the benchmark).
const express = require('express');
const pino = require('pino');

const log = pino();
const app = express();
app.get('/hello/:name', (req, res) => {
  log.info({ name: req.params.name }, 'greeting');
  res.send(`hello ${req.params.name}`);
});
app.listen(Number(process.env.PORT), '127.0.0.1');
