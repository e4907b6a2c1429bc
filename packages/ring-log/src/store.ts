/**
 * `@logspec/ring-log/store`: the ring file store. Does I/O only through core's `Fs`
 * (`NodeFs` from `@logspec/core/node` in Node, `SimFs` in tests).
 */
export { createRingFile, creatingPath } from './store/create.js';
export {
  CONSISTENT_READ_PAIRS,
  type RingImage,
  type RingReadOptions,
  readRingFile,
  readRingImage,
} from './store/read-file.js';
export type { SlotSurvey } from './store/recover.js';
export { repairRing } from './store/repair.js';
export { DEFAULT_BUFFER_SLOTS, RingLog, type RingLogOptions, type RingOpenReport } from './store/ring-log.js';
// The damage survey (verify, inspect, the browser inspector) and the repair they offer
export {
  type RingSurvey,
  type RingSurveyOptions,
  type RingSurveyUnit,
  ringForeignProblems,
  surveyRing,
} from './store/survey.js';
