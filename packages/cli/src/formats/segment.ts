import { basename, dirname, joinPath } from '@logspec/core';
import { type Message, segmentFileName, TIME_INDEX_SUFFIX, timestampMillis } from '@logspec/segment-index';
import { repairSegmentLog, type SegmentSurveyOptions, surveySegmentLog } from '@logspec/segment-index/store';
import { BigRange, bytes, isoFromMs, kv } from '../text.js';
import { cliProblem, healthJson, healthLine, label, problemListOf } from './common.js';
import { messageItem, SegmentFollower, type SegRef, segmentsOf } from './segment-records.js';
import type { Ctx, FormatCli, Problem, RepairPlan, Summary, VerifyResult } from './types.js';

/**
 * rivven's segment log through `@logspec/segment-index`: a partition directory of
 * `{base:020}.log` + `.index` (+ logspec's `.timeindex`), or one `.log` file.
 */

/**
 * The package's survey of the log with progress (the path's name checked first: a file that is
 * not `{base}.log` is a usage error). Messages go to `onMessage`, problems to `onProblem`.
 */
function walk(
  path: string,
  ctx: Ctx,
  onMessage: (m: Message, file: string, at: number) => unknown,
  onProblem: ((p: Problem) => void) | undefined,
  opts: SegmentSurveyOptions,
) {
  const { segs } = segmentsOf(ctx.fs, path);
  const total = segs.reduce((n, s) => n + (ctx.fs.stat(s.log)?.size ?? 0), 0);
  ctx.progress.begin(`scanning ${label(path)}`, total);
  let done = 0;
  let logSize = 0;
  try {
    return surveySegmentLog(
      ctx.fs,
      path,
      {
        file(name, _p, size) {
          if (!name.endsWith('.log')) return;
          done += logSize;
          logSize = size;
          ctx.progress.setBase(done);
        },
        unit(u) {
          if (u.kind !== 'frame' || !u.message) return undefined;
          ctx.progress.update(u.offset);
          return onMessage(u.message, u.file, u.offset) === false ? false : undefined;
        },
        problem: onProblem && ((p) => onProblem(cliProblem(p))),
      },
      opts,
    );
  } finally {
    ctx.progress.end();
  }
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const offsets = new BigRange();
  const times = new BigRange();
  const perFile = new Map<string, BigRange>();
  const survey = walk(
    path,
    ctx,
    (m, file) => {
      offsets.add(m.offset);
      times.add(timestampMillis(m.timestamp));
      const r = perFile.get(file) ?? new BigRange();
      perFile.set(file, r);
      r.add(m.offset);
      return undefined;
    },
    undefined,
    { strict },
  );
  const segs = survey.segments.map((s) => ({ ...s, offsets: perFile.get(s.name) ?? new BigRange() }));
  return {
    segs,
    partition: survey.partition,
    offsets,
    times,
    messages: survey.messages,
    undecodable: survey.undecodable,
    problems: problemListOf(survey),
    notes: survey.notes,
  };
}

export const segment: FormatCli = {
  name: 'segment',

  inspect(path, ctx): Summary {
    const a = analyze(path, ctx, false);
    const size = a.segs.reduce((n, s) => n + s.size, 0);
    return {
      ok: a.problems.total === 0,
      json: {
        format: 'segment',
        path,
        partition: a.partition,
        size,
        segments: a.segs.map((s) => ({
          file: s.name,
          base_offset: String(s.base),
          size: s.size,
          messages: s.messages,
          offsets: s.offsets.json(),
          index_entries: s.indexEntries,
        })),
        messages: a.messages,
        undecodable: a.undecodable,
        offsets: a.offsets.json(),
        timestamp_millis: a.times.json(),
        notes: a.notes,
        health: healthJson(a.problems.items, a.problems.unlisted),
      },
      lines: kv([
        ['format', `segment (rivven segment log${a.partition ? ', a partition' : ', one segment'})`],
        ['path', path],
        [
          'segments',
          a.segs
            .map((s) => `${s.name} (${s.size} B, ${s.messages} msgs, ${s.indexEntries} index entries)`)
            .join(', ') || '—',
        ],
        ['size', bytes(size)],
        ['messages', `${a.messages}${a.undecodable ? ` (+${a.undecodable} undecodable)` : ''}`],
        ['offsets', a.offsets.text()],
        ['time', a.times.text(isoFromMs)],
        ...a.notes.map((n) => ['note', n] as const),
        ['health', healthLine(a.problems.items, a.problems.unlisted)],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    // Each segment is read as the original's reader reads it: up to its first damage (its
    // extent and the valid frame after it are named; 'logspec verify' reads on).
    walk(path, ctx, (m, file, at) => visit(messageItem(m, file, at)), damage, { read: true });
  },

  verify(path, ctx): VerifyResult {
    const a = analyze(path, ctx, true);
    return {
      checks: [
        'every frame: length and CRC-32',
        'every payload: postcard Message (varints, options, bools, UTF-8, markers, timestamps)',
        "offsets: at or above the segment's base, increasing, below the next segment's base",
        '.index: whole entries, ascending, inside the log, each at the frame carrying its offset, by the 4 KiB rule',
        '.timeindex (logspec): whole entries, entry CRCs, paired with .index, maxima not decreasing',
        'strict: canonical message bytes (reported as notes)',
      ],
      problems: a.problems.items,
      unlisted: a.problems.unlisted,
      notes: a.notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    const { segs, partition, dir } = segmentsOf(ctx.fs, path);
    if (partition) {
      const name = basename(dir);
      return {
        base: dirname(dir),
        entries: [name],
        run: (fs, base, opts) => repairSegmentLog(fs, joinPath(base, name), opts),
      };
    }
    const seg = segs[0] as SegRef;
    return {
      base: seg.dir,
      entries: [basename(seg.log), segmentFileName(seg.base, 'index'), segmentFileName(seg.base, TIME_INDEX_SUFFIX)],
      run: (fs, base, opts) => repairSegmentLog(fs, joinPath(base, basename(seg.log)), opts),
    };
  },

  tail(path, ctx) {
    return new SegmentFollower(path, ctx);
  },
};
