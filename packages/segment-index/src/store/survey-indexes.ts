import { type DamageState, type Fs, joinPath, type SurveyProblem, type SurveySink } from '@logspec/core';
import { SegCode } from '../codec/errors.js';
import {
  INDEX_ENTRY_SIZE,
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  indexTornTail,
  OffsetIndex,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  timeIndexProblem,
} from '../codec/index-entries.js';
import type { Message } from '../codec/message.js';
import { segmentFileName, TIME_INDEX_SUFFIX } from '../codec/names.js';
import type { SegmentRef, SegmentSurveyUnit } from './survey.js';

/**
 * The index half of a segment's survey: the `.index` entries, met by position as the frames
 * are scanned, each checked against the frame it points at, its order and the 4 KiB rule of
 * the original writer; logspec's `.timeindex` against the `.index`. Memory is bounded by the
 * index, not by the number of frames.
 */
export class IndexCheck {
  private readonly bytes: Uint8Array | null;
  private readonly entries: OffsetIndex;
  /** Position → the entries pointing there (and the offset of the frame found there). */
  private readonly byPos = new Map<number, { k: number; found: bigint | null | undefined }[]>();
  /** Where the original writer would have put an entry (the 4 KiB rule), up to the first damage. */
  private readonly expected: number[] = [];

  constructor(
    private readonly fs: Fs,
    private readonly seg: SegmentRef,
    private readonly sink: SurveySink<SegmentSurveyUnit>,
  ) {
    this.bytes = readWhole(fs, joinPath(seg.dir, segmentFileName(seg.base, 'index')));
    this.entries = OffsetIndex.fromBytes(this.bytes ?? new Uint8Array(0));
    for (let k = 0; k < this.entries.length; k++) {
      const pos = this.entries.pos[k] as number;
      const hits = this.byPos.get(pos);
      if (hits) hits.push({ k, found: undefined });
      else this.byPos.set(pos, [{ k, found: undefined }]);
    }
  }

  /** A frame at `at` (its message, or null when it does not decode). */
  frame(at: number, m: Message | null): void {
    for (const hit of this.byPos.get(at) ?? []) hit.found = m ? m.offset : null;
  }

  /** The original writer would have indexed the frame at `at`. */
  expect(at: number): void {
    this.expected.push(at);
  }

  /** Checks the entries against what the scan met; returns how many entries the `.index` has. */
  finish(logSize: number, found: (p: SurveyProblem) => void, notes: string[]): number {
    const { seg, entries, bytes, sink } = this;
    if (bytes === null) {
      if (logSize > 0) notes.push(`${seg.name}: no .index file (readers scan from the start; repair rebuilds it)`);
      return 0;
    }
    const indexName = segmentFileName(seg.base, 'index');
    sink.file?.(indexName, joinPath(seg.dir, indexName), bytes.length);
    const report = (p: IndexProblem, file: string, state: DamageState) =>
      found({ code: p.code, file, offset: p.offset, state, message: p.message });
    const unit = (
      file: string,
      offset: number,
      length: number,
      state: DamageState,
      kind: SegmentSurveyUnit['kind'],
    ) => {
      sink.unit?.({ file, offset, length, state, kind, message: null, error: null });
      sink.range?.(offset, offset + length, state);
    };
    const torn = indexTornTail(bytes.length);
    if (torn) report(torn, indexName, 'torn');
    // Each entry against the last good one, so one bad entry is reported once.
    const bad = new Set<number>();
    let good = -1;
    for (let k = 0; k < entries.length; k++) {
      const hit = this.byPos.get(entries.pos[k] as number)?.find((h) => h.k === k)?.found;
      const p = indexEntryOrderProblem(entries, k, logSize, good) ?? indexedFrameProblem(entries, k, seg.base, hit);
      unit(indexName, k * INDEX_ENTRY_SIZE, INDEX_ENTRY_SIZE, p ? 'undecodable' : 'valid', 'index-entry');
      if (p) {
        bad.add(k);
        report(p, indexName, 'undecodable');
      } else good = k;
    }
    if (torn) unit(indexName, torn.offset, bytes.length - torn.offset, 'torn', 'index-entry');
    this.timeIndex(bad, unit, report);
    let matches = true;
    const expected = this.expected;
    for (let k = 0; k < entries.length && matches; k++) matches = expected[k] === entries.pos[k];
    if (matches && entries.length < expected.length) {
      const n = expected.length - entries.length;
      notes.push(
        `${seg.name}: the .index lacks its last ${n} ${n === 1 ? 'entry' : 'entries'} (not written before a crash, or not flushed; repair rebuilds them)`,
      );
    } else if (!matches) {
      notes.push(`${seg.name}: the .index does not follow the 4 KiB rule of the original writer`);
    }
    return entries.length;
  }

  /** logspec's `.timeindex`: entries as units (a CRC-bad one and all after it are not read). */
  private timeIndex(
    bad: Set<number>,
    unit: (file: string, offset: number, length: number, state: DamageState, kind: SegmentSurveyUnit['kind']) => void,
    report: (p: IndexProblem, file: string, state: DamageState) => void,
  ): void {
    const name = segmentFileName(this.seg.base, TIME_INDEX_SUFFIX);
    const path = joinPath(this.seg.dir, name);
    const bytes = readWhole(this.fs, path);
    if (bytes === null) return;
    this.sink.file?.(name, path, bytes.length);
    const ti = TimeIndex.fromBytes(bytes);
    const tp = timeIndexProblem(bytes, ti, this.entries);
    // A time entry paired with a bad `.index` entry is not itself wrong.
    if (tp && !(tp.code === SegCode.INDEX_TIME_UNPAIRED && bad.has(tp.entry))) report(tp, name, 'undecodable');
    for (let k = 0; k * TIME_INDEX_ENTRY_SIZE < bytes.length; k++) {
      const at = k * TIME_INDEX_ENTRY_SIZE;
      const state = at + TIME_INDEX_ENTRY_SIZE > bytes.length ? 'torn' : k < ti.length ? 'valid' : 'crc';
      unit(name, at, Math.min(TIME_INDEX_ENTRY_SIZE, bytes.length - at), state, 'time-entry');
    }
  }
}

function readWhole(fs: Fs, path: string): Uint8Array | null {
  return fs.exists(path) ? fs.readFile(path) : null;
}
