// What a new user sees before any telemetry arrives: exactly how to send some.
import { useState } from 'preact/hooks';
import { useApi } from '../lib/api';
import { setToken } from '../lib/auth-token';

interface Health {
  otlp?: { grpc?: string; http?: string };
}

export function EmptyState({ what }: { what: string }) {
  // The server reports where its OTLP receivers listen; without that, assume the standard ports on this host.
  const health = useApi<Health>('/api/health', { refresh: false });
  const host = window.location.hostname || '127.0.0.1';
  const grpc = health.data?.otlp?.grpc ?? `http://${host}:4317`;
  const http = health.data?.otlp?.http ?? `http://${host}:4318`;
  return (
    <div class="empty" role="status">
      <h2>No {what} yet</h2>
      <p>Start your service with the Sightline OpenTelemetry distribution and point it at this backend:</p>
      <pre class="code">
        {`npm install @sightline/node
export OTEL_SERVICE_NAME=my-service
export OTEL_EXPORTER_OTLP_ENDPOINT=${grpc}
node --import @sightline/node/register app.js`}
      </pre>
      <p>
        Over HTTP instead of gRPC: <code>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</code> and{' '}
        <code>OTEL_EXPORTER_OTLP_ENDPOINT={http}</code>. Any OpenTelemetry SDK or Collector works the same way. Data
        shows up here within a few seconds; widen the time range if you sent it earlier.
      </p>
    </div>
  );
}

function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim());
        window.location.reload();
      }}
    >
      <label>
        This server was started with <code>--token</code>. Token:{' '}
        <input
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Use token</button>
    </form>
  );
}

export function ErrorBanner({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const code = (error as { code?: string }).code;
  if (code === 'SIGHTLINE_ERR_UNAUTHORIZED') {
    return (
      <div class="error-banner" role="alert">
        <strong>{code}: </strong>
        {error.message}
        <TokenForm />
      </div>
    );
  }
  return (
    <div class="error-banner" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {error.message}
    </div>
  );
}
