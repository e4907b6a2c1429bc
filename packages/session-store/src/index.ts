/**
 * `@logspec/session-store`: the browser-safe codec of pi's session store v2 — the
 * serde_json-compatible JSON writer and reader, segment frames, index rows, checkpoints,
 * the manifest and its hash, the chain hash. The Node store is `@logspec/session-store/store`.
 *
 * In a browser, `await checksumsReady()` (from `@logspec/core`) before hashing.
 */
export * from './canonical.js';
export * from './describe.js';
export * from './errors.js';
export * from './hash.js';
export * from './json/reader.js';
export * from './json/writer.js';
export * from './lines.js';
export * from './payload.js';
export * from './schema.js';
export * from './u64.js';
export * from './units.js';
export * from './warnings.js';
