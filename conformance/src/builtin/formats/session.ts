/**
 * Built-in conformance handler for pi's session store v2 (`@logspec/session-store`),
 * contract 1 of the helpers' brief. Real files through NodeFs; never throws for bad input.
 * Everything runs in the original's modes: no fsync on append, recovery that truncates and
 * renames as pi does, no logspec writer checks, no lock file.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { hexDecode, hexEncode } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  type Canonical,
  canonicalCheckpoint,
  canonicalEvent,
  canonicalHead,
  canonicalIndexRow,
  canonicalManifest,
  decodeUnit,
  encodeUnit,
  RawJson,
  SESSION_ENCODE_KINDS,
  SESSION_UNIT_KINDS,
  SessCode,
  SessionError,
  type SessionUnitKind,
  toU64,
} from '@logspec/session-store';
import { dumpStore, SessionStore, type SessionStoreOptions } from '@logspec/session-store/store';
import type { FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, detailedAnswer } from '../answers.js';
import { applyMutation, isMutation } from '../mutations.js';

const fs = new NodeFs();

/** How the reference was read: `SessionStoreV2::create(root, 4096)`. */
const READ_MAX_SEGMENT_BYTES = 4096;

function originalModes(label: string): SessionStoreOptions {
  return { durability: 'none', recovery: 'original', checkLinks: false, lock: false, rootLabel: label };
}

/** Opens and dumps a COPY of the store (the original's open repairs in place). */
function read(path: string): Outcome {
  // As the original's read: a store is a directory; anything else is not there.
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    return { error: { code: 'not_found', message: `no such directory: ${path}` } };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'logspec-session-'));
  try {
    const name = basename(resolve(path));
    const root = join(tmp, name);
    cpSync(path, root, { recursive: true });
    const dump = dumpStore(fs, root, { ...originalModes(name), maxSegmentBytes: READ_MAX_SEGMENT_BYTES });
    if (dump && typeof dump === 'object' && !Array.isArray(dump) && 'error' in dump && !('entry_count' in dump)) {
      const { error, ...rest } = dump as { error: string; message: string };
      return { error: { ...rest, code: error } };
    }
    return { ok: dump };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function bad(message: string): SessionError {
  return new SessionError(SessCode.INVALID_ARGUMENT, 'session', message);
}

function u64Of(op: Op, key: string) {
  const v = toU64(op[key]);
  if (v === undefined) throw bad(`${op.op}: ${key} must be a decimal u64 string`);
  return v;
}

function strOf(op: Op, key: string): string {
  const v = op[key];
  if (typeof v !== 'string') throw bad(`${op.op}: ${key} must be a string`);
  return v;
}

/** One API op of a recipe; a failing call throws its SessionError. */
function apply(dir: string, op: Op, state: { store?: SessionStore }, fixedTime: string): Canonical {
  if (op.op === 'create') {
    state.store?.close();
    state.store = undefined;
    const root = strOf(op, 'root');
    const max = u64Of(op, 'max_segment_bytes');
    state.store = SessionStore.open(fs, join(dir, root), {
      ...originalModes(root),
      maxSegmentBytes: Number(max),
      now: () => fixedTime,
    });
    return { entry_count: String(state.store.entryCount()), head: canonicalHead(state.store.head()) };
  }
  const store = state.store;
  if (!store) throw bad(`${op.op} before create`);
  switch (op.op) {
    case 'append_entry': {
      const parent = op.parent_entry_id;
      if (parent !== null && parent !== undefined && typeof parent !== 'string') {
        throw bad('append_entry: parent_entry_id must be a string or null');
      }
      const row = store.appendEntry(
        strOf(op, 'entry_id'),
        parent ?? undefined,
        strOf(op, 'entry_type'),
        new RawJson(strOf(op, 'payload')),
      );
      return canonicalIndexRow(row);
    }
    case 'create_checkpoint':
      return canonicalCheckpoint(store.createCheckpoint(u64Of(op, 'checkpoint_seq'), strOf(op, 'reason')));
    case 'write_manifest':
      return canonicalManifest(store.writeManifest(strOf(op, 'session_id'), strOf(op, 'source_format')));
    case 'rollback_to_checkpoint':
      return canonicalEvent(
        store.rollbackToCheckpoint(u64Of(op, 'checkpoint_seq'), strOf(op, 'migration_id'), strOf(op, 'correlation_id')),
      );
    default:
      throw bad(`unknown session op ${op.op}`);
  }
}

/** Applies a recipe inside `dir`: API ops on the store created last, byte mutations in between. */
function write(dir: string, ops: readonly Op[], fixedTime: string): Outcome {
  const state: { store?: SessionStore } = {};
  const results: Canonical[] = [];
  try {
    for (const op of ops) {
      if (isMutation(op)) {
        // The original has written every append by now: so must the store (no fsync, as it).
        state.store?.flush();
        applyMutation(dir, op);
        results.push(null);
        continue;
      }
      // A failing call ends the recipe with its error, as the original's adapter answers it.
      results.push(apply(dir, op, state, fixedTime));
    }
    return { ok: { results } };
  } finally {
    try {
      state.store?.close();
    } catch {
      // The answer (or the error the handler's guard answers) is already decided.
    }
  }
}

export const handler: FormatHandler = builtinHandler('session', detailedAnswer, {
  read,
  write,
  decode(kind, hex, mode) {
    if (!(SESSION_UNIT_KINDS as readonly string[]).includes(kind)) {
      return { skipped: { reason: `session has no unit kind ${kind}` } };
    }
    return { ok: decodeUnit(kind as SessionUnitKind, hexDecode(hex, 'session'), mode) };
  },
  encode(kind, value) {
    if (!(SESSION_ENCODE_KINDS as readonly string[]).includes(kind)) {
      return { skipped: { reason: `session cannot encode kind ${kind}` } };
    }
    return { ok: { hex: hexEncode(encodeUnit(kind as SessionUnitKind, value)) } };
  },
});
