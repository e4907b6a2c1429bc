import { createHash, hash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { type NativeCrc, setNativeCrc } from './crc.js';
import { setSha256Backend } from './sha256.js';

/**
 * Windows of at least this many bytes go to the native CRC (`@node-rs/crc32`); smaller ones
 * stay in JS. From `packages/core/bench/checksum.bench.ts` and `crc-variants.bench.ts` on the
 * 2-core reference machine (Node 20, CPU time per call so other load does not count): the JS
 * loop runs at ~0.9–1.1 GB/s on fixed-size windows; a native call on a window costs a fixed
 * ~200 ns (call plus `subarray`), then 4–5 GB/s (crc32c) or 8–12 GB/s (crc32). JS wins at
 * 64–128 B (native 0.3–0.8×), they are even near 200 B, and native wins from 256 B for both
 * CRCs (crc32 1.2×, crc32c 1.0–1.4×; 1.4–2× at 400 B, where session-store lines sit). On
 * records of varying size (what scanners see) the JS loop slows more than native does
 * (native 1.3× JS per record on 64–600 B records), which argues for the lower end. crc32 and
 * crc32c cross over at the same size within the noise, so they share one threshold.
 */
export const NATIVE_CRC_THRESHOLD = 256;

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
