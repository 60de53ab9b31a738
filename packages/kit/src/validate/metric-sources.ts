import { readFile } from 'node:fs/promises';
import { causeOf, StoreApiClient, type StoreApiOptions } from '../check/store-api-client.js';
import { KitError } from '../kit-error.js';
import { addAttributeValue, type MetricFamily, type MetricInput, type MetricKind } from './metric-model.js';
import { parseOtlpMetricsJson } from './otlp-metrics-reader.js';
import { parsePrometheusText } from './prometheus-text-parser.js';

export interface MetricSourceOptions extends StoreApiOptions {
  /** Prometheus text endpoint, e.g. http://127.0.0.1:9464/metrics. */
  url?: string;
  /** Prometheus text file. */
  file?: string;
  /** OTLP/JSON metrics capture file. */
  otlp?: string;
  /** Read the metric catalogue of `sightline up`'s store through the query API. */
  fromStore?: boolean;
  /** Store time range (`now-1h` by default). */
  from?: string;
  to?: string;
}

/** Loads metrics from exactly one of --url, --file, --otlp, --from-store. */
export async function loadMetrics(options: MetricSourceOptions): Promise<MetricInput> {
  const chosen = (['url', 'file', 'otlp', 'fromStore'] as const).filter((k) => options[k]);
  if (chosen.length !== 1) {
    throw new KitError(
      'SIGHTLINE_ERR_VALIDATE_INPUT',
      `give exactly one metrics input: --url URL, --file PATH, --otlp PATH or --from-store (got ${chosen.length === 0 ? 'none' : chosen.map(flagName).join(', ')})`,
    );
  }
  if (options.file)
    return {
      source: options.file,
      metrics: parsePrometheusText(await readInput(options.file, '--file'), options.file),
    };
  if (options.otlp)
    return {
      source: options.otlp,
      metrics: parseOtlpMetricsJson(await readInput(options.otlp, '--otlp'), options.otlp),
    };
  if (options.url) return { source: options.url, metrics: parsePrometheusText(await scrape(options.url), options.url) };
  return readStoreMetrics(options);
}

function flagName(k: string): string {
  return k === 'fromStore' ? '--from-store' : `--${k}`;
}

async function readInput(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new KitError(
      'SIGHTLINE_ERR_VALIDATE_INPUT',
      `${flag} ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

async function scrape(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/plain;version=0.0.4, application/openmetrics-text;q=0.5' },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = causeOf(error);
    throw new KitError('SIGHTLINE_ERR_VALIDATE_INPUT', `--url ${url}: cannot scrape (${cause})`);
  }
  if (!response.ok) {
    throw new KitError(
      'SIGHTLINE_ERR_VALIDATE_INPUT',
      `--url ${url}: answered HTTP ${response.status}, expected 200 with Prometheus text`,
    );
  }
  return response.text();
}

const STORE_TYPE: Record<string, MetricKind> = {
  gauge: 'gauge',
  histogram: 'histogram',
  exponential_histogram: 'exponential_histogram',
  summary: 'summary',
};

// The labels endpoint mixes resource attributes in; they describe the process, not the metric, so they are not linted.
const RESOURCE_KEY = /^(service\.|telemetry\.|host\.|os\.|process\.|container\.|k8s\.|cloud\.|deployment\.)/;

interface StoreMetric {
  name: string;
  type: string;
  unit?: string;
  description?: string;
  monotonic?: boolean;
}

async function readStoreMetrics(options: MetricSourceOptions): Promise<MetricInput> {
  const client = new StoreApiClient(options);
  const range = { from: options.from ?? 'now-1h', to: options.to ?? 'now' };
  const { metrics } = await client.get<{ metrics: StoreMetric[] }>('/api/metrics', range);
  const families: MetricFamily[] = [];
  for (const m of metrics) {
    const kind: MetricKind =
      m.type === 'sum' ? (m.monotonic ? 'counter' : 'updowncounter') : (STORE_TYPE[m.type] ?? 'unknown');
    const family: MetricFamily = { name: m.name, form: 'otel', kind, attributes: new Map() };
    if (m.unit) family.unit = m.unit;
    if (m.description) family.description = m.description;
    const { labels } = await client.get<{ labels: Record<string, string[]> }>('/api/metrics/labels', {
      name: m.name,
      ...range,
    });
    for (const [key, values] of Object.entries(labels ?? {})) {
      if (RESOURCE_KEY.test(key)) continue;
      for (const v of values) addAttributeValue(family, key, v);
    }
    if (kind === 'histogram') {
      const heat = await client.get<{ bounds?: number[] }>('/api/metrics/series', {
        name: m.name,
        agg: 'heatmap',
        ...range,
      });
      if (Array.isArray(heat.bounds) && heat.bounds.length > 0) family.bucketBounds = heat.bounds;
    }
    families.push(family);
  }
  return { source: `sightline store at ${client.base}`, metrics: families };
}
