import type { Fs } from '@logspec/core';
import { detectFormat as detect, segmentLogPath } from '@logspec/detect';
import { CliCode, CliError, UsageError } from './errors.js';
import type { FormatName } from './formats/types.js';

/** What `detectFormat` found: the format and the path its adapter takes (a root, a file…). */
export interface Detected {
  format: FormatName;
  path: string;
  /** Why, in words (`inspect` prints it). */
  reason: string;
}

/** A missing path is a failure naming it (exit 1), not a usage error. */
function notFound(path: string): CliError {
  return new CliError(CliCode.NOT_FOUND, `no such file or directory: ${path}`, 'check the path', path);
}

/**
 * Tells the format of `path` by `@logspec/detect`'s rules (magic bytes, names, layout; the
 * browser inspector uses the same); a path it cannot tell is a usage error.
 */
export function detectFormat(fs: Fs, path: string): Detected {
  const d = detect(fs, path);
  if (d.ok) return { format: d.format, path: d.path, reason: d.reason };
  if (d.missing) throw notFound(path);
  throw new UsageError(
    CliCode.UNKNOWN_FORMAT,
    `cannot tell the format of ${path}: ${d.why}`,
    'pass --format hotlog|hotframe|ring|wal|segment|session',
  );
}

/** With `--format`: the path the adapter takes (a `hot/` dir → its log.bin; a `.index` → its `.log`). */
export function normalizeFor(fs: Fs, format: FormatName, path: string): string {
  if (!fs.stat(path)) throw notFound(path);
  return format === 'segment' ? segmentLogPath(path) : path;
}
