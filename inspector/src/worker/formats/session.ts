import { type Fs, isLogspecError, joinPath, type LogspecError, readFully } from '@logspec/core';
import {
  crc32cMatches,
  decodeCheckpoint,
  decodeFrameHead,
  decodeIndexRow,
  decodeManifest,
  decodeMigrationEvent,
  describeJsonLine,
  type IndexRow,
  SessCode,
  SessWarning,
} from '@logspec/session-store';
import { listFilesRecursive, SessionStore } from '@logspec/session-store/store';
import type { Chart, DamageState, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  markZeroRuns,
  type ScanContext,
  short,
  timeline,
  tryTyped,
  UnitTable,
} from '../model.js';

/**
 * pi's session store v2 through `@logspec/session-store`: every file of the store, segments
 * and JSON-lines files as one unit per line. Problems are what the store's read-only open
 * finds (its recovery warnings and `integrityReport`), as `logspec verify` lists them.
 */

const FRAME_COLUMNS = ['entry', 'id', 'parent', 'type', 'time', 'payload bytes'];
const INDEX_COLUMNS = ['entry', 'id', 'segment', 'frame', 'bytes', 'crc32c'];
const LINE_COLUMNS = ['line', 'JSON'];
const WHOLE = 1;
const MAX_TREE = 400;

interface Node {
  id: string;
  parent: string | null;
  label: string;
  seq: string;
}

type Role = 'segment' | 'index' | 'manifest' | 'checkpoint' | 'ledger' | 'other';

function roleOf(rel: string): Role {
  if (/^segments\/[^/]+\.seg$/.test(rel)) return 'segment';
  if (rel === 'index/offsets.jsonl') return 'index';
  if (rel === 'manifest.json') return 'manifest';
  if (/^checkpoints\/[^/]+\.json$/.test(rel)) return 'checkpoint';
  if (rel === 'migrations/ledger.jsonl') return 'ledger';
  return 'other';
}

/** Visits each line (`\n` included, or the file's last bytes) of a file, reading it in chunks. */
function forEachLine(fs: Fs, path: string, visit: (b: Uint8Array, s: number, e: number, at: number) => void): void {
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

function stateOfCode(code: string): DamageState {
  if (code === SessCode.CHECKSUM_MISMATCH || code === SessCode.PAYLOAD_MISMATCH) return 'crc';
  if (code === SessWarning.TORN_FRAME || code === SessWarning.UNINDEXED_TAIL || code === SessCode.UNEXPECTED_EOF)
    return 'torn';
  if (code === SessWarning.GARBAGE_TAIL) return 'undecodable';
  return 'undecodable';
}

export function scanSessionInput(ctx: ScanContext): FormatModel {
  const { fs, path: root } = ctx;
  const files: FileModel[] = [];
  const byRel = new Map<string, FileModel>();
  for (const e of listFilesRecursive(fs, root)) {
    const f: FileModel = {
      info: { id: files.length, path: e.path, size: Number(e.size), role: roleOf(e.path) },
      abs: joinPath(root, e.path),
      units: new UnitTable(),
      damage: new DamageMap(),
    };
    const role = f.info.role as Role;
    f.info.columns = role === 'segment' ? FRAME_COLUMNS : role === 'index' ? INDEX_COLUMNS : LINE_COLUMNS;
    files.push(f);
    byRel.set(e.path, f);
  }
  // Index rows: which segment lines they claim, and the CRC each line must have.
  const rows: IndexRow[] = [];
  const index = byRel.get('index/offsets.jsonl');
  if (index) {
    ctx.progress('reading the index');
    forEachLine(fs, index.abs, (b, s, e, at) => {
      const end = b[e - 1] === 0x0a ? e - 1 : e;
      const row = tryTyped<IndexRow | null>(
        () => decodeIndexRow(b, s, end, true),
        () => null,
      );
      const state: DamageState = row ? (end === e ? 'torn' : 'valid') : end === e ? 'torn' : 'undecodable';
      if (row) rows.push(row);
      index.units.push(at, e - s, state);
      index.damage.add(at, at + e - s, state);
    });
  }
  const claimed = new Map<string, IndexRow>();
  for (const r of rows) claimed.set(`${r.segmentSeq}:${r.byteOffset}`, r);
  const nodes: Node[] = [];
  for (const f of files) {
    const role = f.info.role as Role;
    if (role === 'segment') {
      ctx.progress(`scanning ${f.info.path}`);
      const seq = String(BigInt(f.info.path.slice(9).replace(/\.seg$/, '')));
      forEachLine(fs, f.abs, (b, s, e, at) => {
        const nl = b[e - 1] === 0x0a;
        const end = nl ? e - 1 : e;
        const head = tryTyped(
          () => decodeFrameHead(b, s, end, true),
          () => null,
        );
        const row = claimed.get(`${seq}:${at}`);
        let state: DamageState = head ? 'valid' : 'undecodable';
        if (!nl) state = 'torn';
        else if (head && !row) state = 'unreferenced';
        else if (row && !crc32cMatches(b, s, e, row.crc32c)) state = 'crc';
        const ms = head ? Date.parse(head.timestamp) : Number.NaN;
        f.units.push(at, e - s, state, 0, ms);
        f.damage.add(at, at + e - s, state);
        if (head)
          nodes.push({
            id: head.entryId,
            parent: head.parentEntryId ?? null,
            label: head.entryType,
            seq: String(head.entrySeq),
          });
      });
      if (f.units.count > 0) {
        const last = f.units.count - 1;
        if (f.units.stateOf(last) !== 'valid')
          markZeroRuns(fs, f.abs, f.units.offset[last] as number, f.info.size, f.damage);
      }
    } else if (role === 'ledger') {
      forEachLine(fs, f.abs, (b, s, e, at) => {
        const end = b[e - 1] === 0x0a ? e - 1 : e;
        const ok = decodes(() => decodeMigrationEvent(b, s, end, true));
        f.units.push(at, e - s, ok ? 'valid' : 'undecodable');
        f.damage.add(at, at + e - s, ok ? 'valid' : 'undecodable');
      });
    } else if (role !== 'index') {
      const bytes = readAll(fs, f.abs);
      const ok =
        role === 'manifest'
          ? decodes(() => decodeManifest(bytes))
          : role === 'checkpoint'
            ? decodes(() => decodeCheckpoint(bytes))
            : false;
      const state: DamageState = role === 'other' ? 'unreferenced' : ok ? 'valid' : 'undecodable';
      f.units.push(0, bytes.length, state, WHOLE);
      f.damage.add(0, bytes.length, state);
    }
  }
  const problems = storeProblems(fs, root, files, byRel);
  const tree = treeChart(nodes, rows.at(-1)?.entryId);
  const segs = files.filter((f) => f.info.role === 'segment');
  const tl = timeline(segs);
  const charts: Chart[] = [tree];
  if (tl) charts.unshift({ kind: 'timeline', title: 'entries over time', ...tl });
  const types = new Map<string, number>();
  for (const n of nodes) types.set(n.label, (types.get(n.label) ?? 0) + 1);
  charts.push({
    kind: 'bars',
    title: 'entries by type',
    unit: 'entries',
    items: [...types].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })),
  });
  return {
    format: 'session',
    columns: FRAME_COLUMNS,
    files,
    problems,
    summary: {
      facts: [
        ['segments', String(segs.length)],
        ['entries', String(nodes.length)],
        ['index rows', String(rows.length)],
        ['head', rows.at(-1)?.entryId ?? '—'],
        ['time', tl ? `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}` : '—'],
      ],
      charts,
      notes: [],
    },
    cells(f, i, bytes) {
      const end = bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
      const role = f.info.role as Role;
      if (role === 'segment') {
        return tryTyped(
          () => {
            const h = decodeFrameHead(bytes, 0, end, true);
            return [
              String(h.entrySeq),
              short(h.entryId, 24),
              short(h.parentEntryId ?? '—', 24),
              h.entryType,
              h.timestamp,
              String(h.payloadBytes),
            ];
          },
          (e) => ['—', e.code, '', '', '', ''],
        );
      }
      if (role === 'index') {
        return tryTyped(
          () => {
            const r = decodeIndexRow(bytes, 0, end, true);
            return [
              String(r.entrySeq),
              short(r.entryId, 24),
              String(r.segmentSeq),
              String(r.frameSeq),
              `${r.byteOffset} +${r.byteLength}`,
              r.crc32c,
            ];
          },
          (e) => ['—', e.code, '', '', '', ''],
        );
      }
      return [String(i), short(new TextDecoder().decode(bytes.subarray(0, 200)), 120)];
    },
    describe(f, i, bytes) {
      const at = f.units.offset[i] as number;
      if (f.units.kind[i] === WHOLE) {
        return [{ name: f.info.role, role: 'payload', offset: at, length: bytes.length, type: 'JSON document' }];
      }
      return describeJsonLine(bytes, 0, bytes.length, at);
    },
    title(f, i) {
      return f.units.kind[i] === WHOLE ? f.info.path : `line ${i + 1} of ${f.info.path}`;
    },
    repair(view: Fs) {
      const store = SessionStore.open(view, root, { rootLabel: root });
      try {
        const out = store.warnings.map((w) => w.message);
        for (const q of store.quarantined)
          out.push(`set aside ${q.bytes} bytes of ${q.file} from byte ${q.offset} in ${q.to}`);
        return out;
      } finally {
        store.close();
      }
    },
    repairRoot: root,
  };
}

/** Whether `f` decodes without a typed error. */
function decodes(f: () => unknown): boolean {
  return tryTyped(
    () => {
      f();
      return true;
    },
    () => false,
  );
}

function readAll(fs: Fs, path: string): Uint8Array {
  const h = fs.open(path);
  try {
    const b = new Uint8Array(h.size());
    return b.subarray(0, readFully(h, b, 0, b.length, 0));
  } finally {
    h.close();
  }
}

/** What the store's read-only open finds, as `logspec verify` lists it; damage marked in the files. */
function storeProblems(fs: Fs, root: string, files: FileModel[], byRel: Map<string, FileModel>): Problem[] {
  const problems: Problem[] = [];
  const fileOf = (p: unknown): FileModel | undefined => {
    if (typeof p !== 'string') return undefined;
    const rel = p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p;
    return byRel.get(rel) ?? files.find((f) => rel.endsWith(`/${f.info.path}`));
  };
  const add = (code: string, file: FileModel | undefined, offset: number | undefined, message: string) => {
    const state = stateOfCode(code);
    let length = 1;
    if (file && offset !== undefined) {
      const u = file.units.find(offset);
      length =
        u >= 0 ? (file.units.offset[u] as number) + (file.units.length[u] as number) - offset : file.info.size - offset;
      if (u >= 0 && file.units.stateOf(u) === 'valid') {
        file.units.setState(u, state);
        file.damage.add(offset, offset + length, state);
      }
    }
    problems.push({
      code,
      file: file?.info.id ?? 0,
      offset: offset ?? null,
      length: Math.max(1, length),
      state,
      message,
    });
  };
  const fromError = (e: LogspecError, prefix = '') => {
    const file = fileOf(e.details.segment) ?? fileOf(e.details.path);
    add(e.code, file, e.offset, `${prefix}${e.message}`);
  };
  let store: SessionStore;
  try {
    store = SessionStore.openReadOnly(fs, root, { rootLabel: root });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    fromError(e);
    return problems;
  }
  try {
    for (const w of store.warnings) {
      const why = typeof w.details.error === 'string' ? `: ${w.details.error}` : '';
      add(w.code, fileOf(w.file), w.offset, `${w.message}${why}`);
    }
    try {
      for (const p of store.integrityReport())
        add(p.code, fileOf(p.file), p.offset, `validate_integrity: ${p.message}`);
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      fromError(e, 'validate_integrity: ');
    }
    const reads: [string, () => unknown][] = [
      ['manifest', () => store.readManifest()],
      ['migrations/ledger.jsonl', () => store.readMigrationEvents()],
      ...store
        .listCheckpoints()
        .map((seq) => [`checkpoint ${seq}`, () => store.readCheckpoint(seq)] as [string, () => unknown]),
    ];
    for (const [what, run] of reads) {
      try {
        run();
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        fromError(e, `${what}: `);
      }
    }
  } finally {
    store.close();
  }
  return problems;
}

/** The entries' parent tree (the first few hundred) and the active path from the head. */
function treeChart(nodes: Node[], head: string | undefined): Chart {
  const parent = new Map(nodes.map((n) => [n.id, n.parent]));
  const active = new Set<string>();
  for (let id = head ?? null; id !== null && !active.has(id); id = parent.get(id) ?? null) active.add(id);
  const keep = nodes.filter((n, i) => i < MAX_TREE || active.has(n.id));
  return {
    kind: 'tree',
    title: 'branch tree and active path (from the head)',
    nodes: keep.map((n) => ({ ...n, active: active.has(n.id) })),
    truncated: nodes.length - keep.length,
  };
}
