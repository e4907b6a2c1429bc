import { join } from 'node:path';
import { errorDifference, firstDifference } from '../json/compare.js';
import type { FormatName, Outcome } from '../protocol/types.js';
import { type Case, describeOutcome, failed, passed, send, unjudgeable, type Verdict } from './case.js';
import { type Corpus, type CorpusEntry, isErrorExpectation, loadCorpora } from './corpus.js';
import { compareTrees, copyTree, readTree, sampleRoot, withTempDir } from './files.js';

/**
 * Cases from the golden files: every sample of every producer is read (its `.expect.json` is
 * the answer), and every non-negative sample of an original implementation that has a recipe is
 * written (replaying the recipe must produce the reference bytes).
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
      if (!entry.ops || entry.kind === 'negative') continue;
      out.push(writeCase(corpus, entry, originals.length > 1));
    }
  }
  return out;
}

/** Judges a read answer against canonical JSON: values by parsed equality, errors by kind and numeric extras. */
export function judgeRead(expected: unknown, out: Outcome): Verdict {
  const u = unjudgeable(out);
  if (u) return u;
  if (isErrorExpectation(expected)) {
    if (!('error' in out)) return failed(`expected error ${expected.error}, got ${describeOutcome(out)}`);
    const d = errorDifference(expected.error, expected, out.error);
    return d === null ? passed : failed(d);
  }
  if (!('ok' in out)) return failed(`expected a value, got ${describeOutcome(out)}`);
  const d = firstDifference(expected, out.ok);
  return d === null ? passed : failed(d);
}

function readCase(corpus: Corpus, entry: CorpusEntry): Case {
  return {
    id: `${corpus.format}.read.${corpus.producer}.${entry.name}`,
    format: corpus.format,
    source: 'golden',
    verb: 'read',
    needs: ['read'],
    requirements: ['CONF-R-006', 'CONF-R-009'],
    title: `read ${corpus.producer}/${entry.path}${entry.description ? `: ${entry.description}` : ''}`,
    run: (ctx) =>
      // A copy, so a reader that repairs on open (or a buggy one) cannot touch the golden files.
      withTempDir(async (tmp) => {
        copyTree(corpus.dir, tmp, sampleRoot(entry.path));
        const out = await send(ctx, { verb: 'read', format: corpus.format, path: join(tmp, ...entry.path.split('/')) });
        if (entry.judge && 'ok' in out) {
          const d = entry.judge(out);
          return d === null ? passed : failed(d ?? 'unexpected answer');
        }
        return judgeRead(entry.expected(), out);
      }),
  };
}

function writeCase(corpus: Corpus, entry: CorpusEntry, qualify: boolean): Case {
  const ops = entry.ops ?? [];
  return {
    id: `${corpus.format}.write.${qualify ? `${corpus.producer}.` : ''}${entry.name}`,
    format: corpus.format,
    source: 'golden',
    verb: 'write',
    needs: ['write'],
    requirements: ['CONF-R-007', 'CONF-R-009'],
    title: `write ${entry.path} from its recipe (${ops.length} ops); bytes must equal ${corpus.producer}'s`,
    run: (ctx) =>
      withTempDir(async (tmp) => {
        const out = await send(ctx, {
          verb: 'write',
          format: corpus.format,
          dir: tmp,
          ops,
          fixedTime: corpus.fixedTime,
        });
        const u = unjudgeable(out);
        if (u) return u;
        if (!('ok' in out)) return failed(`the recipe was refused: ${describeOutcome(out)}`);
        const problems = compareTrees(readTree(corpus.dir, sampleRoot(entry.path)), tmp);
        return problems.length === 0 ? passed : failed(problems.slice(0, 6).join('; '));
      }),
  };
}
