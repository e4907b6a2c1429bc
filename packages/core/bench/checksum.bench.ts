/**
 * Checksums at record-sized and bulk inputs: which path is fastest per size. The figures
 * set `NATIVE_CRC_THRESHOLD` in `src/native-checksums.ts` and the SHA-256 backend choice.
 * (The harness lives in @logspec/bench, which depends on no workspace package.)
 */
import { createHash, hash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { freshCall, suite } from '@logspec/bench';
import { createCRC32, createSHA256 } from 'hash-wasm';
import {
  crc32,
  crc32c,
  crc32cJs,
  crc32cWasm,
  crc32Js,
  crc32Wasm,
  createCrcArena,
  sha256Hex,
} from '../src/index.node.js';
import { makeRng } from '../src/testing.js';

const require = createRequire(import.meta.url);
const nodeRs = require('@node-rs/crc32') as {
  crc32: (d: Uint8Array, seed?: number) => number;
  crc32c: (d: Uint8Array, seed?: number) => number;
};
const zlibCrc32 = (zlib as { crc32?: (d: Uint8Array, seed?: number) => number }).crc32;
const oneShotHash = hash as ((alg: string, d: Uint8Array, enc: 'hex') => string) | undefined;

const wasmCrc32 = await createCRC32();
const wasmCrc32c = await createCRC32(0x82f63b78);
const wasmSha256 = await createSHA256();
type WasmHasher = typeof wasmSha256;
const viaWasm = (h: WasmHasher, d: Uint8Array) => h.init().update(d).digest('hex');

const scale = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
const rng = makeRng(0xc5c);
// The sizes plus those around where the native path starts (NATIVE_CRC_THRESHOLDS).
const CRC_SIZES = [64, 96, 128, 200, 256, 320, 400, 512, 1024, 4096, 1 << 20];
const SHA_SIZES = [64, 200, 4096, 1 << 20];
const label = (n: number) => (n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`);

for (const size of CRC_SIZES) {
  const data = rng.bytes(Math.max(1, Math.round(size * Math.min(1, scale))));
  const n = data.length;
  // A record inside a bigger buffer: what the frame scanners checksum.
  const big = new Uint8Array(n + 16);
  big.set(data, 8);
  // The same record already in a CRC arena (WebAssembly memory): what arena scanners do.
  const arena = createCrcArena(n + 16);
  arena.bytes.set(data, 8);
  await suite(`crc32c, ${label(n)}`, {
    unit: 'bytes',
    baseline: { name: 'JS (crc32cJs)', units: n, fn: freshCall(crc32cJs, data, 0, n, 0) },
    cases: [
      { name: '@node-rs/crc32 crc32c', units: n, fn: freshCall(nodeRs.crc32c, data, 0) },
      { name: '@node-rs/crc32 on a subarray window', units: n, fn: () => nodeRs.crc32c(big.subarray(8, 8 + n), 0) },
      { name: 'hash-wasm crc32c', units: n, fn: freshCall(viaWasm, wasmCrc32c, data) },
      { name: 'core crc32c (window, dispatch)', units: n, fn: freshCall(crc32c, big, 8, 8 + n, 0) },
      { name: 'core crc32cWasm (window, one copy)', units: n, fn: freshCall(crc32cWasm, big, 8, 8 + n, 0) },
      { name: 'CrcArena crc32c (in place)', units: n, fn: () => arena.crc32c(8, 8 + n, 0) },
    ],
  });
  await suite(`crc32, ${label(n)}`, {
    unit: 'bytes',
    baseline: { name: 'JS (crc32Js)', units: n, fn: freshCall(crc32Js, data, 0, n, 0) },
    cases: [
      { name: '@node-rs/crc32 crc32', units: n, fn: freshCall(nodeRs.crc32, data, 0) },
      ...(zlibCrc32 ? [{ name: 'zlib.crc32', units: n, fn: freshCall(zlibCrc32, data, 0) }] : []),
      { name: 'hash-wasm crc32', units: n, fn: freshCall(viaWasm, wasmCrc32, data) },
      { name: 'core crc32 (window, dispatch)', units: n, fn: freshCall(crc32, big, 8, 8 + n, 0) },
      { name: 'core crc32Wasm (window, one copy)', units: n, fn: freshCall(crc32Wasm, big, 8, 8 + n, 0) },
      { name: 'CrcArena crc32 (in place)', units: n, fn: () => arena.crc32(8, 8 + n, 0) },
    ],
  });
}

// What a frame scanner does: consecutive records of varying size (64–600 B) in one 1 MiB
// buffer. Varying lengths cost the JS loop more than fixed ones (its loop exits mispredict).
{
  const buf = rng.bytes(Math.max(4096, Math.round((1 << 20) * Math.min(1, scale))));
  const wins: number[] = [];
  let bytes = 0;
  for (let pos = 3; pos < buf.length - 700; ) {
    const n = 64 + rng.int(537);
    wins.push(pos, pos + n);
    bytes += n;
    pos += n + 8;
  }
  const each = (f: (d: Uint8Array, s: number, e: number, seed: number) => number) =>
    new Function(
      'f',
      'buf',
      'wins',
      'return () => { let c = 0; for (let j = 0; j < wins.length; j += 2) c ^= f(buf, wins[j], wins[j + 1], 0); return c; };',
    )(f, buf, wins) as () => number;
  const arena = createCrcArena(buf.length);
  arena.bytes.set(buf);
  const inArena = (castagnoli: boolean) =>
    new Function(
      'a',
      'wins',
      `return () => { let c = 0; for (let j = 0; j < wins.length; j += 2) c ^= a.${castagnoli ? 'crc32c' : 'crc32'}(wins[j], wins[j + 1], 0); return c; };`,
    )(arena, wins) as () => number;
  const nativeWindow = (native: (d: Uint8Array, seed?: number) => number) => (d: Uint8Array, s: number, e: number) =>
    native(d.subarray(s, e), 0);
  await suite(`crc32c, ${wins.length / 2} records of 64–600 B in ${label(buf.length)}`, {
    unit: 'bytes',
    baseline: { name: 'JS (crc32cJs) per record', units: bytes, fn: each(crc32cJs) },
    cases: [
      { name: '@node-rs/crc32 crc32c per record (subarray)', units: bytes, fn: each(nativeWindow(nodeRs.crc32c)) },
      { name: 'core crc32c per record (dispatch)', units: bytes, fn: each(crc32c) },
      { name: 'CrcArena crc32c per record (in place)', units: bytes, fn: inArena(true) },
    ],
  });
  await suite(`crc32, ${wins.length / 2} records of 64–600 B in ${label(buf.length)}`, {
    unit: 'bytes',
    baseline: { name: 'JS (crc32Js) per record', units: bytes, fn: each(crc32Js) },
    cases: [
      { name: '@node-rs/crc32 crc32 per record (subarray)', units: bytes, fn: each(nativeWindow(nodeRs.crc32)) },
      { name: 'core crc32 per record (dispatch)', units: bytes, fn: each(crc32) },
      { name: 'CrcArena crc32 per record (in place)', units: bytes, fn: inArena(false) },
    ],
  });
}

for (const size of SHA_SIZES) {
  const data = rng.bytes(Math.max(1, Math.round(size * Math.min(1, scale))));
  const n = data.length;
  await suite(`sha256, ${label(n)}`, {
    unit: 'bytes',
    baseline: {
      name: "createHash('sha256')",
      units: n,
      fn: () => createHash('sha256').update(data).digest('hex'),
    },
    cases: [
      ...(oneShotHash
        ? [{ name: "crypto.hash('sha256')", units: n, fn: () => oneShotHash('sha256', data, 'hex') }]
        : []),
      { name: 'hash-wasm sha256', units: n, fn: freshCall(viaWasm, wasmSha256, data) },
      { name: 'core sha256Hex', units: n, fn: freshCall(sha256Hex, data) },
    ],
  });
}
