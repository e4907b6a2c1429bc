// Test doubles for stores: a crash-simulating in-memory Fs, crash-point enumeration and
// fault injection. Browser-safe (no `node:` imports).

export { concatBytes } from './concat.js';
export {
  type CrashPointContext,
  CrashPointFailure,
  type CrashPointOptions,
  type CrashPointReport,
  forEachCrashPoint,
} from './testing/crash-points.js';
export { type MutatingOp, type SimFsOptions, SimulatedCrash } from './testing/crash-schedule.js';
export { type Fault, FaultFs, type FiredFault, type FsOp } from './testing/fault-fs.js';
export { makeRng, mixSeed, type Rng } from './testing/rng.js';
export { CRASH_MODES, type CrashMode, KEEP_PREFIX_STEP, MAX_GARBAGE } from './testing/sim-file.js';
export { SimFs } from './testing/sim-fs.js';
export { errorCodeOf, type ReferenceCorpusEntry, thrownBy } from './testing/test-helpers.js';
