import { join } from 'node:path';
import { CoreCode, hexDecode, hexEncode, isLogspecError, type LogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { decodeHotFrame, encodeHotFrame, HotCode, hotFramesJson } from '@logspec/frame';
import { HotFrameLog, readHotFrames } from '@logspec/frame/store';
import type { ErrorAnswer, FormatHandler, Op, Outcome, Request } from '../../protocol/types.js';
import { applyMutation, isMutation } from '../mutations.js';

/**
 * Built-in `hotframe` handler: kaizen's hot log at the frame level (payloads are opaque).
 * `read` answers the reference's canonical JSON; `write` runs `open {root}` / `append {payload}`
 * recipes with logspec's writer; `decode`/`encode` kind `frame` is one `len·payload·crc` frame.
 */
export const handler: FormatHandler = {
  format: 'hotframe',
  verbs: ['read', 'write', 'decode', 'encode'],
  async run(req: Request): Promise<Outcome> {
    try {
      switch (req.verb) {
        case 'read':
          return read(req.path);
        case 'write':
          return write(req.dir, req.ops);
        case 'decode':
          if (req.kind !== 'frame') return unsupportedKind(req.kind);
          return decode(req.hex);
        case 'encode':
          if (req.kind !== 'frame') return unsupportedKind(req.kind);
          return encode(req.value);
      }
    } catch (e) {
      if (isLogspecError(e)) return { error: codeError(e) };
      throw e;
    }
  },
};

const fs = new NodeFs();

function unsupportedKind(kind: string): Outcome {
  return { skipped: { reason: `hotframe has no kind ${JSON.stringify(kind)} (only "frame")` } };
}

/** A logspec error as a vector answer: code and offset. */
export function codeError(e: LogspecError): ErrorAnswer {
  return { code: e.code, message: e.message, offset: e.offset ?? null };
}

/**
 * The original reader's error kinds (`conformance/golden/REFERENCE-README.md`, hotframe):
 * `invalid_header`, `open` (missing file), `io`.
 */
export function originalReadError(e: unknown, path: string): Outcome {
  if (!isLogspecError(e)) throw e;
  if (e.code === HotCode.BAD_MAGIC || e.code === HotCode.BAD_VERSION) {
    return { error: { code: 'invalid_header', message: 'invalid hot log header', logspecCode: e.code } };
  }
  if (e.code === HotCode.NOT_FOUND) {
    const file = String(e.details.path ?? path);
    return {
      error: { code: 'open', message: `open hot log: ${file}`, cause: 'No such file or directory (os error 2)' },
    };
  }
  if (e.code === CoreCode.IO) return { error: { code: 'io', message: e.message, errno: e.details.errno ?? null } };
  return { error: codeError(e) };
}

function read(path: string): Outcome {
  try {
    const { frames, stop } = readHotFrames(fs, path);
    return { ok: hotFramesJson(frames, stop) };
  } catch (e) {
    return originalReadError(e, path);
  }
}

function write(dir: string, ops: readonly Op[]): Outcome {
  const results: unknown[] = [];
  let log: HotFrameLog | undefined;
  try {
    for (const op of ops) {
      if (isMutation(op)) {
        // Mutations act on the bytes at rest: the writer is closed (synced) first.
        log?.close();
        log = undefined;
        applyMutation(dir, op);
        results.push(null);
      } else if (op.op === 'open') {
        log?.close();
        log = HotFrameLog.open(fs, join(dir, String(op.root)));
        results.push(null);
      } else if (op.op === 'append') {
        if (!log) return invalidOp(op, 'append before open');
        if (typeof op.payload !== 'string') return invalidOp(op, 'payload must be a hex string');
        results.push(String(log.append(hexDecode(op.payload, 'hotframe'))));
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

function decode(hex: string): Outcome {
  const payload = decodeHotFrame(hexDecode(hex, 'hotframe'));
  return { ok: { len: payload.length, payload: hexEncode(payload) } };
}

function encode(value: unknown): Outcome {
  const payload = (value as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') {
    return { error: { code: HotCode.INVALID_VALUE, message: 'frame value must be {"payload": hex}', offset: null } };
  }
  return { ok: { hex: hexEncode(encodeHotFrame(hexDecode(payload, 'hotframe'))) } };
}
