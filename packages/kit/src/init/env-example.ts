/** The OTEL_* variables @sightline/node reads, with values for a local `sightline up`. */
export function otelEnvVariables(serviceName: string, serviceVersion: string): Array<[string, string, string]> {
  return [
    ['OTEL_SERVICE_NAME', serviceName, 'service.name on every span, metric and log'],
    [
      'OTEL_RESOURCE_ATTRIBUTES',
      `service.version=${serviceVersion},deployment.environment.name=development`,
      'more resource attributes',
    ],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4317', 'sightline up (or Grafana Alloy) OTLP endpoint'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', 'grpc (4317) or http/protobuf (4318)'],
    ['OTEL_EXPORTER_OTLP_HEADERS', '', 'e.g. authorization=Bearer <token> when the receiver needs one'],
    ['OTEL_TRACES_SAMPLER', 'parentbased_traceidratio', "keep the caller's decision; sample new traces by ratio"],
    ['OTEL_TRACES_SAMPLER_ARG', '1.0', 'share of new traces kept'],
    ['OTEL_LOG_LEVEL', 'warn', "the SDK's own diagnostics"],
  ];
}

/** `.env.example` with every missing OTEL_* variable added; existing lines are kept as they are. */
export function envExampleContent(existing: string | null, serviceName: string, serviceVersion: string): string {
  const present = new Set(
    (existing ?? '')
      .split(/\r?\n/)
      .map((l) => /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=/.exec(l)?.[1])
      .filter((k): k is string => k !== undefined),
  );
  const missing = otelEnvVariables(serviceName, serviceVersion).filter(([k]) => !present.has(k));
  if (missing.length === 0) return existing ?? '';
  const block = [
    '# OpenTelemetry (@sightline/node); copy to .env or set in your deployment',
    ...missing.flatMap(([k, v, why]) => [`# ${why}`, `${k}=${v}`]),
  ].join('\n');
  if (existing === null || existing.trim() === '') return `${block}\n`;
  return `${existing.replace(/\s*$/, '')}\n\n${block}\n`;
}
