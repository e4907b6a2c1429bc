/**
 * Witnesses: an input on which a mutant's answers or bytes differ from the unmutated original's,
 * the proof that a surviving mutant is not an equivalent one. A witness is a `write` recipe (ops
 * of the adapter protocol), optionally followed by a `read` of a path it wrote:
 *
 *   {"format": "ring", "description": "...", "fixedTime"?: "...", "ops": [...], "read"?: "r.vrrl"}
 *
 * Both binaries replay the recipe (answers and every written byte compared); then both read the
 * files the unmutated binary wrote (answers compared). Paths of the temporary folders are masked
 * out of the answers before comparing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { AdapterSubject, type FormatName, type Op, type Outcome } from '@logspec/conformance';
import { copyTreeTo, readTreeBytes } from './build.js';
import { MUTANT_FORMATS } from './catalog.js';
import { shellQuote } from './suite.js';

export const DEFAULT_FIXED_TIME = '2026-04-15T12:34:56.789Z';

export interface Witness {
  format: FormatName;
  description: string;
  fixedTime: string;
  ops: Op[];
  read?: string;
}

export class WitnessError extends Error {}

export function parseWitness(json: unknown, file: string): Witness {
  const o = json as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new WitnessError(`${file}: not an object`);
  const known = new Set(['format', 'description', 'fixedTime', 'ops', 'read']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new WitnessError(`${file}: unknown key ${k}`);
  if (!(MUTANT_FORMATS as readonly unknown[]).includes(o.format)) throw new WitnessError(`${file}: bad format`);
  if (typeof o.description !== 'string' || o.description === '') throw new WitnessError(`${file}: no description`);
  if (o.fixedTime !== undefined && typeof o.fixedTime !== 'string') throw new WitnessError(`${file}: bad fixedTime`);
  if (!Array.isArray(o.ops) || o.ops.length === 0) throw new WitnessError(`${file}: ops must be a non-empty array`);
  for (const op of o.ops) {
    if (typeof (op as { op?: unknown } | null)?.op !== 'string') throw new WitnessError(`${file}: an op without "op"`);
  }
  if (o.read !== undefined && (typeof o.read !== 'string' || o.read.startsWith('/') || o.read.includes('..'))) {
    throw new WitnessError(`${file}: read must be a relative path inside the recipe's folder`);
  }
  const w: Witness = {
    format: o.format as FormatName,
    description: o.description,
    fixedTime: (o.fixedTime as string | undefined) ?? DEFAULT_FIXED_TIME,
    ops: o.ops as Op[],
  };
  if (o.read !== undefined) w.read = o.read as string;
  return w;
}

export function loadWitness(path: string): Witness {
  return parseWitness(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

export interface Observation {
  write: Outcome;
  files: Map<string, Buffer>;
  read?: Outcome;
}

export interface WitnessResult {
  differs: boolean;
  /** The first difference found, for the report. */
  difference?: string;
  baseline: Observation;
  mutant: Observation;
}

/** Replaces every occurrence of the temporary folder in an answer by `<dir>`. */
export function maskPaths(value: unknown, dir: string): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null)
      .split(dir)
      .join('<dir>'),
  ) as unknown;
}

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Where two JSON values first differ: `$.ok.results[2].segment_seq: "1" vs "2"`; undefined if equal. */
export function firstJsonDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects =
    !bothArrays &&
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b);
  if (bothArrays) {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = firstJsonDifference(x[i], y[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return `${path}: ${x.length} vs ${y.length} items`;
  }
  if (bothObjects) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])]) {
      const d = firstJsonDifference(x[k], y[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
  }
  return `${path}: ${brief(a)} vs ${brief(b)}`;
}

/** The first difference between two observations, or undefined. */
export function compareObservations(a: Observation, b: Observation): string | undefined {
  const w = firstJsonDifference(a.write, b.write);
  if (w !== undefined) return `write answer ${w}`;
  const names = [...new Set([...a.files.keys(), ...b.files.keys()])].sort();
  for (const n of names) {
    const x = a.files.get(n);
    const y = b.files.get(n);
    if (x === undefined || y === undefined)
      return `file ${n}: ${x === undefined ? 'only the mutant' : 'only the original'} wrote it`;
    if (!x.equals(y)) {
      let i = 0;
      while (i < x.length && i < y.length && x[i] === y[i]) i++;
      return `file ${n}: bytes differ at offset ${i} (sizes ${x.length} vs ${y.length})`;
    }
  }
  const r = firstJsonDifference(a.read, b.read);
  return r === undefined ? undefined : `read answer ${r}`;
}

async function withAdapter<T>(binary: string, f: (s: AdapterSubject) => Promise<T>): Promise<T> {
  const s = new AdapterSubject({ command: `${shellQuote(binary)} serve` });
  await s.start();
  try {
    return await f(s);
  } finally {
    await s.stop();
  }
}

async function observeWrite(binary: string, w: Witness, dir: string): Promise<Omit<Observation, 'read'>> {
  const write = await withAdapter(binary, (s) =>
    s.run({ verb: 'write', format: w.format, dir, ops: w.ops, fixedTime: w.fixedTime }, 30_000),
  );
  return { write: maskPaths(write, dir) as Outcome, files: readTreeBytes(dir) };
}

async function observeRead(binary: string, w: Witness, written: string, work: string): Promise<Outcome> {
  copyTreeTo(written, work);
  const path = join(work, ...(w.read as string).split('/'));
  const out = await withAdapter(binary, (s) => s.run({ verb: 'read', format: w.format, path }, 30_000));
  return maskPaths(out, work) as Outcome;
}

export async function runWitness(w: Witness, baselineBin: string, mutantBin: string): Promise<WitnessResult> {
  const root = mkdtempSync(join(tmpdir(), 'logspec-witness-'));
  try {
    const dirs = ['orig-write', 'mut-write', 'orig-read', 'mut-read'].map((d) => join(root, d));
    const [ow, mw, or, mr] = dirs as [string, string, string, string];
    for (const d of [ow, mw]) mkdirSync(d);
    const baseline: Observation = await observeWrite(baselineBin, w, ow);
    const mutant: Observation = await observeWrite(mutantBin, w, mw);
    if (w.read !== undefined) {
      baseline.read = await observeRead(baselineBin, w, ow, or);
      mutant.read = await observeRead(mutantBin, w, ow, mr);
    }
    const difference = compareObservations(baseline, mutant);
    const r: WitnessResult = { differs: difference !== undefined, baseline, mutant };
    if (difference !== undefined) r.difference = difference;
    return r;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
