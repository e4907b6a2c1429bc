import { canonicalText, digest, type Verdict } from '../cases/case.js';
import type { CaseStatus } from '../schemas/report.js';
import type { CaseResult } from './run.js';

/**
 * Expected-failure lists with protobuf's conformance semantics, plus pins: one case id per line,
 * optionally `= <pin>` (the failing answer: `error:<code>`, `ok:<digest>`, `errored`, or
 * `msg:<digest>` of the failure message), then `# why`. A listed case that fails is an expected
 * failure — unless it is pinned and now fails with another answer, which is reported; a listed
 * case that passes is a stale entry and fails the run, as does an entry naming no case of a
 * format that was run, so the list can neither hide progress, nor a new bug, nor rot.
 */
export interface FailureEntry {
  pin?: string | undefined;
  why?: string | undefined;
}

export interface FailureList {
  entries: Map<string, FailureEntry>;
}

export function parseFailureList(text: string): FailureList {
  const entries = new Map<string, FailureEntry>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') continue;
    const eq = body.indexOf('=');
    const id = (eq >= 0 ? body.slice(0, eq) : body).trim();
    const pin = eq >= 0 ? body.slice(eq + 1).trim() || undefined : undefined;
    const why = hash >= 0 ? raw.slice(hash + 1).trim() || undefined : undefined;
    entries.set(id, { pin, why });
  }
  return { entries };
}

export const emptyFailureList = (): FailureList => ({ entries: new Map() });

/** A failing verdict's pin: its answer's, else a digest of its message with temporary paths blanked. */
export function verdictPin(v: Verdict): string | undefined {
  if (v.status === 'passed' || v.status === 'skipped') return undefined;
  if (v.pin !== undefined) return v.pin;
  return `msg:${digest(canonicalText(normaliseMessage(v.message)))}`;
}

/** Messages name the runner's temporary directories; those differ per run and must not move a pin. */
export function normaliseMessage(message: string): string {
  return message.replace(/\/[^\s"']*logspec-conformance-[A-Za-z0-9]+/g, '<tmp>');
}

export interface Judged {
  result: CaseResult;
  status: CaseStatus;
  message?: string;
  pin?: string;
}

const formatOf = (id: string) => id.split('.')[0] ?? '';

/** Statuses of the results under the list, plus the entries that name no case of a format that ran. */
export function applyFailureList(
  results: readonly CaseResult[],
  list: FailureList,
  ranFormats: ReadonlySet<string>,
): { judged: Judged[]; staleEntries: string[] } {
  const judged = results.map((r): Judged => {
    const entry = list.entries.get(r.case.id);
    const v = r.verdict;
    switch (v.status) {
      case 'passed':
        return entry
          ? {
              result: r,
              status: 'unexpected-pass',
              message: 'passes but is listed in the failure list (stale entry: remove it, or run with --fix)',
            }
          : { result: r, status: 'passed' };
      case 'skipped':
        return { result: r, status: 'skipped', message: v.reason };
      default: {
        const pin = verdictPin(v);
        const base = pin === undefined ? {} : { pin };
        if (!entry) return { result: r, status: v.status, message: v.message, ...base };
        if (entry.pin !== undefined && entry.pin !== pin) {
          return {
            result: r,
            status: 'changed-failure',
            message: `listed as failing with ${entry.pin}, now fails with ${pin ?? 'no pin'}: ${v.message}`,
            ...base,
          };
        }
        return { result: r, status: 'expected-failure', message: v.message, ...base };
      }
    }
  });
  const ids = new Set(results.map((r) => r.case.id));
  const staleEntries = [...list.entries.keys()].filter((id) => ranFormats.has(formatOf(id)) && !ids.has(id));
  return { judged, staleEntries };
}

/**
 * The list `--fix` writes: every case that failed (or errored) in any of the runs, pinned to its
 * answer, entries of formats that were not run kept as they are, reasons of surviving entries kept.
 */
export function fixedFailureList(
  old: FailureList,
  runs: ReadonlyArray<readonly CaseResult[]>,
  ranFormats: ReadonlySet<string>,
): FailureList {
  const entries = new Map<string, FailureEntry>();
  for (const [id, e] of old.entries) if (!ranFormats.has(formatOf(id))) entries.set(id, e);
  for (const results of runs) {
    for (const r of results) {
      if (r.verdict.status === 'failed' || r.verdict.status === 'errored') {
        const why = old.entries.get(r.case.id)?.why ?? entries.get(r.case.id)?.why;
        entries.set(r.case.id, { pin: verdictPin(r.verdict), why });
      }
    }
  }
  return { entries: new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

export function renderFailureList(list: FailureList): string {
  const lines = [
    '# logspec conformance: expected failures (one case id per line, `= pin` of the failing answer, `# why`).',
    '# A listed case that passes, or fails with another answer, fails the run; rewrite with `pnpm conformance -- --fix --failure-list <this file>`.',
  ];
  for (const [id, e] of list.entries) {
    lines.push(`${id}${e.pin ? ` = ${e.pin}` : ''}${e.why ? `  # ${e.why}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
