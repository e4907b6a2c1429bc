// Shared by the tests that use the reference corpus (in-repo copy, never ../shared).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReferenceCorpusEntry } from '@logspec/core/testing';

export const GOLDEN_DIR = fileURLToPath(new URL('../../../conformance/golden/wal/original-xerv/', import.meta.url));

export interface CorpusOp {
  op: string;
  [k: string]: unknown;
}
export type CorpusEntry = ReferenceCorpusEntry<CorpusOp>;

export const corpus: { entries: CorpusEntry[] } = JSON.parse(readFileSync(`${GOLDEN_DIR}corpus.json`, 'utf8'));

export function expected(e: CorpusEntry): Record<string, unknown> {
  return JSON.parse(readFileSync(`${GOLDEN_DIR}${e.expect}`, 'utf8'));
}
