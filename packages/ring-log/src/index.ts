/**
 * `@logspec/ring-log`: the codec of vyre-runtime's VRRL0001 replay ring log. Browser-safe:
 * `Uint8Array`/`DataView` only. The file store (Node, through core's `Fs`) is `@logspec/ring-log/store`.
 * Format: `spec/ring.md`.
 */
export * from './canonical.js';
export * from './describe.js';
export * from './errors.js';
export * from './header.js';
export * from './layout.js';
export * from './ring.js';
export * from './slot.js';
