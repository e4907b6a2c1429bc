import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLogspecError, type LogspecError } from '@logspec/core';
import type { ReferenceCorpusEntry } from '@logspec/core/testing';
import { expect } from 'vitest';

/** The in-repo copy of the original's reference files. */
export const ORIGINAL_DIR = fileURLToPath(
  new URL('../../../conformance/golden/ring/original-vyre-runtime-0.6.1/', import.meta.url),
);

export type CorpusEntry = ReferenceCorpusEntry;

export function loadCorpus(dir = ORIGINAL_DIR): CorpusEntry[] {
  return (JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')) as { entries: CorpusEntry[] }).entries;
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export async function withTempDir<T>(f: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ring-log-test-'));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The original's test helper `rec(slot_idx, epoch)`. */
export { originalTestSlot as rec } from '../src/index.js';

/** The error `f` throws, asserting it is a LogspecError with `code`. */
export function errorOf(f: () => unknown, code: string): LogspecError {
  try {
    f();
  } catch (e) {
    expect(isLogspecError(e), String(e)).toBe(true);
    expect((e as LogspecError).code).toBe(code);
    return e as LogspecError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}
