/**
 * Built-in conformance handler for the VRRL0001 ring log (`@logspec/ring-log`), contract 1 of
 * the helpers' brief. Real files through NodeFs; never throws for bad input.
 */
import { basename, join } from 'node:path';
import { hexDecode, hexEncode } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  decodeUnit,
  encodeUnit,
  originalErrorOf,
  RingCode,
  readRing,
  ringError,
  ringToJson,
  slotFromJson,
  type UnitKind,
} from '@logspec/ring-log';
import { RingLog, readRingFile } from '@logspec/ring-log/store';
import type { FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, detailedAnswer, guarded } from '../answers.js';
import { applyMutation, isMutation } from '../mutations.js';

const fs = new NodeFs();

function read(path: string): Outcome {
  try {
    return { ok: ringToJson(readRingFile(fs, path)) };
  } catch (e) {
    const original = originalErrorOf(e, basename(path));
    if (original) {
      const { error, ...rest } = original;
      return { error: { ...rest, code: error } };
    }
    throw e; // the handler's guard answers the other logspec errors
  }
}

/** The recipes carry u64 as decimal strings; a number is accepted too. */
function capacityOf(op: Op): bigint {
  const c = op.capacity;
  if (typeof c === 'string' && /^(0|[1-9][0-9]*)$/.test(c)) return BigInt(c);
  if (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0) return BigInt(c);
  throw ringError(RingCode.INVALID_VALUE, `open: capacity must be a decimal u64 string, got ${String(c)}`);
}

/**
 * Applies a recipe: `open {file, capacity}` (a second open closes the first log and reopens),
 * `append {slot}`, and the shared byte mutations (the open log is closed before each, so the
 * file holds what the recipe's API calls wrote).
 */
function write(dir: string, ops: readonly Op[]): Outcome {
  let log: RingLog | undefined;
  const closeLog = () => {
    const l = log;
    log = undefined;
    l?.close();
  };
  const results: unknown[] = [];
  const out = guarded(() => {
    for (const op of ops) {
      if (isMutation(op)) {
        closeLog();
        applyMutation(dir, op);
        results.push(null);
      } else if (op.op === 'open') {
        closeLog();
        log = RingLog.open(join(dir, String(op.file)), { fs, capacity: capacityOf(op) });
        results.push({ capacity: String(log.capacity), cursor: String(log.cursor) });
      } else if (op.op === 'append') {
        if (!log) throw ringError(RingCode.INVALID_VALUE, 'append before open');
        log.append(slotFromJson(op.slot));
        results.push({ cursor: String(log.cursor) });
      } else {
        throw ringError(RingCode.INVALID_VALUE, `unknown ring op ${op.op}`);
      }
    }
    closeLog();
    return { ok: { results } };
  });
  if (log) {
    try {
      (log as RingLog).close();
    } catch {
      // The first error is the answer.
    }
  }
  return out;
}

const UNIT_KINDS: readonly string[] = ['header', 'slot'];

export const handler: FormatHandler = builtinHandler('ring', detailedAnswer, {
  read,
  write,
  decode(kind, hex, mode) {
    if (kind === 'ring') return { ok: ringToJson(readRing(hexDecode(hex, 'ring'), { mode })) };
    if (!UNIT_KINDS.includes(kind)) return { skipped: { reason: `ring has no unit kind ${kind}` } };
    return { ok: decodeUnit(kind as UnitKind, hexDecode(hex, 'ring'), mode) };
  },
  encode(kind, value) {
    if (!UNIT_KINDS.includes(kind)) return { skipped: { reason: `ring cannot encode kind ${kind}` } };
    return { ok: { hex: hexEncode(encodeUnit(kind as UnitKind, value)) } };
  },
});
