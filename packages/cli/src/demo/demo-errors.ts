/** Errors of `sightline demo`, each with a stable code listed in docs/errors.md. */
export type DemoErrorCode =
  | 'SIGHTLINE_ERR_DEMO_INVALID_OPTION'
  | 'SIGHTLINE_ERR_DEMO_PORT_IN_USE'
  | 'SIGHTLINE_ERR_DEMO_SERVICE_FAILED'
  | 'SIGHTLINE_ERR_DEMO_NOT_READY';

export class DemoError extends Error {
  override name = 'DemoError';
  constructor(
    readonly code: DemoErrorCode,
    message: string,
    /** CLI exit code: 2 for usage/configuration errors, 1 when the demo itself failed. */
    readonly exitCode: number,
  ) {
    super(message);
  }
}
