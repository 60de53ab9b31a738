// The ES module twin of fastify-app.cjs (bench:sdk:startup): Fastify 5 hello-world with one pino line per request.
import fastify from 'fastify';
import pino from 'pino';

const log = pino();
const app = fastify();
app.get('/hello/:name', async (request) => {
  log.info({ name: request.params.name }, 'greeting');
  return `hello ${request.params.name}`;
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
