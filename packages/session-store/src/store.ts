/**
 * `@logspec/session-store/store`: the store itself, doing all I/O through core's `Fs`
 * (`NodeFs` from `@logspec/core/node`, `SimFs` from `@logspec/core/testing`). The order is
 * the README's (Source layout).
 */

// File layout: the store's directories and file names

export { Layout } from './store/layout.js';

// Options, durability and recovery policies, recovery warnings

export type { Durability, RecoveryMode, RecoveryWarning, SessionStoreOptions } from './store/context.js';

// File helpers (listing a store's files)

export { type FileEntry, listFilesRecursive } from './store/fs-ops.js';

// The copy-on-write view a read-only open works on

export { OverlayFs } from './store/overlay-fs.js';

// The store

export { SessionStore, SessionStoreV2 } from './store/session-store.js';

// Rollback to a checkpoint

export { classifyRollbackError } from './store/rollback.js';

// v1 session files and their v2 sidecars

export {
  hasV2Sidecar,
  type ImportOptions,
  type ImportResult,
  importV1Jsonl,
  PI_ENTRY_TYPES,
  readV1Session,
  v2SidecarPath,
} from './store/sidecar.js';

// The whole store as canonical JSON (conformance)

export { dumpStore } from './store/dump.js';

// Recovery: where cut bytes go

export type { QuarantineRecord } from './store/quarantine.js';

// Recovery: integrity problems

export type { IntegrityProblem } from './store/recovery/integrity.js';

// Recovery warning codes

export { SessWarning } from './warnings.js';

// The damage survey (verify, inspect, the browser inspector) and the repair they offer

export {
  repairSessionStore,
  type SessionSurvey,
  type SessionSurveySink,
  sessionDamageState,
  sessionValidFrameCuts,
  surveySessionStore,
} from './store/survey.js';
export { forEachLine, type SessionFileRole, type SessionLineUnit, sessionFileRole } from './store/survey-lines.js';
