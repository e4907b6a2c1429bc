// Node/any-Fs store of rivven-core's segment log: segments, partitions (LogManager), logspec's
// recovery, time index and durability policy, and the original readers for conformance.
// All I/O goes through an injected `Fs` (`NodeFs` from `@logspec/core/node`, or `SimFs`).
// The order is the README's (Source layout).

// What segments and partitions are opened with, and what reads return

export {
  DEFAULT_MAX_SEGMENT_BYTES,
  type Durability,
  type NewMessage,
  ORIGINAL_READ_MESSAGE_CAP,
  type PartitionOptions,
  type PartitionReadOptions,
  type PartitionReadResult,
  type SegmentInfo,
  type SegmentOptions,
} from './store/options.js';

// A segment: its log, its indexes, appends, flush and reads

export { Segment } from './store/segment.js';

// Recovery of a segment at open

export type { RecoveryReport } from './store/segment-recovery.js';

// A partition directory (`LogManager`)

export { isNotFound, Partition } from './store/partition.js';

// The original's readers, answering canonical JSON (conformance)

export {
  type OriginalError,
  type PartitionJson,
  readPartitionOriginal,
  readSegmentFileOriginal,
  type SingleSegmentJson,
  toOriginalError,
} from './store/original-reader.js';

// Recipes of API operations (conformance)

export { type MutationFn, RECIPE_API_OPS, type RecipeOp, runRecipeOps } from './store/recipe.js';

// The damage survey (verify, inspect, the browser inspector) and the repair they offer

export { repairSegmentLog, type SegmentRepairOptions } from './store/repair.js';
export {
  type SegmentLog,
  type SegmentRef,
  type SegmentSurvey,
  type SegmentSurveyFile,
  type SegmentSurveyOptions,
  type SegmentSurveyUnit,
  segmentDamageProblem,
  segmentLogOf,
  surveySegmentLog,
} from './store/survey.js';
