// Node/any-Fs store of rivven-core's segment log: segments, partitions (LogManager), logspec's
// recovery, time index and durability policy, and the original readers for conformance.
// All I/O goes through an injected `Fs` (`NodeFs` from `@logspec/core/node`, or `SimFs`).
export {
  type OriginalError,
  type PartitionJson,
  readPartitionOriginal,
  readSegmentFileOriginal,
  type SingleSegmentJson,
  toOriginalError,
} from './store/original-reader.js';
export {
  DEFAULT_MAX_SEGMENT_BYTES,
  type Durability,
  isNotFound,
  type NewMessage,
  ORIGINAL_READ_MESSAGE_CAP,
  Partition,
  type PartitionOptions,
  type PartitionReadOptions,
  type PartitionReadResult,
  type SegmentInfo,
} from './store/partition.js';
export { type MutationFn, RECIPE_API_OPS, type RecipeOp, runRecipeOps } from './store/recipe.js';
export { type RecoveryReport, Segment, type SegmentOptions } from './store/segment.js';
