/** A generated setup for a service in another language: files plus how each can be checked here. */
export interface LanguageTemplate {
  language: string;
  framework: string;
  files: Array<{ path: string; content: string; reason: string }>;
  /** Toolchain checks, run on the written files (`{file}` is replaced by the path). */
  checks: Array<{ file: string; command: string[]; tool: string }>;
  /** Files nothing here can check, with the reason. */
  unchecked: Array<{ file: string; reason: string }>;
}

export interface TemplateInput {
  serviceName: string;
  framework: string;
}

/** Resource attribute and log field names shared with @sightline/node, so one Grafana/Sightline view covers all. */
export const SHARED_NAMES = `Resource: service.name (OTEL_SERVICE_NAME), service.version, deployment.environment.name
(OTEL_RESOURCE_ATTRIBUTES). Log fields: trace_id (32 lowercase hex), span_id (16 lowercase hex), trace_flags.
Export: OTLP/gRPC to OTEL_EXPORTER_OTLP_ENDPOINT (default http://127.0.0.1:4317, where \`sightline up\` listens).`;

export function readme(title: string, sections: Array<[string, string]>): string {
  return `# ${title}\n\n${sections.map(([h, body]) => `## ${h}\n\n${body.trim()}\n`).join('\n')}`;
}
