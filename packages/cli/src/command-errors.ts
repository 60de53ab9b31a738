/**
 * Exit codes of every sightline command: 0 ok, 1 a check failed, 2 usage or configuration error.
 * Library errors carry a stable `code` (SIGHTLINE_ERR_…, listed in docs/errors.md); we print it with the message.
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

interface CodedError extends Error {
  code?: string;
  exitCode?: number;
}

/** Runs a command body; prints a coded error as `error SIGHTLINE_ERR_X: message` and sets the exit code. */
export async function runCommand(body: () => Promise<number | undefined | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    const err = error as CodedError;
    const code = typeof err.code === 'string' && err.code.startsWith('SIGHTLINE_ERR_') ? `${err.code}: ` : '';
    process.stderr.write(`error ${code}${err.message}\n`);
    if (!code && process.env.SIGHTLINE_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = typeof err.exitCode === 'number' ? err.exitCode : code ? EXIT_USAGE : EXIT_CHECK_FAILED;
  }
}
