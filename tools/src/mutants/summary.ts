/** The harness's results: the JSON summary (`reports/mutants.json`) and the text tables. */
import { MUTANT_FORMATS } from './catalog.js';
import { type FormatTally, type Kill, type MutantStatus, tally } from './kills.js';

export const SUMMARY_SCHEMA = 'logspec-mutants/1';

export interface WitnessOutcome {
  file: string;
  differs: boolean;
  difference?: string;
  /** The witness could not be run (bad file, adapter failure). */
  error?: string;
}

export interface MutantResult {
  id: string;
  format: string;
  requirement: string;
  bug: string;
  status: MutantStatus;
  /** Cases that passed on the baseline and failed or errored on the mutant. */
  kills: Kill[];
  buildSeconds: number;
  suiteSeconds: number;
  /** Why it was not judged (patch, build or suite problem). */
  problem?: string;
  witness?: WitnessOutcome;
}

export interface BaselineResult {
  seconds: number;
  /** status → number of cases */
  counts: Record<string, number>;
}

export interface Summary {
  schema: typeof SUMMARY_SCHEMA;
  startedAt: string;
  finishedAt: string;
  /** The flags every suite run got besides --adapter/--formats/--json-report. */
  suiteArgs: string[];
  baseline: Record<string, BaselineResult>;
  formats: Record<string, FormatTally>;
  totals: FormatTally;
  mutants: MutantResult[];
}

export function summarize(
  results: MutantResult[],
  baseline: Record<string, BaselineResult>,
  meta: { startedAt: string; finishedAt: string; suiteArgs: string[] },
): Summary {
  const formats = tally(results);
  const all = tally(results.map((r) => ({ format: 'total', status: r.status })));
  const totals = all.total ?? { mutants: 0, killed: 0, survived: 0, other: 0, killRate: null };
  return { schema: SUMMARY_SCHEMA, ...meta, baseline, formats, totals, mutants: results };
}

const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(0)} %`);

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

export function renderSummary(s: Summary): string {
  const lines: string[] = [];
  const order = [
    ...MUTANT_FORMATS.filter((f) => f in s.formats),
    ...Object.keys(s.formats).filter((f) => !(MUTANT_FORMATS as readonly string[]).includes(f)),
  ];
  const row = (name: string, t: FormatTally) => [
    name,
    String(t.mutants),
    String(t.killed),
    String(t.survived),
    String(t.other),
    pct(t.killRate),
  ];
  lines.push(
    ...table(
      ['format', 'mutants', 'killed', 'survived', 'other', 'kill rate'],
      [...order.map((f) => row(f, s.formats[f] as FormatTally)), row('total', s.totals)],
    ),
  );
  const survivors = s.mutants.filter((m) => m.status === 'survived');
  if (survivors.length > 0) lines.push('', 'survivors:');
  for (const m of survivors) {
    lines.push(`  ${m.id} (${m.requirement}): ${m.bug}`);
    if (m.witness) {
      const w = m.witness;
      const verdict =
        w.error !== undefined ? `could not run: ${w.error}` : w.differs ? `differs: ${w.difference}` : 'NO DIFFERENCE';
      lines.push(`    witness ${w.file}: ${verdict}`);
    } else {
      lines.push('    (no witness)');
    }
  }
  const other = s.mutants.filter((m) => m.status !== 'survived' && m.status !== 'killed');
  if (other.length > 0) lines.push('', 'not judged:');
  for (const m of other) lines.push(`  ${m.id}: ${m.status}${m.problem ? ` — ${m.problem.split('\n')[0]}` : ''}`);
  const timed = s.mutants.filter((m) => m.status === 'killed' || m.status === 'survived');
  if (timed.length > 0) {
    const build = timed.reduce((a, m) => a + m.buildSeconds, 0) / timed.length;
    const suite = timed.reduce((a, m) => a + m.suiteSeconds, 0) / timed.length;
    lines.push('', `mean time per mutant: build ${build.toFixed(1)} s, suite ${suite.toFixed(1)} s`);
  }
  return lines.join('\n');
}

/** One progress line for a finished mutant. */
export function progressLine(i: number, n: number, r: MutantResult): string {
  const what =
    r.status === 'killed'
      ? `killed by ${r.kills.length} case${r.kills.length === 1 ? '' : 's'} (first: ${r.kills[0]?.id})`
      : r.status === 'survived'
        ? `SURVIVED${r.witness ? ` — witness ${r.witness.differs ? 'differs' : r.witness.error ? 'failed' : 'shows no difference'}` : ''}`
        : `${r.status}${r.problem ? `: ${r.problem.split('\n')[0]}` : ''}`;
  return `[${i}/${n}] ${r.id}: ${what} (build ${r.buildSeconds.toFixed(1)} s, suite ${r.suiteSeconds.toFixed(1)} s)`;
}
