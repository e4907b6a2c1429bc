import type { Fs } from '@logspec/core';
import type { CliIo } from '../io.js';
import type { Progress } from '../progress.js';

/** The format names of `--format` (the conformance suite's names). */
export const FORMAT_NAMES = ['hotlog', 'hotframe', 'ring', 'wal', 'segment', 'session'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface Ctx {
  io: CliIo;
  fs: Fs;
  progress: Progress;
  json: boolean;
}

/** One record as `dump`/`tail` print it. `key` is what `--from`/`--to` select on. */
export interface DumpItem {
  key: bigint;
  /** The record in the format's canonical JSON (one JSON line). */
  json(): unknown;
  /** The record as one readable line. */
  text(): string;
}

/**
 * A damage found by `verify` (or met by `dump`/`tail`): code, where, and what. A run of damage
 * (records skipped one after another, a zero-filled stretch, the bytes up to the next valid
 * record) is one problem with a range, never one per record.
 */
export interface Problem {
  code: string;
  /** File the offset is in (relative to the path given, or its name), when the format has several. */
  file: string | null;
  offset: number | null;
  /** Where the damaged range ends (exclusive), when it is known. */
  end?: number | null;
  /** How many records, frames or slots the range holds, when it is a run of several. */
  count?: number;
  message: string;
}

/** What `inspect` prints: a JSON value and the same as readable lines; `ok` is its health. */
export interface Summary {
  json: Record<string, unknown>;
  lines: string[];
  ok: boolean;
}

/** Where `dump`, `tail` and a follower report the damage they meet (records left out, where reading stopped). */
export type DamageSink = (p: Problem) => void;

export interface VerifyResult {
  /** What was checked, in words (printed by `verify`, so "ok" says what it means). */
  checks: string[];
  problems: Problem[];
  /** Problems found beyond those listed (`MAX_LISTED_PROBLEMS`). */
  unlisted?: number;
  /** Findings that are not damage (a layout no logspec writer produces, but the original reads). */
  notes: string[];
}

/**
 * The files a repair may touch, and how to run the package's own recovery on them. `entries`
 * are paths relative to `base` (files or directories); `run` gets a base directory holding the
 * same relative layout (the real one, or a scratch copy for `--dry-run`).
 */
export interface RepairPlan {
  base: string;
  entries: string[];
  /**
   * Runs the package's recovery under `base`; returns what the package reported, as lines.
   * Without `force` it MUST NOT remove a record that reads as valid: it refuses instead (a
   * `LogspecError` whose code ends in `CORRUPT_BEFORE_TAIL` or `CORRUPT_TAIL`).
   */
  run(fs: Fs, base: string, opts: { force: boolean }): string[];
}

/** Polls a growing log: each `poll` emits the records that appeared since the last one (the first: all). */
export interface Follower {
  poll(emit: (item: DumpItem) => void, damage: DamageSink): void;
}

/**
 * What the CLI does with one format: each command is a small function over the format
 * package's public API (its survey, readers, recovery and canonical JSON) — the CLI never
 * reads a format by itself. One module per format in `formats/<format>.ts`.
 */
export interface FormatCli {
  name: FormatName;
  /** `logspec inspect`: counts, ranges, sizes and health. */
  inspect(path: string, ctx: Ctx): Summary;
  /**
   * `logspec dump` (and `tail` without `-f`): streams every readable record (in log order) to
   * `visit`; returning false stops. Records it leaves out and damage where reading stops go to
   * `damage`.
   */
  dump(path: string, ctx: Ctx, visit: (item: DumpItem) => boolean | undefined, damage: DamageSink): void;
  /** `logspec verify`: every check the format allows (the package's survey, strict). */
  verify(path: string, ctx: Ctx): VerifyResult;
  /** `logspec repair`: the files the package's recovery may touch, and how to run it. */
  repairPlan(path: string, ctx: Ctx): RepairPlan;
  /** `logspec tail -f`: a follower of the growing log. */
  tail(path: string, ctx: Ctx): Follower;
}
