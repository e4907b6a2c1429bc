import { isLogspecError, type LogspecError } from '@logspec/core';

/** Exit codes: 0 healthy / done, 1 damaged or the operation failed, 2 usage error. */
export const Exit = { OK: 0, DAMAGED: 1, USAGE: 2 } as const;

/** Codes of the CLI's own errors (the formats' codes come from their packages). */
export const CliCode = {
  /** Unknown command or option, missing or malformed argument. */
  USAGE: 'CLI_USAGE',
  /** The path does not exist. */
  NOT_FOUND: 'CLI_NOT_FOUND',
  /** The format could not be told from the path; `--format` is needed. */
  UNKNOWN_FORMAT: 'CLI_UNKNOWN_FORMAT',
  /** The format is known but this command does not support it. */
  UNSUPPORTED: 'CLI_UNSUPPORTED',
} as const;

/** An error the user can fix by calling the CLI differently (exit 2). */
export class UsageError extends Error {
  readonly code: string;
  readonly hint: string;
  constructor(code: string, message: string, hint = "run 'logspec --help'") {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

/** What to do next, per error code (a code not listed gets the generic hint). */
const HINTS: Record<string, string> = {
  CORE_LOCKED: 'another writer holds the lock; stop it first (a lock left by a dead process is taken over)',
  CORE_IO: 'check that the path exists and is readable',
  HOT_CORRUPT_BEFORE_TAIL:
    "valid frames follow a bad one; 'logspec repair --force' cuts at the bad frame and keeps the cut bytes in a .quarantine directory",
  HOT_BAD_MAGIC: "not a kaizen hot log, or its header is damaged; try --format, or 'logspec inspect' without it",
  HOT_BAD_VERSION: 'a hot log of a version this logspec does not know',
  HOT_NOT_FOUND: 'pass a kaizen root (containing hot/log.bin) or the log.bin file itself',
  RING_SHORT_FILE:
    "the file is shorter than its header's capacity needs; 'logspec repair' cannot invent the missing slots: restore them from a copy",
  RING_TRUNCATED_HEADER: 'the file is shorter than a ring header; it is empty or cut (delete it to start over)',
  RING_BAD_MAGIC: "not a VRRL0001 ring file, or its header is damaged; try --format, or 'logspec inspect' without it",
  RING_BAD_VERSION: 'a ring of a version this logspec does not know',
  RING_FOREIGN_SLOT_MAGIC:
    "a slot's magic is damaged; 'logspec verify' lists every such slot, 'logspec repair' clears torn ones",
  RING_ZERO_CAPACITY: 'the header says capacity 0: the header is damaged',
  RING_CAPACITY_OVERFLOW: 'the header says a capacity above 1,048,576: the header is damaged',
  WAL_NOT_FOUND: 'pass a WAL directory (wal_*.log files) or one WAL file',
  WAL_CORRUPT_TAIL:
    "valid records follow damage in the newest file; 'logspec repair --force' leaves it as is and starts a new file",
};

export function hintFor(code: string): string {
  return (
    HINTS[code] ??
    "run 'logspec verify <path>' to list every problem, 'logspec repair --dry-run <path>' to see what can be fixed"
  );
}

/** The message without the " (at byte N)" the error class appends (the CLI prints the offset itself). */
export function bareMessage(e: LogspecError): string {
  return e.offset === undefined ? e.message : e.message.replace(` (at byte ${e.offset})`, '');
}

/** One line: `logspec: CODE at byte N: message — hint: …`. */
export function errorLine(e: unknown): string {
  if (e instanceof UsageError) return `logspec: ${e.code}: ${e.message} — hint: ${e.hint}`;
  if (isLogspecError(e)) {
    const at = e.offset === undefined ? '' : ` at byte ${e.offset}`;
    return `logspec: ${e.code}${at}: ${bareMessage(e)} — hint: ${hintFor(e.code)}`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `logspec: INTERNAL: ${msg} — hint: this is a bug in logspec; run with LOGSPEC_DEBUG=1 for the stack and report it`;
}
