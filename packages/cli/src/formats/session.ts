import { basename, dirname } from 'node:path';
import { type Fs, isLogspecError, joinPath, type LogspecError, readFully } from '@logspec/core';
import {
  canonicalFrame,
  decodeFrame,
  decodeIndexRow,
  frameTextEnd,
  type IndexRow,
  jsonLineEnd,
  type SegmentFrame,
} from '@logspec/session-store';
import {
  listFilesRecursive,
  repairSessionStore,
  SessionStore,
  type SessionStoreOptions,
  sessionValidFrameCuts,
  surveySessionStore,
} from '@logspec/session-store/store';
import { bareMessage, CliCode, CliError } from '../errors.js';
import { bytes, kv, short } from '../text.js';
import { healthJson, healthLine, problemListOf } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/**
 * pi's session store v2 (a root with `segments/`, `index/`, `checkpoints/`, `manifest.json`)
 * through `@logspec/session-store`. Opening a store repairs it (that is the original's
 * `create`), so the reading commands open it read-only: the package runs the same recovery
 * in memory, shows the recovered state and lists what a writable open would do, and never
 * writes, locks or copies anything.
 */

interface Opened {
  store: SessionStore;
  warnings: SessionStore['warnings'];
  quarantined: SessionStore['quarantined'];
  files: { path: string; size: number }[];
}

function storeOptions(label: string): SessionStoreOptions {
  return { rootLabel: label };
}

/** Runs `f` on the store at `root` opened read-only (the files there are only read). */
function withReadOnly<T>(root: string, f: (o: Opened | { error: LogspecError }) => T, ctx: Ctx): T {
  let store: SessionStore;
  try {
    store = SessionStore.openReadOnly(ctx.fs, root, storeOptions(root));
  } catch (e) {
    // A file that cannot be read is the command's failure (CORE_IO, naming it), not damage.
    if (!isLogspecError(e) || e.code === 'CORE_IO') throw e;
    return f({ error: e });
  }
  try {
    // The files as the open would leave them (the read-only view), not as they are now.
    const files = listFilesRecursive(store.fs, store.layout.root).map((x) => ({ path: x.path, size: Number(x.size) }));
    return f({ store, warnings: store.warnings, quarantined: store.quarantined, files });
  } finally {
    store.close();
  }
}

function frameText(f: SegmentFrame): string {
  const parts = [
    `#${f.entrySeq}`,
    `seg=${f.segmentSeq}/${f.frameSeq}`,
    `id=${short(f.entryId, 60)}`,
    `parent=${f.parentEntryId === undefined ? '—' : short(f.parentEntryId, 60)}`,
    f.entryType,
    f.timestamp,
    `payload=${short(f.payload, 200)}`,
  ];
  return parts.join(' ');
}

function frameItem(f: SegmentFrame): DumpItem {
  return { key: BigInt(f.entrySeq), json: () => canonicalFrame(f), text: () => frameText(f) };
}

function readWhole(fs: Fs, path: string): Uint8Array | null {
  return fs.exists(path) ? fs.readFile(path) : null;
}

/**
 * Follows a live store without opening it: reads `index/offsets.jsonl` from where it left off
 * and, for each complete new row, the frame it points at (the package's line decoders).
 */
class SessionFollower implements Follower {
  private indexPos = 0;
  private lastSeq = -1n;
  constructor(
    private readonly root: string,
    private readonly ctx: Ctx,
  ) {}

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    const index = readWhole(this.ctx.fs, joinPath(this.root, 'index', 'offsets.jsonl'));
    if (!index) return;
    if (index.length < this.indexPos) {
      // The index was rewritten (a rebuild or a rollback): start over, skipping entries already shown.
      this.indexPos = 0;
    }
    let pos = this.indexPos;
    while (pos < index.length) {
      const nl = index.indexOf(0x0a, pos);
      if (nl < 0) break; // a row still being written
      const end = jsonLineEnd(index, pos, nl);
      let row: IndexRow;
      try {
        row = decodeIndexRow(index, pos, end, true);
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        damage({
          code: e.code,
          file: 'index/offsets.jsonl',
          offset: pos,
          end: nl + 1,
          message: `index row does not decode: ${bareMessage(e)}`,
        });
        pos = nl + 1;
        continue;
      }
      pos = nl + 1;
      if (BigInt(row.entrySeq) <= this.lastSeq) continue;
      const frame = this.readFrame(row);
      if (!frame) break;
      this.lastSeq = BigInt(row.entrySeq);
      emit(frameItem(frame));
    }
    this.indexPos = pos;
  }

  private readFrame(row: IndexRow): SegmentFrame | null {
    const seg = joinPath(this.root, 'segments', `${String(row.segmentSeq).padStart(16, '0')}.seg`);
    const len = Number(row.byteLength);
    const h = this.ctx.fs.open(seg);
    try {
      const b = new Uint8Array(len);
      if (readFully(h, b, 0, len, Number(row.byteOffset)) < len) return null;
      return decodeFrame(b, 0, frameTextEnd(b), true);
    } finally {
      h.close();
    }
  }
}

/** Without --force: refuses (changing nothing) when opening would remove frames that read as valid. */
function refuseValidCuts(fs: Fs, root: string): void {
  const cuts = sessionValidFrameCuts(fs, root);
  if (cuts.length === 0) return;
  const where = cuts
    .slice(0, 3)
    .map((w) => `${w.code}${w.file ? ` in ${w.file}` : ''}${w.offset === undefined ? '' : ` at byte ${w.offset}`}`)
    .join(', ');
  throw new CliError(
    CliCode.CORRUPT_BEFORE_TAIL,
    `the store's recovery would remove frames that read as valid (${where}${cuts.length > 3 ? ', …' : ''}); nothing was changed`,
    "'logspec repair --force' lets the recovery cut them; every cut byte is kept in quarantine/ and the .quarantine directory",
    root,
  );
}

/** What `inspect` prints of an opened store (read while it is open). */
function storeStats(o: Pick<Opened, 'store' | 'files'>) {
  const s = o.store;
  const frames = s.readAllEntries();
  const types = new Map<string, number>();
  let first: string | null = null;
  let last: string | null = null;
  for (const f of frames) {
    types.set(f.entryType, (types.get(f.entryType) ?? 0) + 1);
    if (first === null || f.timestamp < first) first = f.timestamp;
    if (last === null || f.timestamp > last) last = f.timestamp;
  }
  let manifest: string;
  try {
    manifest = s.readManifest() ? 'present' : 'none';
  } catch (e) {
    manifest = `unreadable (${(e as LogspecError).code})`;
  }
  return {
    entries: String(s.entryCount()),
    head: s.head(),
    frames: frames.map((f) => ({ entrySeq: f.entrySeq })),
    first,
    last,
    typeCounts: Object.fromEntries([...types].sort()),
    checkpoints: s.listCheckpoints(),
    size: o.files.reduce((n, f) => n + f.size, 0),
    segs: o.files.filter((f) => f.path.startsWith('segments/') && f.path.endsWith('.seg')).length,
    manifest,
    chainHash: s.chainHash(),
    totalBytes: String(s.totalBytes()),
  };
}

/** The package's survey of the store; `withStore` runs while the read-only store is open. */
function analyze(path: string, ctx: Ctx, withStore?: (o: Pick<Opened, 'store' | 'files'>) => void) {
  const survey = surveySessionStore(ctx.fs, path, {
    opened:
      withStore &&
      ((store, files) => withStore({ store, files: files.map((x) => ({ path: x.path, size: Number(x.size) })) })),
  });
  return { survey, problems: problemListOf(survey), notes: survey.notes };
}

export const session: FormatCli = {
  name: 'session',

  inspect(path, ctx): Summary {
    let st: ReturnType<typeof storeStats> | undefined;
    const { problems, notes } = analyze(path, ctx, (o) => {
      st = storeStats(o);
    });
    const health = healthJson(problems.items, problems.unlisted);
    const healthText = healthLine(problems.items, problems.unlisted);
    if (!st) {
      return {
        ok: false,
        json: { format: 'session', path, opened: false, notes, health },
        lines: kv([
          ['format', 'session (pi session store v2)'],
          ['root', path],
          ['opens', 'no: the store refuses to open'],
          ['health', healthText],
        ]),
      };
    }
    const { head, frames, first, last, typeCounts, checkpoints, size, segs, manifest } = st;
    return {
      ok: problems.total === 0,
      json: {
        format: 'session',
        path,
        opened: true,
        entries: st.entries,
        head: head
          ? { segment_seq: String(head.segmentSeq), entry_seq: String(head.entrySeq), entry_id: head.entryId }
          : null,
        entry_seq: frames.length ? { min: String(frames[0]?.entrySeq), max: String(frames.at(-1)?.entrySeq) } : null,
        timestamps: first === null ? null : { min: first, max: last },
        entry_types: typeCounts,
        segments: segs,
        checkpoints: checkpoints.map(String),
        manifest,
        chain_hash: st.chainHash,
        total_bytes: st.totalBytes,
        size,
        notes,
        health,
      },
      lines: kv([
        ['format', 'session (pi session store v2)'],
        ['root', path],
        [
          'entries',
          `${st.entries}${frames.length ? ` (entry_seq ${frames[0]?.entrySeq} … ${frames.at(-1)?.entrySeq})` : ''}`,
        ],
        ['head', head ? `${head.entryId} (entry ${head.entrySeq}, segment ${head.segmentSeq})` : '—'],
        ['time', first === null ? '—' : `${first} … ${last}`],
        [
          'types',
          Object.entries(typeCounts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || '—',
        ],
        ['segments', String(segs)],
        ['checkpoints', checkpoints.length ? checkpoints.join(', ') : '—'],
        ['manifest', manifest],
        ['chain hash', st.chainHash],
        ['size', bytes(size)],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthText],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    withReadOnly(
      path,
      (o) => {
        if ('error' in o) throw o.error;
        // The entries are those of the recovered state; what the recovery would do is damage.
        for (const w of o.warnings) {
          damage({
            code: w.code,
            file: w.file ?? null,
            offset: w.offset ?? null,
            message: `the store needs recovery: ${w.message}`,
          });
        }
        for (const f of o.store.readAllEntries()) if (visit(frameItem(f)) === false) break;
      },
      ctx,
    );
  },

  verify(path, ctx): VerifyResult {
    const r = analyze(path, ctx);
    return {
      checks: [
        'opening as the original does (index rows, CRC-32C of every line, frame coordinates, payload hashes, chain hash)',
        'recoveries the open would perform (each reported as a problem)',
        'validate_integrity: parent graph (missing parents, cycles), duplicate ids',
        'checkpoints, manifest and migration ledger parse',
      ],
      problems: r.problems.items,
      unlisted: r.problems.unlisted,
      notes: r.notes,
    };
  },

  repairPlan(path): RepairPlan {
    const name = basename(path);
    return {
      base: dirname(path),
      entries: [name],
      run(fs, base, opts) {
        const root = joinPath(base, name);
        if (!opts.force) refuseValidCuts(fs, root);
        return repairSessionStore(fs, root, { rootLabel: path });
      },
    };
  },

  tail(path, ctx) {
    return new SessionFollower(path, ctx);
  },
};
