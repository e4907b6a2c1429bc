/**
 * Built-in conformance handler for xerv's workflow WAL (`@logspec/wal`), contract 1 of the
 * helpers' brief. Real files through NodeFs; never throws for bad input.
 *
 * - `read {path}`: a file from offset 0, or a directory's `wal_{hex}.log` files in sequence
 *   order, read as the original `WalReader` does (`original` mode) → the corpus's canonical
 *   JSON, or its error kinds `wal_corruption` (+ `position`), `wal_read`, `not_found`.
 * - `write {dir, ops}`: `write_record {file, record}` appends `WalRecord::to_bytes()` of the
 *   canonical record; byte mutations go through `applyMutation`.
 * - `decode`/`encode` kind `record`: one record (`mode` original | strict). `decode` kind
 *   `file`: the bytes of one WAL file — `original` gives the read verb's JSON (aborts as
 *   errors), `strict` gives logspec's reader (records, skips and how the file ends).
 */
import { join } from 'node:path';
import { hexDecode, hexEncode, type LogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  decodeRecord,
  encodeRecord,
  fromCanonicalRecord,
  readWalBytes,
  toCanonicalEnd,
  toCanonicalRead,
  toCanonicalRecord,
  WalCode,
  walError,
} from '@logspec/wal';
import { appendRecordToFile, readOriginal } from '@logspec/wal/store';
import type { ErrorAnswer, FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, detailedAnswer, guarded } from '../answers.js';
import { applyMutation, isMutation } from '../mutations.js';

const fs = new NodeFs();

/** The original reader's error object (REFERENCE-README § wal) for one of our typed errors. */
function originalAnswer(e: LogspecError): ErrorAnswer {
  const d = e.details as { originalKind?: string; originalMessage?: string; position?: number };
  if (e.code === WalCode.NOT_FOUND && d.originalKind === undefined) {
    return { code: 'not_found', message: e.message, logspecCode: e.code };
  }
  if (d.originalKind === undefined) return detailedAnswer(e);
  const out: ErrorAnswer = { code: d.originalKind, message: d.originalMessage ?? e.message, logspecCode: e.code };
  if (d.position !== undefined) out.position = String(d.position);
  return out;
}

function write(dir: string, ops: readonly Op[]): Outcome {
  const results: unknown[] = [];
  for (const op of ops) {
    if (isMutation(op)) {
      applyMutation(dir, op);
      results.push(null);
    } else if (op.op === 'write_record') {
      if (typeof op.file !== 'string' || op.file === '') {
        throw walError(WalCode.INVALID_FIELD, 'write_record needs a file', undefined, { field: 'file' });
      }
      const r = appendRecordToFile(fs, join(dir, op.file), fromCanonicalRecord(op.record));
      results.push({ offset: String(r.offset), total_len: r.totalLen });
    } else {
      throw walError(WalCode.INVALID_FIELD, `unknown wal op ${JSON.stringify(op.op)}`, undefined, { field: 'op' });
    }
  }
  return { ok: { results } };
}

function decode(kind: string, hex: string, mode: 'original' | 'strict'): Outcome {
  if (kind === 'record') return { ok: toCanonicalRecord(decodeRecord(hexDecode(hex, 'wal'), { mode })) };
  if (kind === 'file') {
    const r = readWalBytes(hexDecode(hex, 'wal'), {
      mode: mode === 'original' ? 'original' : 'logspec',
      file: 'input',
    });
    const end = r.files[0];
    return { ok: { ...toCanonicalRead(r), end: end ? toCanonicalEnd(end.end) : null } };
  }
  return { skipped: { reason: `wal has no kind ${JSON.stringify(kind)} (record, file)` } };
}

export const handler: FormatHandler = builtinHandler('wal', detailedAnswer, {
  read: (path) => guarded(() => ({ ok: readOriginal(path, fs) }), originalAnswer),
  write,
  decode,
  encode(kind, value) {
    if (kind !== 'record') return { skipped: { reason: `wal cannot encode kind ${JSON.stringify(kind)}` } };
    return { ok: { hex: hexEncode(encodeRecord(fromCanonicalRecord(value))) } };
  },
});
