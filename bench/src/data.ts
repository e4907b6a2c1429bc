/**
 * Benchmark inputs that several packages build alike (`@logspec/bench/data`): a seeded
 * pseudo-random pick, and a large file written from a pool of pre-encoded chunks, so a GiB
 * log costs one pool of encodes rather than one encode per record.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** A seeded linear congruential pick in `[0, n)`: the same seed gives the same sequence. */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** How large the buffer is that collects chunks before each write. */
const WRITE_BLOCK = 16 << 20;

/**
 * Writes `head`, then chunks of `pool` in the order `pick` gives, until the file holds at
 * least `bytes`; with `fsync`, syncs it before closing. Returns the size and chunk count.
 */
export function writeFromPool(
  path: string,
  head: Uint8Array,
  pool: readonly Uint8Array[],
  bytes: number,
  pick: (n: number) => number,
  opts: { fsync?: boolean } = {},
): { size: number; chunks: number } {
  const fd = openSync(path, 'w');
  const buf = new Uint8Array(WRITE_BLOCK);
  buf.set(head);
  let fill = head.length;
  let size = fill;
  let chunks = 0;
  while (size < bytes) {
    const f = pool[pick(pool.length)] as Uint8Array;
    if (fill + f.length > buf.length) {
      writeSync(fd, buf, 0, fill);
      fill = 0;
    }
    buf.set(f, fill);
    fill += f.length;
    size += f.length;
    chunks++;
  }
  writeSync(fd, buf, 0, fill);
  if (opts.fsync) fsyncSync(fd);
  closeSync(fd);
  return { size, chunks };
}
