import {
  type DamageState,
  type Fs,
  forEachZeroRun,
  isLogspecError,
  joinPath,
  readFully,
  type SurveySink,
} from '@logspec/core';
import { crc32cMatches } from '../hash.js';
import {
  decodeCheckpoint,
  decodeFrameHead,
  decodeIndexRow,
  decodeManifest,
  decodeMigrationEvent,
} from '../records/reader.js';
import type { FrameHead, IndexRow } from '../records/types.js';
import { listFilesRecursive } from './fs-ops.js';

/**
 * The unit half of a session store's survey: every file of the store, segments and JSON-lines
 * files as one unit per line, the others as one unit each, with the state of their bytes — a
 * segment line is CRC-bad when its index row's CRC-32C does not match, unreferenced when no
 * row claims it, torn without its newline. Files are read in chunks; a line longer than the
 * chunk grows the buffer, bounded by the file.
 */

/** What a file is to the store. */
export type SessionFileRole = 'segment' | 'index' | 'manifest' | 'checkpoint' | 'ledger' | 'other';

export interface SessionLineUnit {
  /** The file's path relative to the store's root. */
  file: string;
  offset: number;
  length: number;
  state: DamageState;
  /** `line` of a JSON-lines file or segment; `whole` for a JSON document or another file. */
  kind: 'line' | 'whole';
  role: SessionFileRole;
  /** A segment line's frame head, when it decodes. */
  head: FrameHead | null;
  /** An index line's row, when it decodes. */
  row: IndexRow | null;
}

export function sessionFileRole(rel: string): SessionFileRole {
  if (/^segments\/[^/]+\.seg$/.test(rel)) return 'segment';
  if (rel === 'index/offsets.jsonl') return 'index';
  if (rel === 'manifest.json') return 'manifest';
  if (/^checkpoints\/[^/]+\.json$/.test(rel)) return 'checkpoint';
  if (rel === 'migrations/ledger.jsonl') return 'ledger';
  return 'other';
}

/** Visits each line (`\n` included, or the file's last bytes) of a file, reading it in chunks. */
export function forEachLine(
  fs: Fs,
  path: string,
  visit: (b: Uint8Array, s: number, e: number, at: number) => void,
): void {
  const h = fs.open(path);
  try {
    const size = h.size();
    let buf = new Uint8Array(Math.min(size, 4 << 20));
    let bufAt = 0;
    let filled = 0;
    let start = 0;
    while (bufAt + filled < size || start < filled) {
      if (bufAt + filled < size) {
        if (filled === buf.length) {
          // A line longer than the buffer: keep its bytes and grow (bounded by the file).
          const keep = filled - start;
          const next = new Uint8Array(Math.min(size - bufAt - start, Math.max(buf.length * 2, keep + 1)));
          next.set(buf.subarray(start, filled));
          buf = next;
          bufAt += start;
          filled = keep;
          start = 0;
        }
        filled += readFully(h, buf, filled, Math.min(buf.length - filled, size - bufAt - filled), bufAt + filled);
      }
      const eof = bufAt + filled >= size;
      let i = buf.indexOf(0x0a, start);
      while (i >= 0 && i < filled) {
        visit(buf, start, i + 1, bufAt + start);
        start = i + 1;
        i = buf.indexOf(0x0a, start);
      }
      if (eof) {
        if (start < filled) visit(buf, start, filled, bufAt + start);
        return;
      }
      buf.copyWithin(0, start, filled);
      bufAt += start;
      filled -= start;
      start = 0;
    }
  } finally {
    h.close();
  }
}

/** Runs `f`; a typed error makes it `null`. */
function orNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return null;
  }
}

/** Every file's units, file by file in the store's listing order. */
export function surveyLines(fs: Fs, root: string, sink: SurveySink<SessionLineUnit>): void {
  const files = listFilesRecursive(fs, root).map((e) => ({
    rel: e.path,
    abs: joinPath(root, e.path),
    size: Number(e.size),
  }));
  const u: SessionLineUnit = {
    file: '',
    offset: 0,
    length: 0,
    state: 'valid',
    kind: 'line',
    role: 'other',
    head: null,
    row: null,
  };
  const emit = (offset: number, length: number, state: DamageState) => {
    u.offset = offset;
    u.length = length;
    u.state = state;
    sink.unit?.(u);
    sink.range?.(offset, offset + length, state);
  };
  // Index rows first: which segment lines they claim, and the CRC each line must have.
  const rows: IndexRow[] = [];
  const indexUnits: { at: number; len: number; state: DamageState; row: IndexRow | null }[] = [];
  const index = files.find((f) => sessionFileRole(f.rel) === 'index');
  if (index) {
    forEachLine(fs, index.abs, (b, s, e, at) => {
      const end = b[e - 1] === 0x0a ? e - 1 : e;
      const row = orNull(() => decodeIndexRow(b, s, end, true));
      const state: DamageState = end === e ? 'torn' : row ? 'valid' : 'undecodable';
      if (row) rows.push(row);
      indexUnits.push({ at, len: e - s, state, row });
    });
  }
  const claimed = new Map<string, IndexRow>();
  for (const r of rows) claimed.set(`${r.segmentSeq}:${r.byteOffset}`, r);
  for (const f of files) {
    const role = sessionFileRole(f.rel);
    sink.file?.(f.rel, f.abs, f.size);
    Object.assign(u, { file: f.rel, role, kind: 'line', head: null, row: null });
    if (role === 'index') {
      for (const x of indexUnits) {
        u.row = x.row;
        emit(x.at, x.len, x.state);
      }
    } else if (role === 'segment') {
      const seq = String(BigInt(f.rel.slice(9).replace(/\.seg$/, '')));
      let last: { at: number; state: DamageState } | null = null;
      forEachLine(fs, f.abs, (b, s, e, at) => {
        const nl = b[e - 1] === 0x0a;
        const head = orNull(() => decodeFrameHead(b, s, nl ? e - 1 : e, true));
        const row = claimed.get(`${seq}:${at}`);
        let state: DamageState = head ? 'valid' : 'undecodable';
        if (!nl) state = 'torn';
        else if (head && !row) state = 'unreferenced';
        else if (row && !crc32cMatches(b, s, e, row.crc32c)) state = 'crc';
        u.head = head;
        emit(at, e - s, state);
        last = { at, state };
      });
      const end = last as { at: number; state: DamageState } | null;
      if (sink.range && end && end.state !== 'valid') {
        forEachZeroRun(fs, f.abs, end.at, f.size, (a, z) => sink.range?.(a, z, 'zero'));
      }
    } else if (role === 'ledger') {
      forEachLine(fs, f.abs, (b, s, e, at) => {
        const end = b[e - 1] === 0x0a ? e - 1 : e;
        emit(at, e - s, orNull(() => decodeMigrationEvent(b, s, end, true)) ? 'valid' : 'undecodable');
      });
    } else {
      u.kind = 'whole';
      const bytes = fs.readFile(f.abs);
      const ok =
        role === 'manifest'
          ? orNull(() => decodeManifest(bytes)) !== null
          : role === 'checkpoint'
            ? orNull(() => decodeCheckpoint(bytes)) !== null
            : false;
      emit(0, bytes.length, role === 'other' ? 'unreferenced' : ok ? 'valid' : 'undecodable');
    }
  }
}
