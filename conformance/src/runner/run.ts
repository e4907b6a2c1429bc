import type { Case, CaseContext, FcSettings, Verdict } from '../cases/case.js';
import type { Hello, Subject } from '../subjects/subject.js';
import { describeThrown, supports } from '../subjects/subject.js';

export interface CaseResult {
  case: Case;
  verdict: Verdict;
  ms: number;
}

export interface SubjectRun {
  subject: string;
  hello: Hello;
  results: CaseResult[];
}

export interface RunOptions {
  timeoutMs: number;
  fc: FcSettings;
  onResult?: (r: CaseResult) => void;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** What a case needs that the subject does not offer, or null. */
export function missingCapability(c: Case, hello: Hello): string | null {
  const missing = c.needs.filter((v) => !supports(hello, c.format, v));
  if (missing.length === 0) return null;
  return hello.capabilities[c.format] === undefined
    ? `not implemented: ${c.format}`
    : `not implemented: ${c.format} ${missing.join('+')}`;
}

/** Runs one case, never throwing: a bug in the runner or the subject becomes `errored`. */
export async function runCase(c: Case, ctx: CaseContext): Promise<CaseResult> {
  const t0 = performance.now();
  const missing = missingCapability(c, ctx.hello);
  let verdict: Verdict;
  if (missing !== null) verdict = { status: 'skipped', reason: missing };
  else {
    try {
      verdict = await c.run(ctx);
    } catch (e) {
      verdict = { status: 'errored', message: `case threw: ${describeThrown(e)}` };
    }
  }
  return { case: c, verdict, ms: performance.now() - t0 };
}

/** Starts the subject, runs every case in order (one request at a time), stops it. */
export async function runSubject(subject: Subject, cases: readonly Case[], opts: RunOptions): Promise<SubjectRun> {
  let hello: Hello;
  try {
    hello = await subject.start();
  } catch (e) {
    // A testee that cannot even start fails every case; it is not "not implemented".
    const message = `the subject could not be started: ${e instanceof Error ? e.message : String(e)}`;
    const results = cases.map((c): CaseResult => ({ case: c, verdict: { status: 'errored', message }, ms: 0 }));
    for (const r of results) opts.onResult?.(r);
    await subject.stop();
    return { subject: subject.name, hello: { implementation: 'unknown', version: '', capabilities: {} }, results };
  }
  const results: CaseResult[] = [];
  try {
    const ctx: CaseContext = { subject, hello, timeoutMs: opts.timeoutMs, fc: opts.fc };
    for (const c of cases) {
      const r = await runCase(c, ctx);
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    await subject.stop();
  }
  return { subject: subject.name, hello, results };
}
