/**
 * `sightline demo`: the embedded backend and UI, three instrumented services (`api`, `inventory`, `worker`)
 * and a traffic generator, stopped cleanly (services flushed first, backend last) on Ctrl-C, SIGTERM or
 * after --duration.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, findUiDir, resolveRegisterUrl, startBackend } from './backend.js';
import { printBanner, printStopSummary } from './demo-banner.js';
import { type DemoOptions, LOCAL_POSTGRES_URL, LOCAL_RABBITMQ_URL } from './demo-options.js';
import { choosePorts } from './ports.js';
import { isTcpReachable } from './reachability.js';
import { waitForServices } from './readiness.js';
import { type ServiceProcess, startServiceProcess } from './service-process.js';
import { startTraffic, type TrafficGenerator } from './traffic-generator.js';

const HOST = '127.0.0.1';
export const DEMO_SERVICES = ['api', 'inventory', 'worker'] as const;
const READY_TIMEOUT_MS = 60_000;

/** `auto` → the local service's URL when its port answers, `memory` → none, a URL → itself. */
async function resolveExternal(choice: string, url: string, port: number): Promise<string | undefined> {
  if (choice === 'memory') return undefined;
  if (choice !== 'auto') return choice;
  return (await isTcpReachable(HOST, port)) ? url : undefined;
}

const serviceScript = (name: string) => fileURLToPath(new URL(`./services/${name}.cjs`, import.meta.url));

/** Runs the demo until it is stopped; resolves with the process exit code (0 after a clean stop). */
export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<number> {
  // Ports first: a taken explicit port is a usage error the user should see before anything starts.
  const { ports, notes } = await choosePorts(HOST, options.ports);
  const registerUrl = resolveRegisterUrl();
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sightline-demo-'));
  const logDir = join(dataDir, 'service-logs');
  mkdirSync(logDir, { recursive: true });

  let requestStop: (exitCode: number) => void = () => {};
  const stopRequested = new Promise<number>((resolve) => {
    requestStop = resolve;
  });
  let stopping = false;
  const services: ServiceProcess[] = [];
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      print(`${signal} received: stopping the traffic, the services (flushing their telemetry), then the backend…`);
      requestStop(0);
    } else {
      print(`${signal} again: stopping immediately`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let backend: Backend | undefined;
  let traffic: TrafficGenerator | undefined;
  let exitCode = 0;
  try {
    for (const note of notes) print(note);
    const uiDir = findUiDir();
    backend = await startBackend({ dataDir, host: HOST, ...ports, uiDir });

    const [databaseUrl, queueUrl] = await Promise.all([
      resolveExternal(options.database, LOCAL_POSTGRES_URL, 5432),
      resolveExternal(options.queue, LOCAL_RABBITMQ_URL, 5672),
    ]);
    const queueName = `sightline-demo.jobs.${process.pid}.${Date.now().toString(36)}`;
    const otlpEnv = {
      OTEL_EXPORTER_OTLP_ENDPOINT: backend.otlpGrpcUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=sightline-demo,deployment.environment.name=demo',
      // Short export delays so the UI fills within seconds of a request.
      OTEL_BSP_SCHEDULE_DELAY: '500',
      OTEL_BLRP_SCHEDULE_DELAY: '500',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      NODE_ENV: 'development',
    };
    const start = (name: string, env: Record<string, string>) =>
      startServiceProcess({
        name,
        script: serviceScript(name),
        registerUrl,
        env: { ...otlpEnv, OTEL_SERVICE_NAME: name, ...env },
        logFile: join(logDir, `${name}.log`),
        onUnexpectedExit: (code, signal) => {
          if (stopping) return;
          print(`${name} exited unexpectedly (code ${code}, signal ${signal}); stopping the demo`);
          requestStop(1);
        },
      }).then((service) => {
        services.push(service);
        return service;
      });

    // allSettled: when one fails, the other is still tracked in `services` and stopped with the rest.
    const [inventory, worker] = (
      await Promise.allSettled([
        start('inventory', databaseUrl ? { DEMO_DATABASE_URL: databaseUrl } : {}),
        start('worker', { DEMO_QUEUE_NAME: queueName, ...(queueUrl ? { DEMO_QUEUE_URL: queueUrl } : {}) }),
      ])
    ).map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }) as [ServiceProcess, ServiceProcess];
    const rabbit = worker.details.queue === 'rabbitmq';
    const api = await start('api', {
      DEMO_INVENTORY_URL: inventory.url,
      DEMO_QUEUE_TRANSPORT: rabbit ? 'rabbitmq' : 'memory',
      DEMO_QUEUE_URL: rabbit && queueUrl ? queueUrl : worker.url,
      DEMO_QUEUE_NAME: queueName,
    });

    printBanner(print, {
      backend,
      services: [api, inventory, worker],
      dataDir,
      temporary,
      rate: options.rate,
      ui: !!uiDir,
    });
    traffic = startTraffic(api.url, options.rate);
    const durationTimer =
      options.durationS === undefined ? undefined : setTimeout(() => requestStop(0), options.durationS * 1000);
    durationTimer?.unref();

    const ready = waitForServices(backend.apiUrl, DEMO_SERVICES, READY_TIMEOUT_MS, () => stopping).then(() => {
      if (!stopping) print(`ready: ${DEMO_SERVICES.join(', ')} are reporting; open ${backend?.apiUrl}/`);
    });
    ready.catch(() => undefined); // a late failure after a stop request is not an error
    exitCode = await Promise.race([stopRequested, ready.then(() => stopRequested)]);
    clearTimeout(durationTimer);
  } catch (error) {
    stopping = true;
    // Keep a temporary data directory after a failure: the services' logs in it say what went wrong.
    await shutdown(false);
    throw error;
  }
  stopping = true;
  await shutdown(exitCode === 0);
  return exitCode;

  async function shutdown(removeTemporary = true): Promise<void> {
    stopping = true;
    const stats = await traffic?.stop();
    // api first, so nothing publishes to a worker that is draining.
    const api = services.find((service) => service.name === 'api');
    await api?.stop();
    await Promise.all(services.filter((service) => service !== api).map((service) => service.stop()));
    await backend?.close();
    if (temporary && removeTemporary) rmSync(dataDir, { recursive: true, force: true });
    else if (temporary) print(`kept ${dataDir} (service logs in ${logDir})`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (stats) printStopSummary(print, stats, temporary ? undefined : dataDir);
  }
}
