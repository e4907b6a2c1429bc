export * from './bytes.js';
export * from './crc.js';
export * from './errors.js';
export * from './fs.js';
export * from './fs-tree.js';
export * from './sha256.js';
