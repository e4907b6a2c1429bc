/**
 * Kill counting: a mutant is killed when some case that passed on the unmutated build fails (or
 * errors) on the mutant. Works on the JSON reports the conformance CLI writes
 * (`--json-report`, schema `logspec-conformance-report/1`), reading only what every version of
 * that report has: `subjects[].cases[].{id, status, message}`.
 */

export interface CaseOutcome {
  id: string;
  status: string;
  message?: string;
}

/** Case id → outcome, over every subject of a report (an `--adapter` run has one). */
export type Outcomes = Map<string, CaseOutcome>;

export class ReportError extends Error {}

/** The statuses that mean "this case did not pass" (a stale failure-list entry included). */
const FAILING = new Set(['failed', 'errored', 'unexpected-pass']);

export function caseOutcomes(report: unknown): Outcomes {
  const subjects = (report as { subjects?: unknown } | null)?.subjects;
  if (!Array.isArray(subjects)) throw new ReportError('not a conformance report: no subjects[]');
  const out: Outcomes = new Map();
  for (const s of subjects) {
    const cases = (s as { cases?: unknown } | null)?.cases;
    if (!Array.isArray(cases)) throw new ReportError('not a conformance report: a subject without cases[]');
    for (const c of cases) {
      const { id, status, message } = (c ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || typeof status !== 'string') {
        throw new ReportError('not a conformance report: a case without a string id and status');
      }
      const o: CaseOutcome = { id, status };
      if (typeof message === 'string') o.message = message;
      out.set(id, o);
    }
  }
  return out;
}

export interface Kill {
  id: string;
  status: string;
  message?: string;
}

export interface Judgement {
  killed: boolean;
  /** Cases that passed on the baseline and fail or error on the mutant. */
  kills: Kill[];
  /** Cases that passed on the baseline and are absent from the mutant's run (not counted as kills). */
  vanished: string[];
  /** How many baseline passes were compared. */
  compared: number;
}

export function judge(baseline: Outcomes, mutant: Outcomes): Judgement {
  const kills: Kill[] = [];
  const vanished: string[] = [];
  let compared = 0;
  for (const [id, b] of baseline) {
    if (b.status !== 'passed') continue;
    compared++;
    const m = mutant.get(id);
    if (m === undefined) {
      vanished.push(id);
      continue;
    }
    if (FAILING.has(m.status)) {
      const k: Kill = { id, status: m.status };
      if (m.message !== undefined) k.message = m.message;
      kills.push(k);
    }
  }
  return { killed: kills.length > 0, kills, vanished, compared };
}

export function countStatuses(o: Outcomes): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of o.values()) c[x.status] = (c[x.status] ?? 0) + 1;
  return c;
}

/** What happened to one mutant. Only `killed` and `survived` enter the kill rate. */
export type MutantStatus =
  | 'killed'
  | 'survived'
  | 'build-failed'
  | 'patch-failed'
  | 'equivalent-binary'
  | 'suite-error';

export interface FormatTally {
  mutants: number;
  killed: number;
  survived: number;
  /** build-failed, patch-failed, equivalent-binary, suite-error */
  other: number;
  /** killed / (killed + survived); null when nothing was judged */
  killRate: number | null;
}

export function tally(results: readonly { format: string; status: MutantStatus }[]): Record<string, FormatTally> {
  const out: Record<string, FormatTally> = {};
  for (const r of results) {
    out[r.format] ??= { mutants: 0, killed: 0, survived: 0, other: 0, killRate: null };
    const t = out[r.format] as FormatTally;
    t.mutants++;
    if (r.status === 'killed') t.killed++;
    else if (r.status === 'survived') t.survived++;
    else t.other++;
  }
  for (const t of Object.values(out)) {
    const judged = t.killed + t.survived;
    t.killRate = judged === 0 ? null : t.killed / judged;
  }
  return out;
}
