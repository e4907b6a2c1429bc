import { IoError, isLogspecError, type LogspecError } from '@logspec/core';

/**
 * Exit codes, one rule for every command: 0 done and healthy; 1 damage found, or the operation
 * failed or was refused (a missing path, an I/O error, a repair that would cut valid records);
 * 2 the command line itself is wrong (unknown command or option, a bad value, a format that
 * cannot be told without `--format`).
 */
export const Exit = { OK: 0, DAMAGED: 1, USAGE: 2 } as const;

/** Codes of the CLI's own errors (the formats' codes come from their packages). */
export const CliCode = {
  /** Unknown command or option, missing or malformed argument (exit 2). */
  USAGE: 'CLI_USAGE',
  /** The path does not exist (exit 1). */
  NOT_FOUND: 'CLI_NOT_FOUND',
  /** The format could not be told from the path; `--format` is needed (exit 2). */
  UNKNOWN_FORMAT: 'CLI_UNKNOWN_FORMAT',
  /** The format is known but this command does not support it, or not this layout (exit 2). */
  UNSUPPORTED: 'CLI_UNSUPPORTED',
  /** `repair` found a symbolic link among the files it would change, and changes nothing (exit 1). */
  SYMLINK: 'CLI_SYMLINK',
  /** `repair` without `--force` would remove records that read as valid, and changes nothing (exit 1). */
  CORRUPT_BEFORE_TAIL: 'CLI_CORRUPT_BEFORE_TAIL',
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

/** A refusal or failure of the CLI's own (exit 1), naming the path it concerns. */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly path: string | undefined;
  constructor(code: string, message: string, hint: string, path?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
    this.path = path;
  }
}

/** What to do next, per error code (a code not listed gets the generic hint). */
const HINTS: Record<string, string> = {
  CORE_LOCKED: 'another writer holds the lock; stop it first (a lock left by a dead process is taken over)',
  CORE_IO: 'check that the path exists and that you may read it (and, to repair, write it and its directory)',
  CLI_NOT_FOUND: 'check the path',
  CLI_SYMLINK: "logspec never changes files through a symbolic link; remove the links, or repair a copy ('cp -rL')",
  CLI_CORRUPT_BEFORE_TAIL:
    "valid records follow the damage; 'logspec repair --force' cuts there and keeps the cut bytes in a .quarantine directory",
  HOT_CORRUPT_BEFORE_TAIL:
    "valid frames follow a bad one; 'logspec repair --force' cuts at the bad frame and keeps the cut bytes in a .quarantine directory",
  SEG_CORRUPT_BEFORE_TAIL:
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
  RING_READ_UNSTABLE: 'a writer kept changing the ring while it was read; try again',
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

/** A Node system error (`EACCES`, `ENOSPC`, …) with the operation and the path it names. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException & { syscall: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e;
}

/**
 * The error as the CLI reports it: a failed system call (which some of the CLI's own file
 * handling meets directly) becomes the `CORE_IO` error every `Fs` throws, naming the
 * operation and the path; everything else is as thrown.
 */
export function reportable(e: unknown): unknown {
  if (isLogspecError(e) || e instanceof UsageError || e instanceof CliError || !isSystemError(e)) return e;
  const path = typeof e.path === 'string' ? e.path : '';
  const why = e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return new IoError(e.syscall, path, e.code ?? 'EIO', `${e.syscall} ${path}: ${e.code}: ${why}`, e);
}

/** The exit code an error gives. */
export function exitFor(e: unknown): number {
  return e instanceof UsageError ? Exit.USAGE : Exit.DAMAGED;
}

/** One line: `logspec: CODE at byte N: message — hint: …`. */
export function errorLine(e: unknown): string {
  if (e instanceof UsageError || e instanceof CliError) return `logspec: ${e.code}: ${e.message} — hint: ${e.hint}`;
  if (isLogspecError(e)) {
    const at = e.offset === undefined ? '' : ` at byte ${e.offset}`;
    return `logspec: ${e.code}${at}: ${bareMessage(e)} — hint: ${hintFor(e.code)}`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `logspec: INTERNAL: ${msg} — hint: this is a bug in logspec; run with LOGSPEC_DEBUG=1 for the stack and report it`;
}

/**
 * The error as one JSON object (`--json`): `code`, `message`, `path` (the file it concerns, or
 * the path the command was given), `offset` and `hint`.
 */
export function errorJson(e: unknown, commandPath: string | undefined): Record<string, unknown> {
  if (e instanceof UsageError || e instanceof CliError) {
    const path = e instanceof CliError ? (e.path ?? commandPath) : commandPath;
    return { error: true, code: e.code, message: e.message, path: path ?? null, offset: null, hint: e.hint };
  }
  if (isLogspecError(e)) {
    const d = e.details;
    const path =
      typeof d.path === 'string'
        ? d.path
        : typeof d.file === 'string' && commandPath === undefined
          ? d.file
          : commandPath;
    return {
      error: true,
      code: e.code,
      message: bareMessage(e),
      path: path ?? null,
      offset: e.offset ?? null,
      hint: hintFor(e.code),
      ...(typeof d.errno === 'string' ? { errno: d.errno, op: d.op ?? null } : {}),
    };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return {
    error: true,
    code: 'INTERNAL',
    message: msg,
    path: commandPath ?? null,
    offset: null,
    hint: 'this is a bug in logspec; run with LOGSPEC_DEBUG=1 for the stack and report it',
  };
}
