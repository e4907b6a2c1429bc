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
import { listFilesRecursive, SessionStore, type SessionStoreOptions } from '@logspec/session-store/store';
import { bareMessage, CliCode, CliError } from '../errors.js';
import { bytes, kv, short } from '../text.js';
import { healthJson, healthLine } from './common.js';
import type {
  Ctx,
  DamageSink,
  DumpItem,
  Follower,
  FormatCli,
  Problem,
  RepairPlan,
  Summary,
  VerifyResult,
} from './types.js';

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

function errorProblem(e: LogspecError): Problem {
  const file =
    typeof e.details.segment === 'string'
      ? e.details.segment
      : typeof e.details.path === 'string'
        ? e.details.path
        : null;
  return { code: e.code, file, offset: e.offset ?? null, message: bareMessage(e) };
}

function problemsOf(o: Opened | { error: LogspecError }, root: string): { problems: Problem[]; notes: string[] } {
  if ('error' in o) return { problems: [errorProblem(o.error)], notes: [] };
  const problems: Problem[] = [];
  for (const w of o.warnings) {
    const d = w.details;
    const why = typeof d.error === 'string' ? `: ${d.error}` : '';
    problems.push({ code: w.code, file: w.file ?? null, offset: w.offset ?? null, message: `${w.message}${why}` });
  }
  const notes = o.quarantined.map((q) => `opening would set aside ${q.bytes} bytes of ${q.file} from byte ${q.offset}`);
  try {
    // Every problem validate_integrity would find, not only the first.
    for (const p of o.store.integrityReport()) {
      problems.push({
        code: p.code,
        file: p.file ?? null,
        offset: p.offset ?? null,
        message: `validate_integrity: ${bareMessage(p.error)}`,
      });
    }
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    const p = errorProblem(e);
    p.message = `validate_integrity: ${p.message}`;
    problems.push(p);
  }
  const sub: [string, () => unknown][] = [
    ['manifest', () => o.store.readManifest()],
    ['migrations/ledger.jsonl', () => o.store.readMigrationEvents()],
    ...o.store
      .listCheckpoints()
      .map((seq) => [`checkpoint ${seq}`, () => o.store.readCheckpoint(seq)] as [string, () => unknown]),
  ];
  for (const [what, run] of sub) {
    try {
      run();
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      const p = errorProblem(e);
      p.message = `${what}: ${p.message}`;
      problems.push(p);
    }
  }
  const prefix = `${root.replace(/\/+$/, '')}/`;
  for (const p of problems) if (p.file?.startsWith(prefix)) p.file = p.file.slice(prefix.length);
  return { problems, notes };
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
  if (!fs.exists(path)) return null;
  const h = fs.open(path);
  try {
    const b = new Uint8Array(h.size());
    return b.subarray(0, readFully(h, b, 0, b.length, 0));
  } finally {
    h.close();
  }
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

/**
 * Recovery steps that remove frames that read as valid: cutting a segment at a frame that
 * parses but sits in the wrong place (the frames after it go too), and setting aside whole
 * later segments. Cutting an unindexed tail (an append the index never committed), a torn or
 * garbage last line, or rebuilding the index removes no record the store's reader returns.
 */
const CUTS_VALID = new Set(['SESS_W_COORDINATE_MISMATCH', 'SESS_W_SEQ_NOT_INCREASING', 'SESS_W_SEGMENT_QUARANTINED']);

/** Without --force: refuses (changing nothing) when opening would remove frames that read as valid. */
function refuseValidCuts(fs: Fs, root: string): void {
  const probe = SessionStore.openReadOnly(fs, root, storeOptions(root));
  try {
    const cuts = probe.warnings.filter((w) => CUTS_VALID.has(w.code));
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
  } finally {
    probe.close();
  }
}

export const session: FormatCli = {
  name: 'session',

  inspect(path, ctx): Summary {
    return withReadOnly(
      path,
      (o) => {
        const { problems, notes } = problemsOf(o, path);
        if ('error' in o) {
          return {
            ok: false,
            json: { format: 'session', path, opened: false, notes, health: healthJson(problems) },
            lines: kv([
              ['format', 'session (pi session store v2)'],
              ['root', path],
              ['opens', 'no: the store refuses to open'],
              ['health', healthLine(problems)],
            ]),
          };
        }
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
        const head = s.head();
        const checkpoints = s.listCheckpoints();
        const size = o.files.reduce((n, f) => n + f.size, 0);
        const segs = o.files.filter((f) => f.path.startsWith('segments/') && f.path.endsWith('.seg')).length;
        let manifest: string;
        try {
          manifest = s.readManifest() ? 'present' : 'none';
        } catch (e) {
          manifest = `unreadable (${(e as LogspecError).code})`;
        }
        const typeCounts = Object.fromEntries([...types].sort());
        return {
          ok: problems.length === 0,
          json: {
            format: 'session',
            path,
            opened: true,
            entries: String(s.entryCount()),
            head: head
              ? { segment_seq: String(head.segmentSeq), entry_seq: String(head.entrySeq), entry_id: head.entryId }
              : null,
            entry_seq: frames.length
              ? { min: String(frames[0]?.entrySeq), max: String(frames.at(-1)?.entrySeq) }
              : null,
            timestamps: first === null ? null : { min: first, max: last },
            entry_types: typeCounts,
            segments: segs,
            checkpoints: checkpoints.map(String),
            manifest,
            chain_hash: s.chainHash(),
            total_bytes: String(s.totalBytes()),
            size,
            notes,
            health: healthJson(problems),
          },
          lines: kv([
            ['format', 'session (pi session store v2)'],
            ['root', path],
            [
              'entries',
              `${s.entryCount()}${frames.length ? ` (entry_seq ${frames[0]?.entrySeq} … ${frames.at(-1)?.entrySeq})` : ''}`,
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
            ['chain hash', s.chainHash()],
            ['size', bytes(size)],
            ...notes.map((n) => ['note', n] as const),
            ['health', healthLine(problems)],
          ]),
        };
      },
      ctx,
    );
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
    const r = withReadOnly(path, (o) => problemsOf(o, path), ctx);
    return {
      checks: [
        'opening as the original does (index rows, CRC-32C of every line, frame coordinates, payload hashes, chain hash)',
        'recoveries the open would perform (each reported as a problem)',
        'validate_integrity: parent graph (missing parents, cycles), duplicate ids',
        'checkpoints, manifest and migration ledger parse',
      ],
      problems: r.problems,
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
        const store = SessionStore.open(fs, root, { rootLabel: path });
        try {
          const out = store.warnings.map((w) => w.message);
          for (const q of store.quarantined)
            out.push(`set aside ${q.bytes} bytes of ${q.file} from byte ${q.offset} in ${q.to}`);
          return out;
        } finally {
          store.close();
        }
      },
    };
  },

  tail(path, ctx) {
    return new SessionFollower(path, ctx);
  },
};
