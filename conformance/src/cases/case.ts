import { createHash } from 'node:crypto';
import type { FormatName, Outcome, Request, Verb } from '../protocol/types.js';
import type { Hello, Subject } from '../subjects/subject.js';

export type CaseSource = 'golden' | 'vector' | 'property' | 'differential';

/**
 * Which rules a case checks (spec/conformance.md § 1.1): `original` — only what the original
 * implementations do, so a faithful port of them passes; `logspec` — also logspec's stricter and
 * safer rules. `--profile original` runs the first kind, `--profile logspec` (the default) both.
 */
export type SuiteProfile = 'original' | 'logspec';
export const SUITE_PROFILES: readonly SuiteProfile[] = ['original', 'logspec'];

/** The vocabulary an error answer was given in: logspec's codes or the original's kinds. */
export type Vocabulary = 'logspec' | 'original';

/** fast-check settings shared by every property case; a failure prints what replays it. */
export interface FcSettings {
  numRuns: number;
  /** A fixed seed for every case; `random` for a fresh one; unset: a fixed seed per case (from its id). */
  seed?: number | 'random' | undefined;
  /** Bigger recipes and files in the differential properties. */
  thorough?: boolean | undefined;
  path?: string | undefined;
  /** The one case `path` replays (a path is meaningless for another property); unset: every case. */
  pathCase?: string | undefined;
}

export interface CaseContext {
  subject: Subject;
  hello: Hello;
  timeoutMs: number;
  fc: FcSettings;
}

/**
 * A case's verdict. A failure may carry a `pin`: a short, stable name of the failing answer
 * (`error:<code>`, `ok:<digest>`, `errored`, …) that a failure list records, so a listed case that
 * starts failing differently is reported (spec/conformance.md § 8). `vocabulary` records the
 * vocabulary of an error answer that was judged.
 */
export type Verdict =
  | { status: 'passed'; note?: string; vocabulary?: Vocabulary }
  | { status: 'failed'; message: string; pin?: string; vocabulary?: Vocabulary }
  | { status: 'errored'; message: string; pin?: string }
  | { status: 'skipped'; reason: string };

/** One conformance case: a stable dotted id, what it needs from the subject, and how to judge it. */
export interface Case {
  id: string;
  format: FormatName;
  source: CaseSource;
  /** The verb the case is about (reports group by it). */
  verb: Verb;
  /** Every verb the case sends; a subject lacking one gets the case reported skipped (not implemented). */
  needs: readonly Verb[];
  requirements: readonly string[];
  profile: SuiteProfile;
  title: string;
  run(ctx: CaseContext): Promise<Verdict>;
}

export const passed: Verdict = { status: 'passed' };
export const failed = (message: string, pin?: string): Verdict =>
  pin === undefined ? { status: 'failed', message } : { status: 'failed', message, pin };

/** An outcome that cannot be judged (the subject crashed or declined) becomes the case's verdict. */
export function unjudgeable(out: Outcome): Verdict | null {
  if ('errored' in out) return { status: 'errored', message: out.errored.message, pin: 'errored' };
  if ('skipped' in out) return { status: 'skipped', reason: out.skipped.reason };
  return null;
}

/** The pin of an answer: its error code, or a digest of its value (stable across runs and machines). */
export function pinOf(out: Outcome): string {
  if ('error' in out) return `error:${out.error.code}`;
  if ('ok' in out) return `ok:${digest(canonicalText(out.ok))}`;
  if ('errored' in out) return 'errored';
  return 'skipped';
}

/** JSON with sorted keys: the same value always gives the same text. */
export function canonicalText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

/** 12 hex digits of SHA-256: enough to tell two failures apart, short enough for a list. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function send(ctx: CaseContext, req: Request): Promise<Outcome> {
  return ctx.subject.run(req, ctx.timeoutMs);
}

export function describeOutcome(out: Outcome): string {
  if ('ok' in out) return 'ok';
  if ('error' in out) return `error ${out.error.code}${out.error.message ? ` (${out.error.message})` : ''}`;
  if ('skipped' in out) return `skipped (${out.skipped.reason})`;
  return `errored (${out.errored.message})`;
}
