// Everything about one span: timing, status, attributes, resource, events, exception stacks and links.

import { formatDurationMs, formatTime } from '../lib/format';
import { hrefWith } from '../lib/router';
import { attrs, nanosToMs, SPAN_KINDS, type SpanNode, selfTimeMs } from '../lib/trace-model';
import { AttributeTable, valueText } from './attribute-table';
import { CopyButton } from './copy-button';

const STATUS = ['unset', 'ok', 'error'];

export function SpanDetail({ node, onClose }: { node: SpanNode; onClose: () => void }) {
  const s = node.span;
  const events = (s.events ?? []).map((e) => ({
    ...e,
    ms: nanosToMs(e.timeUnixNano),
    attributes: attrs(e.attributes),
  }));
  const exceptions = events.filter((e) => e.name === 'exception');
  return (
    <aside class="span-detail" aria-label="Span detail">
      <header>
        <h2>{s.name}</h2>
        <button type="button" class="close" aria-label="Close span detail" onClick={onClose}>
          ×
        </button>
      </header>
      <dl class="facts">
        <dt>Service</dt>
        <dd>{node.service}</dd>
        <dt>Span ID</dt>
        <dd class="mono">
          {node.spanId} <CopyButton text={node.spanId} label="span id" />
        </dd>
        <dt>Parent</dt>
        <dd class="mono">{node.parentId || '(root)'}</dd>
        <dt>Kind</dt>
        <dd>{SPAN_KINDS[s.kind ?? 0] ?? String(s.kind)}</dd>
        <dt>Start</dt>
        <dd>{formatTime(node.startMs)}</dd>
        <dt>Duration</dt>
        <dd>
          {formatDurationMs(node.durationMs)}
          {node.children.length ? ` (self ${formatDurationMs(selfTimeMs(node))})` : ''}
          {node.critical ? ' · critical path' : ''}
        </dd>
        <dt>Status</dt>
        <dd class={node.isError ? 'bad-text' : undefined}>
          {STATUS[s.status?.code ?? 0] ?? 'unset'}
          {s.status?.message ? `: ${s.status.message}` : ''}
        </dd>
        <dt>Scope</dt>
        <dd>{node.scope || '–'}</dd>
      </dl>
      <p class="actions">
        <a
          href={hrefWith('/logs', {
            traceId: s.traceId,
            spanId: node.spanId,
            from: String(Math.floor(node.startMs - 3_600_000)),
            to: String(Math.ceil(node.endMs + 3_600_000)),
          })}
        >
          Logs for this span
        </a>
      </p>
      {exceptions.map((e, i) => (
        <section key={`x${i}`} class="exception">
          <h3>
            Exception: {valueText(e.attributes['exception.type'])} {valueText(e.attributes['exception.message'])}
          </h3>
          {e.attributes['exception.stacktrace'] ? (
            <pre class="stack">{valueText(e.attributes['exception.stacktrace'])}</pre>
          ) : null}
        </section>
      ))}
      <h3>Attributes</h3>
      <AttributeTable attrs={attrs(s.attributes)} label="Attributes" />
      <h3>Events ({events.length})</h3>
      {events.length ? (
        <ol class="events">
          {events.map((e, i) => (
            <li key={`e${i}`}>
              <strong>{e.name}</strong> <span class="muted">+{formatDurationMs(e.ms - node.startMs)}</span>
              <AttributeTable attrs={e.attributes} label="Event attributes" />
            </li>
          ))}
        </ol>
      ) : (
        <p class="none">No events</p>
      )}
      <h3>Links ({s.links?.length ?? 0})</h3>
      {s.links?.length ? (
        <ul class="links">
          {s.links.map((l, i) => (
            <li key={`l${i}`}>
              <a class="mono" href={hrefWith(`/traces/${l.traceId}`, { span: l.spanId })}>
                {l.traceId.slice(0, 8)}…/{l.spanId}
              </a>
              <AttributeTable attrs={attrs(l.attributes)} label="Link attributes" />
            </li>
          ))}
        </ul>
      ) : (
        <p class="none">No links</p>
      )}
      <h3>Resource</h3>
      <AttributeTable attrs={node.resource} label="Resource" />
    </aside>
  );
}
