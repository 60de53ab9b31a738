// The span tree behind the waterfall: nesting by parent id, ordering, orphans, cycles, the critical path.
import { describe, expect, it } from 'vitest';
import type { OtlpSpan, OtlpTrace } from '../src/lib/api-types';
import { buildTraceTree, nanosToMs, selfTimeMs, visibleRows } from '../src/lib/trace-model';

const T = 'a'.repeat(32);
const base = 1_764_150_000_000_000_000n;

function span(id: string, parent: string, startMs: number, endMs: number, name = id): OtlpSpan {
  return {
    traceId: T,
    spanId: id.padStart(16, '0'),
    parentSpanId: parent ? parent.padStart(16, '0') : '',
    name,
    startTimeUnixNano: String(base + BigInt(Math.round(startMs * 1e6))),
    endTimeUnixNano: String(base + BigInt(Math.round(endMs * 1e6))),
  };
}

function traceOf(...groups: [string, OtlpSpan[]][]): OtlpTrace {
  return {
    resourceSpans: groups.map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 't' }, spans }],
    })),
  };
}

const ids = (rows: { spanId: string }[]) => rows.map((r) => r.spanId.replace(/^0+/, ''));

describe('trace tree', () => {
  it('nests spans from different services under their parents, children ordered by start time', () => {
    const tree = buildTraceTree(
      traceOf(
        ['api', [span('1', '', 0, 100), span('3', '1', 50, 90), span('2', '1', 10, 40)]],
        ['db', [span('4', '2', 12, 30)]],
      ),
    );
    expect(ids(visibleRows(tree, new Set()))).toEqual(['1', '2', '4', '3']);
    expect(tree.byId.get('0000000000000004')?.depth).toBe(2);
    expect(tree.byId.get('0000000000000004')?.service).toBe('db');
    expect(tree.services).toEqual(['api', 'db']);
    expect(tree.endMs - tree.startMs).toBeCloseTo(100, 6);
  });

  it('shows a span whose parent never arrived as a root instead of dropping it', () => {
    const tree = buildTraceTree(traceOf(['api', [span('1', '', 0, 10), span('2', 'ff', 5, 8)]]));
    expect(tree.roots.map((r) => r.spanId.slice(-1))).toEqual(['1', '2']);
    expect(visibleRows(tree, new Set())).toHaveLength(2);
  });

  it('keeps every span of a parent cycle visible instead of looping or losing them', () => {
    const tree = buildTraceTree(traceOf(['api', [span('1', '2', 0, 10), span('2', '1', 1, 9)]]));
    expect(visibleRows(tree, new Set())).toHaveLength(2);
  });

  it('hides the descendants of a collapsed span', () => {
    const tree = buildTraceTree(
      traceOf(['api', [span('1', '', 0, 100), span('2', '1', 10, 40), span('3', '2', 12, 30)]]),
    );
    expect(ids(visibleRows(tree, new Set(['0000000000000002'])))).toEqual(['1', '2']);
  });

  it('marks the critical path: the chain of last-finishing children', () => {
    const tree = buildTraceTree(
      traceOf(['api', [span('1', '', 0, 100), span('2', '1', 0, 30), span('3', '1', 35, 95), span('4', '3', 40, 60)]]),
    );
    const crit = [...tree.byId.values()]
      .filter((n) => n.critical)
      .map((n) => n.spanId.slice(-1))
      .sort();
    expect(crit).toEqual(['1', '2', '3', '4']);
    const tree2 = buildTraceTree(
      traceOf(['api', [span('1', '', 0, 100), span('2', '1', 0, 90), span('3', '1', 10, 50)]]),
    );
    expect(tree2.byId.get('0000000000000003')?.critical).toBe(false);
  });

  it('computes self time as the span minus the union of its children, overlaps counted once', () => {
    const tree = buildTraceTree(
      traceOf([
        'api',
        [span('1', '', 0, 100), span('2', '1', 10, 40), span('3', '1', 30, 50), span('4', '1', 90, 120)],
      ]),
    );
    // Children cover 10–50 and 90–100 (clipped): 50 ms of 100.
    expect(selfTimeMs(tree.byId.get('0000000000000001') as never)).toBeCloseTo(50, 6);
    expect(selfTimeMs(tree.byId.get('0000000000000002') as never)).toBeCloseTo(30, 6);
  });

  it('handles a 5,000-deep chain without overflowing the stack', () => {
    const spans = Array.from({ length: 5000 }, (_, i) => span(String(i + 1), i ? String(i) : '', i, 10_000 - i));
    const tree = buildTraceTree(traceOf(['api', spans]));
    const rows = visibleRows(tree, new Set());
    expect(rows).toHaveLength(5000);
    expect(rows[4999]?.depth).toBe(4999);
  });

  it('converts nanosecond strings to milliseconds keeping sub-millisecond precision', () => {
    expect(nanosToMs('1764150000123456789')).toBeCloseTo(1764150000123.4568, 3);
    expect(nanosToMs('1500')).toBeCloseTo(0.0015, 9);
  });
});
