/**
 * An error with a stable `SIGHTLINE_ERR_…` code (listed in docs/errors.md). The CLI prints the code and exits
 * with `exitCode` (2 = usage or configuration error).
 */
export class KitError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode = 2) {
    super(message);
    this.name = 'KitError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
