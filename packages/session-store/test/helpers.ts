import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogspecError } from '@logspec/core';
import type { ReferenceCorpusEntry } from '@logspec/core/testing';
import { copyTree } from '../../../conformance/src/cases/files.js';

/** The in-repo copy of the original's reference stores. */
export const GOLDEN = fileURLToPath(
  new URL('../../../conformance/golden/session/original-pi_agent_rust-0.1.11/', import.meta.url),
);
export const FIXED_TIME = '2026-04-15T12:34:56.789Z';

export type CorpusEntry = ReferenceCorpusEntry;

export function corpus(): CorpusEntry[] {
  return JSON.parse(readFileSync(join(GOLDEN, 'corpus.json'), 'utf8')).entries as CorpusEntry[];
}

export function expected(entry: CorpusEntry): unknown {
  return JSON.parse(readFileSync(join(GOLDEN, entry.expect), 'utf8'));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'logspec-sess-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a reference store into `dir/<name>` (an empty directory when the reference kept no files). */
/** Lays a reference sample out under `dir` as the original left it: its files and, from `tree.json`, its empty directories. */
export function copyGolden(name: string, dir: string): string {
  const dst = join(dir, name);
  if (!copyTree(GOLDEN, dir, name, goldenDirs())) throw new Error(`golden sample ${name} is missing`);
  return dst;
}

function goldenDirs(): string[] {
  const p = join(GOLDEN, 'tree.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { dirs: string[] }).dirs : [];
}

export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof LogspecError) return e.code;
    throw e;
  }
  return 'ok';
}

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Every file below `d` (relative, sorted); none when `d` is missing. */
export function filesUnder(d: string): string[] {
  if (!existsSync(d)) return [];
  const out: string[] = [];
  const walk = (p: string) => {
    for (const n of readdirSync(p)) {
      const q = join(p, n);
      if (statSync(q).isDirectory()) walk(q);
      else out.push(relative(d, q));
    }
  };
  walk(d);
  return out.sort();
}
