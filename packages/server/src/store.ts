import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { SightlineError } from './errors.js';
import type { LogRow } from './rows.js';
import { SCHEMA_SQL, TIME_COLUMN } from './store-schema.js';

export type Row = Record<string, unknown>;

const CHECKPOINT_THRESHOLD = '128MB';

/** An open Sightline data directory. Queries may run concurrently; writes go through one connection. */
export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  /** Runs a read query with positional `?` parameters; BIGINTs come back as bigint. */
  query(sql: string, params?: DuckDBValue[]): Promise<Row[]>;
  /** The single writer connection (used by the ingest queue). */
  readonly writer: DuckDBConnection | undefined;
  /** Next row ids per table, advanced by the ingest queue. */
  readonly seq: { spans: number; logs: number; points: number };
  /**
   * Sustained ingest on/off (called by the ingest queue between its commits). On, DuckDB runs on one thread: on a
   * small machine the decode workers and the receivers need the other cores, and a checkpoint spread over two
   * threads burns CPU waiting (yield loops) for the slower half. Off restores the default threads for queries.
   */
  setIngestMode(active: boolean): Promise<void>;
  /** Deletes everything older than now − retentionMs; returns the number of rows deleted. */
  applyRetention(retentionMs: number, nowMs?: number): Promise<number>;
  counts(): Promise<{ spans: number; logs: number; metricPoints: number }>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Open without write access (several readers may share a data dir that no server is writing). */
  readOnly?: boolean;
}

/** The DuckDB file inside a data directory. */
export const storeFile = (dataDir: string) => join(dataDir, 'sightline.duckdb');

/**
 * Opens (creating if needed) `<dataDir>/sightline.duckdb`. Other packages use this to read a data dir when no server
 * runs: `const store = await openStore('.sightline', { readOnly: true }); await searchLogs(store, {...})`.
 */
export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  const path = storeFile(dataDir);
  let instance: DuckDBInstance;
  try {
    if (!readOnly) mkdirSync(dataDir, { recursive: true });
    instance = await DuckDBInstance.create(path, {
      access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
      memory_limit: '512MB',
      // DuckDB checkpoints when the WAL reaches this size. A checkpoint re-compresses the table's last, partly filled
      // row group (122,880 rows) from scratch, so with the 16 MiB default a row group of spans was compressed ~6 times
      // over; 128 MiB holds more than a row group of spans between checkpoints (store alone, 1 M spans: 18.9 → 10.4 µs
      // of CPU per committed row).
      checkpoint_threshold: CHECKPOINT_THRESHOLD,
    });
  } catch (e) {
    const msg = (e as Error).message;
    const locked = /lock/i.test(msg);
    throw new SightlineError(
      locked ? 'SIGHTLINE_ERR_STORE_LOCKED' : 'SIGHTLINE_ERR_STORE_OPEN',
      locked
        ? `data dir ${dataDir} is in use by another process (a running sightline up?); stop it or query its API instead`
        : `cannot open ${path} (--data-dir): ${msg}`,
    );
  }
  const writer = readOnly ? undefined : await instance.connect();
  if (writer) await writer.run(SCHEMA_SQL);
  // Retention deletes run on their own connection so they never interleave with the writer's appends.
  const maintenance = readOnly ? undefined : await instance.connect();

  const query = async (sql: string, params: DuckDBValue[] = []): Promise<Row[]> => {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as Row[];
    } finally {
      conn.closeSync();
    }
  };

  const maxSeq = async (table: string) => {
    try {
      const rows = await query(`SELECT coalesce(max(seq), -1) AS m FROM ${table}`);
      return Number(rows[0]?.m ?? -1) + 1;
    } catch {
      return 0; // a read-only open of an empty/new dir has no tables
    }
  };
  const seq = { spans: await maxSeq('spans'), logs: await maxSeq('logs'), points: await maxSeq('metric_points') };
  const queryThreads = writer ? Number((await query(`SELECT current_setting('threads') AS t`))[0]?.t ?? 1) : 1;
  let closed = false;

  return {
    path,
    readOnly,
    writer,
    seq,
    query,
    async setIngestMode(active) {
      if (!writer || closed) return;
      await writer.run(`SET threads = ${active ? 1 : queryThreads}`);
    },
    async applyRetention(retentionMs, nowMs = Date.now()) {
      if (!maintenance) return 0;
      const cutoff = BigInt(Math.floor(nowMs - retentionMs)) * 1_000_000n;
      let deleted = 0;
      for (const [table, column] of Object.entries(TIME_COLUMN)) {
        const res = await maintenance.run(`DELETE FROM ${table} WHERE ${column} < ?`, [cutoff]);
        deleted += Number(res.rowsChanged);
      }
      return deleted;
    },
    async counts() {
      const rows = await query(
        'SELECT (SELECT count(*) FROM spans) AS s, (SELECT count(*) FROM logs) AS l, (SELECT count(*) FROM metric_points) AS m',
      );
      const r = rows[0] ?? {};
      return { spans: Number(r.s ?? 0), logs: Number(r.l ?? 0), metricPoints: Number(r.m ?? 0) };
    },
    async close() {
      if (closed) return;
      closed = true;
      maintenance?.closeSync();
      if (writer) {
        await writer.run('CHECKPOINT').catch(() => undefined);
        writer.closeSync();
      }
      instance.closeSync();
    },
  };
}

export type { LogRow };
