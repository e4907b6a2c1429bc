export * from './bytes.js';
export * from './crc.js';
export * from './errors.js';
export * from './fields.js';
export * from './fs.js';
export * from './overlay-fs.js';
export * from './repair-plan.js';
export * from './sha256.js';
