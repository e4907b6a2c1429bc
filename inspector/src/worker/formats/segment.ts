import { basename, dirname, type Fs, isLogspecError, joinPath, readFully } from '@logspec/core';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import {
  decodeMessageAt,
  describeIndexEntry,
  describeSegmentFrame,
  describeTimeIndexEntry,
  FRAME_HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  indexTornTail,
  listSegmentBases,
  OffsetIndex,
  parseRustU64,
  SegCode,
  segmentFileName,
  splitExtension,
  TIME_INDEX_ENTRY_SIZE,
  TIME_INDEX_SUFFIX,
  TimeIndex,
  timeIndexProblem,
  timestampMillisNumber,
} from '@logspec/segment-index';
import { Partition, Segment } from '@logspec/segment-index/store';
import type { Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  markZeroRuns,
  problemOf,
  readRange,
  type ScanContext,
  short,
  timeline,
  tryTyped,
  UnitTable,
} from '../model.js';

/**
 * rivven's segment log through `@logspec/segment-index`: a partition directory of
 * `{base:020}.log` + `.index` (+ `.timeindex`), or one segment. Each file has its rows: the
 * log's messages, the index's entries.
 */

const LOG_COLUMNS = ['offset', 'time', 'key', 'value', 'headers'];
const INDEX_COLUMNS = ['relative offset', 'frame position'];
const TIME_COLUMNS = ['max time', 'relative offset'];
const text = new TextDecoder('utf-8', { fatal: false });

/** Bytes as text for a table cell: UTF-8 where it is, `·` for control and undecodable bytes. */
function printable(b: Uint8Array): string {
  let out = '';
  for (const ch of text.decode(b)) {
    const c = ch.codePointAt(0) as number;
    out += c < 0x20 || c === 0x7f || c === 0xfffd ? '·' : ch;
  }
  return out;
}

interface Seg {
  base: bigint;
  log: string;
}

function segmentsOf(fs: Fs, path: string): { dir: string; segs: Seg[]; partition: boolean } {
  if (fs.stat(path)?.isDirectory) {
    const segs = listSegmentBases(fs.readdir(path)).map((base) => ({
      base,
      log: joinPath(path, segmentFileName(base)),
    }));
    return { dir: path, segs, partition: true };
  }
  const base = parseRustU64(splitExtension(basename(path)).stem) ?? 0n;
  return { dir: dirname(path), segs: [{ base, log: path }], partition: false };
}

export function scanSegmentInput(ctx: ScanContext): FormatModel {
  const { fs, path } = ctx;
  const { dir, segs, partition } = segmentsOf(fs, path);
  const files: FileModel[] = [];
  const problems: Problem[] = [];
  let messages = 0;
  const addFile = (abs: string, role: string, columns: string[]): FileModel => {
    const f: FileModel = {
      info: { id: files.length, path: abs.replace(/^\/in\//, ''), size: fs.stat(abs)?.size ?? 0, role, columns },
      abs,
      units: new UnitTable(),
      damage: new DamageMap(),
    };
    files.push(f);
    return f;
  };
  for (const seg of segs) {
    const log = addFile(seg.log, 'log', LOG_COLUMNS);
    const idxPath = joinPath(dir, segmentFileName(seg.base, 'index'));
    const idxBytes = fs.exists(idxPath) ? readRange(fs, idxPath, 0, fs.stat(idxPath)?.size ?? 0) : null;
    const entries = OffsetIndex.fromBytes(idxBytes ?? new Uint8Array(0));
    const byPos = new Map<number, number[]>();
    for (let k = 0; k < entries.length; k++) {
      const p = entries.pos[k] as number;
      byPos.set(p, [...(byPos.get(p) ?? []), k]);
    }
    const found = new Map<number, bigint | null>();
    let emptyRun: { from: number; n: number } | null = null;
    const closeRun = () => {
      if (!emptyRun) return;
      problems.push({
        code: SegCode.UNEXPECTED_END,
        file: log.info.id,
        offset: emptyRun.from,
        length: emptyRun.n * 8,
        state: 'zero',
        message: `${emptyRun.n} empty frame${emptyRun.n === 1 ? '' : 's'} (8 zero bytes each, as a zero-filled tail looks)`,
      });
      emptyRun = null;
    };
    ctx.progress(`scanning ${log.info.path}`);
    const h = fs.open(seg.log);
    const size = h.size();
    const stop = scanFileFrames(h, segmentLayout, (ps, pe, at, b) => {
      const n = pe - ps + FRAME_HEADER_SIZE;
      if (pe === ps) {
        log.units.push(at, n, 'zero');
        log.damage.add(at, at + n, 'zero');
        if (emptyRun) emptyRun.n++;
        else emptyRun = { from: at, n: 1 };
        return;
      }
      closeRun();
      try {
        const m = decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message;
        if (byPos.has(at)) found.set(at, m.offset);
        log.units.push(at, n, 'valid', 0, timestampMillisNumber(m.timestamp));
        log.damage.add(at, at + n, 'valid');
        messages++;
        if ((messages & 0xffff) === 0) ctx.progress(`scanning ${log.info.path}`);
        if (m.offset < seg.base) {
          problems.push({
            code: SegCode.OFFSET_BELOW_BASE,
            file: log.info.id,
            offset: at,
            length: n,
            state: 'undecodable',
            message: `message offset ${m.offset} is below the segment's base ${seg.base}: reads never return it`,
          });
        }
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        if (byPos.has(at)) found.set(at, null);
        log.units.push(at, n, 'undecodable');
        log.damage.add(at, at + n, 'undecodable');
        problems.push(problemOf(e, log.info.id, 'undecodable', n));
      }
    });
    closeRun();
    if (stop.reason === 'torn') {
      log.damage.add(stop.offset, size, 'torn');
      problems.push({
        code: SegCode.TORN_FRAME,
        file: log.info.id,
        offset: stop.offset,
        length: size - stop.offset,
        state: 'torn',
        message: `frame needs ${stop.needed} bytes, ${stop.available} present: a torn tail (readers stop here)`,
      });
      markZeroRuns(fs, seg.log, stop.offset, size, log.damage);
    } else if (stop.reason === 'crc_mismatch') {
      const head = new Uint8Array(8);
      readFully(h, head, 0, 8, stop.offset);
      const end = Math.min(size, stop.offset + 8 + new DataView(head.buffer).getUint32(4, false));
      log.units.push(stop.offset, end - stop.offset, 'crc');
      log.damage.add(stop.offset, end, 'crc');
      log.damage.add(end, size, 'unreferenced');
      problems.push({
        code: SegCode.CRC_MISMATCH,
        file: log.info.id,
        offset: stop.offset,
        length: end - stop.offset,
        state: 'crc',
        message: `stored CRC-32 ${stop.stored.toString(16).padStart(8, '0')}, payload's ${stop.computed.toString(16).padStart(8, '0')}: the rest of the log (${size - stop.offset} bytes) is not read`,
      });
    }
    h.close();
    if (idxBytes !== null) {
      const idx = addFile(idxPath, 'index', INDEX_COLUMNS);
      const bad = indexFile(idx, idxBytes, entries, seg.base, size, found, problems);
      const tPath = joinPath(dir, segmentFileName(seg.base, TIME_INDEX_SUFFIX));
      if (fs.exists(tPath)) timeIndexFile(addFile(tPath, 'timeindex', TIME_COLUMNS), fs, entries, bad, problems);
    }
  }
  const tl = timeline(files.filter((f) => f.info.role === 'log'));
  return {
    format: 'segment',
    columns: LOG_COLUMNS,
    files,
    problems,
    summary: {
      facts: [
        ['segments', String(segs.length)],
        ['messages', messages.toLocaleString('en-US')],
        ['time', tl ? `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}` : '—'],
      ],
      charts: tl ? [{ kind: 'timeline', title: 'messages over time', ...tl }] : [],
      notes: [],
    },
    cells(f, _i, bytes) {
      if (f.info.role === 'index') {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return bytes.length < INDEX_ENTRY_SIZE
          ? ['torn entry', '']
          : [String(v.getUint32(0, false)), String(v.getBigUint64(4, false))];
      }
      if (f.info.role === 'timeindex') {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return bytes.length < TIME_INDEX_ENTRY_SIZE
          ? ['torn entry', '']
          : [isoMs(Number(v.getBigInt64(0, false))), String(v.getUint32(8, false))];
      }
      const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, false);
      return tryTyped(
        () => {
          const m = decodeMessageAt(bytes, 8, Math.min(bytes.length, 8 + len)).message;
          return [
            String(m.offset),
            isoMs(timestampMillisNumber(m.timestamp)),
            m.key === null ? '—' : short(printable(m.key), 24),
            `${m.value.length} B: ${short(printable(m.value.subarray(0, 64)), 40)}`,
            m.headers.map((x) => x.key).join(', '),
          ];
        },
        (e) => ['—', e.code, '', '', ''],
      );
    },
    describe(f, i, bytes) {
      const at = f.units.offset[i] as number;
      if (f.info.role === 'index') return describeIndexEntry(bytes, 0, at);
      if (f.info.role === 'timeindex') return describeTimeIndexEntry(bytes, 0, at);
      return describeSegmentFrame(bytes, 0, at);
    },
    title(f, i) {
      return f.info.role === 'log' ? `frame #${i}` : `entry #${i}`;
    },
    repair(view: Fs) {
      if (partition) {
        const timeIndex = segs.some((s) => view.exists(joinPath(dir, segmentFileName(s.base, TIME_INDEX_SUFFIX))));
        const p = Partition.open(view, dir, { timeIndex, create: false, recoverSealed: true });
        try {
          return p.recoveries.flatMap((r) => recoveryLines(r.recovery, segmentFileName(r.baseOffset)));
        } finally {
          p.close();
        }
      }
      const seg = segs[0] as Seg;
      const timeIndex = view.exists(joinPath(dir, segmentFileName(seg.base, TIME_INDEX_SUFFIX)));
      const s = Segment.open(view, dir, seg.base, { timeIndex, create: false });
      try {
        return recoveryLines(s.recovery, basename(seg.log));
      } finally {
        s.close();
      }
    },
    repairRoot: dir,
  };
}

function reportIndex(
  problems: Problem[],
  p: IndexProblem,
  file: FileModel,
  size: number,
  state: 'undecodable' | 'torn',
) {
  problems.push({ code: p.code, file: file.info.id, offset: p.offset, length: size, state, message: p.message });
}

/** The `.index` of a segment: entries as units, each checked against the log; returns the bad ones. */
function indexFile(
  f: FileModel,
  bytes: Uint8Array,
  entries: OffsetIndex,
  base: bigint,
  logSize: number,
  found: Map<number, bigint | null>,
  problems: Problem[],
): Set<number> {
  const bad = new Set<number>();
  let good = -1;
  for (let k = 0; k < entries.length; k++) {
    const at = k * INDEX_ENTRY_SIZE;
    const p =
      indexEntryOrderProblem(entries, k, logSize, good) ??
      indexedFrameProblem(entries, k, base, found.get(entries.pos[k] as number));
    f.units.push(at, INDEX_ENTRY_SIZE, p ? 'undecodable' : 'valid');
    f.damage.add(at, at + INDEX_ENTRY_SIZE, p ? 'undecodable' : 'valid');
    if (p) {
      bad.add(k);
      reportIndex(problems, p, f, INDEX_ENTRY_SIZE, 'undecodable');
    } else good = k;
  }
  const torn = indexTornTail(bytes.length);
  if (torn) {
    const at = entries.length * INDEX_ENTRY_SIZE;
    f.units.push(at, bytes.length - at, 'torn');
    f.damage.add(at, bytes.length, 'torn');
    reportIndex(problems, torn, f, bytes.length - at, 'torn');
  }
  return bad;
}

/** logspec's `.timeindex`: entries as units (a CRC-bad one and all after it are not read). */
function timeIndexFile(t: FileModel, fs: Fs, entries: OffsetIndex, bad: Set<number>, problems: Problem[]): void {
  const bytes = readRange(fs, t.abs, 0, t.info.size);
  const ti = TimeIndex.fromBytes(bytes);
  for (let k = 0; k * TIME_INDEX_ENTRY_SIZE < bytes.length; k++) {
    const at = k * TIME_INDEX_ENTRY_SIZE;
    const state = at + TIME_INDEX_ENTRY_SIZE > bytes.length ? 'torn' : k < ti.length ? 'valid' : 'crc';
    const end = Math.min(at + TIME_INDEX_ENTRY_SIZE, bytes.length);
    t.units.push(at, end - at, state, 0, state === 'valid' ? Number(ti.ts[k]) : Number.NaN);
    t.damage.add(at, end, state);
  }
  const tp = timeIndexProblem(bytes, ti, entries);
  // A time entry paired with a bad `.index` entry is not itself wrong.
  if (tp && !(tp.code === SegCode.INDEX_TIME_UNPAIRED && bad.has(tp.entry))) {
    reportIndex(problems, tp, t, TIME_INDEX_ENTRY_SIZE, 'undecodable');
  }
}

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
