import { backends, type CrcBackend } from './crc-backends.js';
import { CASTAGNOLI, checkWindow, crcJs, IEEE } from './crc-js.js';
import { CRC_KERNEL_HEX } from './crc-kernel.js';
import { CoreCode, LogspecError } from './errors.js';
import { hexDecode } from './text.js';

/**
 * A byte arena whose windows can be checksummed without a copy: the bytes live in the
 * memory of a WebAssembly CRC kernel (slice-by-16, `packages/core/wasm/crc-kernel.wat`),
 * which runs at about twice the JS loop (`packages/core/bench/checksum.bench.ts`). Scanners
 * read file chunks straight into `bytes` and check every record in place; writers encode
 * frames into it and write it out. Where WebAssembly is unavailable (or refused by a
 * content security policy) the arena is a plain `Uint8Array` with the JS loop: same API,
 * same results.
 */
export interface CrcArena {
  /** The arena's bytes. Stays valid (and the same object) for the arena's life. */
  readonly bytes: Uint8Array;
  /** True when the WebAssembly kernel backs the arena. */
  readonly wasm: boolean;
  /** CRC-32/IEEE of `bytes[start, end)`, continuing from `seed`. */
  crc32(start: number, end: number, seed?: number): number;
  /** CRC-32C of `bytes[start, end)`, continuing from `seed`. */
  crc32c(start: number, end: number, seed?: number): number;
}

/** Where the kernel expects its tables (IEEE at 0, Castagnoli at 16 KiB) and the data. */
const TABLES_BYTES = 32768;
const PAGE = 65536;
/**
 * Windows of at least this many bytes go to the native CRC where one is installed (Node):
 * from 1 KiB a native call, view included, beats the kernel in place
 * (`packages/core/bench/checksum.bench.ts`: crc32 2.7×, crc32c 3× the JS loop at 1–4 KiB,
 * against the kernel's 1.6–2×), and scans of large records must not lose that.
 */
export const ARENA_NATIVE_FROM = 1024;
/** wasm32 memory is at most 4 GiB; keep arenas well below what engines grant. */
export const MAX_CRC_ARENA = 1 << 30;

/**
 * Scans of fewer bytes than this read into a plain buffer (and checksum each record through
 * `crc32`, one copy into the shared kernel): an arena costs 20–250 µs to create (a
 * WebAssembly memory), which a scan only earns back over about a MiB of records.
 */
export const ARENA_SCAN_FROM = 1 << 20;

type KernelFn = (p: number, n: number, seed: number) => number;
interface Kernel {
  memory: WebAssembly.Memory;
  crc32: KernelFn;
  crc32c: KernelFn;
}
interface KernelExports {
  crc32: KernelFn;
  crc32c: KernelFn;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime cannot compile it (then arenas use JS). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled =
      typeof WebAssembly === 'object'
        ? new WebAssembly.Module(hexDecode(CRC_KERNEL_HEX) as Uint8Array<ArrayBuffer>)
        : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

function instantiate(size: number): Kernel | null {
  const mod = kernelModule();
  if (mod === null) return null;
  try {
    // Created at its final size (with a maximum): about half the cost of growing one
    // (20 µs + ~3 µs per 64 KiB page here; a plain Uint8Array is cheaper still, which is
    // why scanners take an arena only for large scans).
    const pages = Math.ceil((TABLES_BYTES + size) / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const tables = new Int32Array(memory.buffer, 0, TABLES_BYTES / 4);
    tables.set(IEEE, 0);
    tables.set(CASTAGNOLI, IEEE.length);
    const exports = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as KernelExports;
    return { memory, crc32: exports.crc32, crc32c: exports.crc32c };
  } catch {
    // Out of memory for this arena: the JS arena below still works.
    return null;
  }
}

function windowError(start: number, end: number, size: number): LogspecError {
  return new LogspecError(
    'core',
    CoreCode.OUT_OF_RANGE,
    `checksum window [${start}, ${end}) outside a ${size}-byte arena`,
  );
}

class WasmCrcArena implements CrcArena {
  readonly bytes: Uint8Array;
  readonly wasm = true;
  readonly #crc32: KernelFn;
  readonly #crc32c: KernelFn;
  readonly #size: number;

  constructor(kernel: Kernel, size: number) {
    this.bytes = new Uint8Array(kernel.memory.buffer, TABLES_BYTES, size);
    this.#crc32 = kernel.crc32;
    this.#crc32c = kernel.crc32c;
    this.#size = size;
  }

  crc32(start: number, end: number, seed = 0): number {
    return this.#crc(this.#crc32, backends.crc32, start, end, seed);
  }

  crc32c(start: number, end: number, seed = 0): number {
    return this.#crc(this.#crc32c, backends.crc32c, start, end, seed);
  }

  #crc(kernel: KernelFn, backend: CrcBackend, start: number, end: number, seed: number): number {
    // Integer check too: the kernel would truncate 1.5 to 1 and answer a wrong CRC silently.
    if (!(start >= 0 && start <= end && end <= this.#size && (start | 0) === start && (end | 0) === end))
      throw windowError(start, end, this.#size);
    if (end - start >= ARENA_NATIVE_FROM && backend.native !== undefined)
      return backend.native(this.bytes.subarray(start, end), seed);
    return kernel(TABLES_BYTES + start, end - start, seed) >>> 0;
  }
}

class JsCrcArena implements CrcArena {
  readonly bytes: Uint8Array;
  readonly wasm = false;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  crc32(start: number, end: number, seed = 0): number {
    return this.#crc(IEEE, backends.crc32, start, end, seed);
  }

  crc32c(start: number, end: number, seed = 0): number {
    return this.#crc(CASTAGNOLI, backends.crc32c, start, end, seed);
  }

  #crc(table: Int32Array, backend: CrcBackend, start: number, end: number, seed: number): number {
    if (end - start >= ARENA_NATIVE_FROM && backend.native !== undefined) {
      checkWindow(this.bytes, start, end);
      return backend.native(this.bytes.subarray(start, end), seed);
    }
    return crcJs(table, this.bytes, start, end, seed);
  }
}

/** The raw kernel over a scratch arena, for `crc.ts`'s copy-in path (no per-call checks). */
export interface ScratchKernel {
  /** The scratch bytes, at kernel address `base`. */
  bytes: Uint8Array;
  base: number;
  crc32: KernelFn;
  crc32c: KernelFn;
}

/** A scratch kernel of `size` bytes, or null without WebAssembly. */
export function createScratchKernel(size: number): ScratchKernel | null {
  const kernel = instantiate(size);
  if (kernel === null) return null;
  return {
    bytes: new Uint8Array(kernel.memory.buffer, TABLES_BYTES, size),
    base: TABLES_BYTES,
    crc32: kernel.crc32,
    crc32c: kernel.crc32c,
  };
}

/**
 * An arena of `size` bytes (zeroed). Each arena has its own memory, so views into one stay
 * valid when another is created: to grow, create a bigger arena and copy.
 * `prefer: 'js'` forces the plain arena (tests compare the two).
 */
export function createCrcArena(size: number, prefer: 'wasm' | 'js' = 'wasm'): CrcArena {
  if (!Number.isInteger(size) || size < 0 || size > MAX_CRC_ARENA)
    throw new LogspecError('core', CoreCode.OUT_OF_RANGE, `CRC arena size ${size} outside [0, ${MAX_CRC_ARENA}]`);
  const kernel = prefer === 'wasm' ? instantiate(size) : null;
  return kernel ? new WasmCrcArena(kernel, size) : new JsCrcArena(size);
}

/** True when this runtime runs the WebAssembly kernel (arenas and mid-size `crc32` windows). */
export function crcKernelAvailable(): boolean {
  return kernelModule() !== null;
}
