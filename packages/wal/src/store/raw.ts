import { dirname, type Fs, writeFully } from '@logspec/core';
import type { WalRecordInput } from '../record.js';
import { encodeRecord } from '../record-writer.js';

/**
 * Appends one record's bytes to `path` (created, with its parent directories, if missing)
 * without the writer's lock, rotation or syncing: what the reference corpus's
 * `write_record` recipe op does (`file.write_all(&record.to_bytes())`). Returns the
 * record's offset and length.
 */
export function appendRecordToFile(fs: Fs, path: string, record: WalRecordInput): { offset: number; totalLen: number } {
  const bytes = encodeRecord(record);
  const parent = dirname(path);
  if (!fs.exists(parent)) fs.mkdir(parent, { recursive: true });
  const h = fs.open(path, { create: true, write: true });
  try {
    const offset = h.size();
    writeFully(h, bytes, offset);
    return { offset, totalLen: bytes.length };
  } finally {
    h.close();
  }
}
