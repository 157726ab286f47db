// Stable error codes and the error value that crosses every process boundary as data.

export const ERROR_CODES = [
  'E_ARGS', // a request's arguments are missing or of the wrong shape
  'E_UNKNOWN_METHOD', // a method name that is not in CORE_METHODS
  'E_NOT_FOUND', // a file, workspace, task or row that does not exist
  'E_FILE', // a file that cannot be read at all (binary, empty, permissions)
  'E_FORMAT', // a file whose format cannot be parsed (ragged beyond repair, bad xlsx)
  'E_ENCODING', // bytes that do not decode in the chosen or detected encoding
  'E_MAPPING', // required canonical columns that no header maps to
  'E_VALUE', // a value that does not fit its column's type
  'E_NO_DATA', // an analysis asked of a workspace that has no usable rows
  'E_CANCELLED', // the task was cancelled by the user
  'E_CONVERGENCE', // a model fit that did not converge
  'E_TAXONOMY', // an invalid taxonomy or rules file
  'E_WORKSPACE', // the workspace file cannot be opened, created or written
  'E_AUTH', // a request without the host's token
  'E_INTERNAL', // anything else: a bug
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON-safe shape of an error on the wire. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Where in a file an error sits; every field optional because not every error has a place. */
export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: string;
}

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: ErrorData): CoreError {
    return new CoreError(data.code, data.message, data.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turns anything thrown into ErrorData; DuckDB's interrupt becomes E_CANCELLED. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof CoreError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  if (/INTERRUPT Error|Interrupted!/.test(message)) {
    return { code: 'E_CANCELLED', message: 'cancelled' };
  }
  return { code: 'E_INTERNAL', message };
}

/** "file.csv line 12 column amount: message" — how every located error reads. */
export function placeMessage(place: ErrorPlace, message: string): string {
  const parts: string[] = [];
  if (place.file) parts.push(place.file);
  if (place.line !== undefined) parts.push(`line ${place.line}`);
  if (place.column) parts.push(`column ${place.column}`);
  return parts.length ? `${parts.join(' ')}: ${message}` : message;
}
