import { join } from 'node:path';
import { hexDecode, hexEncode, isLogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  decodeEventAt,
  decodeRecord,
  encodeRecord,
  HotCode,
  hotLogJson,
  recordFromJson,
  recordToJson,
} from '@logspec/frame';
import { HotLog, replayHotLog } from '@logspec/frame/store';
import type { FormatHandler, Op, Outcome, Request } from '../../protocol/types.js';
import { applyMutation, isMutation } from '../mutations.js';
import { codeError, originalReadError } from './hotframe.js';

/**
 * Built-in `hotlog` handler: kaizen's hot log with its rkyv 0.8 `HotEventRecord` archives.
 * `read` answers `{events, stopped_at, error}` (`spec/hotlog.md` §Canonical JSON); `write` runs
 * `open {root}` / `append_event {event}` / `flush` recipes; `decode`/`encode` kind `event` maps an
 * archive to the record's canonical JSON (mode `original`: what rkyv accepts; `strict`: also
 * canonical bytes, known kind/source names and JSON payload).
 */
export const handler: FormatHandler = {
  format: 'hotlog',
  verbs: ['read', 'write', 'decode', 'encode'],
  async run(req: Request): Promise<Outcome> {
    try {
      switch (req.verb) {
        case 'read':
          return read(req.path);
        case 'write':
          return write(req.dir, req.ops);
        case 'decode':
          if (req.kind !== 'event') return unsupportedKind(req.kind);
          return decode(req.hex, req.mode ?? 'original');
        case 'encode':
          if (req.kind !== 'event') return unsupportedKind(req.kind);
          return { ok: { hex: hexEncode(encodeRecord(recordFromJson(req.value))) } };
      }
    } catch (e) {
      if (isLogspecError(e)) return { error: codeError(e) };
      throw e;
    }
  },
};

const fs = new NodeFs();

function unsupportedKind(kind: string): Outcome {
  return { skipped: { reason: `hotlog has no kind ${JSON.stringify(kind)} (only "event")` } };
}

function read(path: string): Outcome {
  try {
    return { ok: hotLogJson(replayHotLog(fs, path)) };
  } catch (e) {
    return originalReadError(e, path);
  }
}

function decode(hex: string, mode: 'original' | 'strict'): Outcome {
  const bytes = hexDecode(hex, 'hotlog');
  const rec =
    mode === 'strict'
      ? decodeEventAt(bytes, 0, bytes.length, { mode, nameMode: 'strict' })
      : decodeRecord(bytes, { mode });
  return { ok: recordToJson(rec) };
}

function write(dir: string, ops: readonly Op[]): Outcome {
  const results: unknown[] = [];
  let log: HotLog | undefined;
  try {
    for (const op of ops) {
      if (isMutation(op)) {
        log?.close();
        log = undefined;
        applyMutation(dir, op);
        results.push(null);
      } else if (op.op === 'open') {
        log?.close();
        log = HotLog.open(fs, join(dir, String(op.root)));
        results.push(null);
      } else if (op.op === 'append_event') {
        if (!log) return invalidOp(op, 'append_event before open');
        results.push(String(log.append(recordFromJson(op.event))));
      } else if (op.op === 'flush') {
        if (!log) return invalidOp(op, 'flush before open');
        log.flush();
        results.push(null);
      } else {
        return invalidOp(op, 'unknown op');
      }
    }
  } finally {
    log?.close();
  }
  return { ok: { results } };
}

function invalidOp(op: Op, why: string): Outcome {
  return {
    error: { code: HotCode.INVALID_VALUE, message: `${why}: ${JSON.stringify(op).slice(0, 200)}`, offset: null },
  };
}
