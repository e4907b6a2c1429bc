/**
 * JS CRC-32C loop variants on a window at an odd offset inside a bigger buffer (what the frame
 * scanners checksum): the slice-by-8 loop `src/crc.ts` had before, today's `crc32cJs`, and
 * slice-by-8/16 reading words from bytes, a cached DataView or an aligned Int32Array. Decided
 * the loop in `src/crc.ts` and, with the native rows, `NATIVE_CRC_THRESHOLD`.
 * `MODE=min` (with `SIZES=64,200,…`, `ONLY=core` to drop the variants) times the fastest of
 * many interleaved batches in CPU time instead of the harness's wall-clock median: on the
 * shared 2-core machine that was the only figure stable from run to run. Run one size per
 * process for a fair old-vs-new comparison (a loop's JIT feedback carries across sizes).
 * The loops here repeat `src/crc-js.ts` on purpose (deliberate duplicates, listed in
 * docs/ARCHITECTURE.md): each candidate is timed as its own copy, so the shipped kernel can
 * change without moving the figures it was chosen against.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { freshCall, suite } from '@logspec/bench';
import { crc32c, crc32cJs, crc32Js } from '../src/index.node.js';
import { makeRng } from '../src/testing.js';

function tables(poly: number, slices: number): Int32Array {
  const t = new Int32Array(256 * slices);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < slices; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}
const nodeRs = createRequire(import.meta.url)('@node-rs/crc32') as {
  crc32: (d: Uint8Array, seed?: number) => number;
  crc32c: (d: Uint8Array, seed?: number) => number;
};
const T = tables(0x82f63b78, 16);

// slice-by-16, words assembled from bytes
function s16bytes(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  const e16 = end - ((end - start) & 15);
  while (i < e16) {
    const a =
      crc ^
      ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
    const b =
      (d[i + 4] as number) | ((d[i + 5] as number) << 8) | ((d[i + 6] as number) << 16) | ((d[i + 7] as number) << 24);
    const c =
      (d[i + 8] as number) |
      ((d[i + 9] as number) << 8) |
      ((d[i + 10] as number) << 16) |
      ((d[i + 11] as number) << 24);
    const e =
      (d[i + 12] as number) |
      ((d[i + 13] as number) << 8) |
      ((d[i + 14] as number) << 16) |
      ((d[i + 15] as number) << 24);
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
      (t[768 + (e & 0xff)] as number) ^
      (t[512 + ((e >>> 8) & 0xff)] as number) ^
      (t[256 + ((e >>> 16) & 0xff)] as number) ^
      (t[e >>> 24] as number);
    i += 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

// slice-by-16, individual bytes for the 12 non-crc bytes
function s16direct(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  const e16 = end - ((end - start) & 15);
  while (i < e16) {
    const a =
      crc ^
      ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
    crc =
      (t[3840 + (a & 0xff)] as number) ^
      (t[3584 + ((a >>> 8) & 0xff)] as number) ^
      (t[3328 + ((a >>> 16) & 0xff)] as number) ^
      (t[3072 + (a >>> 24)] as number) ^
      (t[2816 + (d[i + 4] as number)] as number) ^
      (t[2560 + (d[i + 5] as number)] as number) ^
      (t[2304 + (d[i + 6] as number)] as number) ^
      (t[2048 + (d[i + 7] as number)] as number) ^
      (t[1792 + (d[i + 8] as number)] as number) ^
      (t[1536 + (d[i + 9] as number)] as number) ^
      (t[1280 + (d[i + 10] as number)] as number) ^
      (t[1024 + (d[i + 11] as number)] as number) ^
      (t[768 + (d[i + 12] as number)] as number) ^
      (t[512 + (d[i + 13] as number)] as number) ^
      (t[256 + (d[i + 14] as number)] as number) ^
      (t[d[i + 15] as number] as number);
    i += 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

// slice-by-16 with a DataView cached on the last buffer seen
let dvBuf: ArrayBufferLike | undefined;
let dvOff = -1;
let dvLen = -1;
let dv: DataView = new DataView(new ArrayBuffer(0));
function s16dv(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  if (d.buffer !== dvBuf || d.byteOffset !== dvOff || d.byteLength !== dvLen) {
    dvBuf = d.buffer;
    dvOff = d.byteOffset;
    dvLen = d.byteLength;
    dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  }
  const v = dv;
  let crc = ~seed;
  let i = start;
  const e16 = end - ((end - start) & 15);
  while (i < e16) {
    const a = crc ^ v.getInt32(i, true);
    const b = v.getInt32(i + 4, true);
    const c = v.getInt32(i + 8, true);
    const e = v.getInt32(i + 12, true);
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
      (t[768 + (e & 0xff)] as number) ^
      (t[512 + ((e >>> 8) & 0xff)] as number) ^
      (t[256 + ((e >>> 16) & 0xff)] as number) ^
      (t[e >>> 24] as number);
    i += 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

// slice-by-16 with an Int32Array over the aligned middle, cached on the last buffer
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
let i32Buf: ArrayBufferLike | undefined;
let i32: Int32Array = new Int32Array(0);
function s16i32(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  if (LE && end - start >= 64) {
    // bytes up to a 4-aligned absolute offset
    const abs = d.byteOffset + i;
    let pre = (4 - (abs & 3)) & 3;
    while (pre-- > 0) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
    if (d.buffer !== i32Buf) {
      i32Buf = d.buffer;
      i32 = new Int32Array(d.buffer, 0, d.buffer.byteLength >> 2);
    }
    const w = i32;
    let k = (d.byteOffset + i) >> 2;
    const n16 = (end - i) >> 4;
    const kEnd = k + n16 * 4;
    while (k < kEnd) {
      const a = crc ^ (w[k] as number);
      const b = w[k + 1] as number;
      const c = w[k + 2] as number;
      const e = w[k + 3] as number;
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
        (t[768 + (e & 0xff)] as number) ^
        (t[512 + ((e >>> 8) & 0xff)] as number) ^
        (t[256 + ((e >>> 16) & 0xff)] as number) ^
        (t[e >>> 24] as number);
      k += 4;
    }
    i += n16 * 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

// slice-by-8 with words from a cached DataView / an aligned Int32Array
function s8dv(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  if (d.buffer !== dvBuf || d.byteOffset !== dvOff || d.byteLength !== dvLen) {
    dvBuf = d.buffer;
    dvOff = d.byteOffset;
    dvLen = d.byteLength;
    dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  }
  const v = dv;
  let crc = ~seed;
  let i = start;
  const e8 = end - ((end - start) & 7);
  while (i < e8) {
    const a = crc ^ v.getInt32(i, true);
    const b = v.getInt32(i + 4, true);
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
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
function s8i32(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  if (LE && end - start >= 32) {
    let pre = (4 - ((d.byteOffset + i) & 3)) & 3;
    while (pre-- > 0) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
    if (d.buffer !== i32Buf) {
      i32Buf = d.buffer;
      i32 = new Int32Array(d.buffer, 0, d.buffer.byteLength >> 2);
    }
    const w = i32;
    let k = (d.byteOffset + i) >> 2;
    const n8 = (end - i) >> 3;
    const kEnd = k + n8 * 2;
    while (k < kEnd) {
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
      k += 2;
    }
    i += n8 * 8;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
// slice-by-8 with both words assembled from bytes
function s8bytes(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  const e8 = end - ((end - start) & 7);
  while (i < e8) {
    const a =
      crc ^
      ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
    const b =
      (d[i + 4] as number) | ((d[i + 5] as number) << 8) | ((d[i + 6] as number) << 16) | ((d[i + 7] as number) << 24);
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
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

// slice-by-16 over an aligned Int32Array, cached on the last Uint8Array seen (identity, no getter)
let idArr: Uint8Array | undefined;
let idW: Int32Array = new Int32Array(0);
let idShift = 0; // byteOffset of idArr
function s16id(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  if (end - start >= 64) {
    if (d !== idArr) {
      idArr = d;
      idShift = d.byteOffset;
      idW = new Int32Array(d.buffer, 0, (d.byteOffset + d.byteLength) >> 2);
    }
    let pre = (4 - ((idShift + i) & 3)) & 3;
    while (pre-- > 0) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
    const w = idW;
    let k = (idShift + i) >> 2;
    const n16 = (end - i) >> 4;
    const kEnd = k + n16 * 4;
    while (k < kEnd) {
      const a = crc ^ (w[k] as number);
      const b = w[k + 1] as number;
      const c = w[k + 2] as number;
      const e = w[k + 3] as number;
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
        (t[768 + (e & 0xff)] as number) ^
        (t[512 + ((e >>> 8) & 0xff)] as number) ^
        (t[256 + ((e >>> 16) & 0xff)] as number) ^
        (t[e >>> 24] as number);
      k += 4;
    }
    i += n16 * 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
// slice-by-16 over an aligned Int32Array, cached on the last Uint8Array seen (identity, no getter)
let wrRef: WeakRef<Uint8Array> | undefined;
let wrW: Int32Array = new Int32Array(0);
let wrShift = 0;
function s16wr(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  if (end - start >= 64) {
    if (wrRef?.deref() !== d) {
      wrRef = new WeakRef(d);
      wrShift = d.byteOffset;
      wrW = new Int32Array(d.buffer, 0, (d.byteOffset + d.byteLength) >> 2);
    }
    let pre = (4 - ((wrShift + i) & 3)) & 3;
    while (pre-- > 0) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
    const w = wrW;
    let k = (wrShift + i) >> 2;
    const n16 = (end - i) >> 4;
    const kEnd = k + n16 * 4;
    while (k < kEnd) {
      const a = crc ^ (w[k] as number);
      const b = w[k + 1] as number;
      const c = w[k + 2] as number;
      const e = w[k + 3] as number;
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
        (t[768 + (e & 0xff)] as number) ^
        (t[512 + ((e >>> 8) & 0xff)] as number) ^
        (t[256 + ((e >>> 16) & 0xff)] as number) ^
        (t[e >>> 24] as number);
      k += 4;
    }
    i += n16 * 16;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
const zlibCrc32 = (zlib as { crc32?: (d: Uint8Array, seed?: number) => number }).crc32;
const zlibWin = (d: Uint8Array, s: number, e: number) =>
  (zlibCrc32 as (d: Uint8Array, seed?: number) => number)(d.subarray(s, e), 0);
const nativeWin32 = (d: Uint8Array, s: number, e: number) => nodeRs.crc32(d.subarray(s, e), 0);
const nativeWin = (d: Uint8Array, s: number, e: number) => nodeRs.crc32c(d.subarray(s, e), 0);

// The slice-by-8 loop crc.ts had before (first word from bytes, then 4 single bytes).
function s8old(t: Int32Array, d: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  const e8 = end - ((end - start) & 7);
  while (i < e8) {
    const a =
      crc ^
      ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
    crc =
      (t[1792 + (a & 0xff)] as number) ^
      (t[1536 + ((a >>> 8) & 0xff)] as number) ^
      (t[1280 + ((a >>> 16) & 0xff)] as number) ^
      (t[1024 + (a >>> 24)] as number) ^
      (t[768 + (d[i + 4] as number)] as number) ^
      (t[512 + (d[i + 5] as number)] as number) ^
      (t[256 + (d[i + 6] as number)] as number) ^
      (t[d[i + 7] as number] as number);
    i += 8;
  }
  while (i < end) crc = (t[(crc ^ (d[i++] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
const rng = makeRng(0xc5c);
const label = (n: number) => (n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`);
const sizes = (process.env.SIZES ?? '64,200,400,4096,1048576').split(',').map(Number);
const VARIANTS_ALL: [string, (t: Int32Array, d: Uint8Array, s: number, e: number, seed: number) => number][] = [
  ['s8, words from bytes', s8bytes],
  ['s8, cached DataView', s8dv],
  ['s8, Int32Array aligned', s8i32],
  ['s16, words from bytes', s16bytes],
  ['s16, bytes direct', s16direct],
  ['s16, cached DataView', s16dv],
  ['s16, Int32Array aligned', s16i32],
  ['s16, Int32Array, id cache', s16id],
  ['s16, Int32Array, WeakRef', s16wr],
];
const VARIANTS = process.env.ONLY === 'core' ? [] : VARIANTS_ALL;
if (process.env.MODE === 'min') {
  // Fastest of many short interleaved batches: load from other processes only ever slows a batch.
  for (const n of sizes) {
    const big = rng.bytes(n + 16);
    const s = 7;
    const fns: [string, () => number][] = [
      ['slice-by-8 (before)', freshCall(s8old, T, big, s, s + n, 0)],
      ['crc32cJs (now)', freshCall(crc32cJs, big, s, s + n, 0)],
      ['native window (@node-rs)', freshCall(nativeWin, big, s, s + n)],
      ['core crc32c (dispatch)', freshCall(crc32c, big, s, s + n, 0)],
      ['crc32Js (IEEE, now)', freshCall(crc32Js, big, s, s + n, 0)],
      ['native crc32 window', freshCall(nativeWin32, big, s, s + n)],
      ...(zlibCrc32 ? [['zlib.crc32 window', freshCall(zlibWin, big, s, s + n)] as [string, () => number]] : []),
      ...VARIANTS.map(([name, f]) => [name, freshCall(f, T, big, s, s + n, 0)] as [string, () => number]),
    ];
    const reps = Math.max(1, Math.round(1e7 / (n + 50)));
    const best = fns.map(() => Number.POSITIVE_INFINITY);
    for (let round = 0; round < 25; round++) {
      fns.forEach(([, f], k) => {
        // CPU time, not wall time: time slices lost to other processes do not count.
        const c0 = process.cpuUsage();
        for (let r = 0; r < reps; r++) f();
        const c1 = process.cpuUsage(c0);
        const dt = (c1.user + c1.system) / 1000;
        if (dt < (best[k] as number)) best[k] = dt;
      });
    }
    console.log(`\n${label(n)}`);
    fns.forEach(([name], k) => {
      const gbs = (n * reps) / ((best[k] as number) * 1e6);
      console.log(
        `  ${name.padEnd(28)} ${gbs.toFixed(2)} GB/s  ${((best[0] as number) / (best[k] as number)).toFixed(2)}×`,
      );
    });
  }
  process.exit(0);
}
for (const n of sizes) {
  const big = rng.bytes(n + 16);
  const s = 7;
  const want = crc32cJs(big, s, s + n);
  for (const [name, f] of VARIANTS) if (f(T, big, s, s + n, 0) !== want) throw new Error(`${name} wrong at ${n}`);
  await suite(`crc32c JS variants, ${label(n)} window at offset 7`, {
    unit: 'bytes',
    record: false,
    baseline: { name: 'slice-by-8 (before)', units: n, fn: freshCall(s8old, T, big, s, s + n, 0) },
    cases: [
      [
        'crc32cJs (now)',
        (_t: Int32Array, d: Uint8Array, a: number, b: number, c: number) => crc32cJs(d, a, b, c),
      ] as const,
      ...VARIANTS,
    ].map(([name, f]) => ({ name, units: n, fn: freshCall(f, T, big, s, s + n, 0) })),
  });
}
