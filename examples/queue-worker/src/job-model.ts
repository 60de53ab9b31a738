/** A job as it travels on the queue, and the validation the worker applies before doing any work. */
export interface Job {
  id: string;
  kind: string;
  payload: unknown;
}

export interface InvoiceRequest {
  orderId: number;
  customer: string;
  amount: number;
}

/** A message no retry can fix: the worker dead-letters it instead of requeueing it forever. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export function encodeJob(job: Job): Buffer {
  return Buffer.from(JSON.stringify(job));
}

export function decodeJob(body: Uint8Array): Job {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new PoisonMessageError('message body is not JSON');
  }
  const { id, kind, payload } = (value ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof kind !== 'string') {
    throw new PoisonMessageError('message must be {"id": string, "kind": string, "payload": …}');
  }
  return { id, kind, payload };
}

export function parseInvoiceRequest(payload: unknown): InvoiceRequest {
  const { orderId, customer, amount } = (payload ?? {}) as Record<string, unknown>;
  if (typeof orderId !== 'number' || !Number.isSafeInteger(orderId) || orderId < 1) {
    throw new PoisonMessageError(`payload.orderId ${JSON.stringify(orderId)} is not a positive integer`);
  }
  if (typeof customer !== 'string' || customer.length === 0) {
    throw new PoisonMessageError('payload.customer must be a non-empty string');
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new PoisonMessageError(`payload.amount ${JSON.stringify(amount)} is not a non-negative number`);
  }
  return { orderId, customer, amount };
}
