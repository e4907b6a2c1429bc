/**
 * The reference implementation the suite compares against where no golden answer is written
 * down: logspec's built-in handlers, in this process. It lays out samples kept as recipes and
 * digests, and it is the other side of every differential property (cases/differential.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Request } from '../protocol/types.js';
import { InProcessSubject } from '../subjects/in-process.js';
import { describeOutcome } from './case.js';
import type { Corpus, CorpusEntry, FileDigest } from './corpus.js';
import { listFiles } from './files.js';

const REFERENCE_TIMEOUT_MS = 120_000;
let subject: Promise<InProcessSubject> | undefined;

/** Runs one request against the reference (started once per process). */
export async function askReference(req: Request): Promise<Outcome> {
  subject ??= (async () => {
    const s = new InProcessSubject();
    await s.start();
    return s;
  })();
  return (await subject).run(req, REFERENCE_TIMEOUT_MS);
}

/** Size and SHA-256 of every file under `dir/root` (or of the file `dir/root`), by path relative to `dir`. */
export function digestTree(dir: string, root: string): Map<string, FileDigest> {
  const out = new Map<string, FileDigest>();
  for (const rel of listFiles(join(dir, root))) {
    const path = rel === '' ? root : `${root}/${rel}`;
    const bytes = readFileSync(join(dir, ...path.split('/')));
    out.set(path, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

/** Differences between the digests a writer produced and the expected ones (empty when they agree). */
export function compareDigests(expected: Record<string, FileDigest>, actual: Map<string, FileDigest>): string[] {
  const problems: string[] = [];
  for (const [rel, want] of Object.entries(expected)) {
    const got = actual.get(rel);
    if (!got) problems.push(`missing file ${rel}`);
    else if (got.size !== want.size) problems.push(`${rel}: size ${got.size}, expected ${want.size}`);
    else if (got.sha256 !== want.sha256) problems.push(`${rel}: same size, different bytes (sha256 ${got.sha256})`);
  }
  for (const rel of actual.keys()) if (!(rel in expected)) problems.push(`unexpected file ${rel}`);
  return problems;
}

/**
 * Lays out a sample kept as digests: replays its recipe with the reference in `dir`, then checks
 * the files against the digests. Returns null when they agree, else what went wrong.
 */
export async function replayWithReference(corpus: Corpus, entry: CorpusEntry, dir: string): Promise<string | null> {
  const out = await askReference({
    verb: 'write',
    format: corpus.format,
    dir,
    ops: entry.ops ?? [],
    fixedTime: entry.fixedTime ?? corpus.fixedTime,
  });
  if (!('ok' in out)) return `the reference could not replay ${entry.path}: ${describeOutcome(out)}`;
  const problems = compareDigests(entry.digests ?? {}, digestTree(dir, entry.path.split('/')[0] as string));
  return problems.length === 0 ? null : `the replayed ${entry.path} differs from its digests: ${problems.join('; ')}`;
}
