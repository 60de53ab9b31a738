/** The metric rules `sightline validate metrics` applies: stable ids for CI suppressions and SARIF. */
export type Severity = 'error' | 'warning' | 'note';

export interface RuleInfo {
  id: string;
  name: string;
  severity: Severity;
  summary: string;
}

export const METRIC_RULES = {
  deprecatedName: {
    id: 'SLM001',
    name: 'semconv-deprecated-name',
    severity: 'error',
    summary: 'Metric uses a deprecated semantic-convention name; the current name is suggested.',
  },
  unknownName: {
    id: 'SLM002',
    name: 'semconv-unknown-name',
    severity: 'warning',
    summary:
      'Metric sits in a semantic-convention namespace (http., db., rpc., …) but is not a name the conventions define.',
  },
  millisecondUnit: {
    id: 'SLM003',
    name: 'duration-unit-ms',
    severity: 'error',
    summary: 'Durations are recorded in seconds (unit `s`, Prometheus `_seconds`), not milliseconds.',
  },
  counterTotal: {
    id: 'SLM004',
    name: 'counter-missing-total',
    severity: 'error',
    summary: 'A Prometheus counter must end in `_total`.',
  },
  unitSuffix: {
    id: 'SLM005',
    name: 'unit-suffix-mismatch',
    severity: 'error',
    summary:
      'The unit in the name disagrees with the declared unit, is abbreviated, or (OpenTelemetry form) is in the name at all.',
  },
  nameStyle: {
    id: 'SLM006',
    name: 'metric-name-style',
    severity: 'error',
    summary: 'Names are lowercase snake_case (Prometheus) or lowercase dot.separated snake_case (OpenTelemetry).',
  },
  attributeKey: {
    id: 'SLM007',
    name: 'attribute-key-off-convention',
    severity: 'warning',
    summary: 'Attribute (label) key is not snake_case / dotted, or is a deprecated semantic-convention key.',
  },
  highCardinality: {
    id: 'SLM008',
    name: 'high-cardinality-attribute',
    severity: 'error',
    summary: 'Attribute carries ids, emails, full URLs or too many distinct values; every value is a new time series.',
  },
  buckets: {
    id: 'SLM009',
    name: 'histogram-buckets-unsuitable',
    severity: 'warning',
    summary: 'Histogram bucket bounds do not fit the unit (e.g. millisecond bounds on a seconds histogram).',
  },
  description: {
    id: 'SLM010',
    name: 'missing-description',
    severity: 'note',
    summary: 'Metric has no description (HELP text).',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleKey = keyof typeof METRIC_RULES;

export interface Finding {
  ruleId: string;
  rule: string;
  severity: Severity;
  metric: string;
  attribute?: string;
  message: string;
  fix: string;
  line?: number;
}
