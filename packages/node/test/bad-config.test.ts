import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';

const BAD_ENV = {
  OTEL_TRACES_SAMPLER: 'sometimes',
  OTEL_RESOURCE_ATTRIBUTES: 'team=checkout,novalue,=orphan',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
  OTEL_METRIC_EXPORT_INTERVAL: 'soon',
  OTEL_TRACES_EXPORTER: 'zipkin',
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'no-such-thing',
};

describe('bad configuration in the environment', () => {
  let app: AppProcess | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('prints one clear warning per bad value (variable, value, what is accepted) and the app still serves', async () => {
    app = await startApp('bad-env-app.cjs', { flag: '--require', env: BAD_ENV });
    const res = await fetch(app.base);
    expect(res.status).toBe(200);
    const err = app.stderr();
    expect(err).toContain(
      'SIGHTLINE_ERR_SDK_SAMPLER: OTEL_TRACES_SAMPLER="sometimes" is not accepted; use one of always_on',
    );
    expect(err).toContain('SIGHTLINE_ERR_SDK_KEY_VALUE_LIST: OTEL_RESOURCE_ATTRIBUTES entry "novalue" is malformed');
    expect(err).toContain(
      'SIGHTLINE_ERR_SDK_ENDPOINT: OTEL_EXPORTER_OTLP_ENDPOINT="not a url" is not a valid http(s) URL',
    );
    expect(err).toContain(
      'SIGHTLINE_ERR_SDK_PROTOCOL: OTEL_EXPORTER_OTLP_PROTOCOL="carrier-pigeon" is not accepted; use one of grpc, http/protobuf, http/json',
    );
    expect(err).toContain('SIGHTLINE_ERR_SDK_NUMBER: OTEL_METRIC_EXPORT_INTERVAL="soon"');
    expect(err).toContain('SIGHTLINE_ERR_SDK_EXPORTER: OTEL_TRACES_EXPORTER="zipkin"');
    expect(err).toContain(
      'SIGHTLINE_ERR_SDK_INSTRUMENTATION: OTEL_NODE_DISABLED_INSTRUMENTATIONS names "no-such-thing"',
    );
  });

  it('reports each problem once when started with --import', async () => {
    app = await startApp('bad-env-app.cjs', { flag: '--import', env: BAD_ENV });
    expect((await fetch(app.base)).status).toBe(200);
    expect(app.stderr().match(/SIGHTLINE_ERR_SDK_SAMPLER/g)).toHaveLength(1);
  });

  it('with SIGHTLINE_STRICT=1 refuses to start instead', async () => {
    await expect(
      startApp('bad-env-app.cjs', {
        flag: '--require',
        env: { OTEL_TRACES_SAMPLER: 'sometimes', SIGHTLINE_STRICT: '1' },
      }),
    ).rejects.toThrow(/SightlineConfigError: SIGHTLINE_ERR_SDK_SAMPLER: OTEL_TRACES_SAMPLER="sometimes"/);
  });

  it('OTEL_SDK_DISABLED=true starts nothing and the app serves', async () => {
    app = await startApp('bad-env-app.cjs', { flag: '--require', env: { ...BAD_ENV, OTEL_SDK_DISABLED: 'true' } });
    expect((await fetch(app.base)).status).toBe(200);
    expect(app.stderr()).not.toContain('SIGHTLINE_ERR');
  });
});
