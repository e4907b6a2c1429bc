import { createScratchKernel, type ScratchKernel } from './crc-arena.js';
import { backends } from './crc-backends.js';
import { CASTAGNOLI, checkWindow, crcJs, IEEE } from './crc-js.js';

export { ARENA_SCAN_FROM, type CrcArena, crcKernelAvailable, createCrcArena, MAX_CRC_ARENA } from './crc-arena.js';
export { type NativeCrc, setNativeCrc } from './crc-backends.js';

export function crc32Js(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcJs(IEEE, data, start, end, seed);
}

export function crc32cJs(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcJs(CASTAGNOLI, data, start, end, seed);
}

/**
 * Windows are copied into this scratch arena for the WebAssembly kernel, in pieces of at most
 * its size. 64 KiB keeps a piece in L2 while it is copied and then read.
 */
const SCRATCH_BYTES = 65536;
let scratch: ScratchKernel | null | undefined;

function crcKernel(castagnoli: boolean, data: Uint8Array, start: number, end: number, seed: number): number {
  checkWindow(data, start, end);
  if (scratch === undefined) scratch = createScratchKernel(SCRATCH_BYTES);
  if (scratch === null) return crcJs(castagnoli ? CASTAGNOLI : IEEE, data, start, end, seed);
  const { bytes, base } = scratch;
  const fn = castagnoli ? scratch.crc32c : scratch.crc32;
  if (end - start <= SCRATCH_BYTES) {
    // A whole array is copied without a subarray view, which costs as much as the copy here.
    bytes.set(start === 0 && end === data.length ? data : data.subarray(start, end));
    return fn(base, end - start, seed) >>> 0;
  }
  let crc = seed;
  for (let at = start; at < end; at += SCRATCH_BYTES) {
    const stop = Math.min(end, at + SCRATCH_BYTES);
    bytes.set(data.subarray(at, stop));
    crc = fn(base, stop - at, crc);
  }
  return crc >>> 0;
}

/** CRC-32/IEEE through the WebAssembly kernel (one copy into its scratch memory); JS where unavailable. */
export function crc32Wasm(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcKernel(false, data, start, end, seed);
}

/** CRC-32C through the WebAssembly kernel; same rules as `crc32Wasm`. */
export function crc32cWasm(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcKernel(true, data, start, end, seed);
}

/**
 * Windows of at least this many bytes (and below the native threshold, or any size where no
 * native backend is installed) go through the WebAssembly kernel; measured in
 * `packages/core/bench/checksum.bench.ts`.
 */
export const KERNEL_CRC_FROM = 96;
let kernelFrom = KERNEL_CRC_FROM;

/** Moves (or, with `Infinity`, disables) the kernel threshold; for benchmarks and tests. */
export function setKernelCrcThreshold(from: number): void {
  kernelFrom = from;
}

/** The one path choice of `crc32`/`crc32c`: JS below the kernel threshold, native from its threshold, the kernel between. */
function dispatch(castagnoli: boolean, data: Uint8Array, start: number, end: number, seed: number): number {
  const n = end - start;
  if (n >= kernelFrom) {
    const b = castagnoli ? backends.crc32c : backends.crc32;
    if (n >= b.threshold && b.native) {
      checkWindow(data, start, end);
      return b.native(start === 0 && end === data.length ? data : data.subarray(start, end), seed);
    }
    return crcKernel(castagnoli, data, start, end, seed);
  }
  return crcJs(castagnoli ? CASTAGNOLI : IEEE, data, start, end, seed);
}

/**
 * CRC-32/IEEE of `data[start, end)`; check value crc32("123456789") = 0xCBF43926.
 * `seed` continues a CRC: crc32(a ‖ b) = crc32(b, 0, b.length, crc32(a)).
 * A window outside `data` throws `CORE_OUT_OF_RANGE`.
 */
export function crc32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return dispatch(false, data, start, end, seed);
}

/** CRC-32C/Castagnoli of `data[start, end)`; check value crc32c("123456789") = 0xE3069283. Same rules as `crc32`. */
export function crc32c(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return dispatch(true, data, start, end, seed);
}
