import { checksumsReady, type FieldSpan, type Fs, fieldPathAt, flattenFields, planRepair } from '@logspec/core';
import { detectFormat, placeLooseFiles } from '@logspec/detect';
import type {
  ByteWindow,
  DamageRange,
  FromWorker,
  Problem,
  RepairedFile,
  RepairPlanView,
  Row,
  UnitFields,
} from '../shared/protocol.js';
import { BlobFs, type ByteSource } from './blob-fs.js';
import { scanHotInput } from './formats/hot.js';
import { scanRingInput } from './formats/ring.js';
import { scanSegmentInput } from './formats/segment.js';
import { scanSessionInput } from './formats/session.js';
import { scanWalInput } from './formats/wal.js';
import { type FormatModel, readRange, type ScanContext } from './model.js';

/**
 * One opened input: the dropped files mounted under `/in`, the detected format, its model.
 * Answers the page's questions (rows, fields, bytes, where a byte belongs, repair plans).
 */

/** Units larger than this are described from their first bytes only (the fields past it are cut). */
const DESCRIBE_LIMIT = 16 << 20;
const ROOT = '/in';

const SCANNERS: Record<string, (ctx: ScanContext) => FormatModel> = {
  wal: scanWalInput,
  ring: scanRingInput,
  segment: scanSegmentInput,
  hotlog: scanHotInput,
  // Detection calls a hot log whose first frame is not an event archive `hotframe`.
  hotframe: (ctx) => scanHotInput({ ...ctx, view: ctx.view ?? 'hotframe' }),
  session: scanSessionInput,
};

export interface Dropped {
  /** Path relative to the drop (a folder's files keep their folder: `store/segments/1.seg`). */
  path: string;
  source: ByteSource;
}

/**
 * Where the dropped files go under `/in`: files dropped without a folder are placed by
 * `placeLooseFiles` (a session's loose files into its layout), files of folders keep theirs.
 */
export function mount(dropped: readonly Dropped[]): { fs: BlobFs; paths: string[] } {
  const loose = dropped.filter((d) => !d.path.includes('/'));
  const placed = placeLooseFiles(loose.map((d) => d.path));
  const where = new Map(loose.map((d, i) => [d, placed[i] as string]));
  const paths = dropped.map((d) => `${ROOT}/${where.get(d) ?? d.path}`.replace(/\/+/g, '/'));
  return { fs: new BlobFs(dropped.map((d, i) => ({ path: paths[i] as string, source: d.source }))), paths };
}

/** What to detect: the one file or folder dropped (or placed: `hot/`), or the drop itself (several). */
function target(fs: BlobFs): string {
  const top = fs.readdir(ROOT);
  return top.length === 1 ? `${ROOT}/${top[0]}` : ROOT;
}

export class OpenedInput {
  readonly model: FormatModel;
  readonly reason: string;
  readonly views: string[];

  private readonly described = new Map<string, FieldSpan[]>();
  private readonly finished = new Map<number, DamageRange[]>();

  private constructor(
    readonly fs: BlobFs,
    model: FormatModel,
    reason: string,
    views: string[],
    /** Absolute paths of the dropped files, in the order the page sent them. */
    readonly dropOrder: readonly string[],
    private readonly viewName: string | undefined,
  ) {
    this.model = model;
    this.reason = reason;
    this.views = views;
  }

  /** Detects and scans; posts `detected` as soon as the format is known. */
  static async open(
    dropped: readonly Dropped[],
    post: (m: FromWorker) => void,
    progress: (phase: string, fs: BlobFs) => void,
    view?: string,
  ): Promise<OpenedInput> {
    await checksumsReady();
    const { fs, paths } = mount(dropped);
    const d = detectFormat(fs, target(fs));
    if (!d.ok) throw new Error(`cannot tell the format: ${d.why}`);
    // A hot log is one scanner with two views: events, or opaque frames when payloads are not archives.
    const hot = d.format === 'hotlog' || d.format === 'hotframe';
    const scan = SCANNERS[hot ? 'hotlog' : d.format];
    if (!scan) throw new Error(`no inspector for ${d.format}`);
    const first = view ?? (d.format === 'hotframe' ? 'hotframe' : undefined);
    const model = scan({ fs, path: d.path, progress: (phase) => progress(phase, fs), view: first });
    const views = hot ? ['hotlog', 'hotframe'] : [d.format];
    post({
      type: 'detected',
      format: model.format,
      reason: d.reason,
      files: model.files.map((f) => f.info),
      columns: model.columns,
      views,
    });
    return new OpenedInput(fs, model, d.reason, views, paths, first);
  }

  private file(id: number) {
    const f = this.model.files[id];
    if (!f) throw new Error(`no file ${id}`);
    return f;
  }

  private unitBytes(id: number, i: number, limit: number): Uint8Array {
    const f = this.file(id);
    return readRange(this.fs, f.abs, f.units.offset[i] as number, Math.min(f.units.length[i] as number, limit));
  }

  rows(id: number, from: number, count: number): Row[] {
    const f = this.file(id);
    const out: Row[] = [];
    for (let i = from; i < Math.min(f.units.count, from + count); i++) {
      const bytes = this.unitBytes(id, i, 1 << 20);
      out.push({
        index: i,
        offset: f.units.offset[i] as number,
        length: f.units.length[i] as number,
        state: f.units.stateOf(i),
        cells: this.model.cells(f, i, bytes),
      });
    }
    return out;
  }

  /** The fields of a unit (the last few hundred are kept: the hex view asks again as it scrolls). */
  private fields(id: number, i: number): FieldSpan[] {
    const key = `${id}:${i}`;
    let f = this.described.get(key);
    if (!f) {
      const file = this.file(id);
      f = this.model.describe(file, i, this.unitBytes(id, i, DESCRIBE_LIMIT));
      if (this.described.size >= 512) this.described.delete(this.described.keys().next().value as string);
      this.described.set(key, f);
    }
    return f;
  }

  unit(id: number, i: number): UnitFields {
    const f = this.file(id);
    if (i < 0 || i >= f.units.count) throw new Error(`no unit ${i} in file ${id}`);
    return {
      index: i,
      offset: f.units.offset[i] as number,
      length: f.units.length[i] as number,
      state: f.units.stateOf(i),
      title: this.model.title(f, i),
      fields: this.fields(id, i),
    };
  }

  /** A file's damage map (computed once). */
  damage(id: number): DamageRange[] {
    let d = this.finished.get(id);
    if (!d) {
      const f = this.file(id);
      d = f.damage.finish(f.info.size);
      this.finished.set(id, d);
    }
    return d;
  }

  bytes(id: number, from: number, to: number): ByteWindow {
    const f = this.file(id);
    const data = readRange(this.fs, f.abs, from, Math.min(to - from, 1 << 16));
    const units = f.units.overlapping(from, from + data.length, 64).map((i) => {
      const fields = this.fields(id, i);
      return {
        index: i,
        offset: f.units.offset[i] as number,
        length: f.units.length[i] as number,
        state: f.units.stateOf(i),
        leaves: leaves(fields).filter((l) => l.offset < from + data.length && l.offset + l.length > from),
      };
    });
    const end = from + data.length;
    return { from, data, units, damage: this.damage(id).filter((d) => d.to > from && d.from < end) };
  }

  /** The unit holding byte `offset` of a file, and the path of fields down to that byte. */
  locate(id: number, offset: number): { unit: number; path: string[] } {
    const f = this.file(id);
    const i = f.units.find(offset);
    if (i < 0) return { unit: -1, path: [] };
    return { unit: i, path: fieldPathAt(this.fields(id, i), offset).map((s) => s.name) };
  }

  /**
   * The repair plan: the package's recovery (`logspec repair`'s rules) run on a copy-on-write
   * view, the changes it makes, and the problems a scan of the result still finds.
   */
  plan(force: boolean): { view: RepairPlanView; repaired: () => RepairedFile[]; files: Fs } {
    const m = this.model;
    const p = planRepair(this.fs, m.repairRoot, (view) => m.repair(view, force));
    let remaining: Problem[] = [];
    if (p.error === null && p.changes.length > 0) {
      const d = detectFormat(p.view, target(this.fs));
      const scan = d.ok ? SCANNERS[d.format === 'hotframe' ? 'hotlog' : d.format] : undefined;
      if (d.ok && scan)
        remaining = scan({ fs: p.view, path: d.path, progress: () => {}, view: this.viewName }).problems;
    } else remaining = m.problems;
    const view: RepairPlanView = {
      format: m.format,
      force,
      notes: p.notes,
      changes: p.changes.map((c) => ({ ...c })),
      error: p.error,
      remaining,
    };
    const repaired = () => {
      const sources = new Map<string, number>();
      const out: RepairedFile[] = [];
      for (const c of p.changes) {
        if (c.kind === 'removed' || c.kind === 'renamed') continue;
        const abs = `${m.repairRoot}/${c.file}`.replace(/\/+/g, '/');
        const parts = p.view.contentParts(abs).map((part) => {
          if ('bytes' in part) return { bytes: part.bytes };
          let s = sources.get(part.source);
          if (s === undefined) {
            s = this.sourceIndex(part.source);
            sources.set(part.source, s);
          }
          return { source: s, start: part.start, end: part.end };
        });
        out.push({ path: this.relative(abs), parts });
      }
      return out;
    };
    return { view, repaired, files: p.view };
  }

  /** Index of the dropped file behind an absolute path (the page holds the blobs in that order). */
  sourceIndex(abs: string): number {
    return this.dropOrder.indexOf(abs);
  }

  relative(abs: string): string {
    return abs.startsWith(`${ROOT}/`) ? abs.slice(ROOT.length + 1) : abs;
  }
}

function leaves(spans: readonly FieldSpan[]): FieldSpan[] {
  return flattenFields(spans).filter((s) => !s.children || s.children.length === 0);
}
