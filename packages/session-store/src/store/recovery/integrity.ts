import { SessCode, SessionError, sessionError } from '../../errors.js';
import { crc32cUpper } from '../../hash.js';
import { decodeFrameHead, payloadMatches } from '../../records/reader.js';
import type { FrameHead, IndexRow } from '../../records/types.js';
import { checkedAddU64, type U64 } from '../../u64.js';
import type { StoreContext } from '../context.js';
import { frameEnd, msg, readIndexFile } from '../disk.js';
import { closeQuietly, readExact } from '../fs-ops.js';

/**
 * `validate_integrity` exactly as the original runs it (`bootstrap.ts` has `bootstrap_from_disk`).
 * These are the slow, literal versions: `scan.ts` checks the same things in one pass and falls back
 * here only when something is wrong, so errors, warnings and side effects stay the original's.
 */

/** Rust's `String` order (UTF-8 bytes = code points), used by the reference's BTreeMap. */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (astral code point) sorts after every BMP code point in UTF-8 order.
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * One problem `validate_integrity` finds. `file` is the display path of the file it is in
 * (the segment, or the index for sequence and index-parse problems), `offset` the byte offset
 * of the line (the segment frame, or the index row) when it has one.
 */
export interface IntegrityProblem {
  code: SessCode;
  /** The original's message for this problem (pi's Display without the category prefix). */
  message: string;
  file: string | undefined;
  offset: number | undefined;
  entrySeq?: U64 | undefined;
  entryId?: string | undefined;
  /** The error as the first-problem `validateIntegrity` would throw it. */
  error: SessionError;
}

/** Receives each problem; `validateIntegrity` throws the first, `integrityReport` collects them all. */
export type ProblemSink = (
  error: unknown,
  where: { file?: string; offset?: number; entrySeq?: U64; entryId?: string },
) => void;

/** Where the first problem was met, for errors whose own fields do not name the file. */
const placeOfThrown = new WeakMap<object, { file?: string; offset?: number }>();

/** The file and offset `validateIntegrity` met an error at (undefined for other errors). */
export function integrityErrorPlace(e: unknown): { file?: string; offset?: number } | undefined {
  return typeof e === 'object' && e !== null ? placeOfThrown.get(e) : undefined;
}

/** A sink that throws the error it is given: the original's stop-at-first behaviour. */
export const throwFirst: ProblemSink = (e, where) => {
  if (typeof e === 'object' && e !== null) placeOfThrown.set(e, where);
  throw e;
};

/**
 * `validate_parent_graph_links` then `validate_parent_graph_acyclic`, iterating ids in
 * byte order (the reference build's BTreeMap; pi's HashMap order is random, so which entry a
 * message names may differ there, never the error kind). With a collecting sink, every entry
 * whose parent is missing and one entry of every cycle are reported.
 */
export function validateParentGraph(
  parentById: Map<string, string | undefined>,
  sink: ProblemSink = throwFirst,
  placeOf: (id: string) => { file?: string; offset?: number; entrySeq?: U64 } = () => ({}),
): void {
  const ids = [...parentById.keys()].sort(compareIds);
  for (const id of ids) {
    const parent = parentById.get(id);
    if (parent !== undefined && !parentById.has(parent)) {
      sink(
        sessionError(
          SessCode.MISSING_PARENT,
          `missing parent entry detected in session store: entry_id=${id} parent_id=${parent}`,
          { details: { entryId: id, parentId: parent } },
        ),
        { ...placeOf(id), entryId: id },
      );
    }
  }
  const VISITING = 1;
  const VISITED = 2;
  const state = new Map<string, number>();
  for (const id of ids) {
    if (state.get(id) === VISITED) continue;
    const stack: [string, boolean][] = [[id, false]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [cur, expanded] = top;
      if (expanded) {
        state.set(cur, VISITED);
        continue;
      }
      const st = state.get(cur);
      if (st === VISITED) continue;
      if (st === VISITING) {
        sink(
          sessionError(SessCode.PARENT_CYCLE, `cyclic parent chain detected in session store at entry_id=${cur}`, {
            details: { entryId: cur },
          }),
          { ...placeOf(cur), entryId: cur },
        );
        continue;
      }
      state.set(cur, VISITING);
      stack.push([cur, true]);
      const parent = parentById.get(cur);
      if (parent !== undefined && parentById.has(parent)) stack.push([parent, false]);
    }
  }
}

/** `validate_integrity()`, reading the index and every indexed frame from disk. */
export function validateIntegrityOriginal(ctx: StoreContext): void {
  checkIntegrity(ctx, throwFirst);
}

/** Every problem `validate_integrity()` would stop at, in the order it meets them (logspec). */
export function integrityProblems(ctx: StoreContext): IntegrityProblem[] {
  const out: IntegrityProblem[] = [];
  checkIntegrity(ctx, (e, where) => {
    if (!(e instanceof SessionError)) throw e;
    out.push({
      code: e.code as SessCode,
      message: e.piMessage,
      file: where.file,
      offset: where.offset,
      ...(where.entrySeq !== undefined ? { entrySeq: where.entrySeq } : {}),
      ...(where.entryId !== undefined ? { entryId: where.entryId } : {}),
      error: e,
    });
  });
  return out;
}

/**
 * The checks of `validate_integrity()` in the original's order. With `throwFirst` this is the
 * original exactly (the same error objects, from the same places); a collecting sink goes
 * on past each problem: a row that cannot be read is skipped, a frame whose CRC differs is
 * still parsed and checked, and an id seen twice keeps its first parent.
 */
function checkIntegrity(ctx: StoreContext, sink: ProblemSink): void {
  const { fs, layout } = ctx;
  const indexFile = layout.display(layout.index);
  const rowOffsets: number[] = [];
  let rows: IndexRow[];
  try {
    rows = readIndexFile(fs, layout, ctx.lineLimit, rowOffsets);
  } catch (e) {
    if (sink === throwFirst || !(e instanceof SessionError)) throw e;
    sink(e, { file: indexFile, offset: e.offset });
    return;
  }
  let last: U64 = 0;
  const bySegment = new Map<U64, IndexRow[]>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as IndexRow;
    if (row.entrySeq <= last) {
      sink(
        sessionError(
          SessCode.SEQ_NOT_INCREASING,
          `entry sequence is not strictly increasing at entry_seq=${row.entrySeq}`,
          {
            details: { entrySeq: row.entrySeq },
          },
        ),
        { file: indexFile, offset: rowOffsets[i], entrySeq: row.entrySeq },
      );
    }
    last = row.entrySeq;
    const list = bySegment.get(row.segmentSeq);
    if (list) list.push(row);
    else bySegment.set(row.segmentSeq, [row]);
  }
  const parentById = new Map<string, string | undefined>();
  const placeById = new Map<string, { file: string; offset: number; entrySeq: U64 }>();
  const segments = [...bySegment.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const seq of segments) {
    const path = layout.segment(seq);
    const file = layout.display(path);
    let h: ReturnType<typeof fs.open>;
    try {
      h = fs.open(path);
    } catch (e) {
      sink(
        sessionError(SessCode.OPEN_SEGMENT, `failed to open segment ${file}: ${(e as Error).message}`, { cause: e }),
        { file },
      );
      continue;
    }
    try {
      const len = h.size();
      for (const row of bySegment.get(seq) as IndexRow[]) {
        const where = { file, offset: Number(row.byteOffset), entrySeq: row.entrySeq };
        const end = checkedAddU64(row.byteOffset, row.byteLength);
        if (end === undefined) {
          sink(sessionError(SessCode.RANGE_OVERFLOW, msg.rangeOverflow()), { file, entrySeq: row.entrySeq });
          continue;
        }
        if (end > len) {
          sink(
            sessionError(SessCode.INDEX_OUT_OF_BOUNDS, msg.outOfBounds(file, end, len), {
              details: { entrySeq: row.entrySeq },
            }),
            where,
          );
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = readExact(h, Number(row.byteLength), Number(row.byteOffset));
        } catch (e) {
          sink(e, where);
          continue;
        }
        const actual = crc32cUpper(bytes);
        if (actual !== row.crc32c) {
          sink(
            sessionError(
              SessCode.CHECKSUM_MISMATCH,
              `checksum mismatch for entry_seq=${row.entrySeq} expected=${row.crc32c} actual=${actual}`,
              { offset: Number(row.byteOffset), details: { entrySeq: row.entrySeq, expected: row.crc32c, actual } },
            ),
            where,
          );
        }
        let head: FrameHead;
        try {
          head = decodeFrameHead(bytes, 0, frameEnd(bytes), true);
        } catch (e) {
          sink(
            e,
            e instanceof SessionError && e.offset !== undefined ? { ...where, offset: where.offset + e.offset } : where,
          );
          continue;
        }
        if (
          head.entrySeq !== row.entrySeq ||
          head.entryId !== row.entryId ||
          head.segmentSeq !== row.segmentSeq ||
          head.frameSeq !== row.frameSeq
        ) {
          sink(
            sessionError(SessCode.INDEX_FRAME_MISMATCH, `index/frame mismatch at entry_seq=${row.entrySeq}`, {
              offset: Number(row.byteOffset),
            }),
            where,
          );
        }
        if (!payloadMatches(head, bytes)) {
          sink(
            sessionError(SessCode.PAYLOAD_MISMATCH, `payload integrity mismatch at entry_seq=${row.entrySeq}`, {
              offset: Number(row.byteOffset),
            }),
            where,
          );
        }
        if (parentById.has(head.entryId)) {
          sink(
            sessionError(SessCode.DUPLICATE_ID, `duplicate entry_id detected in session store: ${head.entryId}`, {
              details: { entryId: head.entryId },
            }),
            { ...where, entryId: head.entryId },
          );
          continue;
        }
        parentById.set(head.entryId, head.parentEntryId);
        placeById.set(head.entryId, where);
      }
    } finally {
      closeQuietly(h);
    }
  }
  validateParentGraph(parentById, sink, (id) => placeById.get(id) ?? {});
}
