import { hexDecode, hexEncode } from '@logspec/core';
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
import type { FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, codeAnswer, invalidOp, replayWithWriter } from '../answers.js';
import { originalReadError } from './hotframe.js';

/**
 * Built-in `hotlog` handler: kaizen's hot log with its rkyv 0.8 `HotEventRecord` archives.
 * `read` answers `{events, stopped_at, error}` (`spec/hotlog.md` §Canonical JSON); `write` runs
 * `open {root}` / `append_event {event}` / `flush` recipes; `decode`/`encode` kind `event` maps an
 * archive to the record's canonical JSON (mode `original`: what rkyv accepts; `strict`: also
 * canonical bytes, known kind/source names and JSON payload).
 */
export const handler: FormatHandler = builtinHandler('hotlog', codeAnswer, {
  read,
  write,
  decode: (kind, hex, mode) => (kind === 'event' ? decode(hex, mode) : unsupportedKind(kind)),
  encode: (kind, value) =>
    kind === 'event' ? { ok: { hex: hexEncode(encodeRecord(recordFromJson(value))) } } : unsupportedKind(kind),
});

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
  return replayWithWriter(
    dir,
    ops,
    (root) => HotLog.open(fs, root),
    (op, log) => {
      const bad = (why: string) => invalidOp('hotlog', HotCode.INVALID_VALUE, op, why);
      if (op.op === 'append_event') {
        if (!log) throw bad('append_event before open');
        return String(log.append(recordFromJson(op.event)));
      }
      if (op.op === 'flush') {
        if (!log) throw bad('flush before open');
        log.flush();
        return null;
      }
      throw bad('unknown op');
    },
  );
}
