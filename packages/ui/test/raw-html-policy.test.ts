// The UI renders telemetry only through JSX text: no source file may parse strings as HTML or code.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const FORBIDDEN =
  /\b(innerHTML|outerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|document\.write|eval\(|new Function\()/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('raw HTML policy', () => {
  it('finds the UI sources it checks', () => {
    expect(sources(SRC).length).toBeGreaterThan(20);
  });

  it('has no innerHTML, dangerouslySetInnerHTML, insertAdjacentHTML, document.write or eval in the UI sources', () => {
    const offenders = sources(SRC)
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ f, line, i }))
          .filter(({ line }) => FORBIDDEN.test(line) && !line.trim().startsWith('//')),
      )
      .map(({ f, i, line }) => `${f.slice(SRC.length + 1)}:${i + 1}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
