import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hexDecode } from '@logspec/core';
import { Compile } from 'typebox/compile';
import { firstDifference, judgeError, withoutDir } from '../json/compare.js';
import { VECTORS_DIR } from '../paths.js';
import type { FormatName, Outcome, Request } from '../protocol/types.js';
import { VectorFile, type VectorTest } from '../schemas/vectors.js';
import {
  type Case,
  type CaseContext,
  describeOutcome,
  failed,
  passed,
  pinOf,
  send,
  unjudgeable,
  type Verdict,
} from './case.js';
import { REFERENCE_FIXED_TIME } from './corpus.js';
import { compareTrees, withTempDir } from './files.js';
import { vectorProfile } from './profiles.js';

const checkVectorFile = Compile(VectorFile);

export interface LoadedVectorFile {
  file: string;
  group: string;
  /** Set when the file is valid. */
  vectors?: VectorFile;
  /** Schema and consistency problems; a file with any is not run. */
  problems: string[];
}

/** `conformance/vectors/<format>/*.json`, each validated (typebox schema + the rules the schema cannot say). */
export function loadVectorFiles(format: FormatName, vectorsDir = VECTORS_DIR): LoadedVectorFile[] {
  const dir = join(vectorsDir, format);
  if (!existsSync(dir)) return [];
  const out: LoadedVectorFile[] = [];
  const seenIds = new Map<string, string>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    const group = name.slice(0, -'.json'.length);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      out.push({ file, group, problems: [`not JSON: ${(e as Error).message}`] });
      continue;
    }
    const problems = validateVectorFile(data, format, group);
    if (problems.length === 0) {
      for (const t of (data as VectorFile).tests) {
        const other = seenIds.get(t.id);
        if (other !== undefined) problems.push(`test id ${t.id} is also used in ${other}.json`);
        seenIds.set(t.id, group);
      }
    }
    out.push(
      problems.length === 0 ? { file, group, vectors: data as VectorFile, problems } : { file, group, problems },
    );
  }
  return out;
}

/** Everything wrong with one vector file; empty when it may be run. */
export function validateVectorFile(data: unknown, format: string, group: string): string[] {
  if (!checkVectorFile.Check(data)) {
    return checkVectorFile
      .Errors(data)
      .slice(0, 10)
      .map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
  const v = data as VectorFile;
  const problems: string[] = [];
  if (v.format !== format) problems.push(`format is ${v.format} but the file is in vectors/${format}/`);
  if (v.group !== group) problems.push(`group is ${v.group} but the file is ${group}.json`);
  const ids = new Set<string>();
  v.tests.forEach((t, i) => {
    const at = `tests[${i}] (${t.id})`;
    if (t.tcId !== i + 1) problems.push(`${at}: tcId ${t.tcId}, expected ${i + 1} (1..n in file order)`);
    if (ids.has(t.id)) problems.push(`${at}: duplicate id`);
    ids.add(t.id);
    if (!t.id.startsWith(`${format}.`)) problems.push(`${at}: id must start with "${format}."`);
    for (const f of t.flags) if (!(f in v.notes)) problems.push(`${at}: flag ${f} has no entry in notes`);
    if (t.result === 'valid' && t.expected === undefined) problems.push(`${at}: a valid test needs expected`);
    if (t.result === 'invalid' && t.expectedError === undefined)
      problems.push(`${at}: an invalid test needs expectedError`);
    problems.push(...inputProblems(v, t).map((p) => `${at}: ${p}`));
  });
  return problems;
}

function inputProblems(v: VectorFile, t: VectorTest): string[] {
  const i = t.input;
  switch (v.verb) {
    case 'decode':
      return [
        v.kind === undefined ? 'decode vectors need a kind' : '',
        i.hex === undefined ? 'input.hex missing' : '',
      ].filter(Boolean);
    case 'encode':
      return [
        v.kind === undefined ? 'encode vectors need a kind' : '',
        'value' in i ? '' : 'input.value missing',
      ].filter(Boolean);
    case 'write':
      return i.ops === undefined ? ['input.ops missing'] : [];
    case 'read':
      return i.path === undefined ? ['input.path missing'] : [];
  }
}

/** A failing case per invalid vector file, and one case per test of every valid file. */
export function vectorCases(format: FormatName, vectorsDir?: string): Case[] {
  const out: Case[] = [];
  for (const f of loadVectorFiles(format, vectorsDir)) {
    if (!f.vectors) {
      const problems = f.problems;
      out.push({
        id: `${format}.vector.${f.group}.schema`,
        format,
        source: 'vector',
        verb: 'decode',
        needs: [],
        requirements: ['CONF-R-004'],
        profile: 'original',
        title: `vector file ${format}/${f.group}.json is valid`,
        run: async () => failed(`invalid vector file: ${problems.slice(0, 8).join('; ')}`),
      });
      continue;
    }
    const file = f.vectors;
    for (const t of file.tests) out.push(vectorCase(format, file, t));
  }
  return out;
}

function vectorCase(format: FormatName, file: VectorFile, t: VectorTest): Case {
  return {
    id: `${format}.vector.${file.group}.${t.tcId}`,
    format,
    source: 'vector',
    verb: file.verb,
    needs: [file.verb],
    requirements: t.requirements,
    profile: vectorProfile(t),
    title: `${t.id}: ${t.comment}`,
    run: (ctx) => runVector(ctx, format, file, t),
  };
}

async function runVector(ctx: CaseContext, format: FormatName, file: VectorFile, t: VectorTest): Promise<Verdict> {
  const i = t.input;
  const kind = file.kind ?? '';
  switch (file.verb) {
    case 'decode': {
      const req: Request = { verb: 'decode', format, kind, hex: i.hex ?? '' };
      if (i.mode) req.mode = i.mode;
      return judgeVector(format, t, await send(ctx, req));
    }
    case 'encode':
      return judgeVector(format, t, await send(ctx, { verb: 'encode', format, kind, value: i.value }));
    case 'read':
      return withTempDir(async (tmp) => {
        for (const [rel, hex] of Object.entries(i.files ?? {})) {
          const p = join(tmp, ...rel.split('/'));
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, hexDecode(hex));
        }
        const out = await send(ctx, { verb: 'read', format, path: join(tmp, ...(i.path ?? '').split('/')) });
        return judgeVector(format, t, withoutDir(out, tmp));
      });
    case 'write':
      return withTempDir(async (tmp) => {
        const out = await send(ctx, {
          verb: 'write',
          format,
          dir: tmp,
          ops: (i.ops ?? []) as Array<{ op: string }>,
          fixedTime: i.fixedTime ?? REFERENCE_FIXED_TIME,
        });
        const v = judgeVector(format, t, out, ['files']);
        if (v.status !== 'passed' || !('ok' in out)) return v;
        const files = (t.expected as { files?: Record<string, string> } | undefined)?.files;
        if (files === undefined) return v;
        const want = new Map(Object.entries(files).map(([rel, hex]) => [rel, hexDecode(hex)]));
        const problems = compareTrees(want, tmp);
        return problems.length === 0 ? passed : failed(problems.slice(0, 6).join('; '));
      });
  }
}

/**
 * valid: the answer is ok and equals `expected` (for write: `expected.results`, files compared
 * separately); invalid: an error with `expectedError` (in either vocabulary) and `expected`'s
 * numeric fields; acceptable: either, each checked against what the test gives.
 */
export function judgeVector(format: FormatName, t: VectorTest, out: Outcome, writeKeys: string[] = []): Verdict {
  const u = unjudgeable(out);
  if (u) return u;
  const extras = (t.expected ?? {}) as Record<string, unknown>;
  const checkOk = (ok: unknown): Verdict => {
    if (t.expected === undefined) return passed;
    let want: unknown = t.expected;
    let got: unknown = ok;
    if (writeKeys.length > 0) {
      // write: only `results` is compared as a value (files are compared byte for byte).
      const w = t.expected as Record<string, unknown>;
      if (!('results' in w)) return passed;
      want = w.results;
      got = (ok as { results?: unknown } | null)?.results;
    }
    const d = firstDifference(want, got);
    return d === null ? passed : failed(d, pinOf(out));
  };
  const checkError = (err: { code: string; [k: string]: unknown }): Verdict => {
    if (t.expectedError === undefined) return passed;
    // invalid: `expected` may carry the error's numeric fields; acceptable: it is the ok value.
    const j = judgeError(
      format,
      t.expectedError,
      t.result === 'invalid' && typeof extras === 'object' ? extras : {},
      err,
    );
    return j.difference === null
      ? { status: 'passed', vocabulary: j.vocabulary }
      : { status: 'failed', message: j.difference, pin: pinOf(out), vocabulary: j.vocabulary };
  };
  switch (t.result) {
    case 'valid':
      return 'ok' in out ? checkOk(out.ok) : failed(`expected a value, got ${describeOutcome(out)}`, pinOf(out));
    case 'invalid':
      return 'error' in out
        ? checkError(out.error)
        : failed(`expected error ${t.expectedError}, got ${describeOutcome(out)}`, pinOf(out));
    case 'acceptable':
      return 'ok' in out ? checkOk(out.ok) : 'error' in out ? checkError(out.error) : failed(describeOutcome(out));
  }
}
