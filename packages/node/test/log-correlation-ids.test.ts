import { isSpanContextValid, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { isValidSpanContext } from '../src/log-correlation.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('isValidSpanContext (log records carry only valid span contexts)', () => {
  const cases: Array<[string, string]> = [
    [T, S],
    [T.toUpperCase(), S.toUpperCase()],
    ['0'.repeat(32), S],
    [T, '0'.repeat(16)],
    [`${'0'.repeat(31)}1`, `${'0'.repeat(15)}1`],
    [T.slice(1), S],
    [`${T}0`, S],
    [T, S.slice(1)],
    [T.replace('4', 'g'), S],
    [T, S.replace('f', 'G')],
    [T.replace('b', ' '), S],
    ['', ''],
    [T, `${S.slice(0, 15)}/`],
    [T, `${S.slice(0, 15)}:`],
    [`${T.slice(0, 31)}@`, S],
    [`${T.slice(0, 31)}\``, S],
  ];
  it.each(cases)('agrees with the API for %s / %s', (traceId, spanId) => {
    const sc = { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
    expect(isValidSpanContext(sc)).toBe(isSpanContextValid(sc));
  });

  it('accepts a real id pair and rejects the all-zero ones', () => {
    expect(isValidSpanContext({ traceId: T, spanId: S, traceFlags: 1 })).toBe(true);
    expect(isValidSpanContext({ traceId: '0'.repeat(32), spanId: S, traceFlags: 1 })).toBe(false);
  });
});
