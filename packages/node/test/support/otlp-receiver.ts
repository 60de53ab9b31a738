// A real OTLP receiver for the tests: HTTP (OTLP/JSON and protobuf, gzip or not) and gRPC, on ports of our choosing
// (0 = any free port). It decodes what apps export into plain objects the tests can assert on.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs') as typeof import('protobufjs');
const root = protobuf.loadSync(join(dirname(fileURLToPath(import.meta.url)), 'otlp.proto'));
const TYPES = {
  traces: root.lookupType('otlp.ExportTraceServiceRequest'),
  metrics: root.lookupType('otlp.ExportMetricsServiceRequest'),
  logs: root.lookupType('otlp.ExportLogsServiceRequest'),
};

export type Attrs = Record<string, unknown>;
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Attrs;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Attrs }>;
  resource: Attrs;
  scope: string;
}
export interface ReceivedLog {
  traceId: string;
  spanId: string;
  body: unknown;
  severityText: string;
  attributes: Attrs;
  resource: Attrs;
  scope: string;
}
export interface ReceivedPoint {
  attributes: Attrs;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}
export interface ReceivedMetric {
  name: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'other';
  points: ReceivedPoint[];
  resource: Attrs;
}

type Json = Record<string, any>;

function hex(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.toLowerCase();
  return Buffer.from(v as Uint8Array).toString('hex');
}

function anyValue(v: Json | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue?.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return attrs(v.kvlistValue?.values);
  if ('bytesValue' in v) return hex(v.bytesValue);
  return undefined;
}

function attrs(list: Json[] | undefined): Attrs {
  const out: Attrs = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly metrics: ReceivedMetric[] = [];
  /** Every request body as text (JSON) or decoded JSON (protobuf), for "this secret never arrived" checks. */
  readonly rawPayloads: string[] = [];
  readonly requests: Array<{ transport: 'http' | 'grpc'; signal: string; contentType: string; headers: Attrs }> = [];
  private http: Server | undefined;
  private grpcServer: grpc.Server | undefined;
  httpPort = 0;
  grpcPort = 0;

  ingest(signal: 'traces' | 'metrics' | 'logs', body: Json): void {
    this.rawPayloads.push(JSON.stringify(body));
    if (signal === 'traces') {
      for (const rs of body.resourceSpans ?? []) {
        const resource = attrs(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            this.spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name,
              kind: Number(s.kind ?? 0),
              attributes: attrs(s.attributes),
              status: { code: Number(s.status?.code ?? 0), message: s.status?.message },
              events: (s.events ?? []).map((e: Json) => ({ name: e.name, attributes: attrs(e.attributes) })),
              resource,
              scope: ss.scope?.name ?? '',
            });
          }
        }
      }
    } else if (signal === 'logs') {
      for (const rl of body.resourceLogs ?? []) {
        const resource = attrs(rl.resource?.attributes);
        for (const sl of rl.scopeLogs ?? []) {
          for (const l of sl.logRecords ?? []) {
            this.logs.push({
              traceId: hex(l.traceId),
              spanId: hex(l.spanId),
              body: anyValue(l.body),
              severityText: l.severityText ?? '',
              attributes: attrs(l.attributes),
              resource,
              scope: sl.scope?.name ?? '',
            });
          }
        }
      }
    } else {
      for (const rm of body.resourceMetrics ?? []) {
        const resource = attrs(rm.resource?.attributes);
        for (const sm of rm.scopeMetrics ?? []) {
          for (const m of sm.metrics ?? []) {
            const type = m.histogram ? 'histogram' : m.sum ? 'sum' : m.gauge ? 'gauge' : 'other';
            const raw: Json[] = (m.histogram ?? m.sum ?? m.gauge)?.dataPoints ?? [];
            this.metrics.push({
              name: m.name,
              unit: m.unit ?? '',
              type,
              resource,
              points: raw.map((p) => ({
                attributes: attrs(p.attributes),
                value:
                  p.asDouble !== undefined ? Number(p.asDouble) : p.asInt !== undefined ? Number(p.asInt) : undefined,
                count: p.count !== undefined ? Number(p.count) : undefined,
                sum: p.sum !== undefined ? Number(p.sum) : undefined,
                bucketCounts: p.bucketCounts?.map(Number),
                explicitBounds: p.explicitBounds?.map(Number),
              })),
            });
          }
        }
      }
    }
  }

  private decodeProtobuf(signal: 'traces' | 'metrics' | 'logs', buf: Buffer): Json {
    const type = TYPES[signal];
    return type.toObject(type.decode(buf), { longs: String, enums: Number, defaults: false, oneofs: false }) as Json;
  }

  async startHttp(port = 0): Promise<number> {
    this.http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const signal = (req.url ?? '').replace(/^\/v1\//, '') as 'traces' | 'metrics' | 'logs';
        if (!(signal in TYPES)) {
          res.writeHead(404).end();
          return;
        }
        try {
          let buf = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') buf = gunzipSync(buf);
          const contentType = String(req.headers['content-type'] ?? '');
          this.requests.push({ transport: 'http', signal, contentType, headers: { ...req.headers } });
          const isJson = contentType.includes('json');
          this.ingest(signal, isJson ? (JSON.parse(buf.toString('utf8')) as Json) : this.decodeProtobuf(signal, buf));
          res.writeHead(200, { 'content-type': isJson ? 'application/json' : 'application/x-protobuf' });
          res.end(isJson ? '{}' : Buffer.alloc(0));
        } catch (err) {
          res.writeHead(400).end(String(err));
        }
      });
    });
    this.http.listen(port, '127.0.0.1');
    await once(this.http, 'listening');
    this.httpPort = (this.http.address() as { port: number }).port;
    return this.httpPort;
  }

  async startGrpc(port = 0): Promise<number> {
    const server = new grpc.Server();
    const services = {
      traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
      metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
      logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
    } as const;
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const definition: grpc.ServiceDefinition = {
        Export: {
          path: `/${services[signal]}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: (v: Buffer) => v,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: () => Buffer.alloc(0),
          responseDeserialize: (b: Buffer) => b,
        },
      };
      server.addService(definition, {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          try {
            this.requests.push({
              transport: 'grpc',
              signal,
              contentType: 'application/grpc',
              headers: call.metadata.getMap(),
            });
            this.ingest(signal, this.decodeProtobuf(signal, call.request));
            callback(null, Buffer.alloc(0));
          } catch (err) {
            callback({ code: grpc.status.INVALID_ARGUMENT, details: String(err) });
          }
        },
      });
    }
    this.grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.grpcServer = server;
    return this.grpcPort;
  }

  /** Resolves when predicate holds for the collected data, or rejects after timeoutMs with what arrived. */
  /** Whether `span` sits under `ancestor` (its parent, grandparent, …) among the spans received. */
  isDescendant(span: ReceivedSpan | undefined, ancestor: ReceivedSpan | undefined): boolean {
    if (span === undefined || ancestor === undefined) return false;
    const byId = new Map(this.spans.map((s) => [s.spanId, s]));
    for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) {
      if (p.spanId === ancestor.spanId) return true;
    }
    return false;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'telemetry'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; received ${this.spans.length} spans (${[...new Set(this.spans.map((s) => s.name))].join(', ')}), ${this.logs.length} logs, ${this.metrics.length} metrics`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.http) {
      this.http.closeAllConnections();
      await new Promise<void>((r) => this.http?.close(() => r()));
      this.http = undefined;
    }
    if (this.grpcServer) {
      this.grpcServer.forceShutdown();
      this.grpcServer = undefined;
    }
  }
}
