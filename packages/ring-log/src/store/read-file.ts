import { type Fs, readFully } from '@logspec/core';
import { decodeHeader } from '../header.js';
import { HEADER_BYTES, ringFileLength } from '../layout.js';
import { type ReplayOptions, type RingContents, readRing } from '../ring.js';

/**
 * Reads a ring file without opening it for writing (no lock, no recovery writes), as the
 * original's `open` + `replay_all` would read it. Reads only the bytes a valid header's
 * capacity covers (at most 64 MiB + 32), in one read.
 */
export function readRingFile(fs: Fs, path: string, opts: ReplayOptions = {}): RingContents {
  const h = fs.open(path);
  try {
    const size = h.size();
    const head = new Uint8Array(Math.min(size, HEADER_BYTES));
    readFully(h, head, 0, head.length, 0);
    const header = decodeHeader(head, opts);
    const file = new Uint8Array(Math.min(size, ringFileLength(header.capacity)));
    const got = readFully(h, file, 0, file.length, 0);
    return readRing(file.subarray(0, got), opts);
  } finally {
    h.close();
  }
}
