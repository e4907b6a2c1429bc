import {
  basename,
  ProblemList as CoreProblemList,
  type LogspecError,
  type SurveyProblem,
  type SurveyReport,
} from '@logspec/core';
import { bareMessage } from '../errors.js';
import type { Problem } from './types.js';

export function problemOf(e: LogspecError, file: string | null): Problem {
  return { code: e.code, file, offset: e.offset ?? null, message: bareMessage(e) };
}

/**
 * The problems of one check or scan (core's `ProblemList`: a run of damage is one problem
 * with a range; past `MAX_LISTED_PROBLEMS` problems are only counted).
 */
export class ProblemList extends CoreProblemList<Problem> {}

/** A survey's problem as the CLI prints it (the damage-map state is the inspector's). */
export function cliProblem(p: SurveyProblem): Problem {
  const { state: _state, ...rest } = p;
  return rest;
}

/** A survey's problems and count of unlisted ones, as the CLI's list. */
export function problemListOf(r: SurveyReport): ProblemList {
  const list = new ProblemList();
  list.addAll(r.problems.map(cliProblem));
  list.unlisted += r.unlisted;
  return list;
}

/** `CODE at byte N` or `CODE at bytes [a, b)` (a range), `in FILE`, then the message (a run says how many). */
export function problemLine(p: Problem): string {
  let at = '';
  if (p.offset !== null) {
    const range = p.end !== undefined && p.end !== null && p.end > p.offset + 1;
    at = range ? ` at bytes [${p.offset}, ${p.end})` : ` at byte ${p.offset}`;
  }
  const file = p.file ? ` in ${p.file}` : '';
  const what = p.count !== undefined && p.count > 1 ? `${p.count} in a row, the first: ${p.message}` : p.message;
  return `${p.code}${at}${file}: ${what}`;
}

/** `health: …` for `inspect`: ok, or how many problems and the first few. */
export function healthLine(problems: readonly Problem[], unlisted = 0): string {
  const total = problems.length + unlisted;
  if (total === 0) return 'ok';
  const first = problems
    .slice(0, 3)
    .map((p) => `${p.code}${p.offset === null ? '' : ` at byte ${p.offset}`}${p.file ? ` in ${p.file}` : ''}`)
    .join(', ');
  const more = total > 3 ? `, … ${total - 3} more` : '';
  return `damaged: ${total} problem${total === 1 ? '' : 's'} (${first}${more}) — run 'logspec verify'`;
}

export function healthJson(
  problems: readonly Problem[],
  unlisted = 0,
): { ok: boolean; problems: Problem[]; problems_not_listed: number } {
  return { ok: problems.length + unlisted === 0, problems: [...problems], problems_not_listed: unlisted };
}

/** The last path component, for labels. */
export function label(path: string): string {
  return basename(path) || path;
}
