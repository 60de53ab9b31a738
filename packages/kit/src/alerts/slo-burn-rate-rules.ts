import { promDuration } from '../config/durations.js';
import type { ResolvedSlo, SightlineConfig } from '../config/resolved-config.js';
import { LABELS, leLabel, METRICS } from '../config/telemetry-names.js';
import {
  type AlertRule,
  annotations,
  BY_SERVICE,
  type RecordingRule,
  type RuleGroup,
  SAMPLE_ENVIRONMENT,
  type SyntheticSeries,
  sampleService,
  sel,
  serviceMatcher,
} from './rule-model.js';

const S = LABELS.service;
const E = LABELS.environment;

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", recommendation 6): each pair is a long
 * window that proves the budget is really being spent and a short window (1/12 of it) that proves it still is.
 * `budget` is the share of the whole SLO-window error budget the long window may consume before the alert fires;
 * burn-rate factor = budget × SLO window / long window (14.4, 6, 3, 1 for a 30-day SLO), never below 1.
 */
export const BURN_RATE_WINDOWS = [
  { severity: 'page', long: 3600, short: 300, budget: 0.02 },
  { severity: 'page', long: 6 * 3600, short: 1800, budget: 0.05 },
  { severity: 'ticket', long: 86400, short: 2 * 3600, budget: 0.1 },
  { severity: 'ticket', long: 3 * 86400, short: 6 * 3600, budget: 0.1 },
] as const;

const RECORDED_WINDOWS = [...new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.short, w.long]))].sort((a, b) => a - b);

export function recordName(windowSeconds: number): string {
  return `slo:sli_error:ratio_rate${promDuration(windowSeconds)}`;
}

function round(value: number): number {
  return Number(value.toPrecision(10));
}

/** The SLI as a ratio of bad events over a window, per service. */
function errorRatioExpr(slo: ResolvedSlo, config: SightlineConfig, window: string): string {
  const svc = serviceMatcher(config, slo.service);
  const total = `sum by (${BY_SERVICE}) (rate(${sel(METRICS.httpServerDurationCount, svc)}[${window}]))`;
  if (slo.type === 'availability') {
    return `sum by (${BY_SERVICE}) (rate(${sel(METRICS.httpServerDurationCount, svc, `${LABELS.status}=~"5.."`)}[${window}])) / ${total}`;
  }
  const fast = sel(METRICS.httpServerDurationBucket, svc, `le="${leLabel(slo.thresholdSeconds as number)}"`);
  return `1 - (sum by (${BY_SERVICE}) (rate(${fast}[${window}])) / ${total})`;
}

function describe(slo: ResolvedSlo): string {
  const pct = `${round(slo.objective * 100)}%`;
  return slo.type === 'availability'
    ? `${pct} of requests succeed (non-5xx) over ${promDuration(slo.windowSeconds)}`
    : `${pct} of requests complete within ${Math.round((slo.thresholdSeconds as number) * 1000)} ms over ${promDuration(slo.windowSeconds)}`;
}

function scenarios(slo: ResolvedSlo, service: string): { bad: SyntheticSeries[]; good: SyntheticSeries[] } {
  const labels = `${S}="${service}", ${E}="${SAMPLE_ENVIRONMENT}", job="${service}", ${LABELS.route}="/orders", ${LABELS.method}="GET"`;
  const count = (status: string, values: string) => ({
    series: `${METRICS.httpServerDurationCount}{${labels}, ${LABELS.status}="${status}"}`,
    values,
  });
  // Healthy still has bad events, at half the error budget: one per minute among `perMinute` requests.
  const perMinute = Math.ceil(2 / (1 - slo.objective));
  if (slo.type === 'availability') {
    return {
      bad: [count('500', '0+60x100')],
      good: [count('200', `0+${perMinute - 1}x100`), count('500', '0+1x100')],
    };
  }
  const le = leLabel(slo.thresholdSeconds as number);
  const bucket = (values: string) => ({
    series: `${METRICS.httpServerDurationBucket}{${labels}, ${LABELS.status}="200", le="${le}"}`,
    values,
  });
  return {
    bad: [bucket('0x100'), count('200', '0+60x100')],
    good: [bucket(`0+${perMinute - 1}x100`), count('200', `0+${perMinute}x100`)],
  };
}

/** One rule group per SLO: recording rules for every window, then the page and ticket burn-rate alerts. */
export function sloRuleGroup(slo: ResolvedSlo, config: SightlineConfig): RuleGroup {
  const recordings: RecordingRule[] = RECORDED_WINDOWS.map((seconds) => ({
    record: recordName(seconds),
    expr: errorRatioExpr(slo, config, promDuration(seconds)),
    labels: { slo: slo.name },
  }));
  const budget = round(1 - slo.objective);
  const service = sampleService(config, slo.service);
  const { bad, good } = scenarios(slo, service);
  const alert = (severity: 'page' | 'ticket', name: string, forDuration: string, speed: string): AlertRule => {
    const clauses = BURN_RATE_WINDOWS.filter((w) => w.severity === severity).map((w) => {
      // Never below 1: a burn rate under 1 cannot exhaust the budget within the SLO window (short windows, e.g. 7d).
      const factor = Math.max(1, round((w.budget * slo.windowSeconds) / w.long));
      const at = (seconds: number) => `${recordName(seconds)}{slo="${slo.name}"} > (${factor} * ${budget})`;
      return `(${at(w.long)} and ${at(w.short)})`;
    });
    return {
      alert: name,
      expr: clauses.join(' or '),
      for: forDuration,
      labels: { severity },
      annotations: annotations(
        config,
        name,
        `SLO {{ $labels.slo }} of {{ $labels.service_name }} is burning its error budget ${speed}`,
        `Objective: ${describe(slo)}. At the current rate of bad requests the error budget of {{ $labels.service_name }} runs out ${severity === 'page' ? 'within days' : 'before the end of the SLO window'}; ${severity === 'page' ? 'act now' : 'plan a fix this week'}.`,
      ),
      firing: {
        series: bad,
        evalTime: '90m',
        expectLabels: { [S]: service, [E]: SAMPLE_ENVIRONMENT, slo: slo.name, severity },
      },
      healthy: { series: good, evalTime: '90m' },
    };
  };
  return {
    name: `sightline-slo-${slo.name}`,
    rules: [
      ...recordings,
      alert('page', 'SLOErrorBudgetFastBurn', '2m', 'fast'),
      alert('ticket', 'SLOErrorBudgetSlowBurn', '1h', 'slowly'),
    ],
  };
}
