import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { LogRow, PointRow, SpanRow } from './rows.js';

// Appending is the hot path: one typed append call per column, no intermediate objects.

const str = (a: DuckDBAppender, v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
const dbl = (a: DuckDBAppender, v: number | null) => (v === null ? a.appendNull() : a.appendDouble(v));

export function appendSpans(a: DuckDBAppender, rows: SpanRow[], firstSeq: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    a.appendBigInt(BigInt(firstSeq + i));
    a.appendVarchar(r.traceId);
    a.appendVarchar(r.spanId);
    a.appendVarchar(r.parentSpanId);
    a.appendVarchar(r.traceState);
    a.appendUInteger(r.flags >>> 0);
    a.appendVarchar(r.service);
    a.appendVarchar(r.name);
    a.appendVarchar(r.operation);
    a.appendUTinyInt(r.kind & 0xff);
    a.appendBigInt(r.startNs);
    a.appendBigInt(r.endNs);
    a.appendBigInt(r.endNs - r.startNs);
    a.appendUTinyInt(r.statusCode & 0xff);
    a.appendVarchar(r.statusMessage);
    a.appendVarchar(r.scopeName);
    a.appendVarchar(r.scopeVersion);
    a.appendVarchar(r.attributes);
    a.appendVarchar(r.resource);
    a.appendVarchar(r.events);
    a.appendVarchar(r.links);
    a.endRow();
  }
}

export function appendLogs(a: DuckDBAppender, rows: LogRow[], firstSeq: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    a.appendBigInt(BigInt(firstSeq + i));
    a.appendBigInt(r.timeNs);
    a.appendBigInt(r.observedNs);
    a.appendVarchar(r.service);
    a.appendUTinyInt(Math.max(0, Math.min(255, r.severityNumber)));
    a.appendVarchar(r.severityText);
    a.appendVarchar(r.body);
    a.appendBoolean(r.bodyIsJson);
    a.appendVarchar(r.traceId);
    a.appendVarchar(r.spanId);
    a.appendUInteger(r.flags >>> 0);
    a.appendVarchar(r.attributes);
    a.appendVarchar(r.resource);
    a.appendVarchar(r.scopeName);
    a.appendVarchar(r.scopeVersion);
    a.appendVarchar(r.eventName);
    a.endRow();
  }
}

export function appendPoints(a: DuckDBAppender, rows: PointRow[], firstSeq: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    a.appendBigInt(BigInt(firstSeq + i));
    a.appendVarchar(r.name);
    a.appendVarchar(r.type);
    a.appendVarchar(r.unit);
    a.appendVarchar(r.description);
    a.appendBoolean(r.monotonic);
    a.appendVarchar(r.temporality);
    a.appendVarchar(r.service);
    a.appendVarchar(r.scopeName);
    a.appendVarchar(r.scopeVersion);
    a.appendVarchar(r.attributes);
    a.appendVarchar(r.resource);
    a.appendBigInt(r.startNs);
    a.appendBigInt(r.timeNs);
    dbl(a, r.value);
    dbl(a, r.count);
    dbl(a, r.sum);
    dbl(a, r.min);
    dbl(a, r.max);
    str(a, r.bounds);
    str(a, r.buckets);
    str(a, r.quantiles);
    str(a, r.exemplars);
    a.appendUInteger(r.flags >>> 0);
    a.endRow();
  }
}

/** Appends all rows in one transaction; resolves only after COMMIT returned (durable in the WAL). */
export async function writeRows(
  conn: DuckDBConnection,
  spans: SpanRow[],
  logs: LogRow[],
  points: PointRow[],
  seq: { spans: number; logs: number; points: number },
): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    if (spans.length) {
      const a = await conn.createAppender('spans');
      appendSpans(a, spans, seq.spans);
      a.closeSync();
    }
    if (logs.length) {
      const a = await conn.createAppender('logs');
      appendLogs(a, logs, seq.logs);
      a.closeSync();
    }
    if (points.length) {
      const a = await conn.createAppender('metric_points');
      appendPoints(a, points, seq.points);
      a.closeSync();
    }
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
