/**
 * `@logspec/session-store/store`: the store itself, doing all I/O through core's `Fs`
 * (`NodeFs` from `@logspec/core/node`, `SimFs` from `@logspec/core/testing`).
 */
export type { Durability, RecoveryMode, RecoveryWarning } from './store/context.js';
export { dumpStore } from './store/dump.js';
export { type FileEntry, listFilesRecursive } from './store/fs-ops.js';
export type { IntegrityProblem } from './store/integrity.js';
export { Layout } from './store/layout.js';
export { OverlayFs } from './store/overlay-fs.js';
export type { QuarantineRecord } from './store/quarantine.js';
export {
  classifyRollbackError,
  SessionStore,
  type SessionStoreOptions,
  SessionStoreV2,
} from './store/session-store.js';
export {
  hasV2Sidecar,
  type ImportOptions,
  type ImportResult,
  importV1Jsonl,
  PI_ENTRY_TYPES,
  readV1Session,
  v2SidecarPath,
} from './store/sidecar.js';
export { SessWarning } from './warnings.js';
