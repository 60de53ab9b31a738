import { type AlertRule, isAlert, type RuleGroup, renderAnnotation } from './rule-model.js';

/**
 * A `promtool test rules` file for one group: for every alert, one test where a synthetic series makes it fire (with
 * the exact labels and rendered annotations) and one where a healthy series keeps it quiet.
 */
export function ruleTestFile(group: RuleGroup, ruleFileFromTest: string): Record<string, unknown> {
  const alerts = group.rules.filter(isAlert);
  return {
    rule_files: [ruleFileFromTest],
    evaluation_interval: '1m',
    tests: alerts.flatMap((alert) => [firingTest(alert), healthyTest(alert)]),
  };
}

function firingTest(alert: AlertRule): Record<string, unknown> {
  const labels = { ...alert.firing.expectLabels };
  const annotations = Object.fromEntries(
    Object.entries(alert.annotations).map(([k, v]) => [k, renderAnnotation(v, labels)]),
  );
  return {
    name: `${alert.alert} fires on a synthetic failing series`,
    interval: '1m',
    input_series: alert.firing.series,
    alert_rule_test: [
      {
        eval_time: alert.firing.evalTime,
        alertname: alert.alert,
        exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
      },
    ],
  };
}

function healthyTest(alert: AlertRule): Record<string, unknown> {
  return {
    name: `${alert.alert} stays quiet on a healthy series`,
    interval: '1m',
    input_series: alert.healthy.series,
    alert_rule_test: [{ eval_time: alert.healthy.evalTime, alertname: alert.alert, exp_alerts: [] }],
  };
}
