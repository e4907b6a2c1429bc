/**
 * The messages between the page (main thread) and the scanning worker. Everything heavy —
 * reading the files, the packages' scanners and describers, repair planning — happens in the
 * worker; the page asks for what it shows (a page of rows, a window of bytes) and never holds
 * a whole file.
 */
import type { DamageState, FieldSpan } from '@logspec/core';

export type { DamageState };

export const DAMAGE_STATES: readonly DamageState[] = ['valid', 'torn', 'crc', 'undecodable', 'zero', 'unreferenced'];
export const DAMAGE_LABELS: Readonly<Record<DamageState, string>> = {
  valid: 'valid',
  torn: 'torn tail',
  crc: 'CRC-bad',
  undecodable: 'undecodable',
  zero: 'zero run',
  unreferenced: 'unreferenced bytes',
};

export interface FileInfo {
  id: number;
  /** Path inside the dropped set (`partition/00000000000000000000.log`). */
  path: string;
  size: number;
  /** What the file is to its format (`log`, `index`, `segment`, `manifest`…). */
  role: string;
  /** The table's columns for this file's units, when they differ from the format's. */
  columns?: string[];
}

/** `[from, to)` of one file in one state. */
export interface DamageRange {
  from: number;
  to: number;
  state: DamageState;
}

export interface Problem {
  /** The stable error code (`WAL_CRC_MISMATCH`), or null for a finding without one. */
  code: string | null;
  file: number;
  offset: number | null;
  /** Bytes the problem covers from `offset` (for the damage map and the hex view). */
  length: number;
  state: DamageState;
  message: string;
}

export type Chart =
  | { kind: 'timeline'; title: string; fromMs: number; toMs: number; bins: number[] }
  | { kind: 'bars'; title: string; unit: string; items: { label: string; value: number; note?: string }[] }
  | {
      kind: 'ring';
      title: string;
      capacity: number;
      cursor: string;
      nextSlot: number;
      /** The slot replay starts at (the oldest record). */
      oldest: number | null;
      /** Per slot (or per bucket of slots): 0 empty, 1 record, 2 foreign. */
      cells: number[];
      slotsPerCell: number;
    }
  | {
      kind: 'tree';
      title: string;
      nodes: { id: string; parent: string | null; label: string; active: boolean; seq: string }[];
      truncated: number;
    };

export interface Summary {
  facts: [string, string][];
  charts: Chart[];
  notes: string[];
}

export interface FileResult {
  id: number;
  units: number;
  damage: DamageRange[];
}

export interface Row {
  index: number;
  offset: number;
  length: number;
  state: DamageState;
  cells: string[];
}

export interface UnitFields {
  index: number;
  offset: number;
  length: number;
  state: DamageState;
  title: string;
  fields: FieldSpan[];
}

export interface ByteWindow {
  from: number;
  data: Uint8Array;
  /** The units overlapping the window, with their leaf fields (for colouring). */
  units: { index: number; offset: number; length: number; state: DamageState; leaves: FieldSpan[] }[];
  /** The damage map's ranges overlapping the window (bytes outside every unit have a state too). */
  damage: DamageRange[];
}

export interface RepairChangeView {
  kind: string;
  file: string;
  ranges: [number, number][];
  bytes: number;
  to?: string;
}

export interface RepairPlanView {
  format: string;
  force: boolean;
  notes: string[];
  changes: RepairChangeView[];
  error: { code: string; offset: number | null; message: string } | null;
  /** Problems a scan of the repaired copy still finds. */
  remaining: Problem[];
}

/** A repaired file, as parts of the dropped blobs and bytes (assembled into a Blob by the page). */
export interface RepairedFile {
  path: string;
  parts: ({ source: number; start: number; end: number } | { bytes: Uint8Array })[];
}

export type ToWorker =
  | { type: 'open'; files: { path: string; blob: Blob }[]; view?: 'hotframe' | 'hotlog' }
  | { type: 'rows'; id: number; file: number; from: number; count: number }
  | { type: 'unit'; id: number; file: number; unit: number }
  | { type: 'bytes'; id: number; file: number; from: number; to: number }
  | { type: 'locate'; id: number; file: number; offset: number }
  | { type: 'plan'; id: number; force: boolean }
  | { type: 'repaired'; id: number; force: boolean };

export type FromWorker =
  | { type: 'detected'; format: string; reason: string; files: FileInfo[]; columns: string[]; views: string[] }
  | { type: 'progress'; done: number; total: number; phase: string }
  | {
      type: 'scanned';
      files: FileResult[];
      problems: Problem[];
      summary: Summary;
      elapsedMs: number;
    }
  | { type: 'failed'; message: string; code: string | null }
  | { type: 'reply'; id: number; value: unknown; error?: string };
