/**
 * Bytes appended to one file and not yet written: with `durability: 'none'` (the original, no
 * fsync) a store gathers its frame lines and index rows here and writes each file's run with one
 * `pwrite`, instead of two writes per entry.
 */
import { type FileHandle, writeFully } from '@logspec/core';

/** A run is written once it reaches this many bytes (or earlier, when the store flushes). */
export const HELD_WRITE_BYTES = 64 * 1024;

export class HeldRun {
  /** File position of the run's first byte. */
  at = 0;
  private bytes = new Uint8Array(HELD_WRITE_BYTES);
  private used = 0;

  get length(): number {
    return this.used;
  }

  /** Adds `b`, which goes at file position `at` (the end of the run, or anywhere when it is empty). */
  push(b: Uint8Array, at: number): void {
    if (this.used === 0) this.at = at;
    if (this.used + b.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + b.length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(b, this.used);
    this.used += b.length;
  }

  /** Writes the run to `h` at its position and empties it (also when the write fails). */
  write(h: FileHandle): void {
    const n = this.used;
    const bytes = this.bytes;
    this.clear();
    if (n > 0) writeFully(h, bytes, this.at, 0, n);
  }

  /** Drops the run; a buffer grown by one huge line is let go. */
  clear(): void {
    this.used = 0;
    if (this.bytes.length > 4 * HELD_WRITE_BYTES) this.bytes = new Uint8Array(HELD_WRITE_BYTES);
  }
}
