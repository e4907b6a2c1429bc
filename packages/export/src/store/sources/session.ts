import { isLogspecError } from '@logspec/core';
import type { IndexRow, SegmentFrame } from '@logspec/session-store';
import { SessionStore } from '@logspec/session-store/store';
import type { BatchBuilder } from '../../batch.js';
import type { BytesColumn, NumberColumn } from '../../columns.js';
import { SESSION_TABLE } from '../../tables/session.js';
import { ExportCode, Selector, type Source, type SourceContext } from '../source.js';
import { nsTime, plainMessage } from './values.js';

/**
 * `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)` → nanoseconds since the epoch; null for other text
 * (the store keeps whatever timestamp text the writer gave).
 */
export function parseRfc3339Ns(s: string): bigint | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, tz] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const check = new Date(ms);
  if (Number.isNaN(ms) || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || Number(sec) > 59) {
    return null;
  }
  let ns = BigInt(ms) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (tz !== undefined && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1n : 1n;
    const off = BigInt(Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000_000_000n;
    ns -= sign * off;
  }
  return ns;
}

/**
 * pi's session store through `@logspec/session-store`: `SessionStore.openReadOnly` runs the
 * recovery a writable open would run against an in-memory view (nothing on disk changes, no
 * lock is taken) and reports each step it would take, which becomes a problem row; then the
 * index rows are read in order, each frame by `readFrame` (CRC-32C checked). The store keeps
 * its index in memory (one row per entry), so a session's export holds that too; entries are
 * read a batch at a time.
 */
export class SessionSource implements Source {
  readonly def = SESSION_TABLE;
  readonly totalBytes: number;
  private readonly store: SessionStore;
  private readonly rows: IndexRow[];
  private next = 0;
  private readonly depth = new Map<string, number>();
  private readonly sel: Selector;
  private readonly root: string;

  constructor(
    path: string,
    private readonly ctx: SourceContext,
  ) {
    this.store = SessionStore.openReadOnly(ctx.fs, path, { rootLabel: path });
    this.root = this.store.layout.root;
    for (const w of this.store.warnings) {
      ctx.problem({
        file: w.file === undefined ? null : this.relative(w.file),
        offset: w.offset ?? null,
        segment: null,
        code: w.code,
        message: `opening would recover: ${w.message}`,
        bytes: null,
      });
    }
    for (const q of this.store.quarantined) {
      ctx.problem({
        file: this.relative(q.file),
        offset: q.offset,
        segment: null,
        code: ExportCode.SET_ASIDE,
        message: `opening would set aside ${q.bytes} bytes from byte ${q.offset}: they are not exported`,
        bytes: q.bytes,
      });
    }
    this.rows = this.store.readIndex();
    let total = 0;
    for (const r of this.rows) total += Number(r.byteLength);
    this.totalBytes = total;
    this.sel = new Selector(ctx.select);
  }

  private relative(p: string): string {
    const label = this.store.layout.label.replace(/\/+$/, '');
    for (const prefix of [`${this.root}/`, `${label}/`]) if (p.startsWith(prefix)) return p.slice(prefix.length);
    return p;
  }

  private done = 0;
  get doneBytes(): number {
    return this.done;
  }

  fill(b: BatchBuilder): boolean {
    const c = Object.fromEntries(this.def.columns.map((x) => [x.name, b.column(x.name)])) as Record<
      string,
      NumberColumn & BytesColumn
    >;
    while (this.next < this.rows.length && !b.full && !this.sel.done) {
      const position = this.next++;
      const row = this.rows[position] as IndexRow;
      this.done += Number(row.byteLength);
      const file = this.relative(this.store.layout.segment(row.segmentSeq));
      let f: SegmentFrame | undefined;
      try {
        f = this.store.readFrame(row);
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        this.ctx.problem({
          file,
          offset: Number(row.byteOffset),
          segment: BigInt(row.segmentSeq),
          code: e.code,
          message: `entry ${row.entrySeq} (${row.entryId}): ${plainMessage(e)}; left out`,
          bytes: Number(row.byteLength),
        });
        continue;
      }
      if (!f) {
        this.ctx.problem({
          file,
          offset: Number(row.byteOffset),
          segment: BigInt(row.segmentSeq),
          code: ExportCode.SEGMENT_MISSING,
          message: `entry ${row.entrySeq} (${row.entryId}): its segment file is missing; left out`,
          bytes: Number(row.byteLength),
        });
        continue;
      }
      const parentDepth = f.parentEntryId === undefined ? -1 : this.depth.get(f.parentEntryId);
      const depth = parentDepth === undefined ? null : parentDepth + 1;
      if (depth !== null && !this.depth.has(f.entryId)) this.depth.set(f.entryId, depth);
      const ns = parseRfc3339Ns(f.timestamp);
      if (this.sel.active && (!this.sel.keyOk(BigInt(f.entrySeq)) || !this.sel.timeOk(ns))) continue;
      c.file?.appendString(file);
      c.file_offset?.appendBigInt(BigInt(row.byteOffset));
      c.segment?.appendBigInt(BigInt(f.segmentSeq));
      c.entry_seq?.appendBigInt(BigInt(f.entrySeq));
      c.frame_seq?.appendBigInt(BigInt(f.frameSeq));
      c.chain_position?.appendInt(position);
      c.entry_id?.appendString(f.entryId);
      if (f.parentEntryId === undefined) c.parent_entry_id?.appendNull();
      else c.parent_entry_id?.appendString(f.parentEntryId);
      if (depth === null) c.depth?.appendNull();
      else c.depth?.append(depth);
      c.entry_type?.appendString(f.entryType);
      c.timestamp?.appendString(f.timestamp);
      nsTime(c.time as NumberColumn, ns);
      c.payload?.appendString(f.payload);
      c.payload_bytes?.appendBigInt(BigInt(f.payloadBytes));
      c.payload_sha256?.appendString(f.payloadSha256);
    }
    return this.next < this.rows.length && !this.sel.done;
  }

  close(): void {
    this.store.close();
  }
}
