import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { LogColumns, PointRow, RowGroup, SpanColumns } from './rows.js';

// Appending is the hot path: one typed append call per column, read straight from the batch's columns.

const NO_GROUP: RowGroup = { service: '', resource: '{}', scopeName: '', scopeVersion: '' };
const str = (a: DuckDBAppender, v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
const dbl = (a: DuckDBAppender, v: number | null) => (v === null ? a.appendNull() : a.appendDouble(v));

export function appendSpans(a: DuckDBAppender, c: SpanColumns, firstSeq: number): void {
  const { groups, group, flags, kind, startNs, endNs, statusCode } = c;
  for (let i = 0; i < c.length; i++) {
    const g = groups[group[i] ?? 0] ?? NO_GROUP;
    const start = startNs[i] ?? 0n;
    const end = endNs[i] ?? 0n;
    a.appendBigInt(BigInt(firstSeq + i));
    a.appendVarchar(c.traceId[i] ?? '');
    a.appendVarchar(c.spanId[i] ?? '');
    a.appendVarchar(c.parentSpanId[i] ?? '');
    a.appendVarchar(c.traceState[i] ?? '');
    a.appendUInteger(flags[i] ?? 0);
    a.appendVarchar(g.service);
    a.appendVarchar(c.name[i] ?? '');
    a.appendVarchar(c.operation[i] ?? '');
    a.appendUTinyInt(kind[i] ?? 0);
    a.appendBigInt(start);
    a.appendBigInt(end);
    a.appendBigInt(end - start);
    a.appendUTinyInt(statusCode[i] ?? 0);
    a.appendVarchar(c.statusMessage[i] ?? '');
    a.appendVarchar(g.scopeName);
    a.appendVarchar(g.scopeVersion);
    a.appendVarchar(c.attributes[i] ?? '');
    a.appendVarchar(g.resource);
    a.appendVarchar(c.events[i] ?? '');
    a.appendVarchar(c.links[i] ?? '');
    a.endRow();
  }
}

export function appendLogs(a: DuckDBAppender, c: LogColumns, firstSeq: number): void {
  const { groups, group, timeNs, observedNs, severityNumber, bodyIsJson, flags } = c;
  for (let i = 0; i < c.length; i++) {
    const g = groups[group[i] ?? 0] ?? NO_GROUP;
    a.appendBigInt(BigInt(firstSeq + i));
    a.appendBigInt(timeNs[i] ?? 0n);
    a.appendBigInt(observedNs[i] ?? 0n);
    a.appendVarchar(g.service);
    a.appendUTinyInt(severityNumber[i] ?? 0);
    a.appendVarchar(c.severityText[i] ?? '');
    a.appendVarchar(c.body[i] ?? '');
    a.appendBoolean(bodyIsJson[i] === 1);
    a.appendVarchar(c.traceId[i] ?? '');
    a.appendVarchar(c.spanId[i] ?? '');
    a.appendUInteger(flags[i] ?? 0);
    a.appendVarchar(c.attributes[i] ?? '');
    a.appendVarchar(g.resource);
    a.appendVarchar(g.scopeName);
    a.appendVarchar(g.scopeVersion);
    a.appendVarchar(c.eventName[i] ?? '');
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

/**
 * Appends the span and log batches (each batch's rows numbered on from `seq`) and the points in one transaction;
 * resolves only after COMMIT returned (durable in the WAL).
 */
export async function writeRows(
  conn: DuckDBConnection,
  spans: SpanColumns[],
  logs: LogColumns[],
  points: PointRow[],
  seq: { spans: number; logs: number; points: number },
): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    if (spans.some((c) => c.length > 0)) {
      const a = await conn.createAppender('spans');
      let next = seq.spans;
      for (const c of spans) {
        appendSpans(a, c, next);
        next += c.length;
      }
      a.closeSync();
    }
    if (logs.some((c) => c.length > 0)) {
      const a = await conn.createAppender('logs');
      let next = seq.logs;
      for (const c of logs) {
        appendLogs(a, c, next);
        next += c.length;
      }
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
