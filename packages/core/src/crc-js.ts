import { CoreCode, LogspecError } from './errors.js';

/**
 * The plain-JS CRC loops behind `crc.ts` (internal: not exported from the package).
 * CRC-32 (IEEE, reflected 0xEDB88320) and CRC-32C (Castagnoli, reflected 0x82F63B78) in
 * plain JS: slice-by-16 over aligned 32-bit words for windows of at least `WORDS_FROM`
 * bytes, slice-by-8 over bytes below. Small inputs stay here because a native call costs
 * more than the work; `index.node.ts` installs a native backend for large inputs.
 */
function makeTables(poly: number): Int32Array {
  const t = new Int32Array(256 * 16);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < 16; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/** Slice-by-16 tables, table k at [k * 256, (k + 1) * 256); the WASM kernel gets copies. */
export const IEEE = makeTables(0xedb88320);
export const CASTAGNOLI = makeTables(0x82f63b78);

/**
 * From this window size the loop reads aligned 32-bit words, 16 bytes a step
 * (`packages/core/bench/crc-variants.bench.ts`, CPU time, Node 20): on windows of one fixed
 * size it is 0.9–1.0× slice-by-8 from 128 B to 512 B and 1.05–2× above; on records of varying
 * size (64–600 B, what scanners see) it is 1.3–1.6×, because fewer, longer steps leave fewer
 * data-dependent loop exits. Below 128 B aligning the start costs more than it saves.
 * Words are read in platform order, so only on little-endian platforms (all current ones).
 */
const WORDS_FROM = 128;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * An Int32Array over the buffer of the last array checksummed in words. Scanners checksum
 * many windows of one buffer: a view per call (or a `.buffer` read to compare buffers) would
 * cost more than the word loop saves below ~1 KiB, so the cache is keyed by the array itself.
 * It keeps that one buffer reachable until a word-sized CRC over another array.
 */
let wordsOf: Uint8Array | undefined;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** A window outside the buffer would read `undefined` as 0 and give a wrong CRC silently. */
export function checkWindow(data: Uint8Array, start: number, end: number): void {
  if (start >= 0 && start <= end && end <= data.length && Number.isInteger(start) && Number.isInteger(end)) return;
  throw new LogspecError(
    'core',
    CoreCode.OUT_OF_RANGE,
    `checksum window [${start}, ${end}) outside a ${data.length}-byte buffer`,
  );
}

export function crcJs(t: Int32Array, data: Uint8Array, start: number, end: number, seed: number): number {
  checkWindow(data, start, end);
  // Kept apart so the short-window loop stays as small (and as fast) as it was.
  if (end - start >= WORDS_FROM && LITTLE_ENDIAN) return crcWords(t, data, start, end, seed);
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
  return crcTail(t, data, i, end, crc);
}

/** Slice-by-16 over aligned words of a checked window of at least `WORDS_FROM` bytes. */
function crcWords(t: Int32Array, data: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  const shift = data.byteOffset;
  // Bytes up to the first 4-aligned buffer offset.
  while (((shift + i) & 3) !== 0) crc = (t[(crc ^ (data[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  // Math.floor, not >>: buffers and windows may pass 2^31 bytes.
  let k = Math.floor((shift + i) / 4);
  const steps = Math.floor((end - i) / 16);
  const kEnd = k + 4 * steps;
  // A different array, or one whose (resizable) buffer changed size: a new view. Every word
  // read below lies before `end`.
  if (data !== wordsOf || Math.floor((shift + end) / 4) > words.length) {
    words = new Int32Array(data.buffer, 0, Math.floor((shift + data.length) / 4));
    wordsOf = data;
  }
  const w = words;
  while (k < kEnd) {
    const a = crc ^ (w[k] as number);
    const b = w[k + 1] as number;
    const c = w[k + 2] as number;
    const d = w[k + 3] as number;
    crc =
      (t[3840 + (a & 0xff)] as number) ^
      (t[3584 + ((a >>> 8) & 0xff)] as number) ^
      (t[3328 + ((a >>> 16) & 0xff)] as number) ^
      (t[3072 + (a >>> 24)] as number) ^
      (t[2816 + (b & 0xff)] as number) ^
      (t[2560 + ((b >>> 8) & 0xff)] as number) ^
      (t[2304 + ((b >>> 16) & 0xff)] as number) ^
      (t[2048 + (b >>> 24)] as number) ^
      (t[1792 + (c & 0xff)] as number) ^
      (t[1536 + ((c >>> 8) & 0xff)] as number) ^
      (t[1280 + ((c >>> 16) & 0xff)] as number) ^
      (t[1024 + (c >>> 24)] as number) ^
      (t[768 + (d & 0xff)] as number) ^
      (t[512 + ((d >>> 8) & 0xff)] as number) ^
      (t[256 + ((d >>> 16) & 0xff)] as number) ^
      (t[d >>> 24] as number);
    k += 4;
  }
  i += 16 * steps;
  if (end - i >= 8) {
    const a = crc ^ (w[k] as number);
    const b = w[k + 1] as number;
    crc =
      (t[1792 + (a & 0xff)] as number) ^
      (t[1536 + ((a >>> 8) & 0xff)] as number) ^
      (t[1280 + ((a >>> 16) & 0xff)] as number) ^
      (t[1024 + (a >>> 24)] as number) ^
      (t[768 + (b & 0xff)] as number) ^
      (t[512 + ((b >>> 8) & 0xff)] as number) ^
      (t[256 + ((b >>> 16) & 0xff)] as number) ^
      (t[b >>> 24] as number);
    i += 8;
  }
  return crcTail(t, data, i, end, crc);
}

/**
 * The last 0–7 bytes: one 4-byte step, then single bytes. Each single-byte step waits for
 * the previous one, and a tail of varying length is where mixed-size windows lost most.
 */
function crcTail(t: Int32Array, data: Uint8Array, i: number, end: number, crc: number): number {
  if (end - i >= 4) {
    const a =
      crc ^
      ((data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24));
    crc =
      (t[768 + (a & 0xff)] as number) ^
      (t[512 + ((a >>> 8) & 0xff)] as number) ^
      (t[256 + ((a >>> 16) & 0xff)] as number) ^
      (t[a >>> 24] as number);
    i += 4;
  }
  while (i < end) crc = (t[(crc ^ (data[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
