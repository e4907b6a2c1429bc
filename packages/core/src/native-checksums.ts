import { createHash, hash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { type NativeCrc, setNativeCrc } from './crc.js';
import { setSha256Backend } from './sha256.js';

/**
 * Windows of at least this many bytes go to the native CRC (`@node-rs/crc32`); from
 * `KERNEL_CRC_FROM` (96 B) up to here they go through the WebAssembly kernel (one copy into
 * its memory), below that the JS loop. From `packages/core/bench/checksum.bench.ts` on the
 * 2-core reference machine (Node 20): a native call on a window costs a fixed ~200 ns (call
 * plus `subarray`), then 4–5 GB/s (crc32c) or 8–12 GB/s (crc32); the kernel with its copy is
 * 1.1–1.6× the JS loop at 96–128 B, 1.2–2.6× at 200–512 B and level with native at 256–512 B;
 * from 1 KiB native wins (crc32 2.7× JS against the kernel's 1.3×). Scanners that read into a
 * `CrcArena` skip the copy and run at 2–3.5× the JS loop at every record size.
 */
export const NATIVE_CRC_THRESHOLD = 512;

const require = createRequire(import.meta.url);

interface NodeRsCrc {
  crc32: (input: Uint8Array, initialState?: number) => number;
  crc32c: (input: Uint8Array, initialState?: number) => number;
}

function loadNodeRs(): NodeRsCrc | undefined {
  try {
    return require('@node-rs/crc32') as NodeRsCrc;
  } catch {
    // No prebuilt binary for this platform: the JS CRCs (and zlib's CRC-32) remain.
    return undefined;
  }
}

const nodeRs = loadNodeRs();
// zlib.crc32 (Node ≥ 20.15) is a slower native CRC-32 (~2–4 GB/s) but needs no binding.
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const crc32c: NativeCrc | undefined = nodeRs ? (d, seed) => nodeRs.crc32c(d, seed) >>> 0 : undefined;
const crc32: NativeCrc | undefined = nodeRs
  ? (d, seed) => nodeRs.crc32(d, seed) >>> 0
  : zlibCrc32
    ? (d, seed) => (d.length === 0 ? seed >>> 0 : zlibCrc32(d, seed) >>> 0) // zlib gives 0 for an empty Uint8Array
    : undefined;
setNativeCrc('crc32c', crc32c, NATIVE_CRC_THRESHOLD);
setNativeCrc('crc32', crc32, NATIVE_CRC_THRESHOLD);

// crypto.hash (Node ≥ 20.12) skips the Hash object: 2–3× createHash below 1 KiB, equal in
// bulk; hash-wasm is 0.13–0.6× createHash, so it is only the browser fallback.
type HashFn = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
const oneShot = hash as HashFn | undefined;
setSha256Backend(
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex'),
);
