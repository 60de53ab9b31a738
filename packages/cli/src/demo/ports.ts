/** Port choice for the demo: a demo must not fail because 4317 is taken by another collector. */
import { DemoError } from './demo-errors.js';
import { DEFAULT_PORTS, type DemoOptions, flagOf, type PortName } from './demo-options.js';
import { isPortFree } from './reachability.js';

export interface ChosenPorts {
  ports: Record<PortName, number>;
  /** One sentence per default port that was busy and replaced by a free one. */
  notes: string[];
}

/**
 * Explicit ports must be free (else a coded error naming the flag); a busy default becomes 0 (a free port
 * picked by the server), with a note saying so.
 */
export async function choosePorts(host: string, requested: DemoOptions['ports']): Promise<ChosenPorts> {
  const ports = { ...DEFAULT_PORTS } as Record<PortName, number>;
  const notes: string[] = [];
  for (const name of Object.keys(DEFAULT_PORTS) as PortName[]) {
    const explicit = requested[name];
    const port = explicit ?? DEFAULT_PORTS[name];
    if (port === 0 || (await isPortFree(host, port))) {
      ports[name] = port;
    } else if (explicit !== undefined) {
      throw new DemoError(
        'SIGHTLINE_ERR_DEMO_PORT_IN_USE',
        `${flagOf(name)} ${port}: ${host}:${port} is already in use; pass another port, or 0 for any free port`,
        2,
      );
    } else {
      ports[name] = 0;
      notes.push(`port ${port} is busy, so ${flagOf(name)} uses a free port instead (pass ${flagOf(name)} to choose)`);
    }
  }
  return { ports, notes };
}
