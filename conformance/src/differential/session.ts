/**
 * Session store recipes (spec/session.md): entries in chains and branches (parents pi's append
 * does not check, so missing ones and cycles too), payloads of every JSON shape, checkpoints, a
 * manifest, rollbacks; and a segment limit refined to the exact length of the lines written so
 * far, ± 1 — rotation's edge (SESS-W-008).
 */
import fc from 'fast-check';
import type { Op } from '../protocol/types.js';
import type { DifferentialProfile, Measure, Recipe, RecipeSize } from './profile.js';
import { text } from './values.js';

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    // Payload text is serde_json's compact form (REFERENCE-README), which spells exponents
    // differently from JSON.stringify (1e21 vs 1e+21): numbers stay where the two agree.
    fc.constantFrom(0, -1, 2 ** 53, 1.5, -0.25, 123.456),
    text(30),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text(8), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const payload = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('message'),
      message: fc.record({
        role: fc.constantFrom('user', 'assistant'),
        content: fc.array(fc.record({ type: fc.constant('text'), text: text(60) }), { maxLength: 3 }),
      }),
    }),
  },
  { weight: 1, arbitrary: json },
);

type Step =
  | {
      t: 'entry';
      parent: 'previous' | 'none' | 'earlier' | 'missing' | 'self';
      pick: number;
      type: string;
      payload: unknown;
    }
  | { t: 'checkpoint'; reason: string }
  | { t: 'manifest' }
  | { t: 'rollback'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('entry' as const),
      parent: fc.oneof(
        { weight: 8, arbitrary: fc.constant('previous' as const) },
        { weight: 2, arbitrary: fc.constantFrom('none' as const, 'earlier' as const) },
        { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'self' as const) },
      ),
      pick: fc.nat(),
      type: fc.constantFrom('message', 'model_change', 'custom', 'compaction'),
      payload,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('checkpoint' as const), reason: text(10) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'manifest' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rollback' as const), pick: fc.nat() }) },
);

const ROOT = 's';

function recipes({ thorough }: RecipeSize): fc.Arbitrary<Recipe> {
  return fc
    .record({
      steps: fc.array(step, { minLength: 1, maxLength: thorough ? 40 : 10 }),
      max: fc.oneof(fc.constantFrom(1, 64, 4096), fc.integer({ min: 1, max: 8192 })),
      // Whole seconds and zero milliseconds are where a timestamp writer drops digits it must keep.
      fixedTime: fc.constantFrom(
        undefined,
        '2026-04-15T12:34:56.000Z',
        '2000-01-01T00:00:00.000Z',
        '2026-04-15T12:34:56.001Z',
        '2026-12-31T23:59:59.999Z',
      ),
    })
    .map(({ steps, max, fixedTime }) => {
      const ops: Op[] = [{ op: 'create', root: ROOT, max_segment_bytes: String(max) }];
      const ids: string[] = [];
      let checkpoints = 0;
      for (const s of steps) {
        if (s.t === 'entry') {
          const id = `e${ids.length + 1}`;
          const parent =
            s.parent === 'previous'
              ? (ids[ids.length - 1] ?? null)
              : s.parent === 'earlier'
                ? (ids[s.pick % Math.max(1, ids.length)] ?? null)
                : s.parent === 'missing'
                  ? 'ghost'
                  : s.parent === 'self'
                    ? id
                    : null;
          ids.push(id);
          ops.push({
            op: 'append_entry',
            entry_id: id,
            parent_entry_id: parent,
            entry_type: s.type,
            payload: JSON.stringify(s.payload),
          });
        } else if (s.t === 'checkpoint') {
          checkpoints++;
          ops.push({ op: 'create_checkpoint', checkpoint_seq: String(checkpoints), reason: s.reason });
        } else if (s.t === 'manifest') {
          ops.push({ op: 'write_manifest', session_id: 'sess-1', source_format: 'jsonl' });
        } else if (checkpoints > 0) {
          ops.push({
            op: 'rollback_to_checkpoint',
            checkpoint_seq: String((s.pick % checkpoints) + 1),
            migration_id: `mig-${s.pick % 100}`,
            correlation_id: 'corr',
          });
        }
      }
      return fixedTime === undefined ? { ops, read: ROOT } : { ops, read: ROOT, fixedTime };
    });
}

/**
 * Sets `max_segment_bytes` to the length of the first k lines written with an unlimited
 * segment, ± 1, for a k the recipe's own number picks (k ≥ 1): rotation's edge.
 */
async function refine(recipe: Recipe, measure: Measure): Promise<Recipe> {
  const [create, ...rest] = recipe.ops;
  const entries = rest.filter((o) => o.op === 'append_entry').length;
  if (!create || entries < 2) return recipe;
  const seed = Number(create.max_segment_bytes);
  const files = await measure([
    { ...create, max_segment_bytes: String(2 ** 40) },
    ...rest.filter((o) => o.op === 'append_entry'),
  ]);
  const index = new TextDecoder().decode(files.get(`${ROOT}/index/offsets.jsonl`) ?? new Uint8Array());
  const lengths = index
    .split('\n')
    .filter(Boolean)
    .map((l) => Number((JSON.parse(l) as { byteLength?: number }).byteLength ?? 0));
  if (lengths.length < 2) return recipe;
  const k = 1 + (seed % (lengths.length - 1));
  const sum = lengths.slice(0, k + 1).reduce((a, b) => a + b, 0);
  const delta = (seed % 3) - 1;
  return { ...recipe, ops: [{ ...create, max_segment_bytes: String(sum + delta) }, ...rest] };
}

export const differential: DifferentialProfile = { format: 'session', recipes, refine, lineDamage: true };
