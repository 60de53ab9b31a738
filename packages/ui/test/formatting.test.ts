// What users read: durations in µs/ms/s, units, time ranges, attribute filters and log bodies.
import { describe, expect, it } from 'vitest';
import { attrPatch, parseAttrText } from '../src/lib/attr-filter';
import { formatDurationMs, formatPercent, formatRate, formatUnit } from '../src/lib/format';
import { bodyLine, prettyBody, severityName } from '../src/lib/log-format';
import { rangeFromParams, resolveTime, stepFor } from '../src/lib/time-range';

describe('readable units', () => {
  it('shows durations in µs, ms, s and min with three significant digits', () => {
    expect(formatDurationMs(0.0123)).toBe('12.3 µs');
    expect(formatDurationMs(0.5)).toBe('500 µs');
    expect(formatDurationMs(3.14259)).toBe('3.14 ms');
    expect(formatDurationMs(999.96)).toBe('1 s');
    expect(formatDurationMs(45_200)).toBe('45.2 s');
    expect(formatDurationMs(150_000)).toBe('2.5 min');
    expect(formatDurationMs(Number.NaN)).toBe('–');
  });

  it('formats OpenTelemetry units: seconds, bytes, counts and annotations', () => {
    expect(formatUnit(0.25, 's')).toBe('250 ms');
    expect(formatUnit(3 * 1024 * 1024, 'By')).toBe('3 MiB');
    expect(formatUnit(12_500, '1')).toBe('12.5k');
    expect(formatUnit(7, '{order}')).toBe('7 order');
    expect(formatUnit(0.005, '/s')).toBe('0.005/s');
    expect(formatRate(20)).toBe('20/s');
    expect(formatPercent(0.0123)).toBe('1.23%');
  });
});

describe('time ranges', () => {
  it('resolves the expressions the query API accepts and rejects others', () => {
    const now = 1_764_150_000_000;
    expect(resolveTime('now-15m', now)).toBe(now - 900_000);
    expect(resolveTime('now', now)).toBe(now);
    expect(resolveTime('1764150000000', now)).toBe(1_764_150_000_000);
    expect(resolveTime('2026-11-26T10:00:00Z', now)).toBe(Date.parse('2026-11-26T10:00:00Z'));
    expect(resolveTime('yesterday', now)).toBeNull();
  });

  it('falls back to the last hour for an invalid range in a shared URL', () => {
    expect(rangeFromParams(new URLSearchParams('from=garbage&to=now'))).toEqual({ from: 'now-1h', to: 'now' });
  });

  it('chooses a chart step giving about 60 points', () => {
    expect(stepFor({ from: 'now-1h', to: 'now' })).toBe('60s');
    expect(stepFor({ from: 'now-24h', to: 'now' })).toBe('1800s');
  });
});

describe('attribute filters', () => {
  it('parses "key=value, key=value" into attr.* parameters, values may contain =', () => {
    expect(parseAttrText('http.route=/orders, q=a=b')).toEqual({
      attrs: { 'attr.http.route': '/orders', 'attr.q': 'a=b' },
    });
  });

  it('names the bad part and the accepted form', () => {
    expect(parseAttrText('http.route')).toEqual({
      error: 'attribute filter "http.route" is not key=value (e.g. http.route=/orders)',
    });
  });

  it('clears filters that were removed', () => {
    expect(attrPatch(new URLSearchParams('attr.a=1&from=now-1h'), { 'attr.b': '2' })).toEqual({
      'attr.a': undefined,
      'attr.b': '2',
    });
  });
});

describe('log bodies', () => {
  it('pretty-prints structured bodies and JSON strings, leaves text alone', () => {
    expect(prettyBody({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyBody('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyBody('{not json}')).toBeNull();
    expect(prettyBody('plain')).toBeNull();
    expect(bodyLine({ a: 1 })).toBe('{"a":1}');
  });

  it('names severities from the number when the text is missing', () => {
    expect(severityName(17)).toBe('error');
    expect(severityName(10)).toBe('info');
    expect(severityName(13, 'WARNING')).toBe('warning');
  });
});
