import { KitError } from '../kit-error.js';
import { METRIC_RULES } from './rule-catalog.js';
import type { ValidationReport } from './validate-metrics.js';

export type ReportFormat = 'table' | 'json' | 'sarif';
export const REPORT_FORMATS: ReportFormat[] = ['table', 'json', 'sarif'];

export function parseReportFormat(value: string): ReportFormat {
  if ((REPORT_FORMATS as string[]).includes(value)) return value as ReportFormat;
  throw new KitError(
    'SIGHTLINE_ERR_VALIDATE_FORMAT',
    `--format "${value}" is not supported; accepted: ${REPORT_FORMATS.join(', ')}`,
  );
}

export function formatValidationReport(report: ValidationReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'sarif') return `${JSON.stringify(toSarif(report), null, 2)}\n`;
  return toTable(report);
}

function toTable(report: ValidationReport): string {
  const header = `sightline validate metrics: ${report.metricsChecked} metrics from ${report.source}`;
  if (report.findings.length === 0) return `${header}\nno findings\n`;
  const lines = [header, ''];
  for (const f of report.findings) {
    lines.push(
      `${f.severity.padEnd(8)}${f.ruleId} ${f.rule}  ${f.metric}${f.attribute ? ` [${f.attribute}]` : ''}${f.line ? ` (line ${f.line})` : ''}`,
    );
    lines.push(`        ${f.message}`);
    lines.push(`        fix: ${f.fix}`);
  }
  const { error, warning, note } = report.counts;
  lines.push('', `${error} error(s), ${warning} warning(s), ${note} note(s)`, '');
  return lines.join('\n');
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', note: 'note' } as const;

/** SARIF 2.1.0, the format GitHub code scanning and other code-scanning UIs ingest. */
export function toSarif(report: ValidationReport): object {
  const rules = Object.values(METRIC_RULES);
  const isFile = !/^(https?:|sightline store)/.test(report.source);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sightline validate metrics',
            informationUri: 'https://github.com/sightline/sightline/tree/main/packages/kit#sightline-validate-metrics',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [
            {
              ...(isFile
                ? {
                    physicalLocation: {
                      artifactLocation: { uri: report.source },
                      ...(f.line ? { region: { startLine: f.line } } : {}),
                    },
                  }
                : {}),
              logicalLocations: [{ name: f.metric, kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}
