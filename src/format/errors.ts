/**
 * The one error the format module throws for a file that is not a readable run file.
 * A torn or corrupt tail is not an error: the reader stops there and says so in `stoppedAt`.
 */

/** Stable code of {@link RunFileError}, in the `SWANLAB_` family of src/shared/errors.ts. */
export const RUN_FILE_ERROR_CODE = 'SWANLAB_RUN_FILE';

/** A path that is not a SwanLab run file (wrong header or version, no single run-*.swanlab). */
export class RunFileError extends Error {
  /** Always {@link RUN_FILE_ERROR_CODE}; match on this, not on the message. */
  readonly code = RUN_FILE_ERROR_CODE;
  /** The file or run folder concerned. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'RunFileError';
    this.path = path;
  }
}
