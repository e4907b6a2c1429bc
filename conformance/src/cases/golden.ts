import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference, judgeError, withoutDir } from '../json/compare.js';
import type { FormatName, Outcome } from '../protocol/types.js';
import { type Case, describeOutcome, failed, passed, pinOf, send, unjudgeable, type Verdict } from './case.js';
import { type Corpus, type CorpusEntry, isErrorExpectation, loadCorpora } from './corpus.js';
import { compareDirs, compareTrees, copyTree, readTree, sampleRoot, withTempDir } from './files.js';
import { compareDigests, digestTree, replayWithReference } from './reference.js';

/**
 * Cases from the golden files: every sample of every producer is read (its `.expect.json` is
 * the answer), and every sample of an original implementation that has a recipe is written
 * (replaying the recipe must produce the reference bytes).
 */
export function goldenCases(format: FormatName, goldenDir?: string): Case[] {
  const corpora = loadCorpora(format, goldenDir);
  const originals = corpora.filter((c) => c.producer.startsWith('original-'));
  const out: Case[] = [];
  for (const corpus of corpora) {
    for (const entry of corpus.entries) out.push(readCase(corpus, entry));
  }
  for (const corpus of originals) {
    for (const entry of corpus.entries) {
      if (!entry.ops) continue;
      out.push(writeCase(corpus, entry));
    }
  }
  return out;
}

/**
 * Judges a read answer against canonical JSON: values by parsed equality, errors by kind (in
 * either vocabulary) and numeric extras. A failure is pinned to the answer it got.
 */
export function judgeRead(format: FormatName, expected: unknown, out: Outcome): Verdict {
  const u = unjudgeable(out);
  if (u) return u;
  if (isErrorExpectation(expected)) {
    if (!('error' in out)) return failed(`expected error ${expected.error}, got ${describeOutcome(out)}`, pinOf(out));
    const j = judgeError(format, expected.error, expected, out.error);
    return j.difference === null
      ? { status: 'passed', vocabulary: j.vocabulary }
      : { status: 'failed', message: j.difference, pin: pinOf(out), vocabulary: j.vocabulary };
  }
  if (!('ok' in out)) return failed(`expected a value, got ${describeOutcome(out)}`, pinOf(out));
  const d = firstDifference(expected, out.ok);
  return d === null ? passed : failed(d, pinOf(out));
}

function readCase(corpus: Corpus, entry: CorpusEntry): Case {
  return {
    id: `${corpus.format}.read.${corpus.producer}.${entry.name}`,
    format: corpus.format,
    source: 'golden',
    verb: 'read',
    needs: ['read'],
    requirements: ['CONF-R-006', 'CONF-R-009', ...entry.requirements],
    profile: entry.profile,
    title: `read ${corpus.producer}/${entry.path}${entry.description ? `: ${entry.description}` : ''}`,
    run: (ctx) =>
      // A copy, so a reader that repairs on open (or a buggy one) cannot touch the golden files.
      withTempDir(async (tmp) => {
        const laidOut = await layOutSample(corpus, entry, tmp);
        if (laidOut !== null) return laidOut;
        const out = withoutDir(
          await send(ctx, { verb: 'read', format: corpus.format, path: join(tmp, ...entry.path.split('/')) }),
          tmp,
        );
        if (entry.judge && 'ok' in out) {
          const d = entry.judge(out);
          return d === null ? passed : failed(d ?? 'unexpected answer');
        }
        return judgeRead(corpus.format, entry.expected(), out);
      }),
  };
}

/**
 * Lays the sample out in `tmp` as the producer made it: its files, its empty directories
 * (`tree.json`), and — for a sample kept as digests — its recipe replayed by the reference
 * implementation and checked. A sample that cannot be laid out is the suite's own defect: the
 * case fails (CONF-R-009), the subject is never handed a path that is not there.
 */
async function layOutSample(corpus: Corpus, entry: CorpusEntry, tmp: string): Promise<Verdict | null> {
  const root = sampleRoot(entry.path);
  if (entry.digests) {
    const made = await replayWithReference(corpus, entry, tmp);
    if (made !== null) return failed(`suite defect: ${made}`);
  } else if (!copyTree(corpus.dir, tmp, root, corpus.dirs)) {
    return failed(`suite defect: sample ${corpus.producer}/${entry.path} is missing from the golden files`);
  }
  if (!existsSync(join(tmp, ...entry.path.split('/')))) {
    return failed(`suite defect: sample ${corpus.producer}/${entry.path} is not there after laying it out`);
  }
  return null;
}

function writeCase(corpus: Corpus, entry: CorpusEntry): Case {
  const ops = entry.ops ?? [];
  return {
    // Sample names are unique across a format's original producers (boundary samples are `b_…`).
    id: `${corpus.format}.write.${entry.name}`,
    format: corpus.format,
    source: 'golden',
    verb: 'write',
    needs: ['write'],
    requirements: ['CONF-R-007', 'CONF-R-009', ...entry.requirements],
    profile: entry.profile,
    title: `write ${entry.path} from its recipe (${ops.length} ops); bytes must equal ${corpus.producer}'s`,
    run: (ctx) =>
      withTempDir(async (tmp) => {
        const out = await send(ctx, {
          verb: 'write',
          format: corpus.format,
          dir: tmp,
          ops,
          fixedTime: entry.fixedTime ?? corpus.fixedTime,
        });
        const u = unjudgeable(out);
        if (u) return u;
        if (!('ok' in out)) return failed(`the recipe was refused: ${describeOutcome(out)}`);
        const problems = entry.digests
          ? compareDigests(entry.digests, digestTree(tmp, sampleRoot(entry.path)))
          : [
              ...compareTrees(readTree(corpus.dir, sampleRoot(entry.path)), tmp),
              ...compareDirs(corpus.dirs, sampleRoot(entry.path), tmp),
            ];
        return problems.length === 0 ? passed : failed(problems.slice(0, 6).join('; '));
      }),
  };
}
