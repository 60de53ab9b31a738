import type { SightlineConfig } from '../config/resolved-config.js';
import { LABELS } from '../config/telemetry-names.js';
import { DASHBOARD_UIDS } from '../dashboards/dashboard-common.js';

/** One input series of a promtool unit test, in promtool's expanding notation (`0+60x120`). */
export interface SyntheticSeries {
  series: string;
  values: string;
}

/** A synthetic situation and the moment to evaluate it. */
export interface Scenario {
  series: SyntheticSeries[];
  evalTime: string;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Proves the rule in the generated promtool test: fires on `firing`, stays quiet on `healthy`. */
  firing: Scenario & { expectLabels: Record<string, string> };
  healthy: Scenario;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<AlertRule | RecordingRule>;
}

export type Severity = 'page' | 'ticket';

export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return 'alert' in rule;
}

/** The rule as Prometheus, Mimir and Loki read it (test scenarios stripped). */
export function ruleGroupYaml(group: RuleGroup): Record<string, unknown> {
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map((rule) =>
      isAlert(rule)
        ? { alert: rule.alert, expr: rule.expr, for: rule.for, labels: rule.labels, annotations: rule.annotations }
        : { record: rule.record, expr: rule.expr, ...(rule.labels ? { labels: rule.labels } : {}) },
    ),
  };
}

/** Alerts and SLIs are evaluated per service and environment: a staging incident never hides in (or pages for) prod. */
export const BY_SERVICE = `${LABELS.service}, ${LABELS.environment}`;

/** The environment label value of synthetic test series. */
export const SAMPLE_ENVIRONMENT = 'prod';

/** The matcher restricting alert rules to configured services, or none (every service, per service). */
export function serviceMatcher(config: SightlineConfig, only?: string): string {
  if (only) return `${LABELS.service}="${only}"`;
  if (config.services.length === 0) return '';
  return `${LABELS.service}=~"${config.services.join('|')}"`;
}

/** A service name for synthetic test series that the rule's matcher selects. */
export function sampleService(config: SightlineConfig, only?: string): string {
  return only ?? config.services[0] ?? 'checkout';
}

/** Joins label matchers, skipping empty ones: sel('m', 'a="1"', '') → m{a="1"}. */
export function sel(metric: string, ...matchers: string[]): string {
  const used = matchers.filter((m) => m.length > 0);
  return used.length === 0 ? metric : `${metric}{${used.join(', ')}}`;
}

/** summary, description, runbook_url and a dashboard link, the annotations every alert carries. */
export function annotations(
  config: SightlineConfig,
  alert: string,
  summary: string,
  description: string,
  dashboardUid: string = DASHBOARD_UIDS.serviceOverview,
): Record<string, string> {
  return {
    summary,
    description,
    runbook_url: `${config.alerts.runbookBaseUrl}#${alert.toLowerCase()}`,
    dashboard: `${config.alerts.grafanaUrl}/d/${dashboardUid}?var-service={{ $labels.${LABELS.service} }}&var-environment={{ $labels.${LABELS.environment} }}`,
  };
}

/**
 * Renders the only template construct our annotations use, `{{ $labels.name }}`, as Prometheus would. Anything else
 * (e.g. `$value`) is refused so that generated tests can state the exact expected annotations.
 */
export function renderAnnotation(template: string, labels: Record<string, string>): string {
  const rendered = template.replace(
    /\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g,
    (_, name: string) => labels[name] ?? '',
  );
  if (rendered.includes('{{')) throw new Error(`internal: unsupported template in annotation: ${template}`);
  return rendered;
}
