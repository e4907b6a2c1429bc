// Browser-safe entry: frame layouts and scanners, and the hot log's codecs (no I/O of its own;
// the file scanners read through a caller-supplied `FileHandle`).
export * from './framing/batch.js';
export * from './framing/damage-scan.js';
export * from './framing/decoder.js';
export * from './framing/file-scan.js';
export * from './framing/layout.js';
export * from './hot/archive.js';
export * from './hot/codes.js';
export * from './hot/describe.js';
export * from './hot/event.js';
export * from './hot/event-replay.js';
export * from './hot/frames.js';
export * from './hot/header.js';
export * from './hot/record.js';
export * from './hot/record-json.js';
export * from './hot/view.js';
