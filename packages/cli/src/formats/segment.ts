import { basename, dirname, joinPath } from '@logspec/core';
import {
  INDEX_INTERVAL_BYTES,
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  indexTornTail,
  OffsetIndex,
  SegCode,
  segmentFileName,
  splitExtension,
  TIME_INDEX_SUFFIX,
  TimeIndex,
  timeIndexProblem,
  timestampMillis,
} from '@logspec/segment-index';
import { Partition, Segment } from '@logspec/segment-index/store';
import { BigRange, bytes, count, isoFromMs, kv } from '../text.js';
import { healthJson, healthLine, label, ProblemList } from './common.js';
import {
  damageProblem,
  messageItem,
  readIndex,
  SegmentFollower,
  type SegRef,
  segmentsOf,
  undecodable,
  walkSegment,
} from './segment-walk.js';
import type { Ctx, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/**
 * rivven's segment log through `@logspec/segment-index`: a partition directory of
 * `{base:020}.log` + `.index` (+ logspec's `.timeindex`), or one `.log` file.
 */

interface SegStats {
  name: string;
  base: bigint;
  size: number;
  messages: number;
  offsets: BigRange;
  indexEntries: number;
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const { segs, partition, dir } = segmentsOf(ctx.fs, path);
  const problems = new ProblemList();
  const notes: string[] = [];
  const offsets = new BigRange();
  const times = new BigRange();
  const per: SegStats[] = [];
  let messages = 0;
  let undecodableFrames = 0;
  /** Damaged regions that valid frames follow. */
  let afterDamage = 0;
  const total = segs.reduce((n, s) => n + (ctx.fs.stat(s.log)?.size ?? 0), 0);
  ctx.progress.begin(`scanning ${label(path)}`, total);
  let done = 0;
  try {
    segs.forEach((seg, i) => {
      ctx.progress.setBase(done);
      if (!ctx.fs.exists(seg.log)) {
        problems.add({
          code: SegCode.NOT_FOUND,
          file: seg.name,
          offset: null,
          message: `segment ${seg.base} is listed but ${seg.name} does not exist`,
        });
        return;
      }
      const nextBase = segs[i + 1]?.base;
      const st: SegStats = {
        name: seg.name,
        base: seg.base,
        size: 0,
        messages: 0,
        offsets: new BigRange(),
        indexEntries: 0,
      };
      // The sparse index is derived data: its entries are checked against the frames as the
      // scan meets them (memory bounded by the index, not by the number of frames).
      const idx = readIndex(ctx.fs, seg);
      const entries = OffsetIndex.fromBytes(idx ?? new Uint8Array(0));
      /** Position → the entries pointing there (and the offset of the frame found there). */
      const byPos = new Map<number, { k: number; found: bigint | null | undefined }[]>();
      for (let k = 0; k < entries.length; k++) {
        const pos = entries.pos[k] as number;
        const list = byPos.get(pos);
        if (list) list.push({ k, found: undefined });
        else byPos.set(pos, [{ k, found: undefined }]);
      }
      const expected: { rel: bigint; pos: number }[] = [];
      let lastIndexed = 0;
      let lastOffset: bigint | null = null;
      let disorder = 0;
      /** The 4 KiB rule is checked over the frames before the first damage (the log as the original wrote it). */
      let damaged = false;
      const { size } = walkSegment(
        ctx.fs,
        seg,
        ctx,
        (f) => {
          const m = f.message;
          for (const hit of byPos.get(f.at) ?? []) hit.found = m ? m.offset : null;
          if (!damaged && (f.at === 0 || f.at - lastIndexed >= INDEX_INTERVAL_BYTES)) {
            lastIndexed = f.at;
            expected.push({ rel: m ? m.offset - seg.base : -1n, pos: f.at });
          }
          if (!m) {
            undecodableFrames++;
            problems.add(undecodable(f, seg.name));
            return;
          }
          messages++;
          st.messages++;
          st.offsets.add(m.offset);
          offsets.add(m.offset);
          times.add(timestampMillis(m.timestamp));
          if (m.offset < seg.base) {
            problems.add({
              code: SegCode.OFFSET_BELOW_BASE,
              file: seg.name,
              offset: f.at,
              end: f.at + f.size,
              message: `message offset ${m.offset} is below the segment's base ${seg.base}: reads never return it`,
            });
          } else if (lastOffset !== null && m.offset <= lastOffset) disorder++;
          if (nextBase !== undefined && m.offset >= nextBase) {
            notes.push(
              `${seg.name}: offset ${m.offset} at byte ${f.at} is not below the next segment's base ${nextBase}`,
            );
          }
          lastOffset = m.offset;
          if (f.strictError) {
            notes.push(
              `${seg.name}: message ${m.offset} at byte ${f.at}: ${f.strictError.code} (the original accepts it)`,
            );
          }
          return undefined;
        },
        (d) => {
          damaged = true;
          if (d.resumeAt !== null) afterDamage += 1;
          problems.add(damageProblem(d, seg.name));
        },
        strict,
      );
      done += size;
      st.size = size;
      if (disorder > 0) {
        notes.push(
          `${seg.name}: ${count(disorder, 'message')} whose offset is not above the previous one (the original accepts that; logspec never writes it)`,
        );
      }
      if (idx === null) {
        if (size > 0) notes.push(`${seg.name}: no .index file (readers scan from the start; repair rebuilds it)`);
      } else {
        const indexName = segmentFileName(seg.base, 'index');
        const report = (p: IndexProblem, file: string) =>
          problems.add({ code: p.code, file, offset: p.offset, message: p.message });
        const torn = indexTornTail(idx.length);
        if (torn) report(torn, indexName);
        st.indexEntries = entries.length;
        // Each entry against the last good one, so one bad entry is reported once.
        const bad = new Set<number>();
        let good = -1;
        for (let k = 0; k < entries.length; k++) {
          const found = byPos.get(entries.pos[k] as number)?.find((h) => h.k === k)?.found;
          const p = indexEntryOrderProblem(entries, k, size, good) ?? indexedFrameProblem(entries, k, seg.base, found);
          if (p) {
            bad.add(k);
            report(p, indexName);
          } else good = k;
        }
        const timeBytes = readIndex(ctx.fs, seg, TIME_INDEX_SUFFIX);
        if (timeBytes !== null) {
          const tp = timeIndexProblem(timeBytes, TimeIndex.fromBytes(timeBytes), entries);
          // A time entry paired with a bad `.index` entry is not itself wrong.
          if (tp && !(tp.code === SegCode.INDEX_TIME_UNPAIRED && bad.has(tp.entry))) {
            report(tp, segmentFileName(seg.base, TIME_INDEX_SUFFIX));
          }
        }
        let matches = true;
        for (let k = 0; k < entries.length && matches; k++) matches = expected[k]?.pos === entries.pos[k];
        if (matches && entries.length < expected.length) {
          notes.push(
            `${seg.name}: the .index lacks its last ${count(expected.length - entries.length, 'entry', 'entries')} (not written before a crash, or not flushed; repair rebuilds them)`,
          );
        } else if (!matches) {
          notes.push(`${seg.name}: the .index does not follow the 4 KiB rule of the original writer`);
        }
      }
      per.push(st);
    });
  } finally {
    ctx.progress.end();
  }
  if (partition) {
    const stray = ctx.fs
      .readdir(dir)
      .filter((n) => splitExtension(n).extension === 'log' && !/^[0-9]{20}\.log$/.test(n));
    if (stray.length) notes.push(`names ending in .log that are not {base:020}.log: ${stray.join(', ')}`);
  }
  if (afterDamage > 0) {
    notes.push(
      `${count(afterDamage, 'damaged region')} with valid frames after ${afterDamage === 1 ? 'it' : 'them'}: the frames after the damage are counted here, the original's reader stops at it; 'logspec repair' keeps them (--force cuts them into the quarantine)`,
    );
  }
  return { segs: per, partition, offsets, times, messages, undecodable: undecodableFrames, problems, notes };
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
    const { segs } = segmentsOf(ctx.fs, path);
    const total = segs.reduce((n, s) => n + (ctx.fs.stat(s.log)?.size ?? 0), 0);
    ctx.progress.begin(`scanning ${label(path)}`, total);
    let done = 0;
    let stopped = false;
    try {
      for (const seg of segs) {
        if (!ctx.fs.exists(seg.log)) continue;
        ctx.progress.setBase(done);
        const r = walkSegment(
          ctx.fs,
          seg,
          ctx,
          (f) => {
            if (!f.message) {
              damage(undecodable(f, seg.name));
              return undefined;
            }
            if (visit(messageItem(f.message, seg.name, f.at)) !== false) return undefined;
            stopped = true;
            return false;
          },
          (d) => {
            // Reading stops at the damage, as the original's reader does (its extent and the
            // valid frame after it are named; 'logspec verify' reads on).
            damage(damageProblem(d, seg.name));
            return false;
          },
        );
        done += r.size;
        if (stopped) break;
      }
    } finally {
      ctx.progress.end();
    }
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
    const hasTimeIndex = (d: string, base: bigint) =>
      ctx.fs.exists(joinPath(d, segmentFileName(base, TIME_INDEX_SUFFIX)));
    if (partition) {
      const timeIndex = segs.some((s) => hasTimeIndex(dir, s.base));
      const name = basename(dir);
      return {
        base: dirname(dir),
        entries: [name],
        run(fs, base, opts) {
          // Every segment is checked and repaired, sealed ones too (a bad index entry anywhere).
          // Without --force a tail is cut only when no valid frame follows it (SEG-S-010).
          const p = Partition.open(fs, joinPath(base, name), {
            timeIndex,
            create: false,
            recoverSealed: true,
            tail: opts.force ? 'truncate' : 'torn-only',
          });
          try {
            return p.recoveries.flatMap((r) => recoveryLines(r.recovery, segmentFileName(r.baseOffset)));
          } finally {
            p.close();
          }
        },
      };
    }
    const seg = segs[0] as SegRef;
    const names = ['log', 'index', TIME_INDEX_SUFFIX].map((s) => segmentFileName(seg.base, s));
    return {
      base: seg.dir,
      entries: [basename(seg.log), ...names.slice(1)],
      run(fs, base, opts) {
        const s = Segment.open(fs, base, seg.base, {
          timeIndex: hasTimeIndex(seg.dir, seg.base),
          create: false,
          tail: opts.force ? 'truncate' : 'torn-only',
        });
        try {
          return recoveryLines(s.recovery, seg.name);
        } finally {
          s.close();
        }
      },
    };
  },

  tail(path, ctx) {
    return new SegmentFollower(path, ctx);
  },
};

function recoveryLines(r: Segment['recovery'], what: string): string[] {
  if (!r) return [`${what}: no recovery ran`];
  const out = [`${what}: tail ${r.tail}${r.truncatedBytes ? `, ${r.truncatedBytes} bytes cut` : ''}`];
  for (const p of r.indexProblems) out.push(`${p.code} in .${p.file} at byte ${p.offset}: ${p.message}`);
  if (r.indexRebuilt) out.push('the .index was rebuilt from the log (a bad entry makes the whole index untrusted)');
  if (r.indexEntriesDropped)
    out.push(`${r.indexEntriesDropped} index entries dropped (torn, out of order or not at their frame)`);
  if (r.indexEntriesAdded) out.push(`${r.indexEntriesAdded} index entries rebuilt`);
  if (r.undecodableFrames)
    out.push(`${r.undecodableFrames} frames with a valid CRC whose payload does not decode were kept`);
  return out;
}
