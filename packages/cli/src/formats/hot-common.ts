import { basename, dirname, type Fs, readFully } from '@logspec/core';
import { checkHotHeader, HOT_HEADER_LEN, hotLayout, scanFileFrames } from '@logspec/frame';
import {
  type HotSurvey,
  type HotSurveyOptions,
  type HotSurveyUnit,
  openHotLogFile,
  repairHotLog,
  resolveHotLogPath,
  surveyHotLog,
} from '@logspec/frame/store';
import { UsageError } from '../errors.js';
import { cliProblem, label } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, Problem, RepairPlan } from './types.js';

/** What the hotlog and hotframe modules share: the package's survey with progress, following, verify's frame checks, the repair. */

export interface FrameVisit {
  ps: number;
  pe: number;
  offset: number;
  bytes: Uint8Array;
}

/**
 * The package's survey of a hot log with progress: frames (and events) to `onFrame`, problems
 * to `onProblem` (and in the survey's report).
 */
export function walkHot(
  path: string,
  ctx: Ctx,
  onFrame: (u: HotSurveyUnit) => unknown,
  onProblem: ((p: Problem) => void) | undefined,
  opts: HotSurveyOptions,
): HotSurvey {
  let begun = false;
  try {
    return surveyHotLog(
      ctx.fs,
      path,
      {
        file(_name, file, size) {
          if (size <= HOT_HEADER_LEN) return;
          ctx.progress.begin(`scanning ${label(file)}`, size);
          begun = true;
        },
        unit(u) {
          if (u.kind !== 'frame') return undefined;
          ctx.progress.update(u.offset);
          return onFrame(u) === false ? false : undefined;
        },
        problem: onProblem && ((p) => onProblem(cliProblem(p))),
      },
      opts,
    );
  } finally {
    if (begun) ctx.progress.end();
  }
}

export function storedCrcAt(b: Uint8Array, pe: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(pe, true);
}

/** Frames (from `start`) of a growing hot log; tolerates a torn or not-yet-written tail. */
export class HotFollower implements Follower {
  private pos = HOT_HEADER_LEN;
  private index = 0;
  private headerChecked = false;
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
    /** The frame as a record to print, or as the damage it is (an archive that does not decode). */
    private readonly item: (f: FrameVisit, index: number) => DumpItem | Problem,
  ) {}

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    const h = openHotLogFile(this.ctx.fs, this.path);
    try {
      const size = h.size();
      if (size < this.pos) {
        // The log was cut (a writer's recovery): carry on from its new end.
        this.pos = Math.max(HOT_HEADER_LEN, size);
        return;
      }
      if (size <= HOT_HEADER_LEN) return;
      if (!this.headerChecked) {
        const head = new Uint8Array(HOT_HEADER_LEN);
        readFully(h, head, 0, HOT_HEADER_LEN, 0);
        checkHotHeader(head, size);
        this.headerChecked = true;
      }
      const f: FrameVisit = { ps: 0, pe: 0, offset: 0, bytes: new Uint8Array(0) };
      const stop = scanFileFrames(
        h,
        hotLayout,
        (ps, pe, offset, b) => {
          f.ps = ps;
          f.pe = pe;
          f.offset = offset;
          f.bytes = b;
          const it = this.item(f, this.index++);
          if ('code' in it) damage(it);
          else emit(it);
        },
        { start: this.pos, end: size },
      );
      // A torn or CRC-bad frame at the end is most likely still being written: the next poll
      // reads it again from its start.
      this.pos = stop.offset;
    } finally {
      h.close();
    }
  }
}

/** What verify checks of every hot log, events or not. */
export const HOT_FRAME_CHECKS = [
  'header (magic OHNEZIAK, version 1)',
  'every frame: length and CRC-32',
  'after a bad frame: whether valid frames follow (torn tail or corruption), and the frames after it',
] as const;

/** The package's repair of `<root>/hot/log.bin`, reading payloads as events (hotlog) or not (hotframe). */
export function hotRepairPlan(path: string, ctx: Ctx, events: boolean): RepairPlan {
  return {
    base: hotRoot(ctx.fs, path),
    entries: ['hot/log.bin'],
    run: (fs, base, opts) => repairHotLog(fs, base, { force: opts.force, events }),
  };
}

/** Root directory of `<root>/hot/log.bin` for the writers; refuses other layouts. */
function hotRoot(fs: Fs, path: string): string {
  const file = resolveHotLogPath(fs, path);
  if (!fs.exists(file)) {
    openHotLogFile(fs, path); // throws HOT_NOT_FOUND
  }
  const hot = dirname(file);
  if (basename(file) !== 'log.bin' || basename(hot) !== 'hot') {
    throw new UsageError(
      'CLI_UNSUPPORTED',
      `repair works on kaizen's layout <root>/hot/log.bin, not ${file}`,
      'copy the file to <root>/hot/log.bin and repair that root',
    );
  }
  return dirname(hot);
}
