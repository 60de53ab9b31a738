import pg from 'pg';
import type { Order, OrderInput } from './order-model.js';

/** Orders in PostgreSQL. The schema is created on start (idempotent), so the service runs against an empty database. */
export class OrderStore {
  readonly #pool: pg.Pool;
  readonly #table: string;

  constructor(databaseUrl: string | undefined, table: string) {
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // Pool errors on idle clients (server restart, network) must not crash the process; the next query reconnects.
    this.#pool.on('error', () => {});
    this.#table = table;
  }

  async migrate(): Promise<void> {
    await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
      id          BIGSERIAL PRIMARY KEY,
      customer    TEXT NOT NULL,
      items       JSONB NOT NULL,
      quantity    INTEGER NOT NULL,
      total_cents BIGINT NOT NULL,
      created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  }

  async insert(input: OrderInput, quantity: number, totalCents: number): Promise<Order> {
    const result = await this.#pool.query<OrderRow>(
      `INSERT INTO ${this.#table} (customer, items, quantity, total_cents)
       VALUES ($1, $2, $3, $4) RETURNING *`,
      [input.customer, JSON.stringify(input.items), quantity, totalCents],
    );
    return toOrder(firstRow(result));
  }

  async findById(id: number): Promise<Order | undefined> {
    const result = await this.#pool.query<OrderRow>(`SELECT * FROM ${this.#table} WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row ? toOrder(row) : undefined;
  }

  async list(limit: number): Promise<Order[]> {
    const result = await this.#pool.query<OrderRow>(`SELECT * FROM ${this.#table} ORDER BY id DESC LIMIT $1`, [limit]);
    return result.rows.map(toOrder);
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

interface OrderRow {
  id: string;
  customer: string;
  items: Order['items'];
  quantity: number;
  total_cents: string;
  created_at: Date;
}

function firstRow(result: pg.QueryResult<OrderRow>): OrderRow {
  const row = result.rows[0];
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  return row;
}

function toOrder(row: OrderRow): Order {
  return {
    id: Number(row.id),
    customer: row.customer,
    items: row.items,
    quantity: row.quantity,
    total: Number(row.total_cents) / 100,
    createdAt: row.created_at.toISOString(),
  };
}
