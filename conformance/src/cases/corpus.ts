import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference, show } from '../json/compare.js';
import { GOLDEN_DIR } from '../paths.js';
import type { FormatName, Op, Outcome } from '../protocol/types.js';
import type { SuiteProfile } from './case.js';
import { isExpectFile, listFiles } from './files.js';
import { requirementsProfile } from './profiles.js';

/** The reference corpus's fixed "now" (REFERENCE-README.md). */
export const REFERENCE_FIXED_TIME = '2026-04-15T12:34:56.789Z';

export interface CorpusEntry {
  /** The file or directory the reader takes, relative to the corpus directory. */
  path: string;
  /** Short id fragment, unique within the corpus (`cap4_two` for `cap4_two.vrrl`). */
  name: string;
  kind: 'positive' | 'negative' | 'recovery' | string;
  description: string;
  /** What reading `path` answers, as canonical JSON (an `{error: kind, …}` object for a failure). */
  expected: () => unknown;
  /**
   * For samples whose answer is only partly fixed by the reference: given an ok answer, the
   * first difference (null if none). Undefined for non-ok answers, which then fail.
   */
  judge?: (out: Outcome) => string | null | undefined;
  ops: Op[] | null;
  /** The "now" its recipe was written at, when it is not the corpus's (a boundary on the clock). */
  fixedTime?: string;
  /** Requirement IDs the sample checks (boundary samples cite the rule whose threshold they sit on). */
  requirements: string[];
  profile: SuiteProfile;
  /**
   * For a sample too large to keep in git: its files' sizes and SHA-256, and the sample is laid
   * out by replaying `ops` with the reference implementation (then checked against these).
   */
  digests?: Record<string, FileDigest>;
}

export interface FileDigest {
  size: number;
  sha256: string;
}

export interface Corpus {
  format: FormatName;
  /** `original-…` (the reference implementation) or `logspec-<version>` (ours). */
  producer: string;
  dir: string;
  fixedTime: string;
  entries: CorpusEntry[];
  /**
   * Every directory of the producer's samples, empty ones included (`tree.json`): git keeps no
   * empty directory, so the runner recreates them from this list when it lays a sample out.
   */
  dirs: string[];
}

interface CorpusJson {
  fixed_time?: string;
  entries: Array<{
    path: string;
    expect: string;
    kind: string;
    description?: string;
    recipe?: { ops: Op[] } | null;
    requirements?: string[];
    profile?: SuiteProfile;
    digests?: Record<string, FileDigest>;
    fixed_time?: string;
  }>;
}

/** The directories listed in a producer's `tree.json` (none when it has no such file). */
function treeDirs(dir: string): string[] {
  const p = join(dir, 'tree.json');
  return existsSync(p) ? ((readJson(p) as { dirs?: string[] }).dirs ?? []) : [];
}

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));

/** Every producer directory under `golden/<format>/` as a corpus (sorted: originals first, then ours). */
export function loadCorpora(format: FormatName, goldenDir = GOLDEN_DIR): Corpus[] {
  const base = join(goldenDir, format);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((p) => statSync(join(base, p)).isDirectory())
    .sort()
    .map((producer) => loadCorpus(format, producer, join(base, producer)))
    .filter((c): c is Corpus => c !== null);
}

function loadCorpus(format: FormatName, producer: string, dir: string): Corpus | null {
  const corpusFile = join(dir, 'corpus.json');
  if (existsSync(corpusFile)) {
    const c = readJson(corpusFile) as CorpusJson;
    return {
      format,
      producer,
      dir,
      fixedTime: c.fixed_time ?? REFERENCE_FIXED_TIME,
      dirs: treeDirs(dir),
      entries: nameEntries(
        c.entries.map((e) => {
          const requirements = e.requirements ?? [];
          const entry: Omit<CorpusEntry, 'name'> = {
            path: e.path,
            kind: e.kind,
            description: e.description ?? '',
            expected: () => readJson(join(dir, e.expect)),
            ops: e.recipe?.ops ?? null,
            requirements,
            profile: e.profile ?? requirementsProfile(requirements),
          };
          if (e.digests) entry.digests = e.digests;
          if (e.fixed_time) entry.fixedTime = e.fixed_time;
          return entry;
        }),
      ),
    };
  }
  if (format === 'hotlog' && existsSync(join(dir, 'log.json'))) return hotlogCorpus(producer, dir);
  // No index: every `<sample>.expect.json` names a sample.
  const expects = listFiles(dir).filter(isExpectFile);
  if (expects.length === 0) return null;
  return {
    format,
    producer,
    dir,
    fixedTime: REFERENCE_FIXED_TIME,
    dirs: treeDirs(dir),
    entries: nameEntries(
      expects.map((rel) => {
        const expected = readJson(join(dir, rel));
        return {
          path: rel.slice(0, -'.expect.json'.length),
          kind: isErrorExpectation(expected) ? 'negative' : 'positive',
          description: '',
          expected: () => expected,
          ops: null,
          requirements: [],
          profile: 'original' as const,
        };
      }),
    ),
  };
}

/** Fields of `log.json` events that are facts about the generator or raw bytes, not what a reader answers. */
const HOTLOG_NOT_READ = ['note', 'archive_hex'];
/** Fields a writer must derive itself: the recipe strips them so the archive bytes cannot be copied. */
const HOTLOG_DERIVED = ['archive_hex', 'archive_crc32', 'archive_len', 'frame_offset', 'index', 'note'];

/**
 * The rkyv hot log (`log.json` + `hot/log.bin`) has no corpus.json: its one sample is derived here.
 * Reading `hot/log.bin` answers `{events, stopped_at, error}` (spec/hotlog.md): every `log.json`
 * event minus `note` and `archive_hex`; `stopped_at` = `{reason: "eof", at: <file length>}`; and
 * `error` = where the original's replay would have failed (its `into_event` parses `payload_json`,
 * so the first event whose payload is not JSON aborts it): an object whose `frame_offset` is that
 * event's, or null when every payload parses. Writing replays `open {root}` + `append_event
 * {event}` with the decoded fields only.
 */
function hotlogCorpus(producer: string, dir: string): Corpus {
  const log = readJson(join(dir, 'log.json')) as { events: Array<Record<string, unknown>>; file_len: number };
  const strip = (e: Record<string, unknown>, drop: string[]) =>
    Object.fromEntries(Object.entries(e).filter(([k]) => !drop.includes(k)));
  const expected = {
    events: log.events.map((e) => strip(e, HOTLOG_NOT_READ)),
    stopped_at: { reason: 'eof', at: String(log.file_len) },
  };
  const abortsAt = log.events.find((e) => !parsesAsJson(e.payload_json))?.frame_offset;
  return {
    format: 'hotlog',
    producer,
    dir,
    fixedTime: REFERENCE_FIXED_TIME,
    dirs: treeDirs(dir),
    entries: [
      {
        path: 'hot/log.bin',
        requirements: [],
        profile: 'original',
        name: 'log',
        kind: 'positive',
        description: `${log.events.length} rkyv 0.8.16 HotEventRecord archives`,
        expected: () => expected,
        judge: (out) => {
          if (!('ok' in out)) return undefined;
          const { error, ...rest } = (out.ok ?? {}) as { error?: unknown };
          const d = firstDifference(expected, rest);
          if (d !== null) return d;
          if (abortsAt === undefined) return error === null ? null : `$.error: expected null, got ${show(error)}`;
          const at = (error as { frame_offset?: unknown } | null)?.frame_offset;
          return at === abortsAt
            ? null
            : `$.error: expected the original's abort at frame_offset ${abortsAt}, got ${show(error)}`;
        },
        ops: [
          { op: 'open', root: '.' },
          ...log.events.map((e) => ({ op: 'append_event', event: strip(e, HOTLOG_DERIVED) })),
        ],
      },
    ],
  };
}

function parsesAsJson(v: unknown): boolean {
  try {
    JSON.parse(String(v));
    return true;
  } catch {
    return false;
  }
}

export function isErrorExpectation(v: unknown): v is { error: string; [k: string]: unknown } {
  return (
    v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { error?: unknown }).error === 'string'
  );
}

function nameEntries(entries: Array<Omit<CorpusEntry, 'name'> & { name?: string }>): CorpusEntry[] {
  const base = (p: string) => (p.split('/')[0] as string).replace(/\.[A-Za-z][A-Za-z0-9]*$/, '');
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(base(e.path), (counts.get(base(e.path)) ?? 0) + 1);
  return entries.map((e) => ({
    ...e,
    name: (counts.get(base(e.path)) ?? 0) > 1 ? e.path.replace(/[^A-Za-z0-9_-]+/g, '_') : base(e.path),
  }));
}
