import { KitError } from '../kit-error.js';
import type { CheckReport, GateResult } from './check-model.js';

export type CheckFormat = 'table' | 'json';

export function parseCheckFormat(value: string): CheckFormat {
  if (value === 'table' || value === 'json') return value;
  throw new KitError('SIGHTLINE_ERR_CHECK_FORMAT', `--format "${value}" is not supported; accepted: table, json`);
}

function measured(g: GateResult): string {
  if (g.value === null) return 'no data';
  const unit = g.unit === '%' ? ' %' : '';
  return `${g.value}${unit} (${g.comparison === '>=' ? 'target ≥' : 'limit ≤'} ${g.threshold}${unit})`;
}

export function formatCheckReport(report: CheckReport, format: CheckFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const lines = [
    `sightline check: ${report.spans} spans, ${report.logs} log records from ${report.source}`,
    `window ${report.window.from} → ${report.window.to}`,
    '',
  ];
  for (const g of report.gates) {
    const label = { pass: 'PASS', fail: 'FAIL', 'no-data': 'N/A ', skipped: 'SKIP' }[g.status];
    lines.push(`${label}  ${g.title}: ${measured(g)}`);
    lines.push(`      ${g.summary}`);
    if (g.status === 'fail' || (g.status === 'pass' && g.offenders.length > 0 && g.value !== 0 && g.value !== 100)) {
      for (const o of g.offenders.slice(0, g.status === 'fail' ? 5 : 3)) {
        lines.push(`      ${String(o.count).padStart(6)} × ${o.key} — ${o.detail}`);
      }
    }
  }
  const failed = report.gates.filter((g) => g.status === 'fail').length;
  lines.push('', failed ? `${failed} gate(s) failed` : 'all gates passed', '');
  return lines.join('\n');
}
