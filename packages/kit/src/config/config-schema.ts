import { z } from 'zod';
import { isDuration } from './durations.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const nameField = (what: string) =>
  z.string().regex(NAME, { error: `a ${what} is letters, digits, '.', '_' or '-', starting with a letter or digit` });
const duration = z
  .string()
  .refine(isDuration, { error: 'a duration is a number followed by ms, s, m, h, d or w (e.g. 30d)' });

export const SEVERITIES = ['page', 'ticket'] as const;
export const RECEIVER_TYPES = ['slack', 'pagerduty'] as const;
export const SLO_TYPES = ['availability', 'latency'] as const;
export const STORAGE_TYPES = ['filesystem', 's3'] as const;

const serviceSchema = z.strictObject({ name: nameField('service name') });

const sloSchema = z.strictObject({
  name: nameField('SLO name'),
  type: z.enum(SLO_TYPES),
  /** Percentage of good events, strictly between 0 and 100 (99.9 = 99.9 %). */
  objective: z
    .number()
    .gt(0, { error: 'an objective is a percentage greater than 0 and less than 100 (e.g. 99.9)' })
    .lt(100, { error: 'an objective is a percentage greater than 0 and less than 100 (e.g. 99.9)' }),
  window: duration.default('30d'),
  /** Latency SLOs: a request is good when faster than this (must be a histogram bucket boundary). */
  threshold: duration.optional(),
  /** Restrict the SLO to one service; without it the SLO applies to every service, per service. */
  service: nameField('service name').optional(),
});

const receiverSchema = z.strictObject({
  name: nameField('receiver name'),
  type: z.enum(RECEIVER_TYPES),
  severities: z.array(z.enum(SEVERITIES)).min(1),
  /** Slack channel, e.g. #alerts. */
  channel: z.string().optional(),
  /** File (inside the Alertmanager container) holding the webhook URL or routing key; never the secret itself. */
  secretFile: z
    .string()
    .startsWith('/', { error: 'secretFile is an absolute path inside the Alertmanager container' })
    .optional(),
});

const s3Schema = z.strictObject({
  endpoint: z.string().default('s3.amazonaws.com'),
  region: z.string().default('us-east-1'),
  insecure: z.boolean().default(false),
  buckets: z
    .strictObject({
      logs: z.string().default('sightline-loki'),
      traces: z.string().default('sightline-tempo'),
      metrics: z.string().default('sightline-mimir'),
      rules: z.string().default('sightline-ruler'),
    })
    .prefault({}),
  /** Kubernetes Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, mounted as environment variables. */
  credentialsSecret: z.string().default('sightline-s3-credentials'),
});

export const configSchema = z
  .strictObject({
    project: nameField('project name').default('sightline'),
    services: z.array(serviceSchema).default([]),
    environments: z.array(nameField('environment name')).default([]),
    slos: z.array(sloSchema).optional(),
    alerts: z
      .strictObject({
        grafanaUrl: z.url().default('http://localhost:3000'),
        runbookBaseUrl: z.string().default('RUNBOOKS.md'),
        errorRatio: z.number().gt(0).lt(1).default(0.05),
        latencyP99: duration.default('500ms'),
        eventLoopDelay: duration.default('200ms'),
        heapUsedRatio: z.number().gt(0).lt(1).default(0.9),
        errorLogsPerMinute: z.number().positive().default(10),
        receivers: z.array(receiverSchema).optional(),
      })
      .prefault({}),
    retention: z
      .strictObject({
        logs: duration.default('31d'),
        traces: duration.default('14d'),
        metrics: duration.default('30d'),
      })
      .prefault({}),
    storage: z
      .strictObject({ type: z.enum(STORAGE_TYPES).default('filesystem'), s3: s3Schema.prefault({}) })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.services.forEach((service, i) => {
      if (seen.has(service.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: 'duplicate service; each service is listed once',
        });
      }
      seen.add(service.name);
    });
    const sloNames = new Set<string>();
    config.slos?.forEach((slo, i) => {
      if (sloNames.has(slo.name)) {
        ctx.addIssue({ code: 'custom', path: ['slos', i, 'name'], message: 'duplicate SLO name; names are unique' });
      }
      sloNames.add(slo.name);
      if (slo.service && config.services.length > 0 && !seen.has(slo.service)) {
        ctx.addIssue({
          code: 'custom',
          path: ['slos', i, 'service'],
          message: `unknown service; accepted: ${[...seen].join(', ')}`,
        });
      }
      if (slo.type === 'availability' && slo.threshold) {
        ctx.addIssue({ code: 'custom', path: ['slos', i, 'threshold'], message: 'only latency SLOs take a threshold' });
      }
    });
    const receiverNames = new Set<string>();
    config.alerts.receivers?.forEach((receiver, i) => {
      if (receiverNames.has(receiver.name)) {
        ctx.addIssue({ code: 'custom', path: ['alerts', 'receivers', i, 'name'], message: 'duplicate receiver name' });
      }
      receiverNames.add(receiver.name);
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** Typed helper for `sightline.config.ts`: `export default defineConfig({ services: [{ name: 'checkout' }] })`. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
