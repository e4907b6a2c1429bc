import { basename, dirname, type Fs, joinPath, sha256Hex, utf8Encode } from '@logspec/core';
import { SessCode, SessionError } from '../errors.js';
import { chainHashStep, GENESIS_CHAIN_HASH } from '../hash.js';
import { JsonReader } from '../json/reader.js';
import { type JsonValue, writeJson } from '../json/writer.js';
import { isBlankLine } from '../lines.js';
import { MIGRATION_EVENT_SCHEMA, type MigrationEvent, type MigrationVerification } from '../records/types.js';
import type { SessionStoreOptions } from './context.js';
import { closeQuietly, pathExists, removeTree } from './fs-ops.js';
import { LineReader } from './line-reader.js';
import { SessionStore } from './session-store.js';

/**
 * The v2 sidecar of a pi session file (`<stem>.jsonl` → `<stem>.v2/`, the seed's
 * `v2_sidecar_path`/`has_v2_sidecar`) and the import of a v1 JSONL session into it, as pi's
 * migrate command does (`migrate_jsonl_to_v2` in pi's `session.rs`, which the seed does not
 * contain): build in a staging directory, verify ids, chain and integrity, record a
 * `forward` ledger event, then swap the staging directory into place.
 */

/** Rust's `Path::file_stem`. */
function fileStem(name: string): string {
  if (name === '..') return name;
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/** `v2_sidecar_path`: `<parent>/<stem>.v2` (stem `session` when the path has no file name). */
export function v2SidecarPath(jsonlPath: string): string {
  const trimmed = jsonlPath.replace(/\/+$/, '');
  // No parent (`""` or `/`): Rust's `parent()` is None and pi uses `.`.
  if (trimmed === '') return './session.v2';
  const slash = trimmed.lastIndexOf('/');
  const last = slash < 0 ? trimmed : trimmed.slice(slash + 1);
  const parent = slash < 0 ? '' : slash === 0 ? '/' : trimmed.slice(0, slash);
  const stem = last === '..' ? 'session' : fileStem(basename(last));
  return parent === '' ? `${stem}.v2` : joinPath(parent, `${stem}.v2`);
}

/** `has_v2_sidecar`: the sidecar has a manifest or an index. */
export function hasV2Sidecar(fs: Fs, jsonlPath: string): boolean {
  const root = v2SidecarPath(jsonlPath);
  return pathExists(fs, joinPath(root, 'manifest.json')) || pathExists(fs, joinPath(root, 'index', 'offsets.jsonl'));
}

/** pi's entry variants (the `type` tag of `SessionEntry`), which are also the frames' `entryType`. */
export const PI_ENTRY_TYPES: readonly string[] = [
  'message',
  'model_change',
  'thinking_level_change',
  'compaction',
  'branch_summary',
  'label',
  'session_info',
  'custom',
];

export interface ImportOptions {
  correlationId?: string;
  /** The ledger event's `migrationId` (default: a random UUID, as pi). */
  migrationId?: string;
  /** Source of the staging/backup suffixes and the default migration id (default `crypto.randomUUID`). */
  uuid?: () => string;
  now?: () => string;
  /** Store options for the new sidecar (default max segment 64 MiB, as pi). */
  store?: Omit<SessionStoreOptions, 'now' | 'rootLabel'>;
  /** logspec: keep the replaced sidecar as `<stem>.v2.backup.<id>` instead of deleting it. */
  keepBackup?: boolean;
}

export interface ImportResult {
  event: MigrationEvent;
  entries: number;
  root: string;
  /** The replaced sidecar, when `keepBackup` kept it or it could not be removed. */
  backup?: string;
  /** Why the replaced sidecar could not be removed (the import itself succeeded). */
  backupRemovalError?: unknown;
}

function importError(code: SessCode, message: string, offset?: number): SessionError {
  return new SessionError(code, 'session', message, { offset });
}

interface V1Entry {
  id: string;
  parentId: string | undefined;
  type: string;
  payload: Uint8Array;
}

function objectField(v: Map<string, JsonValue>, key: string): JsonValue | undefined {
  return v.get(key);
}

function parseLine(bytes: Uint8Array, start: number, end: number): JsonValue {
  const r = new JsonReader(bytes, start, end, false);
  const v = r.parseValue();
  r.expectEnd();
  return v;
}

/** Reads a pi v1 session file: a `session` header line, then one entry per non-blank line. */
export function readV1Session(
  fs: Fs,
  jsonlPath: string,
  lineLimit = 100 * 1024 * 1024,
): { sessionId: string; entries: V1Entry[] } {
  const h = fs.open(jsonlPath);
  try {
    const r = new LineReader(h, lineLimit);
    if (!r.next() || isBlankLine(r.bytes, r.start, r.end))
      throw importError(SessCode.IMPORT_EMPTY, 'Empty JSONL session file');
    let header: JsonValue;
    try {
      header = parseLine(r.bytes, r.start, r.end);
    } catch (e) {
      throw importError(SessCode.IMPORT_HEADER, `Invalid header in JSONL: ${(e as Error).message}`, r.offset);
    }
    if (!(header instanceof Map) || header.get('type') !== 'session') {
      throw importError(SessCode.IMPORT_HEADER, 'Invalid session header in JSONL: type must be "session"', r.offset);
    }
    const id = header.get('id');
    if (typeof id !== 'string' || id === '') {
      throw importError(
        SessCode.IMPORT_HEADER,
        'Invalid session header in JSONL: id must be a non-empty string',
        r.offset,
      );
    }
    const entries: V1Entry[] = [];
    while (r.next()) {
      if (isBlankLine(r.bytes, r.start, r.end)) continue;
      let v: JsonValue;
      try {
        v = parseLine(r.bytes, r.start, r.end);
      } catch (e) {
        throw importError(SessCode.IMPORT_ENTRY, `Bad JSONL entry: ${(e as Error).message}`, r.offset);
      }
      if (!(v instanceof Map)) throw importError(SessCode.IMPORT_ENTRY, 'Bad JSONL entry: not an object', r.offset);
      const type = objectField(v, 'type');
      if (typeof type !== 'string' || !PI_ENTRY_TYPES.includes(type)) {
        throw importError(
          SessCode.IMPORT_ENTRY,
          `Bad JSONL entry: unknown entry type ${JSON.stringify(type)}`,
          r.offset,
        );
      }
      const eid = objectField(v, 'id');
      if (typeof eid !== 'string') throw importError(SessCode.IMPORT_ENTRY, 'SessionEntry has no id', r.offset);
      const parent = objectField(v, 'parentId');
      if (parent !== undefined && parent !== null && typeof parent !== 'string') {
        throw importError(SessCode.IMPORT_ENTRY, 'Bad JSONL entry: parentId must be a string or null', r.offset);
      }
      // The payload is the entry re-serialized (`serde_json::to_value(entry)` → compact text).
      entries.push({ id: eid, parentId: parent ?? undefined, type, payload: utf8Encode(writeJson(v)) });
    }
    return { sessionId: id, entries };
  } finally {
    closeQuietly(h);
  }
}

function verify(store: SessionStore, entries: readonly V1Entry[]): MigrationVerification {
  const frames = store.readAllEntries();
  const entryCountMatch = frames.length === entries.length && frames.every((f, i) => f.entryId === entries[i]?.id);
  let chain = GENESIS_CHAIN_HASH;
  for (const e of entries) chain = chainHashStep(chain, sha256Hex(e.payload));
  let indexConsistent = true;
  try {
    store.validateIntegrity();
  } catch {
    indexConsistent = false;
  }
  return { entryCountMatch, hashChainMatch: chain === store.chainHash(), indexConsistent };
}

function defaultUuid(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * `migrate_jsonl_to_v2`: imports `jsonlPath` into its sidecar. Nothing replaces an existing
 * sidecar until the staged one is complete and verified.
 */
export function importV1Jsonl(fs: Fs, jsonlPath: string, opts: ImportOptions = {}): ImportResult {
  const uuid = opts.uuid ?? defaultUuid;
  const v2Root = v2SidecarPath(jsonlPath);
  const staging = `${v2Root}.staging.${uuid().replace(/-/g, '')}`;
  let store: SessionStore | undefined;
  try {
    const { sessionId, entries } = readV1Session(fs, jsonlPath);
    if (pathExists(fs, staging)) removeTree(fs, staging);
    store = SessionStore.open(fs, staging, {
      maxSegmentBytes: 64 * 1024 * 1024,
      ...opts.store,
      now: opts.now,
      rootLabel: staging,
    });
    for (const e of entries) store.appendEntry(e.id, e.parentId, e.type, e.payload);
    store.writeManifest(sessionId, 'jsonl');
    const verification = verify(store, entries);
    if (!(verification.entryCountMatch && verification.hashChainMatch && verification.indexConsistent)) {
      throw importError(
        SessCode.IMPORT_VERIFICATION,
        `V2 migration verification failed: count=${verification.entryCountMatch} hash=${verification.hashChainMatch} index=${verification.indexConsistent}`,
      );
    }
    const event: MigrationEvent = {
      schema: MIGRATION_EVENT_SCHEMA,
      migrationId: opts.migrationId ?? uuid(),
      phase: 'forward',
      at: (opts.now ?? (() => new Date().toISOString()))(),
      sourcePath: jsonlPath,
      targetPath: v2Root,
      sourceFormat: 'jsonl_v3',
      targetFormat: 'native_v2',
      verification,
      outcome: 'ok',
      correlationId: opts.correlationId ?? '',
    };
    store.appendMigrationEvent(event);
    store.close();
    store = undefined;
    fs.fsyncDir(dirname(staging));
    let backup: string | undefined;
    if (pathExists(fs, v2Root)) {
      backup = `${v2Root}.backup.${uuid().replace(/-/g, '')}`;
      fs.rename(v2Root, backup);
    }
    try {
      fs.rename(staging, v2Root);
    } catch (e) {
      if (backup) fs.rename(backup, v2Root);
      throw e;
    }
    fs.fsyncDir(dirname(v2Root));
    // From here the import has happened: failing to delete the old sidecar leaves it as the
    // backup (reported), it does not undo or fail the import.
    let backupRemovalError: unknown;
    if (backup && !opts.keepBackup) {
      try {
        removeTree(fs, backup);
        backup = undefined;
      } catch (e) {
        backupRemovalError = e;
      }
    }
    return {
      event,
      entries: entries.length,
      root: v2Root,
      ...(backup ? { backup } : {}),
      ...(backupRemovalError === undefined ? {} : { backupRemovalError }),
    };
  } catch (e) {
    try {
      store?.close();
    } catch {
      // The first error is the one to report.
    }
    try {
      removeTree(fs, staging);
    } catch {
      // Best effort, as pi's cleanup.
    }
    throw e;
  }
}
