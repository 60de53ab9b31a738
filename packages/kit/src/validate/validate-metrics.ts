import { KitError } from '../kit-error.js';
import { type AttributeRuleOptions, attributeFindings } from './attribute-rules.js';
import { bucketFindings } from './bucket-rules.js';
import type { MetricFamily, MetricInput } from './metric-model.js';
import { otelNamingFindings, prometheusNamingFindings } from './naming-rules.js';
import type { PrometheusFamily } from './prometheus-text-parser.js';
import { type Finding, METRIC_RULES, type Severity } from './rule-catalog.js';

export interface ValidateOptions extends AttributeRuleOptions {
  /** Rule ids or names to skip (`SLM010`, `missing-description`). */
  disable?: string[];
}

export interface ValidationReport {
  source: string;
  metricsChecked: number;
  findings: Finding[];
  counts: Record<Severity, number>;
  /** True when at least one finding has severity error: the command exits 1. */
  failed: boolean;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

export function validateMetricFamilies(input: MetricInput, options: ValidateOptions = {}): ValidationReport {
  const known = new Set<string>(Object.values(METRIC_RULES).flatMap((r) => [r.id, r.name]));
  for (const rule of options.disable ?? []) {
    if (!known.has(rule)) {
      throw new KitError(
        'SIGHTLINE_ERR_VALIDATE_RULE',
        `--disable ${rule}: unknown rule; accepted: ${Object.values(METRIC_RULES)
          .map((r) => `${r.id} (${r.name})`)
          .join(', ')}`,
      );
    }
  }
  const disabled = new Set(options.disable ?? []);
  const findings: Finding[] = [];
  for (const metric of input.metrics) {
    findings.push(...findingsFor(metric, options));
  }
  const kept = findings
    .filter((f) => !disabled.has(f.ruleId) && !disabled.has(f.rule))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        a.metric.localeCompare(b.metric) ||
        a.ruleId.localeCompare(b.ruleId),
    );
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of kept) counts[f.severity]++;
  return {
    source: input.source,
    metricsChecked: input.metrics.length,
    findings: kept,
    counts,
    failed: counts.error > 0,
  };
}

// Info metrics (target_info, *_info) carry resource attributes by design: one series per process.
const INFO_METRIC = /(^|_)info$/;

function findingsFor(metric: MetricFamily, options: ValidateOptions): Finding[] {
  if (INFO_METRIC.test(metric.name) && metric.form === 'prometheus') return [];
  const naming =
    metric.form === 'prometheus' ? prometheusNamingFindings(metric as PrometheusFamily) : otelNamingFindings(metric);
  return [...naming, ...attributeFindings(metric, options), ...bucketFindings(metric)];
}
