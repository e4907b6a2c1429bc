import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { caseFilter, collectCases } from '../cases/collect.js';
import { inProfile } from '../cases/profiles.js';
import {
  applyFailureList,
  emptyFailureList,
  type FailureList,
  fixedFailureList,
  parseFailureList,
  renderFailureList,
} from '../runner/failure-list.js';
import { buildReport, closingLine, renderSubject, subjectReport } from '../runner/report.js';
import { type CaseResult, runSubject } from '../runner/run.js';
import type { SubjectReport } from '../schemas/report.js';
import { AdapterSubject } from '../subjects/adapter.js';
import { builtinAdapterSubject } from '../subjects/builtin-adapter.js';
import { InProcessSubject } from '../subjects/in-process.js';
import type { Subject } from '../subjects/subject.js';
import type { CliOptions } from './args.js';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The whole main job; returns the exit status. */
export async function runConformance(opts: CliOptions, io: Io, makeSubjects = defaultSubjects): Promise<number> {
  const cases = (await collectCases({ formats: opts.formats, filter: caseFilter(opts.cases) })).filter((c) =>
    inProfile(c, opts.profile),
  );
  const ranFormats = new Set<string>(cases.map((c) => c.format));
  let list: FailureList = emptyFailureList();
  const listPath = opts.failureList === undefined ? null : resolve(opts.failureList);
  if (listPath !== null) {
    if (existsSync(listPath)) list = parseFailureList(readFileSync(listPath, 'utf8'));
    else if (!opts.fix) {
      io.err(`failure list ${listPath} does not exist`);
      return 2;
    }
  }
  const subjects = makeSubjects(opts);
  const reports: SubjectReport[] = [];
  const allResults: CaseResult[][] = [];
  for (const subject of subjects) {
    let progress = 0;
    const run = await runSubject(subject, cases, {
      timeoutMs: opts.timeoutMs,
      fc: opts.fc,
      onResult: () => {
        progress++;
        if (progress % 250 === 0) io.err(`  ${subject.name}: ${progress}/${cases.length} cases`);
      },
    });
    allResults.push(run.results);
    const { judged, staleEntries } = applyFailureList(run.results, list, ranFormats);
    const rep = subjectReport(run, judged, staleEntries);
    reports.push(rep);
    io.out(renderSubject(rep, opts.verbose));
    io.out('');
  }
  const report = buildReport(reports, listPath, opts.profile);
  const reportPath = resolve(opts.jsonReport);
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  io.out(`report: ${reportPath}`);
  let status = report.ok ? 0 : 1;
  if (opts.fix && listPath !== null) {
    const fixed = fixedFailureList(list, allResults, ranFormats);
    const before = new Set(list.entries.keys());
    const after = new Set(fixed.entries.keys());
    const added = [...after].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !after.has(id));
    writeFileSync(listPath, renderFailureList(fixed));
    io.out(`failure list ${listPath} rewritten: ${added.length} added, ${removed.length} removed`);
    status = 0;
  }
  if (report.totals.expectedFailures > 0) io.out(`(${report.totals.expectedFailures} expected failures)`);
  io.out(`profile ${opts.profile}: ${closingLine(report.totals)}`);
  io.out(closingLine(report.totals));
  return status;
}

function defaultSubjects(opts: CliOptions): Subject[] {
  if (opts.adapter !== undefined) return [new AdapterSubject({ command: opts.adapter })];
  const out: Subject[] = [];
  if (opts.builtin.inProcess) out.push(new InProcessSubject());
  if (opts.builtin.adapter) out.push(builtinAdapterSubject());
  return out;
}
