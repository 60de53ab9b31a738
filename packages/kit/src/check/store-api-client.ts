import { KitError } from '../kit-error.js';

export interface StoreApiOptions {
  /** Base URL of `sightline up`'s query API; default http://127.0.0.1:4400. */
  api?: string;
  /** Bearer token when the server runs with `--token`. */
  token?: string;
}

/** The useful part of a fetch failure: ECONNREFUSED, a DNS error or undici's own message. */
export function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:4400';

/** A thin reader of the documented query API (docs/query-api.md); it knows nothing about the store behind it. */
export class StoreApiClient {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(options: StoreApiOptions = {}) {
    const api = options.api ?? DEFAULT_API_URL;
    let url: URL;
    try {
      url = new URL(api);
    } catch {
      throw new KitError('SIGHTLINE_ERR_API_URL', `--api "${api}" is not a URL; expected e.g. ${DEFAULT_API_URL}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KitError('SIGHTLINE_ERR_API_URL', `--api "${api}" must be an http:// or https:// URL`);
    }
    this.base = url.toString().replace(/\/$/, '');
    this.token = options.token;
  }

  async get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = causeOf(error);
      throw new KitError(
        'SIGHTLINE_ERR_STORE_UNREACHABLE',
        `cannot reach the Sightline query API at --api ${this.base} (${cause}); start it with \`sightline up\` or pass --api URL`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new KitError(
        'SIGHTLINE_ERR_STORE_AUTH',
        `the query API at ${this.base} refused the request (HTTP ${response.status}); pass the server's token with --token`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 200);
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        if (body.error) detail = `${body.error.code ?? ''} ${body.error.message ?? ''}`.trim();
      } catch {}
      throw new KitError(
        'SIGHTLINE_ERR_STORE_QUERY',
        `GET ${url.pathname}${url.search} answered HTTP ${response.status}: ${detail}`,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new KitError('SIGHTLINE_ERR_STORE_QUERY', `GET ${url.pathname} did not answer JSON`);
    }
  }

  /** Reads every page of a cursor-paged bulk endpoint (`/api/spans`, `/api/logs/export`), oldest first. */
  async getAllPages<T>(
    path: string,
    key: string,
    params: Record<string, string | number | undefined>,
    maxRows = 2_000_000,
  ): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<Record<string, unknown>>(path, { ...params, limit: 10_000, cursor });
      const items = page[key];
      if (!Array.isArray(items)) {
        throw new KitError('SIGHTLINE_ERR_STORE_QUERY', `GET ${path} answered without a "${key}" array`);
      }
      rows.push(...(items as T[]));
      const next = page.nextCursor;
      cursor = typeof next === 'string' && next !== '' ? next : undefined;
    } while (cursor && rows.length < maxRows);
    return rows;
  }
}
