import { isLogspecError } from '@logspec/core';
import { CliCode, Exit, UsageError } from './errors.js';
import { healthJson, ProblemList, problemLine, problemOf } from './formats/common.js';
import type { Ctx, DumpItem, FormatCli, Problem } from './formats/types.js';
import { LineWriter } from './io.js';
import { type RepairReport, repair } from './repair.js';

type Values = Record<string, string | boolean | undefined>;

export interface Target {
  adapter: FormatCli;
  path: string;
  reason: string;
}

function writer(ctx: Ctx): LineWriter {
  return new LineWriter((t) => ctx.io.stdout(t));
}

function itemLine(item: DumpItem, json: boolean): string {
  return json ? JSON.stringify(item.json()) : item.text();
}

/**
 * Damage met by `dump` and `tail` (records left out, where reading stopped), printed on stderr
 * once the records are out: one line per damaged range, `logspec: warning: …` (with `--json`
 * one JSON object per line), at most `MAX_LISTED_PROBLEMS` of them and a count of the rest.
 */
class DamageReport {
  readonly list = new ProblemList();
  constructor(
    private readonly ctx: Ctx,
    private readonly path: string,
  ) {}

  readonly add = (p: Problem): void => this.list.add(p);

  /** Prints what was collected; returns the exit code it implies. */
  flush(): number {
    const { items, unlisted } = this.list;
    for (const p of items) {
      if (this.ctx.json) this.ctx.io.stderr(`${JSON.stringify({ warning: true, path: this.path, ...p })}\n`);
      else this.ctx.io.stderr(`logspec: warning: ${problemLine(p)}\n`);
    }
    if (unlisted > 0) {
      const text = `${unlisted} more problems not listed; 'logspec verify ${this.path}' counts them all`;
      if (this.ctx.json) this.ctx.io.stderr(`${JSON.stringify({ warning: true, path: this.path, more: unlisted })}\n`);
      else this.ctx.io.stderr(`logspec: warning: ${text}\n`);
    }
    const n = this.list.total;
    this.list.items.length = 0;
    this.list.unlisted = 0;
    return n > 0 ? Exit.DAMAGED : Exit.OK;
  }
}

function u64Arg(values: Values, name: string): bigint | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) {
    throw new UsageError(
      CliCode.USAGE,
      `--${name} must be a non-negative integer, got '${String(v)}'`,
      `run 'logspec dump --help'`,
    );
  }
  return BigInt(v);
}

function intArg(values: Values, name: string, dflt: number, min: number): number {
  const v = values[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(
      CliCode.USAGE,
      `--${name} must be an integer ≥ ${min}, got '${String(v)}'`,
      `run 'logspec tail --help'`,
    );
  }
  return Number(v);
}

export function runInspect(t: Target, ctx: Ctx): number {
  const s = t.adapter.inspect(t.path, ctx);
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ ...s.json, detected: t.reason }, null, 2)}\n`);
  else ctx.io.stdout(`${[...s.lines, `detected by:  ${t.reason}`].join('\n')}\n`);
  return s.ok ? Exit.OK : Exit.DAMAGED;
}

export function runDump(t: Target, ctx: Ctx, values: Values): number {
  const from = u64Arg(values, 'from');
  const to = u64Arg(values, 'to');
  if (from !== undefined && to !== undefined && to < from) {
    throw new UsageError(CliCode.USAGE, `--to ${to} is below --from ${from}`, `run 'logspec dump --help'`);
  }
  const out = writer(ctx);
  const damage = new DamageReport(ctx, t.path);
  try {
    t.adapter.dump(
      t.path,
      ctx,
      (item) => {
        if (from !== undefined && item.key < from) return undefined;
        // Keys grow along the log, so nothing after --to can be selected.
        if (to !== undefined && item.key > to) return false;
        out.line(itemLine(item, ctx.json));
        return undefined;
      },
      damage.add,
    );
  } finally {
    out.flush();
  }
  return damage.flush();
}

export function runVerify(t: Target, ctx: Ctx): number {
  let r: ReturnType<FormatCli['verify']>;
  try {
    r = t.adapter.verify(t.path, ctx);
  } catch (e) {
    // A file whose header cannot be read fails every check: that is a verify result, not a
    // crash. An I/O failure is not damage: it is the command's error.
    if (!isLogspecError(e) || e.code === 'CORE_IO') throw e;
    r = { checks: [], problems: [problemOf(e, null)], notes: [] };
  }
  const list = new ProblemList();
  list.addAll(r.problems);
  list.unlisted += r.unlisted ?? 0;
  const total = list.total;
  const ok = total === 0;
  if (ctx.json) {
    const { problems, problems_not_listed } = healthJson(list.items, list.unlisted);
    const doc = {
      format: t.adapter.name,
      path: t.path,
      ok,
      checks: r.checks,
      problems,
      problems_not_listed,
      notes: r.notes,
    };
    ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const lines = [`verify ${t.adapter.name}: ${t.path}`];
    if (r.checks.length) lines.push('checked:', ...r.checks.map((c) => `  - ${c}`));
    if (!ok) lines.push(`problems (${total}):`, ...list.items.map((p) => `  ${problemLine(p)}`));
    if (list.unlisted) lines.push(`  … ${list.unlisted} more problems not listed`);
    if (r.notes.length) lines.push('notes:', ...r.notes.map((n) => `  - ${n}`));
    lines.push(
      ok
        ? 'result: ok'
        : `result: damaged (${total} problem${total === 1 ? '' : 's'}) — 'logspec repair --dry-run ${t.path}' shows what can be fixed`,
    );
    ctx.io.stdout(`${lines.join('\n')}\n`);
  }
  return ok ? Exit.OK : Exit.DAMAGED;
}

function changeLine(c: RepairReport['changes'][number], dry: boolean): string {
  const w = (past: string, future: string) => (dry ? future : past);
  const ranges = c.ranges.map(([f, t]) => `[${f}, ${t})`).join(', ');
  switch (c.kind) {
    case 'truncated':
      return `${c.file}: ${w('cut', 'would cut')} ${c.bytes} bytes at the end ${ranges}`;
    case 'rewritten':
      return `${c.file}: ${w('rewrote', 'would rewrite')} ${c.bytes} bytes ${ranges}`;
    case 'extended':
      return `${c.file}: ${w('added', 'would add')} ${c.bytes} bytes at the end`;
    case 'removed':
      return `${c.file}: ${w('removed', 'would remove')} (${c.bytes} bytes)`;
    case 'created':
      return `${c.file}: ${w('created', 'would create')} (${c.bytes} bytes)`;
    case 'renamed':
      return `${c.file}: ${w('renamed', 'would rename')} to ${c.to}`;
  }
}

export function runRepair(t: Target, ctx: Ctx, values: Values): number {
  const dry = values['dry-run'] === true;
  const r = repair(t.adapter, t.path, ctx, { dryRun: dry, force: values.force === true });
  const ok = r.error === null && r.remaining.length === 0;
  if (ctx.json) {
    const doc = {
      format: r.format,
      path: r.path,
      dry_run: r.dryRun,
      package_report: r.packageReport,
      changes: r.changes.map((c) => ({ ...c, ranges: c.ranges.map(([f, to]) => ({ from: f, to })) })),
      quarantine: r.quarantine,
      error: r.error,
      ok,
      remaining: r.remaining,
    };
    ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return ok ? Exit.OK : Exit.DAMAGED;
  }
  const lines = [`repair ${r.format}: ${r.path}${dry ? ' (dry run: nothing is changed)' : ''}`];
  if (r.error) {
    lines.push(
      `refused: ${r.error.code}${r.error.offset === null ? '' : ` at byte ${r.error.offset}`}: ${r.error.message}`,
    );
  }
  if (r.packageReport.length) lines.push('recovery:', ...r.packageReport.map((n) => `  - ${n}`));
  if (r.changes.length === 0) lines.push(dry ? 'changes: none would be made' : 'changes: none');
  else lines.push('changes:', ...r.changes.map((c) => `  - ${changeLine(c, dry)}`));
  const lost = r.changes.filter((c) => c.ranges.length > 0);
  if (lost.length) {
    lines.push(
      dry
        ? `quarantine: the ${lost.reduce((n, c) => n + c.bytes, 0)} bytes cut or overwritten would first be saved under ${r.quarantine}/`
        : `quarantine: the old bytes are saved in ${r.quarantine} (see manifest.json there)`,
    );
  }
  if (r.remaining.length === 0)
    lines.push(r.error ? 'result: unchanged' : `result: ${dry ? 'would be healthy' : 'healthy'}`);
  else
    lines.push(
      `result: ${r.remaining.length} problem${r.remaining.length === 1 ? '' : 's'} remain${r.remaining.length === 1 ? 's' : ''}:`,
      ...r.remaining.map((p) => `  ${problemLine(p)}`),
    );
  if (r.error?.code.endsWith('CORRUPT_BEFORE_TAIL') || r.error?.code.endsWith('CORRUPT_TAIL')) {
    lines.push("hint: 'logspec repair --force' cuts at the damage; the cut bytes go to the quarantine directory");
  }
  ctx.io.stdout(`${lines.join('\n')}\n`);
  return ok ? Exit.OK : Exit.DAMAGED;
}

export async function runTail(t: Target, ctx: Ctx, values: Values): Promise<number> {
  const n = intArg(values, 'lines', 10, 0);
  const interval = intArg(values, 'interval', 250, 10);
  const out = writer(ctx);
  const damage = new DamageReport(ctx, t.path);
  const last: DumpItem[] = [];
  const keep = (item: DumpItem) => {
    if (n === 0) return undefined;
    last.push(item);
    if (last.length > n) last.shift();
    return undefined;
  };
  if (values.follow !== true) {
    t.adapter.dump(t.path, ctx, keep, damage.add);
    for (const item of last) out.line(itemLine(item, ctx.json));
    out.flush();
    return damage.flush();
  }
  const follower = t.adapter.tail(t.path, ctx);
  let stop = false;
  let wake: (() => void) | undefined;
  const off = ctx.io.onInterrupt(() => {
    stop = true;
    wake?.();
  });
  /** With -f damage is reported as it is met, poll by poll; it decides the exit code at the end. */
  let damaged = false;
  try {
    follower.poll(keep, damage.add);
    for (const item of last) out.line(itemLine(item, ctx.json));
    out.flush();
    damaged = damage.flush() !== Exit.OK;
    while (!stop) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, interval);
      });
      if (stop) break;
      follower.poll((item) => out.line(itemLine(item, ctx.json)), damage.add);
      out.flush();
      if (damage.flush() !== Exit.OK) damaged = true;
    }
  } finally {
    off();
    out.flush();
  }
  return damaged ? Exit.DAMAGED : Exit.OK;
}
