import { CoreCode, LogspecError } from './errors.js';

/**
 * CRC-32 (IEEE, reflected 0xEDB88320) and CRC-32C (Castagnoli, reflected 0x82F63B78),
 * slice-by-8 in plain JS. Small inputs stay here because a native call costs more than
 * the work; `index.node.ts` installs a native backend for large inputs.
 */
function makeTables(poly: number): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

const IEEE = makeTables(0xedb88320);
const CASTAGNOLI = makeTables(0x82f63b78);

/** A window outside the buffer would read `undefined` as 0 and give a wrong CRC silently. */
function checkWindow(data: Uint8Array, start: number, end: number): void {
  if (start >= 0 && start <= end && end <= data.length && Number.isInteger(start) && Number.isInteger(end)) return;
  throw new LogspecError(
    'core',
    CoreCode.OUT_OF_RANGE,
    `checksum window [${start}, ${end}) outside a ${data.length}-byte buffer`,
  );
}

function crcJs(t: Int32Array, data: Uint8Array, start: number, end: number, seed: number): number {
  checkWindow(data, start, end);
  let crc = ~seed;
  let i = start;
  const end8 = end - ((end - start) & 7);
  while (i < end8) {
    const a =
      crc ^
      ((data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24));
    crc =
      (t[1792 + (a & 0xff)] as number) ^
      (t[1536 + ((a >>> 8) & 0xff)] as number) ^
      (t[1280 + ((a >>> 16) & 0xff)] as number) ^
      (t[1024 + (a >>> 24)] as number) ^
      (t[768 + (data[i + 4] as number)] as number) ^
      (t[512 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number);
    i += 8;
  }
  while (i < end) crc = (t[(crc ^ (data[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function crc32Js(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcJs(IEEE, data, start, end, seed);
}

export function crc32cJs(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return crcJs(CASTAGNOLI, data, start, end, seed);
}

/** A native CRC over a whole buffer, continuing from `seed` (the previous CRC). */
export type NativeCrc = (data: Uint8Array, seed: number) => number;

interface CrcBackend {
  native: NativeCrc | undefined;
  /** Inputs of at least this many bytes go to the native backend. */
  threshold: number;
}

const backends: { crc32: CrcBackend; crc32c: CrcBackend } = {
  crc32: { native: undefined, threshold: Number.POSITIVE_INFINITY },
  crc32c: { native: undefined, threshold: Number.POSITIVE_INFINITY },
};

/** Installs a native backend (Node entry does this); `threshold` from the checksum benchmark. */
export function setNativeCrc(which: 'crc32' | 'crc32c', native: NativeCrc | undefined, threshold: number): void {
  backends[which] = { native, threshold: native ? threshold : Number.POSITIVE_INFINITY };
}

/**
 * CRC-32/IEEE of `data[start, end)`; check value crc32("123456789") = 0xCBF43926.
 * `seed` continues a CRC: crc32(a ‖ b) = crc32(b, 0, b.length, crc32(a)).
 * A window outside `data` throws `CORE_OUT_OF_RANGE`.
 */
export function crc32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  const b = backends.crc32;
  if (end - start >= b.threshold && b.native) {
    checkWindow(data, start, end);
    return b.native(start === 0 && end === data.length ? data : data.subarray(start, end), seed);
  }
  return crcJs(IEEE, data, start, end, seed);
}

/** CRC-32C/Castagnoli of `data[start, end)`; check value crc32c("123456789") = 0xE3069283. Same rules as `crc32`. */
export function crc32c(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  const b = backends.crc32c;
  if (end - start >= b.threshold && b.native) {
    checkWindow(data, start, end);
    return b.native(start === 0 && end === data.length ? data : data.subarray(start, end), seed);
  }
  return crcJs(CASTAGNOLI, data, start, end, seed);
}
