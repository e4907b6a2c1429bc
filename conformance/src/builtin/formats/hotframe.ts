import { CoreCode, hexDecode, hexEncode, isLogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { decodeHotFrame, encodeHotFrame, HotCode, hotFramesJson } from '@logspec/frame';
import { HotFrameLog, readHotFrames } from '@logspec/frame/store';
import type { FormatHandler, Op, Outcome } from '../../protocol/types.js';
import { builtinHandler, codeAnswer, invalidOp, replayWithWriter } from '../answers.js';

/**
 * Built-in `hotframe` handler: kaizen's hot log at the frame level (payloads are opaque).
 * `read` answers the reference's canonical JSON; `write` runs `open {root}` / `append {payload}`
 * recipes with logspec's writer; `decode`/`encode` kind `frame` is one `len·payload·crc` frame.
 */
export const handler: FormatHandler = builtinHandler('hotframe', codeAnswer, {
  read,
  write,
  decode: (kind, hex) => (kind === 'frame' ? decode(hex) : unsupportedKind(kind)),
  encode: (kind, value) => (kind === 'frame' ? encode(value) : unsupportedKind(kind)),
});

const fs = new NodeFs();

function unsupportedKind(kind: string): Outcome {
  return { skipped: { reason: `hotframe has no kind ${JSON.stringify(kind)} (only "frame")` } };
}

/**
 * The original reader's error kinds (`conformance/golden/REFERENCE-README.md`, hotframe):
 * `invalid_header`, `open` (missing file), `io`. Shared with `hotlog` (the same file header).
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
  return { error: codeAnswer(e) };
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
  return replayWithWriter(
    dir,
    ops,
    (root) => HotFrameLog.open(fs, root),
    (op, log) => {
      const bad = (why: string) => invalidOp('hotframe', HotCode.INVALID_VALUE, op, why);
      if (op.op !== 'append') throw bad('unknown op');
      if (!log) throw bad('append before open');
      if (typeof op.payload !== 'string') throw bad('payload must be a hex string');
      return String(log.append(hexDecode(op.payload, 'hotframe')));
    },
  );
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
