import type { LogsRequest } from './otlp-proto.js';
import { anyValueToJson, idHex, kvToObject, serviceOf, timeNs } from './otlp-values.js';
import { emptyBatch, logColumns, type RowBatch } from './rows.js';

/** Validates and flattens an ExportLogsServiceRequest into log columns (ids optional but, when present, valid). */
export function logRows(req: LogsRequest, minNs: bigint, nowNs: bigint): RowBatch {
  const batch = emptyBatch();
  const rls = req.resourceLogs ?? [];
  let capacity = 0;
  for (const rl of rls) for (const sl of rl.scopeLogs ?? []) capacity += sl.logRecords?.length ?? 0;
  const c = logColumns(capacity);
  let n = 0;
  for (let r = 0; r < rls.length; r++) {
    const rl = rls[r]!;
    const resAttrs = kvToObject(rl.resource?.attributes);
    const resource = JSON.stringify(resAttrs);
    const service = serviceOf(resAttrs);
    const sls = rl.scopeLogs ?? [];
    for (let s = 0; s < sls.length; s++) {
      const sl = sls[s]!;
      const group = c.groups.length;
      c.groups.push({ service, resource, scopeName: sl.scope?.name ?? '', scopeVersion: sl.scope?.version ?? '' });
      const records = sl.logRecords ?? [];
      for (let i = 0; i < records.length; i++) {
        const lr = records[i]!;
        const path = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`;
        const traceId = idHex(lr.traceId, 16, `${path}.traceId`, false);
        const spanId = idHex(lr.spanId, 8, `${path}.spanId`, false);
        const observedNs = timeNs(lr.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
        let time = timeNs(lr.timeUnixNano, `${path}.timeUnixNano`);
        if (time === 0n) time = observedNs === 0n ? nowNs : observedNs;
        if (time < minNs) {
          batch.rejected++;
          continue;
        }
        const body = anyValueToJson(lr.body);
        const isString = typeof body === 'string';
        c.group[n] = group;
        c.timeNs[n] = time;
        c.observedNs[n] = observedNs;
        c.severityNumber[n] = Math.max(0, Math.min(255, lr.severityNumber ?? 0));
        c.severityText.push(lr.severityText ?? '');
        c.body.push(isString ? body : body === null ? '' : JSON.stringify(body));
        c.bodyIsJson[n] = !isString && body !== null ? 1 : 0;
        c.traceId.push(traceId);
        c.spanId.push(spanId);
        c.flags[n] = lr.flags ?? 0;
        c.attributes.push(JSON.stringify(kvToObject(lr.attributes)));
        c.eventName.push(lr.eventName ?? '');
        n++;
      }
    }
  }
  c.length = n;
  batch.logs = c;
  if (batch.rejected > 0)
    batch.rejectedReason = `${batch.rejected} log record(s) older than the retention window were not stored`;
  return batch;
}
