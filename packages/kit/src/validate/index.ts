export {
  formatValidationReport,
  parseReportFormat,
  REPORT_FORMATS,
  type ReportFormat,
  toSarif,
} from './findings-format.js';
export type { MetricFamily, MetricForm, MetricInput, MetricKind } from './metric-model.js';
export { loadMetrics, type MetricSourceOptions } from './metric-sources.js';
export { parseOtlpMetricsJson } from './otlp-metrics-reader.js';
export { type PrometheusFamily, parsePrometheusText } from './prometheus-text-parser.js';
export { type Finding, METRIC_RULES, type RuleInfo, type Severity } from './rule-catalog.js';
export { toPrometheusName } from './semconv-lookup.js';
export { type ValidateOptions, type ValidationReport, validateMetricFamilies } from './validate-metrics.js';
