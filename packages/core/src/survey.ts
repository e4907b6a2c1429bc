import { type Fs, readFully } from './fs.js';

/**
 * The shared vocabulary of the format packages' damage surveys (`surveyWal`, `surveyRing`,
 * `surveySegmentLog`, `surveyHotLog`, `surveySessionStore`): one damage analysis per format,
 * which `logspec verify`, `inspect`, `dump` and the browser inspector all call. A survey reads
 * a log through an `Fs` and reports its units (records, frames, slots, headers, index
 * entries) with the state of their bytes, the problems it finds — a run of damage is one
 * problem with a range — and notes (findings that are not damage). Browser-safe.
 */

/** How a byte range of a file looks to the readers (the inspector's damage map colours). */
export type DamageState = 'valid' | 'torn' | 'crc' | 'undecodable' | 'zero' | 'unreferenced';

/** One damage found: its stable code, where, and what. */
export interface SurveyProblem {
  code: string;
  /** The file the offset is in, as the survey names it (relative to the path surveyed), or null. */
  file: string | null;
  offset: number | null;
  /** Where the damaged range ends (exclusive), when it is known. */
  end?: number | null;
  /** How many records, frames or slots the range holds, when it is a run of several. */
  count?: number;
  /** How the damaged bytes look. */
  state: DamageState;
  message: string;
}

/** Problems kept and listed per survey; more are counted (a hostile file cannot flood a report). */
export const MAX_LISTED_PROBLEMS = 200;

/**
 * The problems of one survey or scan. A problem that continues the previous one — same code,
 * same file, starting where it ended — extends it (`end`, `count`) instead of adding an item:
 * a run of damage is one problem with a range. Past `MAX_LISTED_PROBLEMS` problems are only
 * counted (`unlisted`), so memory stays bounded whatever the file holds.
 */
export class ProblemList<P extends Omit<SurveyProblem, 'state'> = SurveyProblem> {
  readonly items: P[] = [];
  unlisted = 0;

  add(p: P): void {
    const last = this.items.at(-1);
    if (
      this.unlisted === 0 &&
      last !== undefined &&
      last.code === p.code &&
      last.file === p.file &&
      last.end !== undefined &&
      last.end !== null &&
      p.offset === last.end
    ) {
      last.end = p.end ?? last.end;
      last.count = (last.count ?? 1) + (p.count ?? 1);
      return;
    }
    if (this.items.length >= MAX_LISTED_PROBLEMS) {
      this.unlisted++;
      return;
    }
    this.items.push({ ...p });
  }

  addAll(ps: readonly P[]): void {
    for (const p of ps) this.add(p);
  }

  get total(): number {
    return this.items.length + this.unlisted;
  }
}

/** Where a survey reports what it meets, as it meets it. Every callback is optional. */
export interface SurveySink<U> {
  /** A file the survey starts reading: its name as problems name it, its path on the `Fs`, its size. */
  file?(name: string, path: string, size: number): void;
  /**
   * A unit of the current file, with the state of its bytes. The object may be reused: copy
   * what you keep. Returning `false` stops the survey (its report then says `stopped`).
   */
  unit?(u: U): unknown;
  /**
   * Bytes of the current file that belong to no unit, in a state (a torn tail, the bytes a
   * reader never reaches, a zero run). Zero runs are looked for only when this is given.
   */
  range?(from: number, to: number, state: DamageState): void;
  /** Each problem as it is found (besides the survey's `problems`). */
  problem?(p: SurveyProblem): void;
}

/** What every survey returns, besides its format's own counts. */
export interface SurveyReport {
  problems: SurveyProblem[];
  /** The sink stopped the survey: what comes after where it stopped was not read. */
  stopped?: boolean;
  /** Problems found beyond those listed (`MAX_LISTED_PROBLEMS`). */
  unlisted: number;
  /** Findings that are not damage (a layout no logspec writer produces, but the original reads). */
  notes: string[];
}

/** The report of a `ProblemList` and notes. */
export function surveyReport(list: ProblemList, notes: string[]): SurveyReport {
  return { problems: list.items, unlisted: list.unlisted, notes };
}

/** Runs of zero bytes this long or longer are a zero run, not a torn record. */
export const ZERO_RUN_MIN = 64;

/**
 * Visits the zero runs (`ZERO_RUN_MIN` bytes or more) in `[from, to)` of a file: a zero-filled
 * tail (what a file system leaves after a crash that extended a file) is a zero run, not a
 * torn record. Reads in chunks; memory stays bounded.
 */
export function forEachZeroRun(fs: Fs, path: string, from: number, to: number, visit: (a: number, b: number) => void) {
  const CHUNK = 1 << 20;
  const h = fs.open(path);
  try {
    let run = -1;
    const buf = new Uint8Array(Math.min(CHUNK, Math.max(0, to - from)));
    for (let pos = from; pos < to; pos += CHUNK) {
      const n = readFully(h, buf, 0, Math.min(CHUNK, to - pos), pos);
      for (let i = 0; i < n; i++) {
        if (buf[i] === 0) {
          if (run < 0) run = pos + i;
        } else if (run >= 0) {
          if (pos + i - run >= ZERO_RUN_MIN) visit(run, pos + i);
          run = -1;
        }
      }
      if (n === 0) break;
    }
    if (run >= 0 && to - run >= ZERO_RUN_MIN) visit(run, to);
  } finally {
    h.close();
  }
}

/** A typed error's message without the ` (at byte N)` its constructor appends (the offset is reported beside it). */
export function messageWithoutOffset(e: { message: string; offset?: number | undefined }): string {
  return e.offset === undefined ? e.message : e.message.replace(` (at byte ${e.offset})`, '');
}
