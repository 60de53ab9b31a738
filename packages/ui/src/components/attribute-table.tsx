// Key/value attributes rendered as text (never markup); objects and arrays as indented JSON.

export function valueText(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, null, 2);
}

export function AttributeTable({ attrs, label }: { attrs: Record<string, unknown>; label: string }) {
  const keys = Object.keys(attrs).sort();
  if (!keys.length) return <p class="none">No {label.toLowerCase()}</p>;
  return (
    <table class="kv" aria-label={label}>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class={typeof attrs[k] === 'object' && attrs[k] !== null ? 'json' : undefined}>
              {valueText(attrs[k])}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
