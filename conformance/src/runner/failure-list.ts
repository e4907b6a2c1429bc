import type { CaseStatus } from '../schemas/report.js';
import type { CaseResult } from './run.js';

/**
 * Expected-failure lists with protobuf's conformance semantics: one case id per line, `#`
 * comments (a trailing `# why` is kept with its entry). A listed case that fails is an expected
 * failure; a listed case that passes is a stale entry and fails the run, as does an entry naming
 * no case of a format that was run, so the list cannot hide progress or rot.
 */
export interface FailureList {
  entries: Map<string, string | undefined>;
}

export function parseFailureList(text: string): FailureList {
  const entries = new Map<string, string | undefined>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const id = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (id === '') continue;
    const why = hash >= 0 ? raw.slice(hash + 1).trim() : undefined;
    entries.set(id, why || undefined);
  }
  return { entries };
}

export const emptyFailureList = (): FailureList => ({ entries: new Map() });

export interface Judged {
  result: CaseResult;
  status: CaseStatus;
  message?: string;
}

const formatOf = (id: string) => id.split('.')[0] ?? '';

/** Statuses of the results under the list, plus the entries that name no case of a format that ran. */
export function applyFailureList(
  results: readonly CaseResult[],
  list: FailureList,
  ranFormats: ReadonlySet<string>,
): { judged: Judged[]; staleEntries: string[] } {
  const judged = results.map((r): Judged => {
    const listed = list.entries.has(r.case.id);
    const v = r.verdict;
    switch (v.status) {
      case 'passed':
        return listed
          ? {
              result: r,
              status: 'unexpected-pass',
              message: 'passes but is listed in the failure list (stale entry: remove it, or run with --fix)',
            }
          : { result: r, status: 'passed' };
      case 'skipped':
        return { result: r, status: 'skipped', message: v.reason };
      default:
        return { result: r, status: listed ? 'expected-failure' : v.status, message: v.message };
    }
  });
  const ids = new Set(results.map((r) => r.case.id));
  const staleEntries = [...list.entries.keys()].filter((id) => ranFormats.has(formatOf(id)) && !ids.has(id));
  return { judged, staleEntries };
}

/**
 * The list `--fix` writes: every case that failed (or errored) in any of the runs, entries of
 * formats that were not run kept as they are, reasons of surviving entries kept.
 */
export function fixedFailureList(
  old: FailureList,
  runs: ReadonlyArray<readonly CaseResult[]>,
  ranFormats: ReadonlySet<string>,
): FailureList {
  const entries = new Map<string, string | undefined>();
  for (const [id, why] of old.entries) if (!ranFormats.has(formatOf(id))) entries.set(id, why);
  for (const results of runs) {
    for (const r of results) {
      if (r.verdict.status === 'failed' || r.verdict.status === 'errored') {
        entries.set(r.case.id, old.entries.get(r.case.id) ?? entries.get(r.case.id));
      }
    }
  }
  return { entries: new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

export function renderFailureList(list: FailureList): string {
  const lines = [
    '# logspec conformance: expected failures (one case id per line; `# why` after an id is kept).',
    '# A listed case that passes fails the run; rewrite with `pnpm conformance -- --fix --failure-list <this file>`.',
  ];
  for (const [id, why] of list.entries) lines.push(why ? `${id}  # ${why}` : id);
  return `${lines.join('\n')}\n`;
}
