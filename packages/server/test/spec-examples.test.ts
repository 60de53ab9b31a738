import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer } from './helpers.js';

const run = promisify(execFile);
const hasCurl = existsSync('/usr/bin/curl');
if (!hasCurl) console.warn('skipped: curl not found at /usr/bin/curl');

// The trace and logs examples of opentelemetry-proto (examples/trace.json, examples/logs.json): uppercase hex ids,
// string int64 timestamps from December 2018.
const TRACE_EXAMPLE = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
      scopeSpans: [
        {
          scope: {
            name: 'my.library',
            version: '1.0.0',
            attributes: [{ key: 'my.scope.attribute', value: { stringValue: 'some scope attribute' } }],
          },
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              parentSpanId: 'EEE19B7EC3C1B173',
              name: "I'm a server span",
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: '1544712661000000000',
              kind: 2,
              attributes: [{ key: 'my.span.attr', value: { stringValue: 'some value' } }],
            },
          ],
        },
      ],
    },
  ],
};
const LOGS_EXAMPLE = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
      scopeLogs: [
        {
          scope: { name: 'my.library', version: '1.0.0' },
          logRecords: [
            {
              timeUnixNano: '1544712660300000000',
              observedTimeUnixNano: '1544712660300000000',
              severityNumber: 10,
              severityText: 'Information',
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              body: { stringValue: 'Example log record' },
              attributes: [
                { key: 'string.attribute', value: { stringValue: 'some string' } },
                { key: 'boolean.attribute', value: { boolValue: true } },
                { key: 'int.attribute', value: { intValue: '10' } },
                { key: 'double.attribute', value: { doubleValue: 637.704 } },
                {
                  key: 'array.attribute',
                  value: { arrayValue: { values: [{ stringValue: 'many' }, { stringValue: 'values' }] } },
                },
                {
                  key: 'map.attribute',
                  value: { kvlistValue: { values: [{ key: 'some.map.key', value: { stringValue: 'some value' } }] } },
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

const curl = async (url: string, body: object) => {
  const { stdout } = await run('curl', [
    '-sS',
    '-X',
    'POST',
    '-H',
    'Content-Type: application/json',
    '-d',
    JSON.stringify(body),
    '-w',
    '\n%{http_code}',
    url,
  ]);
  const lines = stdout.trim().split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
};

describe.skipIf(!hasCurl)('the OTLP specification JSON examples sent with curl', () => {
  let longRetention: Awaited<ReturnType<typeof startTestServer>>;
  let defaultRetention: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    [longRetention, defaultRetention] = await Promise.all([
      startTestServer({ retention: '10000d' }),
      startTestServer(),
    ]);
  });
  afterAll(async () => {
    await longRetention?.cleanup();
    await defaultRetention?.cleanup();
  });

  it('are accepted and stored with lowercase ids and exact nanosecond times', async () => {
    expect(await curl(`${longRetention.otlpHttpUrl}/v1/traces`, TRACE_EXAMPLE)).toEqual({ status: 200, body: '{}' });
    expect(await curl(`${longRetention.otlpHttpUrl}/v1/logs`, LOGS_EXAMPLE)).toEqual({ status: 200, body: '{}' });
    const trace = await getJson(`${longRetention.apiUrl}/api/traces/5b8efff798038103d269b633813fc60c`);
    const span = trace.body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      startTimeUnixNano: '1544712660000000000',
      endTimeUnixNano: '1544712661000000000',
    });
    const logs = await getJson(
      `${longRetention.apiUrl}/api/logs?from=2018-12-13T00:00:00Z&to=2018-12-14T00:00:00Z&traceId=5b8efff798038103d269b633813fc60c`,
    );
    expect(logs.body.logs[0]).toMatchObject({
      timeMs: 1544712660300,
      severityNumber: 10,
      body: 'Example log record',
      attributes: {
        'string.attribute': 'some string',
        'boolean.attribute': true,
        'int.attribute': 10,
        'double.attribute': 637.704,
        'array.attribute': ['many', 'values'],
        'map.attribute': { 'some.map.key': 'some value' },
      },
    });
  });

  it('are answered with partial_success when older than the retention window', async () => {
    const res = await curl(`${defaultRetention.otlpHttpUrl}/v1/traces`, TRACE_EXAMPLE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: '1 span(s) started before the retention window and were not stored',
      },
    });
    expect((await getJson(`${defaultRetention.apiUrl}/api/health`)).body.storage.spans).toBe(0);
  });
});

describe('OTLP/JSON leniency the JSON mapping allows', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.cleanup());

  it('accepts snake_case keys, enum names, numeric int64s and severity names', async () => {
    const now = Date.now();
    const traces = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'lenient' } }] },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: 'aa'.repeat(16),
                  span_id: 'bb'.repeat(8),
                  name: 'GET /lenient',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: now * 1e6,
                  end_time_unix_nano: (now + 3) * 1e6,
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(`${server.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(traces),
    });
    expect(res.status).toBe(200);
    const logs = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(now * 1e6),
                  severityNumber: 'SEVERITY_NUMBER_WARN2',
                  body: { stringValue: 'named severity' },
                },
              ],
            },
          ],
        },
      ],
    };
    const logRes = await fetch(`${server.otlpHttpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(logs),
    });
    expect(logRes.status).toBe(200);
    const spans = await getJson(`${server.apiUrl}/api/spans`);
    expect(spans.body.spans[0]).toMatchObject({ service: 'lenient', kind: 'server', statusCode: 'error' });
    // ns as JSON numbers exceed 2^53: accepted, with the precision a double has
    expect(spans.body.spans[0].durationMs).toBeCloseTo(3, 2);
    const stored = await getJson(`${server.apiUrl}/api/logs`);
    expect(stored.body.logs[0]).toMatchObject({
      severityNumber: 14,
      body: 'named severity',
      service: 'unknown_service',
    });
  });
});
