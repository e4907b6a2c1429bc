// The browser-safe API of `@logspec/core`, module by module in the README's order.

// Errors: `LogspecError`, `CoreCode`

export * from './errors.js';

// Byte IO: `ByteReader`, `ByteWriter`, u64 values, UTF-8 and hex

export { ByteReader, type ByteReaderOptions } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { parseU64 } from './integers.js';
export { hexDecode, hexEncode, utf8Decode, utf8Encode, utf8ValidUpTo } from './text.js';

// Checksums: CRC-32/CRC-32C (with `CrcArena`), SHA-256

export * from './crc.js';

export * from './sha256.js';

// The `Fs` seam (and the path and I/O helpers every store uses)

export * from './fs.js';
