import { createHash, hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type NativeCrc, setNativeCrc } from './crc.js';
import { setSha256Backend } from './sha256.js';

/**
 * Sizes from `packages/core/bench/checksum.bench.ts` on the 2-core reference machine:
 * below these a JS slice-by-8 loop beats the ~80 ns cost of crossing into native code.
 */
export const NATIVE_CRC_THRESHOLD = 4096;

const require = createRequire(import.meta.url);

function loadNodeRs(): { crc32?: NativeCrc; crc32c?: NativeCrc } {
  try {
    const m = require('@node-rs/crc32') as {
      crc32: (input: Uint8Array, initialState?: number) => number;
      crc32c: (input: Uint8Array, initialState?: number) => number;
    };
    return { crc32: (d, seed) => m.crc32(d, seed) >>> 0, crc32c: (d, seed) => m.crc32c(d, seed) >>> 0 };
  } catch {
    return {};
  }
}

const nodeRs = loadNodeRs();
setNativeCrc('crc32c', nodeRs.crc32c, NATIVE_CRC_THRESHOLD);
setNativeCrc('crc32', nodeRs.crc32, NATIVE_CRC_THRESHOLD);

type HashFn = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
const oneShot = hash as HashFn | undefined;
setSha256Backend(
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex'),
);
