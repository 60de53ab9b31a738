import type { MetricFamily } from './metric-model.js';
import type { PrometheusFamily } from './prometheus-text-parser.js';
import { type Finding, METRIC_RULES, type RuleKey } from './rule-catalog.js';
import {
  PROM_UNIT_WORDS,
  type SemconvStatus,
  semconvStatus,
  semconvStatusOfPrometheus,
  similarSemconvNames,
  splitPrometheusName,
  toPrometheusName,
  UNIT_TO_PROM_SUFFIX,
} from './semconv-lookup.js';

export function finding(key: RuleKey, metric: MetricFamily, message: string, fix: string, attribute?: string): Finding {
  const rule = METRIC_RULES[key];
  const f: Finding = { ruleId: rule.id, rule: rule.name, severity: rule.severity, metric: metric.name, message, fix };
  if (attribute !== undefined) f.attribute = attribute;
  if (metric.line !== undefined) f.line = metric.line;
  return f;
}

const OTEL_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const PROM_NAME = /^[a-z_][a-z0-9_]*$/;
const TYPE_WORDS = ['counter', 'gauge', 'histogram', 'summary'];
// promtool's abbreviations; `ms` is left to the milliseconds rule.
const ABBREVIATED_UNITS = ['s', 'us', 'ns', 'sec', 'secs', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];
const VERBOSE_UNITS: Record<string, string> = {
  seconds: 's',
  second: 's',
  sec: 's',
  milliseconds: 'ms',
  millisecond: 'ms',
  bytes: 'By',
  byte: 'By',
  percent: '%',
};

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_.:]+/g, '_')
    .toLowerCase();
}

function semconvFindings(metric: MetricFamily, status: SemconvStatus, shownAs: string): Finding[] {
  if (status.status === 'deprecated') {
    const { replacement, unit, note } = status.deprecation;
    const fix = replacement
      ? `rename to ${replacement}${unit ? ` with unit ${unit}` : ''}${metric.form === 'prometheus' ? ` (Prometheus: ${toPrometheusName(replacement, unit ?? metric.unit, metric.kind === 'counter')})` : ''}`
      : (note ?? 'drop it or move to its replacement convention');
    const which = status.name === metric.name ? '' : ` (${status.name})`;
    return [
      finding('deprecatedName', metric, `${metric.name} is a deprecated semantic-convention metric${which}`, fix),
    ];
  }
  if (status.status === 'unknown') {
    const similar = similarSemconvNames(metric.form === 'otel' ? metric.name : shownAs.replace(/_/g, '.'));
    return [
      finding(
        'unknownName',
        metric,
        `${metric.name} is in the semantic-convention namespace "${status.namespace}" but is not a convention metric`,
        similar.length > 0
          ? `use a convention metric (${similar.join(', ')}) or move it to your own namespace (e.g. myapp.${metric.name.replace(/^[^._]+[._]/, '')})`
          : `move it to your own namespace (e.g. myapp.${metric.name.replace(/^[^._]+[._]/, '')})`,
      ),
    ];
  }
  return [];
}

/** Naming, unit and semantic-convention rules for a metric in OpenTelemetry form. */
export function otelNamingFindings(metric: MetricFamily): Finding[] {
  const out: Finding[] = [];
  const { name, unit } = metric;
  if (!OTEL_NAME.test(name)) {
    const suggestion = snakeCase(name).replace(/_+/g, '_');
    out.push(
      finding('nameStyle', metric, `${name} is not lowercase dot.separated snake_case`, `rename to ${suggestion}`),
    );
  } else if (name.endsWith('_total')) {
    out.push(
      finding(
        'nameStyle',
        metric,
        `${name} ends in _total; Prometheus exporters add it to counters`,
        `rename to ${name.slice(0, -6)}`,
      ),
    );
  }
  out.push(...semconvFindings(metric, semconvStatus(name), name));
  if (unit === 'ms') {
    out.push(
      finding(
        'millisecondUnit',
        metric,
        `${name} has unit ms; the conventions specify durations in s`,
        `record seconds (value / 1000) with unit s`,
      ),
    );
  }
  const verbose = unit ? VERBOSE_UNITS[unit.toLowerCase()] : undefined;
  if (verbose) {
    out.push(
      finding('unitSuffix', metric, `${name} declares unit "${unit}", which is not UCUM`, `use unit ${verbose}`),
    );
  }
  const lastSegment = name.split(/[._]/).pop() ?? '';
  const unitInName =
    PROM_UNIT_WORDS.includes(lastSegment) || ['ms', 'sec', 'secs', 'bytes', 'kb', 'mb'].includes(lastSegment);
  if (unitInName) {
    const stripped = name.replace(/[._][a-z]+$/, '');
    const declared = unit ? UNIT_TO_PROM_SUFFIX[unit] : undefined;
    const mismatch = declared !== undefined && declared !== lastSegment && !(lastSegment === 'ms' && unit === 'ms');
    out.push(
      finding(
        'unitSuffix',
        metric,
        mismatch
          ? `${name} names unit "${lastSegment}" but declares unit ${unit}`
          : `${name} puts its unit in the name; OpenTelemetry carries it in the unit field`,
        `rename to ${stripped} and set the unit field (${lastSegment === 'ms' || lastSegment === 'milliseconds' ? 's, recording seconds' : (unit ?? 'UCUM, e.g. s or By')})`,
      ),
    );
  }
  if (!metric.description)
    out.push(
      finding('description', metric, `${name} has no description`, 'pass a description when creating the instrument'),
    );
  return out;
}

/** Naming, unit and semantic-convention rules for a metric in Prometheus form; mirrors promtool's lint plus semconv. */
export function prometheusNamingFindings(metric: PrometheusFamily): Finding[] {
  const out: Finding[] = [];
  const { name } = metric;
  if (name.includes(':')) {
    out.push(
      finding(
        'nameStyle',
        metric,
        `${name} contains ":", which is reserved for recording rules`,
        `rename to ${name.replace(/:/g, '_')}`,
      ),
    );
  }
  if (/[A-Z]/.test(name) || !PROM_NAME.test(name.replace(/:/g, '_'))) {
    out.push(
      finding('nameStyle', metric, `${name} is not snake_case`, `rename to ${snakeCase(name).replace(/:/g, '_')}`),
    );
  }
  const lower = name.toLowerCase();
  const typeWord = TYPE_WORDS.find((w) => lower.split('_').includes(w));
  if (typeWord) {
    out.push(
      finding(
        'nameStyle',
        metric,
        `${name} includes its type "${typeWord}" in the name`,
        `rename to ${lower
          .split('_')
          .filter((p) => p !== typeWord)
          .join('_')}`,
      ),
    );
  }
  if (metric.kind !== 'histogram' && metric.kind !== 'summary') {
    for (const reserved of ['_bucket', '_count', '_sum']) {
      if (!name.endsWith(reserved)) continue;
      out.push(
        finding(
          'nameStyle',
          metric,
          `${name} is a ${metric.kind}, but "${reserved}" is reserved for histograms/summaries`,
          `rename without ${reserved}`,
        ),
      );
    }
  }
  const counterSamples = [...metric.sampleNames].filter((s) => !s.endsWith('_created'));
  if (metric.kind === 'counter' && !name.endsWith('_total') && !counterSamples.every((s) => s.endsWith('_total'))) {
    out.push(finding('counterTotal', metric, `counter ${name} does not end in _total`, `rename to ${name}_total`));
  }
  const { base, unitWord } = splitPrometheusName(lower);
  const parts = lower.replace(/_total$/, '').split('_');
  const last = parts[parts.length - 1] ?? '';
  if (unitWord === 'milliseconds' || parts.includes('ms')) {
    out.push(
      finding(
        'millisecondUnit',
        metric,
        `${name} is in milliseconds; Prometheus and the conventions use base unit seconds`,
        `record seconds and rename to ${snakeCase(name).replace(/_(milliseconds|ms)(?=_|$)/, '_seconds')}`,
      ),
    );
  }
  const abbreviation = parts.slice(1).find((p) => ABBREVIATED_UNITS.includes(p));
  if (abbreviation) {
    out.push(
      finding(
        'unitSuffix',
        metric,
        `${name} contains the abbreviated unit "${abbreviation}"`,
        `spell the base unit out (e.g. _seconds, _bytes) at the end of the name`,
      ),
    );
  }
  // UCUM annotations ({request}) are not units and never appear in names; `1` is `_ratio` for gauges only.
  const declaredUnit =
    metric.unit && !/^\{.*\}$/.test(metric.unit) && !(metric.unit === '1' && metric.kind !== 'gauge')
      ? metric.unit
      : undefined;
  if (declaredUnit) {
    const expectedWord = UNIT_TO_PROM_SUFFIX[declaredUnit] ?? declaredUnit;
    if (unitWord !== expectedWord && last !== expectedWord) {
      out.push(
        finding(
          'unitSuffix',
          metric,
          `${name} declares unit ${metric.unit} but its name does not end in _${expectedWord}`,
          `rename to ${base}_${expectedWord}${metric.kind === 'counter' ? '_total' : ''}`,
        ),
      );
    }
  }
  out.push(...semconvFindings(metric, semconvStatusOfPrometheus(base), base));
  // The OpenTelemetry Prometheus exporter writes this placeholder when the instrument has no description.
  if (!metric.description || metric.description === 'description missing') {
    out.push(
      finding('description', metric, `${name} has no HELP text`, 'add # HELP (a description on the instrument)'),
    );
  }
  return out;
}
