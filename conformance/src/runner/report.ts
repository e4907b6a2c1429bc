import { SUITE_PROFILES, type SuiteProfile } from '../cases/case.js';
import { FORMATS } from '../protocol/types.js';
import { type CaseRecord, type Counts, REPORT_SCHEMA_ID, type Report, type SubjectReport } from '../schemas/report.js';
import type { Judged } from './failure-list.js';
import type { SubjectRun } from './run.js';

const zero = (): Counts => ({ passed: 0, failed: 0, skipped: 0, expectedFailures: 0 });

function count(c: Counts, status: CaseRecord['status']): void {
  if (status === 'passed') c.passed++;
  else if (status === 'skipped') c.skipped++;
  else if (status === 'expected-failure') c.expectedFailures++;
  // failed, errored, unexpected-pass (a stale entry) and changed-failure all fail the run
  else c.failed++;
}

export function subjectReport(
  run: SubjectRun,
  judged: readonly Judged[],
  staleEntries: readonly string[],
): SubjectReport {
  const formats: Record<string, Counts> = {};
  const profiles: Record<string, Counts> = {};
  const vocabularies = { logspec: 0, original: 0 };
  const totals = zero();
  const cases: CaseRecord[] = judged.map((j) => {
    const c = j.result.case;
    formats[c.format] ??= zero();
    profiles[c.profile] ??= zero();
    count(formats[c.format] as Counts, j.status);
    count(profiles[c.profile] as Counts, j.status);
    count(totals, j.status);
    const rec: CaseRecord = {
      id: c.id,
      format: c.format,
      source: c.source,
      verb: c.verb,
      requirements: [...c.requirements],
      profile: c.profile,
      status: j.status,
      ms: Math.round(j.result.ms * 10) / 10,
    };
    if (j.message !== undefined) rec.message = j.message;
    if (j.pin !== undefined) rec.pin = j.pin;
    const v = j.result.verdict;
    if ((v.status === 'passed' || v.status === 'failed') && v.vocabulary !== undefined) {
      rec.vocabulary = v.vocabulary;
      vocabularies[v.vocabulary]++;
    }
    return rec;
  });
  totals.failed += staleEntries.length;
  return {
    subject: run.subject,
    implementation: run.hello.implementation,
    version: run.hello.version,
    capabilities: Object.fromEntries(Object.entries(run.hello.capabilities).map(([f, v]) => [f, [...(v ?? [])]])),
    formats,
    profiles,
    vocabularies,
    totals,
    staleEntries: [...staleEntries],
    cases,
  };
}

export function buildReport(subjects: SubjectReport[], failureList: string | null, profile: SuiteProfile): Report {
  const totals = zero();
  for (const s of subjects) {
    totals.passed += s.totals.passed;
    totals.failed += s.totals.failed;
    totals.skipped += s.totals.skipped;
    totals.expectedFailures += s.totals.expectedFailures;
  }
  return { schema: REPORT_SCHEMA_ID, ok: totals.failed === 0, failureList, profile, subjects, totals };
}

/** The line every run ends with. */
export function closingLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

/** A per-format table for one subject, then its unexpected results (and, verbose, everything else). */
export function renderSubject(s: SubjectReport, verbose = false): string {
  const lines: string[] = [];
  lines.push(`== ${s.subject} — ${s.implementation} ${s.version}`);
  const head = ['format', 'cases', 'passed', 'failed', 'skipped', 'xfail', ''];
  const rows: string[][] = [];
  const known = [
    ...FORMATS.filter((f) => f in s.formats),
    ...Object.keys(s.formats).filter((f) => !(FORMATS as readonly string[]).includes(f)),
  ];
  for (const f of known) {
    const c = s.formats[f] as Counts;
    const n = c.passed + c.failed + c.skipped + c.expectedFailures;
    const note = s.capabilities[f] === undefined ? 'not implemented' : c.skipped > 0 ? 'partly implemented' : '';
    rows.push([f, String(n), String(c.passed), String(c.failed), String(c.skipped), String(c.expectedFailures), note]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) =>
        i === 0 || i === r.length - 1 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  const bad = s.cases.filter(
    (c) =>
      c.status === 'failed' ||
      c.status === 'errored' ||
      c.status === 'unexpected-pass' ||
      c.status === 'changed-failure',
  );
  for (const c of bad) lines.push(`  ${c.status.toUpperCase()} ${c.id}: ${c.message ?? ''}`);
  for (const id of s.staleEntries) lines.push(`  STALE ${id}: listed in the failure list but no such case exists`);
  if (verbose) {
    for (const c of s.cases.filter((x) => x.status === 'expected-failure' || x.status === 'skipped')) {
      lines.push(`  ${c.status} ${c.id}: ${c.message ?? ''}`);
    }
  }
  for (const p of SUITE_PROFILES) {
    const c = s.profiles[p];
    if (c) lines.push(`  profile ${p}: ${closingLine(c)}, ${c.expectedFailures} expected failures`);
  }
  const { logspec, original } = s.vocabularies;
  if (logspec + original > 0) {
    lines.push(`  error answers judged: ${logspec} in logspec's codes, ${original} in the original's kinds`);
  }
  lines.push(`${s.subject}: ${closingLine(s.totals)}, ${s.totals.expectedFailures} expected failures`);
  return lines.join('\n');
}
