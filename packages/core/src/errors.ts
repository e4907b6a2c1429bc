/**
 * One error class for every decoder and store, so callers switch on a stable `code`
 * instead of parsing messages. Codes are registered in `spec/README.md`.
 */
export type FormatName = 'core' | 'wal' | 'ring' | 'segment' | 'session' | 'hotframe' | 'hotlog';

export interface LogspecErrorInit {
  /** Byte offset in the input (or file) where the problem was found. */
  offset?: number | undefined;
  /** Extra machine-readable facts (expected vs found, slot index, errno…). */
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class LogspecError extends Error {
  override readonly name = 'LogspecError';
  readonly code: string;
  readonly format: FormatName;
  readonly offset: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(format: FormatName, code: string, message: string, init: LogspecErrorInit = {}) {
    super(
      init.offset === undefined ? message : `${message} (at byte ${init.offset})`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.code = code;
    this.format = format;
    this.offset = init.offset;
    this.details = init.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      format: this.format,
      offset: this.offset ?? null,
      message: this.message,
      ...this.details,
    };
  }
}

export function isLogspecError(e: unknown, code?: string): e is LogspecError {
  return e instanceof LogspecError && (code === undefined || e.code === code);
}

/** Core codes shared by every format (the format field says whose input it was). */
export const CoreCode = {
  /** Fewer bytes remain than a field needs. */
  TRUNCATED: 'CORE_TRUNCATED',
  /** A LEB128 varint is longer than its type allows or its last byte overflows the type. */
  VARINT_OVERFLOW: 'CORE_VARINT_OVERFLOW',
  /** Bytes are not valid UTF-8 where strict decoding was asked for. */
  BAD_UTF8: 'CORE_BAD_UTF8',
  /** A u64/i64 does not fit a JS number exactly and `bigint` was not asked for. */
  UNSAFE_INTEGER: 'CORE_UNSAFE_INTEGER',
  /** A value given to a writer is outside its field's range. */
  OUT_OF_RANGE: 'CORE_OUT_OF_RANGE',
  /** A file system call failed; `details.errno` holds the OS code (ENOENT, EIO, ENOSPC, …). */
  IO: 'CORE_IO',
  /** Another writer holds the single-writer lock. */
  LOCKED: 'CORE_LOCKED',
  /** A checksum backend was used before it was ready (browsers: await `checksumsReady()`). */
  NOT_READY: 'CORE_NOT_READY',
  /** A handle was used after close. */
  CLOSED: 'CORE_CLOSED',
} as const;
export type CoreCode = (typeof CoreCode)[keyof typeof CoreCode];
