import {
  type FieldSpan,
  type Fs,
  isLogspecError,
  type LogspecError,
  readFully,
  type SurveyProblem,
} from '@logspec/core';
import type { DamageRange, DamageState, FileInfo, Problem, Summary } from '../shared/protocol.js';

/**
 * What the worker knows about an opened input: per file, its units (records, headers, index
 * entries…) in compact typed arrays — a million records cost tens of megabytes, not a million
 * objects — and its damage as merged ranges; the problems; a summary. Format modules fill it
 * from the packages' scanners and answer rows and fields on demand.
 */

export const STATE_CODE: readonly DamageState[] = ['valid', 'torn', 'crc', 'undecodable', 'zero', 'unreferenced'];
const stateIndex = (s: DamageState) => STATE_CODE.indexOf(s);

/** Units of one file, appended in any order (usually file order). */
export class UnitTable {
  count = 0;
  offset = new Float64Array(1024);
  length = new Float64Array(1024);
  state = new Uint8Array(1024);
  /** Format-specific kind (0 = record; headers, entries… as the format says). */
  kind = new Uint8Array(1024);
  /** The unit's time in ms since the epoch, or NaN. */
  time = new Float64Array(1024);
  /** Whether offsets only grow (then lookups by offset are a binary search). */
  ordered = true;
  private byOffset: Uint32Array | undefined;

  push(offset: number, length: number, state: DamageState, kind = 0, time = Number.NaN): number {
    const i = this.count;
    if (i === this.offset.length) this.grow();
    if (i > 0 && offset < (this.offset[i - 1] as number)) this.ordered = false;
    this.offset[i] = offset;
    this.length[i] = length;
    this.state[i] = stateIndex(state);
    this.kind[i] = kind;
    this.time[i] = time;
    this.count = i + 1;
    this.byOffset = undefined;
    return i;
  }

  setState(i: number, state: DamageState): void {
    this.state[i] = stateIndex(state);
  }

  stateOf(i: number): DamageState {
    return STATE_CODE[this.state[i] as number] as DamageState;
  }

  private grow(): void {
    const n = this.offset.length * 2;
    const f = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.offset = f(this.offset);
    this.length = f(this.length);
    this.time = f(this.time);
    this.state = u(this.state);
    this.kind = u(this.kind);
  }

  /** The unit whose bytes hold `pos` (the last one starting at or before it), or -1. */
  find(pos: number): number {
    const order = this.order();
    let lo = 0;
    let hi = this.count - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = order ? (order[mid] as number) : mid;
      if ((this.offset[i] as number) <= pos) {
        hit = i;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (hit < 0) return -1;
    return pos < (this.offset[hit] as number) + Math.max(1, this.length[hit] as number) ? hit : -1;
  }

  /** Indices of the units overlapping `[from, to)`, at most `limit`. */
  overlapping(from: number, to: number, limit = 256): number[] {
    const order = this.order();
    const at = (k: number) => (order ? (order[k] as number) : k);
    let lo = 0;
    let hi = this.count - 1;
    let first = this.count;
    // First unit ending after `from`: units do not overlap, so ends grow with starts.
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = at(mid);
      if ((this.offset[i] as number) + (this.length[i] as number) > from) {
        first = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    const out: number[] = [];
    for (let k = first; k < this.count && out.length < limit; k++) {
      const i = at(k);
      if ((this.offset[i] as number) >= to) break;
      out.push(i);
    }
    return out;
  }

  private order(): Uint32Array | undefined {
    if (this.ordered) return undefined;
    if (!this.byOffset) {
      const idx = new Uint32Array(this.count);
      for (let i = 0; i < this.count; i++) idx[i] = i;
      this.byOffset = idx.sort((a, b) => (this.offset[a] as number) - (this.offset[b] as number));
    }
    return this.byOffset;
  }
}

/** Damage ranges of one file, merged as they come (adjacent ranges in one state are one). */
export class DamageMap {
  private readonly ranges: DamageRange[] = [];

  add(from: number, to: number, state: DamageState): void {
    if (to <= from) return;
    const last = this.ranges.at(-1);
    if (last && last.state === state && last.to === from) last.to = to;
    else this.ranges.push({ from, to, state });
  }

  /**
   * The ranges sorted and covering `[0, size)`: later ranges win where they overlap earlier
   * ones; bytes no range claims are unreferenced.
   */
  finish(size: number): DamageRange[] {
    const cuts = new Set<number>([0, size]);
    for (const r of this.ranges) {
      cuts.add(Math.min(Math.max(r.from, 0), size));
      cuts.add(Math.min(Math.max(r.to, 0), size));
    }
    const points = [...cuts].sort((a, b) => a - b);
    // Paint: the last range covering an elementary interval decides its state.
    const painted = new Array<DamageState | undefined>(points.length - 1).fill(undefined);
    for (const r of this.ranges) {
      let lo = 0;
      let hi = points.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((points[mid] as number) < r.from) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < points.length - 1 && (points[k] as number) < r.to; k++) painted[k] = r.state;
    }
    const out: DamageRange[] = [];
    for (let k = 0; k < points.length - 1; k++) {
      const from = points[k] as number;
      const to = points[k + 1] as number;
      if (to <= from) continue;
      const state = painted[k] ?? 'unreferenced';
      const last = out.at(-1);
      if (last && last.state === state && last.to === from) last.to = to;
      else out.push({ from, to, state });
    }
    return out;
  }
}

export interface FileModel {
  info: FileInfo;
  /** Absolute path on the worker's file system. */
  abs: string;
  units: UnitTable;
  damage: DamageMap;
}

export interface FormatModel {
  format: string;
  columns: string[];
  files: FileModel[];
  problems: Problem[];
  summary: Summary;
  /** The table cells of unit `i` of `file`. */
  cells(file: FileModel, i: number, bytes: Uint8Array): string[];
  /** The fields of unit `i` of `file` (from the package's describe API), at file positions. */
  describe(file: FileModel, i: number, bytes: Uint8Array): FieldSpan[];
  /** What a unit is, in words (`record #3`, `header`). */
  title(file: FileModel, i: number): string;
  /** Runs the package's recovery on `view` (the same as `logspec repair`); returns its report. */
  repair(view: Fs, force: boolean): string[];
  /** The directory repair changes are reported relative to. */
  repairRoot: string;
}

/** What a format module gets to scan with. */
export interface ScanContext {
  fs: Fs;
  /** The path detection gave (a file, or a store's root). */
  path: string;
  /** Called as bytes are scanned; the worker turns it into progress messages. */
  progress(phase: string): void;
  /** `hotframe`: read a hot log's payloads as opaque bytes. */
  view?: string;
}

/** Reads `[offset, offset + length)` of a file (clipped to its end). */
export function readRange(fs: Fs, path: string, offset: number, length: number): Uint8Array {
  const h = fs.open(path);
  try {
    const n = Math.max(0, Math.min(length, h.size() - offset));
    const b = new Uint8Array(n);
    return b.subarray(0, readFully(h, b, 0, n, offset));
  } finally {
    h.close();
  }
}

/** A survey's problem (a package's `survey…`) as the page shows it, in the file with id `file`. */
export function pageProblem(p: SurveyProblem, file: number): Problem {
  const length = p.offset !== null && p.end !== undefined && p.end !== null ? Math.max(1, p.end - p.offset) : 1;
  return { code: p.code, file, offset: p.offset, length, state: p.state, message: p.message };
}

/** A problem from a typed error (its code and offset), in `file`, covering `length` bytes. */
export function problemOf(e: LogspecError, file: number, state: DamageState, length = 1): Problem {
  return { code: e.code, file, offset: e.offset ?? null, length, state, message: e.message };
}

/** Runs `f`; a typed error becomes `onError`'s answer, anything else is thrown. */
export function tryTyped<T>(f: () => T, onError: (e: LogspecError) => T): T {
  try {
    return f();
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return onError(e);
  }
}

/** Records-over-time bins of the units' times (for the timeline chart). */
export function timeline(
  files: readonly FileModel[],
  bins = 60,
): { fromMs: number; toMs: number; bins: number[] } | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const f of files) {
    const t = f.units.time;
    for (let i = 0; i < f.units.count; i++) {
      const v = t[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  const out = new Array<number>(bins).fill(0);
  const span = hi - lo || 1;
  for (const f of files) {
    const t = f.units.time;
    for (let i = 0; i < f.units.count; i++) {
      const v = t[i] as number;
      if (Number.isNaN(v)) continue;
      const k = Math.min(bins - 1, Math.floor(((v - lo) / span) * bins));
      out[k] = (out[k] as number) + 1;
    }
  }
  return { fromMs: lo, toMs: hi, bins: out };
}

export function isoMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]} (${n.toLocaleString('en-US')} B)`;
}

export function short(s: string, n = 80): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
