/** An error with a stable SIGHTLINE_ERR_… code (listed in docs/errors.md) and, for the query API, an HTTP status. */
export class SightlineError extends Error {
  readonly code: string;
  readonly status: number;
  /** CLI exit code: usage/configuration errors are 2. */
  readonly exitCode = 2;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'SightlineError';
    this.code = code;
    this.status = status;
  }
}

export const isSightlineError = (e: unknown): e is SightlineError => e instanceof SightlineError;
