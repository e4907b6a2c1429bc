// @logspec/core: the checksums every format builds on, with their published check values, and
// over a buffer large enough that Node takes its native path while the browser runs the
// WebAssembly kernel; windows of every size class (JS loop, kernel with a copy, arena in place).
import {
  ByteReader,
  ByteWriter,
  crc32,
  crc32c,
  crcKernelAvailable,
  createCrcArena,
  hexDecode,
  hexEncode,
  sha256Hex,
} from '@logspec/core';
import { type BrowserTarget, pseudoRandomBytes, utf8 } from '../harness.js';

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const big = pseudoRandomBytes(1 << 20, 0x1234567);

export const target: BrowserTarget = {
  package: '@logspec/core',
  formats: [],
  checks: {
    'crc32 check value': () => hex8(crc32(utf8('123456789'))),
    'crc32c check value': () => hex8(crc32c(utf8('123456789'))),
    'sha256 check value': () => sha256Hex(utf8('abc')),
    'sha256 of nothing': () => sha256Hex(new Uint8Array(0)),
    'crc32 of 1 MiB': () => hex8(crc32(big)),
    'crc32c of 1 MiB': () => hex8(crc32c(big)),
    'crc32 of a window, continued': () => hex8(crc32(big, 1000, 5000, crc32(big, 0, 1000))),
    'WebAssembly CRC kernel': () => String(crcKernelAvailable()),
    'crc32c of 64, 200, 400 and 3000-byte windows': () =>
      [64, 200, 400, 3000].map((n) => hex8(crc32c(big, 77, 77 + n))).join(' '),
    'CrcArena in place, 200 B and 100 KiB': () => {
      const arena = createCrcArena(200_000);
      arena.bytes.set(big.subarray(0, 200_000));
      return `${arena.wasm} ${hex8(arena.crc32(5, 205))} ${hex8(arena.crc32c(5, 102_405))}`;
    },
    'sha256 of 1 MiB': () => sha256Hex(big),
    'hex round trip': () => hexEncode(hexDecode(hexEncode(big.subarray(0, 64)))),
    'varint and LE/BE fields': () => {
      const w = new ByteWriter();
      w.u32le(0xdeadbeef);
      w.u64be(0x0102030405060708n);
      w.varint(300);
      const bytes = w.finish();
      const r = new ByteReader(bytes);
      return { hex: hexEncode(bytes), u32le: r.u32le(), u64be: r.u64be().toString(), varint: r.varint(32) };
    },
  },
};
