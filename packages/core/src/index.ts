// The browser-safe API of `@logspec/core`, module by module in the README's order.

// Errors: `LogspecError`, `CoreCode`

export * from './errors.js';

// Byte IO: `ByteReader`, `ByteWriter`, u64 values, UTF-8 and hex

export { ByteReader, type ByteReaderOptions } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { concatBytes, equalBytes } from './concat.js';
export { parseU64 } from './integers.js';
export { hexDecode, hexEncode, utf8Decode, utf8Encode, utf8ValidUpTo } from './text.js';

// Checksums: CRC-32/CRC-32C (with `CrcArena`), SHA-256

export * from './crc.js';

export * from './sha256.js';

// The `Fs` seam (and the path and I/O helpers every store uses)

export * from './fs.js';

// Walks and deletes that never follow a symbolic link

export * from './fs-tree.js';

// A copy-on-write view of a tree (read-only opens, repair plans)

export * from './overlay-fs.js';
export * from './repair-plan.js';
// Damage surveys: states, problems as ranges, the sink every format's survey reports to
export * from './survey.js';

// Named byte ranges of a unit (what a layout table says each byte is)

export * from './fields.js';
