// Node store entry: the hot log's writer and readers, doing all I/O through core's `Fs`.
// The order is the README's (Source layout).

// File layout: `<root>/hot/log.bin`, and reading it

export { openHotLogFile, readHotFrames, resolveHotLogPath } from './hot/read.js';

// `HotFrameLog`: the writer of frames

export { type Durability, HotFrameLog, type HotFrameLogOptions, hotLogPath, type OpenReport } from './hot/frame-log.js';

// `HotLog`: the writer and readers of events

export {
  HotLog,
  type HotLogOptions,
  OffsetIndex,
  replayHotLog,
  type SessionMeta,
  scanHotLog,
} from './hot/event-log.js';

// Recovery: telling a torn tail from damage before valid frames

export { findWitness, searchWitness, WITNESS_BUDGET, type WitnessSearch } from './hot/recovery.js';

// The damage survey (verify, inspect, the browser inspector) and the repair they offer

export { type HotRepairOptions, repairHotLog } from './hot/repair.js';
export {
  type HotSurvey,
  type HotSurveyOptions,
  type HotSurveyUnit,
  hotDamageProblem,
  hotPayloadProblem,
  hotStopReason,
  hotUndecodableProblem,
  surveyHotLog,
} from './hot/survey.js';
