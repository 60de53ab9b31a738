import { connect } from 'node:net';

/** Resolves to a skip reason naming every local service that does not accept TCP connections, or '' when all do. */
export async function unreachable(services: Record<string, number>): Promise<string> {
  const down: string[] = [];
  await Promise.all(
    Object.entries(services).map(async ([name, port]) => {
      if (!(await accepts(port))) down.push(`${name} (127.0.0.1:${port})`);
    }),
  );
  return down.length ? `skipped: ${down.join(', ')} not reachable` : '';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
