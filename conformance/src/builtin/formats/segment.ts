import { statSync } from 'node:fs';
import { hexDecode, hexEncode, type LogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  decodeFrame,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  messageFromJson,
  messageToJson,
  SegCode,
} from '@logspec/segment-index';
import {
  readPartitionOriginal,
  readSegmentFileOriginal,
  runRecipeOps,
  toOriginalError,
} from '@logspec/segment-index/store';
import type { ErrorAnswer, FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, codeAnswer } from '../answers.js';
import { applyMutation } from '../mutations.js';

/**
 * Built-in `segment` handler (rivven-core's segment log, `spec/segment.md`).
 * - `read`: a `<base:020>.log` file (with its `.index`) or a partition directory, answered as
 *   the original reads it (`conformance/golden/REFERENCE-README.md` § segment).
 * - `write`: `segment_new` / `log_manager_new` / `append` / `append_batch` / `flush` recipes
 *   through logspec's writer (no `.timeindex`, no lock file), plus the byte mutations.
 * - `decode`/`encode` kind `message` (a postcard payload) and kind `frame`
 *   (`crc u32 BE · len u32 BE · payload`; decode answers `{crc, len, message}`, encode takes
 *   `{message}`). Mode `original` (default) accepts what postcard and chrono accept; `strict`
 *   also requires canonical bytes (`SEG_NON_CANONICAL`).
 */
export const handler: FormatHandler = builtinHandler('segment', segmentAnswer, { read, write, decode, encode });

const fs = new NodeFs();

/** A logspec error's code answer, with postcard's own error name when it has one. */
function segmentAnswer(e: LogspecError): ErrorAnswer {
  const out = codeAnswer(e);
  if (typeof e.details.postcard === 'string') out.postcard = e.details.postcard;
  return out;
}

function unsupportedKind(kind: string): Outcome {
  return { skipped: { reason: `segment has no kind ${JSON.stringify(kind)} (only "message" and "frame")` } };
}

function read(path: string): Outcome {
  try {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // missing: the readers answer not_found
    }
    return { ok: isDir ? readPartitionOriginal(fs, path) : readSegmentFileOriginal(fs, path) };
  } catch (e) {
    const mapped = toOriginalError(e);
    if (!mapped) throw e;
    const { error, ...extra } = mapped;
    return { error: { code: error, ...extra } };
  }
}

function write(dir: string, ops: readonly Op[]): Outcome {
  const results = runRecipeOps(fs, dir, ops, (op) => applyMutation(dir, op as Op));
  return { ok: { results } };
}

function decode(kind: string, hex: string, mode: 'original' | 'strict'): Outcome {
  const bytes = hexDecode(hex, 'segment');
  if (kind === 'message') return { ok: messageToJson(decodeMessage(bytes, { mode })) };
  if (kind === 'frame') {
    const f = decodeFrame(bytes, { mode });
    return { ok: { crc: f.crc, len: f.length, message: messageToJson(f.message) } };
  }
  return unsupportedKind(kind);
}

function encode(kind: string, value: unknown): Outcome {
  if (kind === 'message') return { ok: { hex: hexEncode(encodeMessage(messageFromJson(value))) } };
  if (kind === 'frame') {
    if (typeof value !== 'object' || value === null || !('message' in value)) {
      return { error: { code: SegCode.INVALID_VALUE, message: 'frame value must be {message}', offset: null } };
    }
    const frame = encodeFrame(messageFromJson((value as { message: unknown }).message));
    const v = value as { crc?: unknown; len?: unknown };
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if ((v.crc !== undefined && v.crc !== view.getUint32(0)) || (v.len !== undefined && v.len !== view.getUint32(4))) {
      return {
        error: { code: SegCode.INVALID_VALUE, message: 'given crc/len disagree with the encoded frame', offset: null },
      };
    }
    return { ok: { hex: hexEncode(frame) } };
  }
  return unsupportedKind(kind);
}
