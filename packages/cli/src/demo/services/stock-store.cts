/**
 * Inventory's database: PostgreSQL through `pg` (traced by the pg instrumentation) when reachable,
 * otherwise an in-memory table whose every call is a `withSpan` carrying the database semantic-convention
 * attributes, so the trace looks the same either way.
 */
import type { Attributes } from '@opentelemetry/api';
import { logger, withSpan } from '@sightline/node';

export interface StockItem {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

export interface StockStore {
  readonly description: string;
  list(): Promise<StockItem[]>;
  get(sku: string): Promise<StockItem | undefined>;
  /** Takes `quantity` from stock; undefined when there is not enough. */
  reserve(sku: string, quantity: number): Promise<number | undefined>;
  restock(sku: string, quantity: number): Promise<void>;
  close(): Promise<void>;
}

export const CATALOGUE: ReadonlyArray<StockItem> = [
  { sku: 'lamp-01', name: 'Desk lamp', priceCents: 3900, stock: 40 },
  { sku: 'mug-02', name: 'Enamel mug', priceCents: 1200, stock: 25 },
  { sku: 'pen-03', name: 'Fountain pen', priceCents: 5600, stock: 12 },
  { sku: 'note-04', name: 'Dot-grid notebook', priceCents: 900, stock: 60 },
  { sku: 'bag-05', name: 'Canvas bag', priceCents: 2500, stock: 8 },
];

const TABLE = 'sightline_demo_stock';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** In-memory table; each operation is a span named like a database client span (`SELECT stock`). */
class MemoryStockStore implements StockStore {
  readonly description = 'in-memory store';
  private readonly rows = new Map(CATALOGUE.map((item) => [item.sku, { ...item }]));

  private query<T>(operation: string, text: string, fn: () => T): Promise<T> {
    const attributes: Attributes = {
      'db.system.name': 'other_sql',
      'db.namespace': 'demo',
      'db.collection.name': 'stock',
      'db.operation.name': operation,
      'db.query.text': text,
    };
    return withSpan(`${operation} stock`, attributes, async () => {
      await sleep(1 + Math.random() * 3);
      return fn();
    });
  }

  list(): Promise<StockItem[]> {
    return this.query('SELECT', 'SELECT sku, name, price_cents, stock FROM stock ORDER BY sku', () =>
      [...this.rows.values()].map((row) => ({ ...row })),
    );
  }

  get(sku: string): Promise<StockItem | undefined> {
    return this.query('SELECT', 'SELECT sku, name, price_cents, stock FROM stock WHERE sku = ?', () => {
      const row = this.rows.get(sku);
      return row ? { ...row } : undefined;
    });
  }

  reserve(sku: string, quantity: number): Promise<number | undefined> {
    return this.query('UPDATE', 'UPDATE stock SET stock = stock - ? WHERE sku = ? AND stock >= ?', () => {
      const row = this.rows.get(sku);
      if (!row || row.stock < quantity) return undefined;
      row.stock -= quantity;
      return row.stock;
    });
  }

  restock(sku: string, quantity: number): Promise<void> {
    return this.query('UPDATE', 'UPDATE stock SET stock = stock + ? WHERE sku = ?', () => {
      const row = this.rows.get(sku);
      if (row) row.stock += quantity;
    });
  }

  async close(): Promise<void> {}
}

interface PgPool {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

interface StockRow {
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

const toItem = (row: StockRow): StockItem => ({
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  stock: row.stock,
});

/** The same table in PostgreSQL; shared by concurrent demos, so every statement is safe to race. */
class PostgresStockStore implements StockStore {
  constructor(
    private readonly pool: PgPool,
    readonly description: string,
  ) {}

  async list(): Promise<StockItem[]> {
    const { rows } = await this.pool.query<StockRow>(`SELECT sku, name, price_cents, stock FROM ${TABLE} ORDER BY sku`);
    return rows.map(toItem);
  }

  async get(sku: string): Promise<StockItem | undefined> {
    const { rows } = await this.pool.query<StockRow>(
      `SELECT sku, name, price_cents, stock FROM ${TABLE} WHERE sku = $1`,
      [sku],
    );
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  async reserve(sku: string, quantity: number): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ stock: number }>(
      `UPDATE ${TABLE} SET stock = stock - $2 WHERE sku = $1 AND stock >= $2 RETURNING stock`,
      [sku, quantity],
    );
    return rows[0]?.stock;
  }

  async restock(sku: string, quantity: number): Promise<void> {
    await this.pool.query(`UPDATE ${TABLE} SET stock = stock + $2 WHERE sku = $1`, [sku, quantity]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

async function openPostgres(url: string): Promise<StockStore> {
  const { Pool } = require('pg') as { Pool: new (config: object) => PgPool };
  const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2_000 });
  try {
    // Two demos starting together may both create the table; the loser's duplicate error is harmless.
    await pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (sku text PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL, stock integer NOT NULL)`,
      )
      .catch((error: { code?: string }) => {
        if (error.code !== '23505' && error.code !== '42P07') throw error;
      });
    for (const item of CATALOGUE) {
      await pool.query(
        `INSERT INTO ${TABLE} (sku, name, price_cents, stock) VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO NOTHING`,
        [item.sku, item.name, item.priceCents, item.stock],
      );
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const where = new URL(url);
  return new PostgresStockStore(pool, `PostgreSQL ${where.host}${where.pathname} (pg)`);
}

/** PostgreSQL when `url` is set and answers, else the in-memory store (the fallback is logged, never fatal). */
export async function openStockStore(url: string | undefined): Promise<StockStore> {
  if (url) {
    try {
      return await openPostgres(url);
    } catch (error) {
      logger.warn({ err: error }, 'PostgreSQL is not usable; inventory falls back to the in-memory store');
    }
  }
  return new MemoryStockStore();
}
