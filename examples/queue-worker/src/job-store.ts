import pg from 'pg';
import type { Job } from './job-model.js';

export type JobStatus = 'queued' | 'done' | 'dead';

export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  result: unknown;
  error: string | null;
}

/** Job status in PostgreSQL: the api writes `queued`, the worker `done` or `dead`. The schema is created on start. */
export class JobStore {
  readonly #pool: pg.Pool;
  readonly #table: string;

  constructor(databaseUrl: string | undefined, table: string) {
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    this.#pool.on('error', () => {});
    this.#table = table;
  }

  async migrate(): Promise<void> {
    await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
      id         TEXT PRIMARY KEY,
      kind       TEXT NOT NULL,
      payload    JSONB NOT NULL,
      status     TEXT NOT NULL,
      result     JSONB,
      error      TEXT,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  }

  async insertQueued(job: Job): Promise<void> {
    await this.#pool.query(`INSERT INTO ${this.#table} (id, kind, payload, status) VALUES ($1, $2, $3, 'queued')`, [
      job.id,
      job.kind,
      JSON.stringify(job.payload ?? null),
    ]);
  }

  async finish(id: string, status: Exclude<JobStatus, 'queued'>, result: unknown, error?: string): Promise<void> {
    await this.#pool.query(
      `UPDATE ${this.#table} SET status = $2, result = $3, error = $4, updated_at = now() WHERE id = $1`,
      [id, status, JSON.stringify(result ?? null), error ?? null],
    );
  }

  async find(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.#pool.query<JobRecord>(
      `SELECT id, kind, status, result, error FROM ${this.#table} WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
