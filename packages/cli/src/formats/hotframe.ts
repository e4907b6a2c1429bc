import { basename } from '@logspec/core';
import { type HotStop, hotFramesJson, hotLayout } from '@logspec/frame';
import { HotFrameLog, resolveHotLogPath } from '@logspec/frame/store';
import { hexPreview } from '../hex.js';
import { BigRange, bytes, count, kv } from '../text.js';
import { healthJson, healthLine, ProblemList } from './common.js';
import {
  damageProblem,
  type FrameVisit,
  HotFollower,
  headerOnlyNote,
  headerProblem,
  hotRoot,
  reportLines,
  scanFrames,
} from './hot-common.js';
import type { Ctx, DumpItem, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/** kaizen's hot log read as frames whose payloads are opaque bytes (`--format hotframe`). */

// ---- hotframe (opaque payloads) -------------------------------------------------------------

function frameItem(f: FrameVisit, index: number, stop: HotStop): DumpItem {
  const payload = f.bytes.slice(f.ps, f.pe);
  const offset = f.offset;
  return {
    key: BigInt(index),
    json: () => hotFramesJson([{ offset, payload }], stop).records[0],
    text: () => `#${index} @${offset} len=${payload.length} ${hexPreview(payload, 48)}`,
  };
}

const NO_STOP: HotStop = { reason: 'eof', at: 0 };

function analyzeFrames(path: string, ctx: Ctx) {
  const sizes = new BigRange();
  let payloadBytes = 0;
  /** Runs of empty frames: valid frames here, but what zero fill reads as (a note, per run). */
  let emptyRun: { from: number; n: number } | null = null;
  const emptyRuns: { from: number; n: number }[] = [];
  const problems = new ProblemList();
  const name = basename(resolveHotLogPath(ctx.fs, path));
  const scan = scanFrames(
    path,
    ctx,
    (f) => {
      const len = f.pe - f.ps;
      if (len === 0) {
        if (emptyRun && emptyRun.from + emptyRun.n * hotLayout.overhead === f.offset) emptyRun.n++;
        else {
          emptyRun = { from: f.offset, n: 1 };
          if (emptyRuns.length < 20) emptyRuns.push(emptyRun);
        }
      }
      sizes.add(BigInt(len));
      payloadBytes += len;
    },
    (d) => problems.add(damageProblem(d, name)),
    false,
  );
  const header = headerProblem(ctx.fs, scan.file, scan.size);
  if (header) problems.items.unshift(header);
  const notes = headerOnlyNote(scan);
  for (const r of emptyRuns) {
    notes.push(
      `${count(r.n, 'empty frame')} at bytes [${r.from}, ${r.from + r.n * hotLayout.overhead}) (valid frames, but what zero fill reads as)`,
    );
  }
  return { scan, sizes, payloadBytes, problems, notes };
}

export const hotframe: FormatCli = {
  name: 'hotframe',

  inspect(path, ctx): Summary {
    const { scan, sizes, payloadBytes, problems, notes } = analyzeFrames(path, ctx);
    return {
      ok: problems.total === 0,
      json: {
        format: 'hotframe',
        path,
        file: scan.file,
        size: scan.size,
        frames: scan.frames,
        payload_bytes: payloadBytes,
        payload_len: sizes.json(),
        stop: { reason: scan.stop.reason, at: String(scan.stop.at) },
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'hotframe (kaizen hot log frames, payloads opaque)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        ['payload bytes', `${payloadBytes} (per frame ${sizes.text()})`],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    const file = basename(resolveHotLogPath(ctx.fs, path));
    let index = 0;
    scanFrames(
      path,
      ctx,
      (f) => (visit(frameItem(f, index++, NO_STOP)) === false ? false : undefined),
      (d) => {
        damage(damageProblem(d, file));
        return false;
      },
      false,
    );
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeFrames(path, ctx);
    return {
      checks: [
        'header (magic OHNEZIAK, version 1)',
        'every frame: length and CRC-32',
        'after a bad frame: whether valid frames follow (torn tail or corruption), and the frames after it',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    const root = hotRoot(ctx.fs, path);
    return {
      base: root,
      entries: ['hot/log.bin'],
      run(fs, base, opts) {
        const log = HotFrameLog.open(fs, base, { durability: 'manual', repair: opts.force ? 'truncate' : 'tail' });
        try {
          return reportLines(log.report);
        } finally {
          log.close();
        }
      },
    };
  },

  tail(path, ctx) {
    return new HotFollower(path, ctx, (f, index) => frameItem(f, index, NO_STOP));
  },
};
