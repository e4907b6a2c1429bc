/**
 * What a logspec driver of an `original bench` workload is made of. The runner (`run.ts`) times
 * it as the original's harness does (untimed setup, one untimed warm-up, 5 timed repetitions,
 * median); the check (`check.ts`) writes the same workload at a small size and compares the
 * files with what a reference writer (the original itself, or the conformance suite's recipe
 * writer) makes of the same inputs, and reads back what the data implies.
 */

import type { FormatName, Op } from '@logspec/conformance';
import type { Fs } from '@logspec/core';
import type { Timestamp } from '@logspec/segment-index';
import type { Sizes, Workload } from './sizes.js';

export type PathName = 'default' | 'fast';
export const PATHS: readonly PathName[] = ['default', 'fast'];

/** What one repetition processed (records and bytes, as the original's `Work`). */
export interface Work {
  n: number;
  bytes: number | null;
}

/** A timed body's answer: the work, and what it returned (dropped after the clock stops). */
export interface BodyOut {
  work: Work;
  out?: unknown;
}

/** Every "now" of the inputs: the real clock when timing, a pinned one when checking. */
export interface Clock {
  /** Nanoseconds since the epoch (WAL timestamps). */
  ns(): bigint;
  /** A chrono-like timestamp with nanoseconds (segment messages). */
  timestamp(): Timestamp;
  /** RFC 3339 with milliseconds and `Z` (session frames and payloads). */
  iso(): string;
}

export interface Ctx {
  fs: Fs;
  sizes: Sizes;
  clock: Clock;
  /** A fresh, empty directory for one repetition or fixture (under the run's temp root). */
  fresh(tag: string): string;
}

export interface PathSpec<S> {
  /** The API this path times, e.g. `RingLog.append`. */
  api: string;
  /** The timed work. */
  body(s: S): BodyOut | Promise<BodyOut>;
}

interface Common<S> {
  workload: Workload;
  format: FormatName;
  /** What is timed and how it differs from the original's span, if at all. */
  notes: string;
  default: PathSpec<S>;
  fast?: PathSpec<S>;
  /** The ops a reference writer replays to write the same files (see `files`). */
  recipe(s: S): Op[];
  /** Files logspec writes that the original does not (compared by neither side). */
  logspecOnly?: RegExp;
}

/** A workload that writes: each repetition opens a fresh store, the body appends. */
export interface WriterSpec<S> extends Common<S> {
  kind: 'writer';
  /** Untimed: opens the store in `dir` and builds the inputs `path` takes. */
  open(ctx: Ctx, dir: string, path: PathName): S;
  /** The directory the repetition wrote (what the check compares). */
  dir(s: S): string;
  /** Untimed, after the clock: closes the store (syncing is logspec's close contract). */
  close(s: S): void;
  /** Untimed, after the warm-up (closed): the files hold what was written (read back, counted). */
  verify(s: S, ctx: Ctx): void;
}

/** A workload that reads: one fixture per process, the body reads it each repetition. */
export interface ReaderSpec<S> extends Common<S> {
  kind: 'reader';
  /** Untimed, once: writes the fixture in `dir` (closed, as a reader finds it) and opens it for reading. */
  open(ctx: Ctx, dir: string): S;
  dir(s: S): string;
  close(s: S): void;
  /** Untimed, on the warm-up's output: the count and a checksum equal what the data implies. */
  verify(s: S, path: PathName, out: unknown): void;
  /** Untimed, after each repetition: releases what the body returned (e.g. closes an opened store). */
  drop?(out: unknown): void;
}

/** A reader's state when its fixture is all it needs: where it is, how many records it holds. */
export interface FixtureRef {
  dir: string;
  n: number;
  ctx: Ctx;
}

export type WorkloadSpec<S = unknown> = WriterSpec<S> | ReaderSpec<S>;

/** One driver's result line (the shape of `original bench`'s, plus the path and API). */
export interface DriverResult {
  workload: Workload;
  path: PathName;
  api: string;
  n: number;
  bytes: number | null;
  seconds: number;
  per_sec: number;
  mb_per_sec: number | null;
  runs_s: number[];
  notes: string;
}

export function mismatch(what: string, got: unknown, want: unknown): Error {
  return new Error(`${what}: got ${String(got)}, expected ${String(want)}`);
}
