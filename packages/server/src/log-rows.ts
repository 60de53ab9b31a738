import type { LogsRequest } from './otlp-proto.js';
import { anyValueToJson, idHex, kvToObject, serviceOf, timeNs } from './otlp-values.js';
import { emptyBatch, type LogRow, type RowBatch } from './rows.js';

/** Validates and flattens an ExportLogsServiceRequest (ids optional but, when present, valid). */
export function logRows(req: LogsRequest, minNs: bigint, nowNs: bigint): RowBatch {
  const batch = emptyBatch();
  const rls = req.resourceLogs ?? [];
  for (let r = 0; r < rls.length; r++) {
    const rl = rls[r]!;
    const resAttrs = kvToObject(rl.resource?.attributes);
    const resource = JSON.stringify(resAttrs);
    const service = serviceOf(resAttrs);
    const sls = rl.scopeLogs ?? [];
    for (let s = 0; s < sls.length; s++) {
      const sl = sls[s]!;
      const scopeName = sl.scope?.name ?? '';
      const scopeVersion = sl.scope?.version ?? '';
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
        const row: LogRow = {
          timeNs: time,
          observedNs,
          service,
          severityNumber: lr.severityNumber ?? 0,
          severityText: lr.severityText ?? '',
          body: isString ? body : body === null ? '' : JSON.stringify(body),
          bodyIsJson: !isString && body !== null,
          traceId,
          spanId,
          flags: lr.flags ?? 0,
          attributes: JSON.stringify(kvToObject(lr.attributes)),
          resource,
          scopeName,
          scopeVersion,
          eventName: lr.eventName ?? '',
        };
        batch.logs.push(row);
      }
    }
  }
  if (batch.rejected > 0)
    batch.rejectedReason = `${batch.rejected} log record(s) older than the retention window were not stored`;
  return batch;
}
