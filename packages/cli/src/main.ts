import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isLogspecError } from '@logspec/core';
import { runDump, runInspect, runRepair, runTail, runVerify } from './commands.js';
import { detectFormat, normalizeFor } from './detect.js';
import { CliCode, Exit, errorJson, errorLine, exitFor, reportable, UsageError } from './errors.js';
import { runExport } from './export.js';
import { ADAPTERS } from './formats/registry.js';
import { type Ctx, FORMAT_NAMES, type FormatCli, type FormatName } from './formats/types.js';
import type { CliIo } from './io.js';
import { Progress } from './progress.js';
import { COMMAND_HELP, COMMANDS, type Command, MAIN_HELP } from './usage.js';
import { runInspectWeb } from './web.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Values = Record<string, string | boolean | undefined>;

const COMMON = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const OPTIONS = {
  inspect: { ...COMMON, web: { type: 'boolean' }, port: { type: 'string' } },
  verify: { ...COMMON },
  dump: { ...COMMON, from: { type: 'string' }, to: { type: 'string' } },
  repair: { ...COMMON, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
  tail: {
    ...COMMON,
    follow: { type: 'boolean', short: 'f' },
    lines: { type: 'string', short: 'n' },
    interval: { type: 'string' },
  },
  export: {
    ...COMMON,
    from: { type: 'string' },
    to: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
    errors: { type: 'string' },
    compression: { type: 'string' },
  },
} as const;

function parse(command: Command, args: string[]): { values: Values; path: string | undefined } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: OPTIONS[command],
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 1) {
      throw new UsageError(
        CliCode.USAGE,
        `${command} takes one path, got ${positionals.length}`,
        `run 'logspec ${command} --help'`,
      );
    }
    return { values: values as Values, path: positionals[0] };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    // node:util's messages span lines and suggest `--` tricks; keep the first sentences on one line.
    const line = msg.replace(/\s*To specify (a positional|an option) argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
    throw new UsageError(CliCode.USAGE, line, `run 'logspec ${command} --help'`);
  }
}

/** The adapter and the path it takes: from `--format`, or detected. */
export function resolveTarget(
  ctx: Ctx,
  path: string,
  format: string | undefined,
): { adapter: FormatCli; path: string; reason: string } {
  let name: FormatName;
  let target: string;
  let reason: string;
  if (format !== undefined) {
    if (!(FORMAT_NAMES as readonly string[]).includes(format)) {
      throw new UsageError(CliCode.USAGE, `unknown format '${format}'`, `use one of ${FORMAT_NAMES.join(', ')}`);
    }
    name = format as FormatName;
    target = normalizeFor(ctx.fs, name, path);
    reason = '--format';
  } else {
    const d = detectFormat(ctx.fs, path);
    name = d.format;
    target = d.path;
    reason = d.reason;
  }
  const adapter = ADAPTERS[name];
  if (!adapter) {
    throw new UsageError(
      CliCode.UNSUPPORTED,
      `the ${name} format is not supported by this logspec yet`,
      'see the README of @logspec/cli',
    );
  }
  return { adapter, path: target, reason };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Never throws: errors are printed as one line on stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  const first = args[0];
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? args[1] : undefined;
      if (topic && (COMMANDS as readonly string[]).includes(topic)) io.stdout(COMMAND_HELP[topic as Command]);
      else io.stdout(MAIN_HELP);
      return first === undefined ? Exit.USAGE : Exit.OK;
    }
    if (first === '-v' || first === '--version' || first === 'version') {
      io.stdout(`${version()}\n`);
      return Exit.OK;
    }
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError(
        CliCode.USAGE,
        first.startsWith('-') ? `unknown option '${first}' before the command` : `unknown command '${first}'`,
        `commands: ${COMMANDS.join(', ')}; run 'logspec --help'`,
      );
    }
    const command = first as Command;
    const { values, path } = parse(command, args.slice(1));
    if (values.help) {
      io.stdout(COMMAND_HELP[command]);
      return Exit.OK;
    }
    if (path === undefined) {
      throw new UsageError(CliCode.USAGE, `${command} needs a path`, `run 'logspec ${command} --help'`);
    }
    const ctx: Ctx = { io, fs: io.fs, progress: new Progress(io), json: values.json === true };
    const target = resolveTarget(ctx, path, values.format as string | undefined);
    switch (command) {
      case 'inspect':
        return values.web ? await runInspectWeb(target, ctx, values) : runInspect(target, ctx);
      case 'dump':
        return runDump(target, ctx, values);
      case 'verify':
        return runVerify(target, ctx);
      case 'repair':
        return runRepair(target, ctx, values);
      case 'tail':
        return await runTail(target, ctx, values);
      case 'export':
        return await runExport(target, ctx, values);
    }
  } catch (caught) {
    const e = reportable(caught);
    if (args.includes('--json')) io.stderr(`${JSON.stringify(errorJson(e, commandPath(args)))}\n`);
    else io.stderr(`${errorLine(e)}\n`);
    const known = e instanceof UsageError || isLogspecError(e) || (e as { code?: unknown }).code !== undefined;
    if (io.env.LOGSPEC_DEBUG && !known) io.stderr(`${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
    return exitFor(e);
  }
}

/** The path argument of a command line, best effort (for errors raised before it was parsed). */
function commandPath(args: readonly string[]): string | undefined {
  const withValue = new Set(['--format', '--from', '--to', '--lines', '-n', '--interval']);
  let last: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (withValue.has(a)) i++;
    else if (!a.startsWith('-')) last = a;
  }
  return last;
}
