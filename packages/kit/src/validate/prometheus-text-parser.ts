import { KitError } from '../kit-error.js';
import { addAttributeValue, type MetricFamily, type MetricKind } from './metric-model.js';

/** Prometheus families keep the sample names they were seen with (`x_total`, `x_bucket`) for the suffix rules. */
export interface PrometheusFamily extends MetricFamily {
  sampleNames: Set<string>;
}

const TYPE_TO_KIND: Record<string, MetricKind> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
  unknown: 'unknown',
  info: 'gauge',
  stateset: 'gauge',
};

const SUFFIXES: Record<string, string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created', '_gcount', '_gsum'],
  summary: ['_sum', '_count', '_created'],
};

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+\S+)?\s*$/;

/**
 * Parses the Prometheus text exposition format (and OpenMetrics, including `# UNIT`) into metric families.
 * Throws SIGHTLINE_ERR_METRICS_PARSE naming the line when a line is not valid exposition syntax.
 */
export function parsePrometheusText(text: string, source = 'input'): PrometheusFamily[] {
  const families = new Map<string, PrometheusFamily>();
  const family = (name: string, line: number): PrometheusFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, form: 'prometheus', kind: 'unknown', attributes: new Map(), sampleNames: new Set(), line };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line === '# EOF') return;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE|UNIT)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (!meta) return; // plain comment
      const [, keyword, name = '', rest = ''] = meta;
      const f = family(name, lineNo);
      if (keyword === 'HELP') f.description = rest;
      else if (keyword === 'UNIT') f.unit = rest || undefined;
      else {
        const kind = TYPE_TO_KIND[rest.trim()];
        if (!kind) throw parseError(source, lineNo, `unknown metric type "${rest}"`);
        f.kind = kind;
      }
      return;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw parseError(source, lineNo, `"${truncate(line)}" is not "name{labels} value [timestamp]"`);
    const [, sampleName = '', labelText, value = ''] = sample;
    if (!/^([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?Inf|NaN)$/i.test(value)) {
      throw parseError(source, lineNo, `sample value "${value}" is not a number`);
    }
    const labels = labelText ? parseLabels(labelText, source, lineNo) : [];
    const f = familyForSample(families, sampleName) ?? family(sampleName, lineNo);
    f.sampleNames.add(sampleName);
    for (const [key, val] of labels) {
      if (key === 'le' && sampleName.endsWith('_bucket')) {
        const bound = Number(val);
        if (Number.isFinite(bound)) {
          f.bucketBounds ??= [];
          if (!f.bucketBounds.includes(bound)) f.bucketBounds.push(bound);
        }
        continue;
      }
      if (key === 'quantile' && f.kind === 'summary') continue;
      addAttributeValue(f, key, val);
    }
  });
  for (const f of families.values()) f.bucketBounds?.sort((a, b) => a - b);
  // A HELP/TYPE line without samples still declares a metric; keep it so naming rules apply.
  return [...families.values()];
}

function familyForSample(families: Map<string, PrometheusFamily>, sampleName: string): PrometheusFamily | undefined {
  const exact = families.get(sampleName);
  if (exact && exact.kind !== 'unknown') return exact;
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = families.get(sampleName.slice(0, -suffix.length));
      if (base && (base.kind === type || (type === 'histogram' && base.kind === 'histogram'))) return base;
    }
  }
  return exact;
}

function parseLabels(text: string, source: string, line: number): Array<[string, string]> {
  const labels: Array<[string, string]> = [];
  const body = text.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ' || body[i] === ',') i++;
    if (i >= body.length) break;
    const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(body.slice(i));
    if (!key) throw parseError(source, line, `label name expected at "${truncate(body.slice(i))}"`);
    i += key[0].length;
    while (body[i] === ' ') i++;
    if (body[i] !== '=' || body[i + 1] !== '"') throw parseError(source, line, `label ${key[0]} needs ="value"`);
    i += 2;
    let value = '';
    while (i < body.length && body[i] !== '"') {
      if (body[i] === '\\') {
        const next = body[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else value += body[i++];
    }
    if (body[i] !== '"') throw parseError(source, line, `label ${key[0]} has an unterminated value`);
    i++;
    labels.push([key[0], value]);
  }
  return labels;
}

function parseError(source: string, line: number, what: string): KitError {
  return new KitError(
    'SIGHTLINE_ERR_METRICS_PARSE',
    `${source}:${line}: ${what}; expected Prometheus text exposition format (HELP/TYPE/UNIT comments and samples)`,
  );
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
