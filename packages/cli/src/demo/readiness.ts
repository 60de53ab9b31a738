/** "ready" means a user who opens the UI now sees data: every demo service is listed by the query API. */
import { DemoError } from './demo-errors.js';

interface ServicesResponse {
  services?: Array<{ name?: string }>;
}

/** Polls `GET /api/services` until all `expected` services appear; coded error after `timeoutMs`. */
export async function waitForServices(
  apiUrl: string,
  expected: readonly string[],
  timeoutMs: number,
  isCancelled: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  let lastProblem = '';
  while (Date.now() < deadline && !isCancelled()) {
    try {
      const response = await fetch(`${apiUrl}/api/services?from=now-15m&to=now`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (response.ok) {
        const body = (await response.json()) as ServicesResponse;
        seen = (body.services ?? []).map((service) => String(service.name));
        if (expected.every((name) => seen.includes(name))) return;
        lastProblem = '';
      } else {
        lastProblem = `; the query API answered HTTP ${response.status}`;
      }
    } catch (error) {
      lastProblem = `; the query API did not answer (${(error as Error).message})`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (isCancelled()) return;
  const missing = expected.filter((name) => !seen.includes(name));
  throw new DemoError(
    'SIGHTLINE_ERR_DEMO_NOT_READY',
    `no telemetry from ${missing.join(', ')} reached ${apiUrl}/api/services within ${Math.round(timeoutMs / 1000)} s` +
      `${lastProblem}; the services' own logs are in the demo data directory`,
    1,
  );
}
