import { type Fs, joinPath } from '@logspec/core';
import { messageFromJson } from '../codec/canonical.js';
import { SegCode, segError } from '../codec/errors.js';
import { Partition } from './partition.js';
import { Segment } from './segment.js';

/** One operation of a reference recipe (`corpus.json` → `entries[].recipe.ops`). */
export interface RecipeOp {
  op: string;
  [field: string]: unknown;
}

/** The byte mutations of the recipes are applied by the caller (the conformance suite owns them). */
export type MutationFn = (op: RecipeOp) => void;

export const RECIPE_API_OPS = ['segment_new', 'log_manager_new', 'append', 'append_batch', 'flush'] as const;

function u64(v: unknown, what: string): bigint {
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw segError(SegCode.INVALID_VALUE, `recipe: ${what} must be a decimal u64`);
}

/**
 * Replays a recipe in `root` the way the reference generator drove the original: `segment_new`
 * / `log_manager_new` create the object later ops apply to; `append`, `append_batch`, `flush`
 * call it. Files are exactly the original's: no `.timeindex`, no lock file. Before the first
 * byte mutation (and at the end) objects are dropped as Rust drops them: buffered frames reach
 * the file, pending index entries do not. Returns one result per op.
 */
export function runRecipeOps(fs: Fs, root: string, ops: readonly RecipeOp[], mutate: MutationFn): unknown[] {
  let target: Segment | Partition | undefined;
  const opened: (Segment | Partition)[] = [];
  const dropAll = () => {
    for (const o of opened) dropLikeOriginal(o);
    opened.length = 0;
    target = undefined;
  };
  const results: unknown[] = [];
  try {
    for (const op of ops) {
      switch (op.op) {
        case 'segment_new': {
          const dir = joinPath(root, String(op.dir));
          fs.mkdir(dir, { recursive: true });
          // `Segment::new` recovers nothing: it takes the log's size and the last `.index` entry
          // as they are (SEG-W-005); logspec's recovery (SEG-S-003) is not part of a recipe.
          target = Segment.open(fs, dir, u64(op.base_offset, 'base_offset'), { timeIndex: false, recover: false });
          opened.push(target);
          results.push(null);
          break;
        }
        case 'log_manager_new': {
          target = Partition.open(fs, joinPath(root, String(op.dir)), {
            maxSegmentBytes: Number(u64(op.max_segment_size, 'max_segment_size')),
            timeIndex: false,
            lock: false,
          });
          opened.push(target);
          results.push(null);
          break;
        }
        case 'append': {
          const t = need(target, op.op);
          const offset = u64(op.offset, 'offset');
          const message = messageFromJson(op.message);
          const position = t instanceof Segment ? t.append(offset, message) : t.appendAt(offset, message);
          results.push({ position: String(position) });
          break;
        }
        case 'append_batch': {
          const t = need(target, op.op);
          if (!Array.isArray(op.messages)) throw segError(SegCode.INVALID_VALUE, 'recipe: append_batch needs messages');
          const items = op.messages.map((m) => {
            const message = messageFromJson(m);
            return { offset: message.offset, message };
          });
          const positions = t instanceof Segment ? t.appendBatch(items) : t.appendBatchAt(items);
          results.push({ positions: positions.map(String) });
          break;
        }
        case 'flush':
          need(target, op.op).flush();
          results.push(null);
          break;
        default:
          dropAll();
          mutate(op);
          results.push(null);
      }
    }
  } finally {
    dropAll();
  }
  return results;
}

function need(t: Segment | Partition | undefined, op: string): Segment | Partition {
  if (!t) throw segError(SegCode.INVALID_VALUE, `recipe: ${op} before segment_new/log_manager_new`);
  return t;
}

/** Rust's drop: `BufWriter` flushes its buffer (no fsync); pending index entries are lost. */
function dropLikeOriginal(o: Segment | Partition): void {
  if (o instanceof Segment) o.dropLikeOriginal();
  else o.dropLikeOriginal();
}
