import type { Fs } from '@logspec/core';
import {
  type Canonical,
  canonicalCheckpoint,
  canonicalError,
  canonicalEvent,
  canonicalFrame,
  canonicalHead,
  canonicalIndexRow,
  canonicalManifest,
} from '../canonical.js';
import type { SessionStoreOptions } from './context.js';
import { listFilesRecursive } from './fs-ops.js';
import { SessionStore } from './session-store.js';

/**
 * The conformance dump of a store (conformance/golden/REFERENCE-README.md, `session`):
 * open as the original's `create(root, max_segment_bytes)`, then the state, every index row
 * and frame, checkpoints, manifest, ledger, `validate_integrity()`, the recovery warnings and
 * the files left on disk. A failing sub-read shows as an error object in its place; a
 * failing open is the whole answer. With `readOnly`, nothing is changed on disk and `files`
 * are those the open would leave.
 */
export function dumpStore(fs: Fs, root: string, opts: SessionStoreOptions = {}): Canonical {
  let store: SessionStore;
  try {
    store = SessionStore.open(fs, root, opts);
  } catch (e) {
    return canonicalError(e);
  }
  const attempt = (f: () => Canonical): Canonical => {
    try {
      return f();
    } catch (e) {
      return canonicalError(e);
    }
  };
  let out: { [key: string]: Canonical };
  try {
    out = {
      entry_count: String(store.entryCount()),
      head: canonicalHead(store.head()),
      chain_hash: store.chainHash(),
      total_bytes: String(store.totalBytes()),
      last_crc32c: store.lastCrc32c(),
      index: attempt(() => store.readIndexFromDisk().map(canonicalIndexRow)),
      frames: attempt(() => store.readAllEntries().map(canonicalFrame)),
      checkpoints: attempt(() =>
        store.listCheckpoints().map((seq) =>
          attempt(() => {
            const cp = store.readCheckpoint(seq);
            return cp ? canonicalCheckpoint(cp) : null;
          }),
        ),
      ),
      manifest: attempt(() => canonicalManifest(store.readManifest())),
      migration_events: attempt(() => store.readMigrationEvents().map(canonicalEvent)),
      validate_integrity: attempt(() => {
        store.validateIntegrity();
        return { ok: true };
      }),
      warnings: store.warnings.map((w) => w.message),
    };
  } finally {
    store.close();
  }
  out.files = listFilesRecursive(store.fs, store.layout.root).map((f) => ({ path: f.path, size: String(f.size) }));
  return out;
}
