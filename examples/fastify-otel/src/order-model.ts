/** The order shapes and input validation, shared by the HTTP layer and the service. */
export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderInput {
  customer: string;
  items: OrderItem[];
}

export interface Order extends OrderInput {
  id: number;
  quantity: number;
  /** In US dollars, the shop's only currency (so `orders.value` can carry the unit `USD`). */
  total: number;
  createdAt: string;
}

/** A client error: the HTTP layer answers 400 with this message and logs a warning, not an error. */
export class InvalidOrderError extends Error {
  override readonly name = 'InvalidOrderError';
}

const SKU = /^[A-Z0-9-]{1,32}$/;

export function parseOrderInput(body: unknown): OrderInput {
  if (typeof body !== 'object' || body === null) throw new InvalidOrderError('body must be a JSON object');
  const { customer, items } = body as Record<string, unknown>;
  if (typeof customer !== 'string' || customer.length === 0 || customer.length > 100) {
    throw new InvalidOrderError('customer must be a string of 1 to 100 characters');
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > 50) {
    throw new InvalidOrderError('items must be an array of 1 to 50 items');
  }
  return { customer, items: items.map(parseItem) };
}

function parseItem(item: unknown, index: number): OrderItem {
  const { sku, quantity, unitPrice } = (item ?? {}) as Record<string, unknown>;
  if (typeof sku !== 'string' || !SKU.test(sku)) {
    throw new InvalidOrderError(`items[${index}].sku must match ${SKU.source}`);
  }
  // No upper bound on purpose: the database column is the limit, and hitting it is the example's server-error path.
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
    throw new InvalidOrderError(`items[${index}].quantity must be a positive integer`);
  }
  if (typeof unitPrice !== 'number' || !Number.isFinite(unitPrice) || unitPrice < 0 || unitPrice > 1_000_000) {
    throw new InvalidOrderError(`items[${index}].unitPrice must be a number from 0 to 1000000`);
  }
  return { sku, quantity, unitPrice };
}

export function parseOrderId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new InvalidOrderError(`order id ${JSON.stringify(raw)} must be a positive integer`);
  return id;
}
