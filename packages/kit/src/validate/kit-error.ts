/** An error with a stable SIGHTLINE_ERR_… code; the CLI prints the code and exits 2 (usage/config) unless told otherwise. */
export class SightlineKitError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 2) {
    super(message);
    this.name = 'SightlineKitError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
