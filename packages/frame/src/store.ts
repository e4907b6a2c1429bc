// Node store entry: the hot log's writer and readers, doing all I/O through core's `Fs`.
export {
  HotLog,
  type HotLogOptions,
  OffsetIndex,
  replayHotLog,
  type SessionMeta,
  scanHotLog,
} from './hot/event-log.js';
export { type Durability, HotFrameLog, type HotFrameLogOptions, hotLogPath, type OpenReport } from './hot/frame-log.js';
export { openHotLogFile, readHotFrames, resolveHotLogPath } from './hot/read.js';
export { findWitness, searchWitness, WITNESS_BUDGET, type WitnessSearch } from './hot/recovery.js';
