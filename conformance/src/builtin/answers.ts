/**
 * What the built-in handlers answer alike: a logspec error as an error answer, the guard that
 * turns thrown `LogspecError`s into answers (anything else is a bug and propagates, so the
 * runner reports it `errored`), the handler skeleton that dispatches a request to its verb, and
 * recipe replay for stores written through one writer opened by `open {root}`.
 */
import { join } from 'node:path';
import { type FormatName as ErrorFormat, isLogspecError, LogspecError } from '@logspec/core';
import type { ErrorAnswer, FormatHandler, Op, Outcome, Request } from '../protocol/types.js';
import { applyMutation, isMutation } from './mutations.js';

/** A logspec error as a vector answer: code, message and offset. */
export function codeAnswer(e: LogspecError): ErrorAnswer {
  return { code: e.code, message: e.message, offset: e.offset ?? null };
}

/** `codeAnswer` plus the error's scalar details (which never override those three). */
export function detailedAnswer(e: LogspecError): ErrorAnswer {
  const extras: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.details)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') extras[k] = v;
  }
  return { ...extras, code: e.code, message: e.message, offset: e.offset ?? null };
}

/** Runs `f`; a LogspecError becomes `{error: answer(e)}`, anything else propagates. */
export function guarded(f: () => Outcome, answer: (e: LogspecError) => ErrorAnswer = detailedAnswer): Outcome {
  try {
    return f();
  } catch (e) {
    if (isLogspecError(e)) return { error: answer(e) };
    throw e;
  }
}

/** What a built-in handler does for each verb of the protocol (`mode` defaults to `original`). */
export interface VerbHandlers {
  read(path: string): Outcome;
  write(dir: string, ops: readonly Op[], fixedTime: string): Outcome;
  decode(kind: string, hex: string, mode: 'original' | 'strict'): Outcome;
  encode(kind: string, value: unknown): Outcome;
}

/** A handler of all four verbs, each guarded: its logspec errors are answered by `answer`. */
export function builtinHandler(
  format: FormatHandler['format'],
  answer: (e: LogspecError) => ErrorAnswer,
  verbs: VerbHandlers,
): FormatHandler {
  const dispatch = (req: Request): Outcome => {
    switch (req.verb) {
      case 'read':
        return verbs.read(req.path);
      case 'write':
        return verbs.write(req.dir, req.ops, req.fixedTime);
      case 'decode':
        return verbs.decode(req.kind, req.hex, req.mode ?? 'original');
      case 'encode':
        return verbs.encode(req.kind, req.value);
      default:
        return { skipped: { reason: 'unknown verb' } };
    }
  };
  return {
    format,
    verbs: ['read', 'write', 'decode', 'encode'],
    async run(req: Request): Promise<Outcome> {
      return guarded(() => dispatch(req), answer);
    },
  };
}

/** The error for a recipe op a handler cannot run: `code` is the format's invalid-value code. */
export function invalidOp(format: ErrorFormat, code: string, op: Op, why: string): LogspecError {
  return new LogspecError(format, code, `${why}: ${JSON.stringify(op).slice(0, 200)}`);
}

/**
 * Replays a recipe through one writer at a time: `open {root}` (re)opens it on `dir/root`, byte
 * mutations run with it closed, every other op goes to `step`, whose value is the op's result.
 */
export function replayWithWriter<W extends { close(): void }>(
  dir: string,
  ops: readonly Op[],
  open: (root: string) => W,
  step: (op: Op, writer: W | undefined) => unknown,
): Outcome {
  const results: unknown[] = [];
  let writer: W | undefined;
  try {
    for (const op of ops) {
      if (isMutation(op)) {
        // Mutations act on the bytes at rest: the writer is closed (synced) first.
        writer?.close();
        writer = undefined;
        applyMutation(dir, op);
        results.push(null);
      } else if (op.op === 'open') {
        writer?.close();
        writer = open(join(dir, String(op.root)));
        results.push(null);
      } else {
        results.push(step(op, writer));
      }
    }
  } finally {
    writer?.close();
  }
  return { ok: { results } };
}
