import { dirname, type Fs, writeFully } from '@logspec/core';
import { encodeHeader } from '../header.js';
import { ringFileLength } from '../layout.js';

/** Where a new ring file is built before it is renamed into place. */
export function creatingPath(path: string): string {
  return `${path}.creating`;
}

/**
 * Creates an empty ring (header, `capacity` zeroed slots) so that a crash at any point leaves
 * either no file at `path` or the complete one: the file is built under a temporary name,
 * made durable, renamed into place and the directory entry made durable. The bytes are the
 * original's (`set_len` then the header); only the way they get there differs.
 */
export function createRingFile(fs: Fs, path: string, capacity: number): void {
  const tmp = creatingPath(path);
  const h = fs.open(tmp, { create: true, truncate: true });
  try {
    h.truncate(ringFileLength(capacity));
    writeFully(h, encodeHeader({ capacity, cursor: 0 }), 0);
    h.fdatasync();
  } finally {
    h.close();
  }
  fs.rename(tmp, path);
  fs.fsyncDir(dirname(path));
}
