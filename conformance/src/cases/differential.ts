/**
 * Differential properties (spec/conformance.md § 5.2): file-level cases for implementations that
 * offer only `read` and `write`, judged against the reference implementation (./reference.ts).
 *  - `<format>.differential.write`: a random recipe (differential/<format>.ts) is written by the
 *    subject and by the reference; every per-op result, every file byte and every directory must
 *    agree (an error must be the same error).
 *  - `<format>.differential.read`: the reference writes a random recipe, the files are damaged
 *    (truncated, flipped, zeroed, extended, lines duplicated or dropped, …), and the subject must
 *    read them as the reference does: the same canonical JSON, or the same error kind and numeric
 *    extras.
 * Both are in the `original` profile: the recipes stay in the original's domain, and the
 * reference reads as the original reader does. fast-check shrinks a failure to a minimal recipe
 * (and damage), which the report prints with the files' bytes and the seed that replays it.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyDamage, type Damage, damageArb } from '../differential/damage.js';
import type { DifferentialProfile, Measure, Recipe } from '../differential/profile.js';
import { firstDifference, judgeError, show, withoutDir } from '../json/compare.js';
import type { FormatName, Op, Outcome } from '../protocol/types.js';
import { type Case, type CaseContext, describeOutcome, send, type Verdict } from './case.js';
import { REFERENCE_FIXED_TIME } from './corpus.js';
import { check } from './fast-check.js';
import { compareTrees, listDirs, listFiles, withTempDir } from './files.js';
import { askReference } from './reference.js';

/** Each differential run costs several requests; a tenth of the unit properties' runs keeps the default suite quick. */
const runsOf = (ctx: CaseContext) => Math.max(8, Math.round(ctx.fc.numRuns / 4));
const MAX_HEX = 2048;

export function differentialCases(format: FormatName, profile: DifferentialProfile | undefined): Case[] {
  if (!profile) return [];
  const base = { format, source: 'differential' as const, profile: 'original' as const };
  return [
    {
      ...base,
      id: `${format}.differential.write`,
      verb: 'write',
      needs: ['write'],
      requirements: ['CONF-R-018'],
      title: 'random recipes on the thresholds: every result, byte and directory as the reference writes them',
      run: (ctx) => differentialWrite(ctx, `${format}.differential.write`, profile),
    },
    {
      ...base,
      id: `${format}.differential.read`,
      verb: 'read',
      needs: ['read'],
      requirements: ['CONF-R-019'],
      title: 'random files, damaged: read as the reference reads them (value, or error kind and extras)',
      run: (ctx) => differentialRead(ctx, `${format}.differential.read`, profile),
    },
  ];
}

const measure =
  (format: FormatName): Measure =>
  (ops) =>
    withTempDir(async (dir) => {
      await askReference({ verb: 'write', format, dir, ops: [...ops], fixedTime: REFERENCE_FIXED_TIME });
      return readAll(dir);
    });

function readAll(dir: string): Map<string, Uint8Array> {
  return new Map(listFiles(dir).map((rel) => [rel, new Uint8Array(readFileSync(join(dir, ...rel.split('/'))))]));
}

const refined = async (p: DifferentialProfile, r: Recipe) => (p.refine ? p.refine(r, measure(p.format)) : r);

/** null when `got` answers as `want` did: the same value, or the same error (either vocabulary, same numeric extras). */
function answerDifference(format: FormatName, want: Outcome, got: Outcome): string | null {
  if ('errored' in got || 'skipped' in got) return `answered ${describeOutcome(got)}`;
  if ('errored' in want || 'skipped' in want) return `the reference itself answered ${describeOutcome(want)}`;
  if ('ok' in want) {
    if (!('ok' in got)) return `the reference answered a value, the subject ${describeOutcome(got)}`;
    const d = firstDifference(want.ok, got.ok);
    return d === null ? null : `the answers differ: ${d}`;
  }
  if (!('error' in got)) return `the reference answered error ${want.error.code}, the subject a value`;
  return judgeError(format, want.error.code, want.error as Record<string, unknown>, got.error).difference;
}

async function differentialWrite(ctx: CaseContext, caseId: string, p: DifferentialProfile): Promise<Verdict> {
  const arb = p.recipes({ thorough: ctx.fc.thorough === true });
  return check(
    ctx,
    caseId,
    arb,
    [],
    (generated) =>
      withTempDir(async (tmp) => {
        const recipe = await refined(p, generated);
        const mine = join(tmp, 'subject');
        const theirs = join(tmp, 'reference');
        mkdirSync(mine);
        mkdirSync(theirs);
        const req = (dir: string) => ({
          verb: 'write' as const,
          format: p.format,
          dir,
          ops: recipe.ops,
          fixedTime: recipe.fixedTime ?? REFERENCE_FIXED_TIME,
        });
        const got = await send(ctx, req(mine));
        const want = await askReference(req(theirs));
        const d = answerDifference(p.format, want, got);
        const files = compareTrees(readAll(theirs), mine);
        const dirsWant = listDirs(theirs);
        const dirsGot = listDirs(mine);
        const dirs = [
          ...dirsWant.filter((x) => !dirsGot.includes(x)).map((x) => `missing directory ${x}`),
          ...dirsGot.filter((x) => !dirsWant.includes(x)).map((x) => `unexpected directory ${x}`),
        ];
        const problems = [...(d === null ? [] : [d]), ...files, ...dirs];
        return problems.length === 0
          ? null
          : `${problems.slice(0, 4).join('; ')}; recipe ${recipeText(recipe.ops)}${recipe.fixedTime ? ` at ${recipe.fixedTime}` : ''}`;
      }),
    runsOf(ctx),
    (r) => ({ ops: r.ops, read: r.read, fixedTime: r.fixedTime }),
  );
}

async function differentialRead(ctx: CaseContext, caseId: string, p: DifferentialProfile): Promise<Verdict> {
  const arb = fc.record({
    recipe: p.recipes({ thorough: ctx.fc.thorough === true }),
    damage: damageArb(p.lineDamage === true),
  });
  return check(
    ctx,
    caseId,
    arb,
    [],
    ({ recipe: generated, damage }) =>
      withTempDir(async (tmp) => {
        const recipe = await refined(p, generated);
        const dir = join(tmp, 'store');
        mkdirSync(dir);
        const w = await askReference({
          verb: 'write',
          format: p.format,
          dir,
          ops: recipe.ops,
          fixedTime: recipe.fixedTime ?? REFERENCE_FIXED_TIME,
        });
        // A recipe whose last call fails (a rollback that does not verify) still leaves files to read.
        if (!('ok' in w) && !('error' in w)) {
          return `the reference did not write the recipe (${describeOutcome(w)}): ${recipeText(recipe.ops)}`;
        }
        const done = applyDamage(dir, listFiles(dir), damage as Damage[]);
        const files = readAll(dir);
        // Both read the same path (answers may name it); a reader that repairs gets pristine bytes.
        const backup = mkdtempSync(join(tmpdir(), 'logspec-differential-'));
        try {
          cpSync(dir, backup, { recursive: true });
          const path = join(dir, ...recipe.read.split('/'));
          const got = withoutDir(await send(ctx, { verb: 'read', format: p.format, path }), dir);
          rmSync(dir, { recursive: true, force: true });
          cpSync(backup, dir, { recursive: true });
          const want = withoutDir(await askReference({ verb: 'read', format: p.format, path }), dir);
          const d = answerDifference(p.format, want, got);
          if (d === null) return null;
          return `${d}; damage: ${done.join(', ') || 'none'}; files: ${filesText(files)}; recipe ${recipeText(recipe.ops)}`;
        } finally {
          rmSync(backup, { recursive: true, force: true });
        }
      }),
    runsOf(ctx),
  );
}

function recipeText(ops: readonly Op[]): string {
  return show(ops, 1500);
}

/** The damaged files as hex (each cut to a readable length): the minimal file the issue asks to see. */
function filesText(files: Map<string, Uint8Array>): string {
  return [...files]
    .map(([rel, b]) => {
      const hex = Array.from(b.subarray(0, MAX_HEX / 2), (x) => x.toString(16).padStart(2, '0')).join('');
      return `${rel} (${b.length} bytes) ${hex}${b.length > MAX_HEX / 2 ? '…' : ''}`;
    })
    .join(', ');
}
