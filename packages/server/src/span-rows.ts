import type { TracesRequest } from './otlp-proto.js';
import { idHex, kvToObject, serviceOf, timeNs } from './otlp-values.js';
import { emptyBatch, type RowBatch, spanColumns } from './rows.js';

/**
 * Validates and flattens an ExportTraceServiceRequest into span columns. Any invalid id rejects the whole request
 * (thrown); spans that started before `minNs` (outside retention, which deletes by start time) are counted as rejected.
 */
export function spanRows(req: TracesRequest, minNs: bigint): RowBatch {
  const batch = emptyBatch();
  const rss = req.resourceSpans ?? [];
  let capacity = 0;
  for (const rs of rss) for (const ss of rs.scopeSpans ?? []) capacity += ss.spans?.length ?? 0;
  const c = spanColumns(capacity);
  let n = 0;
  for (let r = 0; r < rss.length; r++) {
    const rs = rss[r]!;
    const resAttrs = kvToObject(rs.resource?.attributes);
    const resource = JSON.stringify(resAttrs);
    const service = serviceOf(resAttrs);
    const sss = rs.scopeSpans ?? [];
    for (let s = 0; s < sss.length; s++) {
      const ss = sss[s]!;
      const group = c.groups.length;
      c.groups.push({ service, resource, scopeName: ss.scope?.name ?? '', scopeVersion: ss.scope?.version ?? '' });
      const spans = ss.spans ?? [];
      for (let i = 0; i < spans.length; i++) {
        const sp = spans[i]!;
        const path = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        const traceId = idHex(sp.traceId, 16, `${path}.traceId`, true);
        const spanId = idHex(sp.spanId, 8, `${path}.spanId`, true);
        const parent = sp.parentSpanId;
        const parentSpanId =
          parent && parent.length === 8 && parent.every((b) => b === 0)
            ? ''
            : idHex(parent, 8, `${path}.parentSpanId`, false);
        const startNs = timeNs(sp.startTimeUnixNano, `${path}.startTimeUnixNano`);
        let endNs = timeNs(sp.endTimeUnixNano, `${path}.endTimeUnixNano`);
        if (endNs < startNs) endNs = startNs;
        const links = (sp.links ?? []).map((l, li) => ({
          traceId: idHex(l.traceId, 16, `${path}.links[${li}].traceId`, true),
          spanId: idHex(l.spanId, 8, `${path}.links[${li}].spanId`, true),
          traceState: l.traceState ?? '',
          attributes: kvToObject(l.attributes),
        }));
        if (startNs < minNs) {
          batch.rejected++;
          continue;
        }
        const attrs = kvToObject(sp.attributes);
        const route = attrs['http.route'];
        const method = attrs['http.request.method'] ?? attrs['http.method'];
        const kind = sp.kind ?? 0;
        const name = sp.name ?? '';
        const events = sp.events ?? [];
        c.group[n] = group;
        c.traceId.push(traceId);
        c.spanId.push(spanId);
        c.parentSpanId.push(parentSpanId);
        c.traceState.push(sp.traceState ?? '');
        c.flags[n] = sp.flags ?? 0;
        c.name.push(name);
        c.operation.push(
          kind === 2 && typeof route === 'string' && typeof method === 'string' && route !== ''
            ? `${method} ${route}`
            : name,
        );
        c.kind[n] = kind;
        c.startNs[n] = startNs;
        c.endNs[n] = endNs;
        c.statusCode[n] = sp.status?.code ?? 0;
        c.statusMessage.push(sp.status?.message ?? '');
        c.attributes.push(JSON.stringify(attrs));
        c.events.push(
          events.length === 0
            ? '[]'
            : JSON.stringify(
                events.map((e, ei) => ({
                  timeUnixNano: timeNs(e.timeUnixNano, `${path}.events[${ei}].timeUnixNano`).toString(),
                  name: e.name ?? '',
                  attributes: kvToObject(e.attributes),
                })),
              ),
        );
        c.links.push(links.length === 0 ? '[]' : JSON.stringify(links));
        n++;
      }
    }
  }
  c.length = n;
  batch.spans = c;
  if (batch.rejected > 0)
    batch.rejectedReason = `${batch.rejected} span(s) started before the retention window and were not stored`;
  return batch;
}
