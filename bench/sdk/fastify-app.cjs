// Fastify 5 hello-world with one pino log line per request (identical for every variant of the benchmark).
const fastify = require('fastify');
const pino = require('pino');

const log = pino();
const app = fastify();
app.get('/hello/:name', async (request) => {
  log.info({ name: request.params.name }, 'greeting');
  return `hello ${request.params.name}`;
});
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
