// OTLP/JSON trace → a span tree ready for the waterfall: parent links, depth, service, critical path.
import type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTrace } from './api-types';

export interface SpanNode {
  span: OtlpSpan;
  spanId: string;
  parentId: string;
  service: string;
  resource: Record<string, unknown>;
  scope: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  depth: number;
  children: SpanNode[];
  isError: boolean;
  /** On the critical path: the chain of spans that determined when the trace finished. */
  critical: boolean;
}

export interface TraceTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  startMs: number;
  endMs: number;
  services: string[];
  count: number;
}

export function anyValue(v: OtlpAnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function attrs(kvs: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Nanosecond string → ms float, keeping sub-ms precision without BigInt cost per span. */
export function nanosToMs(ns: string | number): number {
  const s = String(ns);
  if (s.length <= 6) return Number(s) / 1e6;
  return Number(s.slice(0, -6)) + Number(s.slice(-6)) / 1e6;
}

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function buildTraceTree(trace: OtlpTrace): TraceTree {
  const byId = new Map<string, SpanNode>();
  const nodes: SpanNode[] = [];
  const services = new Set<string>();
  for (const rs of trace.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown_service');
    services.add(service);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = ss.scope?.name ?? '';
      for (const span of ss.spans ?? []) {
        const startMs = nanosToMs(span.startTimeUnixNano);
        const endMs = Math.max(startMs, nanosToMs(span.endTimeUnixNano));
        const node: SpanNode = {
          span,
          spanId: span.spanId,
          parentId: span.parentSpanId ?? '',
          service,
          resource,
          scope,
          startMs,
          endMs,
          durationMs: endMs - startMs,
          depth: 0,
          children: [],
          isError: span.status?.code === 2,
          critical: false,
        };
        nodes.push(node);
        byId.set(span.spanId, node);
      }
    }
  }
  const roots: SpanNode[] = [];
  for (const n of nodes) {
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    // A span whose parent never arrived is shown as a root rather than dropped.
    if (parent && parent !== n) parent.children.push(n);
    else roots.push(n);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.startMs - b.startMs;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  const seen = new Set<SpanNode>();
  // Iterative walk: a 5,000-deep chain must not overflow the stack.
  const walk = (root: SpanNode) => {
    const stack: SpanNode[] = [root];
    while (stack.length) {
      const n = stack.pop() as SpanNode;
      seen.add(n);
      startMs = Math.min(startMs, n.startMs);
      endMs = Math.max(endMs, n.endMs);
      n.children = n.children.filter((c) => !seen.has(c)).sort(byStart);
      for (const c of n.children) {
        c.depth = n.depth + 1;
        stack.push(c);
      }
    }
  };
  for (const r of roots) walk(r);
  // Spans in a parent cycle (corrupt data) are reachable from no root: show them as roots too.
  for (const n of nodes) {
    if (!seen.has(n)) {
      n.depth = 0;
      roots.push(n);
      walk(n);
    }
  }
  roots.sort(byStart);
  for (const r of roots) markCritical(r);
  return { roots, byId, startMs, endMs, services: [...services], count: nodes.length };
}

/** Walk back from the end: the last-finishing child before the cursor is on the critical path. */
function markCritical(root: SpanNode): void {
  const stack: [SpanNode, number][] = [[root, root.endMs]];
  while (stack.length) {
    const [n, until] = stack.pop() as [SpanNode, number];
    n.critical = true;
    let cursor = Math.min(until, n.endMs);
    const kids = [...n.children].sort((a, b) => b.endMs - a.endMs);
    for (const c of kids) {
      if (c.endMs <= cursor && c.endMs > n.startMs) {
        stack.push([c, cursor]);
        cursor = c.startMs;
      }
    }
  }
}

/** Rows to display: depth-first order, skipping the descendants of collapsed spans. */
export function visibleRows(tree: TraceTree, collapsed: Set<string>): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [...tree.roots].reverse();
  while (stack.length) {
    const n = stack.pop() as SpanNode;
    out.push(n);
    if (!collapsed.has(n.spanId))
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as SpanNode);
  }
  return out;
}

/** Time the span spent outside its children (the union of child intervals, clipped to the span, subtracted). */
export function selfTimeMs(n: SpanNode): number {
  const iv = n.children
    .map((c) => [Math.max(c.startMs, n.startMs), Math.min(c.endMs, n.endMs)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [a, b] of iv) {
    if (Number.isNaN(curEnd) || a > curEnd) {
      if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
  return Math.max(0, n.durationMs - covered);
}
