import { type Fs, LogspecError, type SurveyProblem } from '@logspec/core';
import { decodeFrameHead, decodeIndexRow, describeJsonLine, type IndexRow } from '@logspec/session-store';
import {
  repairSessionStore,
  sessionFileRole,
  sessionValidFrameCuts,
  surveySessionStore,
} from '@logspec/session-store/store';
import type { Chart, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  pageProblem,
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

export function scanSessionInput(ctx: ScanContext): FormatModel {
  const { fs, path: root } = ctx;
  const files: FileModel[] = [];
  const byRel = new Map<string, FileModel>();
  const nodes: Node[] = [];
  const rows: IndexRow[] = [];
  let current: FileModel | undefined;
  const survey = surveySessionStore(fs, root, {
    file(rel, abs, size) {
      const role = sessionFileRole(rel);
      const columns = role === 'segment' ? FRAME_COLUMNS : role === 'index' ? INDEX_COLUMNS : LINE_COLUMNS;
      current = {
        info: { id: files.length, path: rel, size, role, columns },
        abs,
        units: new UnitTable(),
        damage: new DamageMap(),
      };
      files.push(current);
      byRel.set(rel, current);
      if (role === 'segment') ctx.progress(`scanning ${rel}`);
    },
    unit(u) {
      const time = u.head ? Date.parse(u.head.timestamp) : Number.NaN;
      (current as FileModel).units.push(u.offset, u.length, u.state, u.kind === 'whole' ? WHOLE : 0, time);
      if (u.row) rows.push(u.row);
      if (u.head) {
        nodes.push({
          id: u.head.entryId,
          parent: u.head.parentEntryId ?? null,
          label: u.head.entryType,
          seq: String(u.head.entrySeq),
        });
      }
    },
    range: (from, to, state) => current?.damage.add(from, to, state),
  });
  const problems = survey.problems.map((p) => markProblem(p, files, byRel));
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
      const role = f.info.role;
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
    repair(view: Fs, force: boolean) {
      // `logspec repair`'s rule: without force, nothing that reads as valid is removed.
      const cuts = force ? [] : sessionValidFrameCuts(view, root);
      if (cuts.length > 0) {
        throw new LogspecError(
          'session',
          'CLI_CORRUPT_BEFORE_TAIL',
          `the store's recovery would remove frames that read as valid (${cuts[0]?.code}${cuts.length > 1 ? ', …' : ''}); nothing was changed`,
          { offset: cuts[0]?.offset },
        );
      }
      return repairSessionStore(view, root);
    },
    repairRoot: root,
  };
}

/**
 * A survey's problem as the page shows it: in the file it names (a path under the root, or a
 * file whose path ends with it), covering the unit at its offset — which is marked in the
 * problem's state when it looked valid.
 */
function markProblem(p: SurveyProblem, files: FileModel[], byRel: Map<string, FileModel>): Problem {
  const rel = p.file;
  const file = rel === null ? undefined : (byRel.get(rel) ?? files.find((f) => rel.endsWith(`/${f.info.path}`)));
  let length = 1;
  const offset = p.offset ?? undefined;
  if (file && offset !== undefined) {
    const u = file.units.find(offset);
    length =
      u >= 0 ? (file.units.offset[u] as number) + (file.units.length[u] as number) - offset : file.info.size - offset;
    if (u >= 0 && file.units.stateOf(u) === 'valid') {
      file.units.setState(u, p.state);
      file.damage.add(offset, offset + length, p.state);
    }
  }
  return { ...pageProblem(p, file?.info.id ?? 0), length: Math.max(1, length) };
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
