import type { FormatName, Outcome, Request, Verb } from '../protocol/types.js';
import type { Hello, Subject } from '../subjects/subject.js';

export type CaseSource = 'golden' | 'vector' | 'property';

/** fast-check settings shared by every property case; a failure prints what replays it. */
export interface FcSettings {
  numRuns: number;
  seed?: number | undefined;
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

export type Verdict =
  | { status: 'passed'; note?: string }
  | { status: 'failed'; message: string }
  | { status: 'errored'; message: string }
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
  title: string;
  run(ctx: CaseContext): Promise<Verdict>;
}

export const passed: Verdict = { status: 'passed' };
export const failed = (message: string): Verdict => ({ status: 'failed', message });

/** An outcome that cannot be judged (the subject crashed or declined) becomes the case's verdict. */
export function unjudgeable(out: Outcome): Verdict | null {
  if ('errored' in out) return { status: 'errored', message: out.errored.message };
  if ('skipped' in out) return { status: 'skipped', reason: out.skipped.reason };
  return null;
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
