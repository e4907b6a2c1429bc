/** Help texts of `logspec --help` and `logspec <command> --help`. */

export const COMMANDS = ['inspect', 'dump', 'verify', 'repair', 'tail', 'export'] as const;
export type Command = (typeof COMMANDS)[number];

const FORMATS = 'hotlog | hotframe | ring | wal | segment | session';

export const MAIN_HELP = `logspec — inspect, dump, verify, repair and follow logspec's log formats

usage: logspec <command> [options] <path>

commands:
  inspect <path>   detect the format and summarise it: counts, offset/seq/time ranges, sizes, health
                   (--web: the same path in the browser inspector, every record and byte)
  dump <path>      print the records as text, or as JSON lines in the format's canonical JSON
  verify <path>    run every check the format allows; exit 0 healthy, 1 damaged
  repair <path>    cut torn tails, rebuild derived indexes, quarantine what cannot be trusted
  tail <path>      print the last records; with -f, follow the log as it grows
  export <path>    write the log as a table: Parquet, Arrow IPC or NDJSON (for DuckDB, Polars, …)

options:
  --format <name>  ${FORMATS} (default: detected from magic bytes, names and layout)
  --json           machine-readable output
  -h, --help       this help; 'logspec <command> --help' for a command's options
  -v, --version    print the version

paths: a kaizen root or hot/log.bin (hotlog), a .vrrl ring, a WAL directory or wal_*.log file,
a partition directory or {base:020}.log segment, a session store root or <stem>.v2 sidecar.

exit codes (every command): 0 ok; 1 damage found, or the operation failed or was refused (a
missing path, an I/O error); 2 usage error. With --json, errors are JSON on stderr.
`;

const COMMON = `  --format <name>  ${FORMATS} (default: detected)
  -h, --help       this help`;

export const COMMAND_HELP: Record<Command, string> = {
  inspect: `usage: logspec inspect [--json] [--format <name>] <path>
       logspec inspect --web [--port N] <path>

Detects the format and prints a summary: record counts, offset/seq/time ranges, sizes, and
health (run 'logspec verify' for every problem). Reads only; never writes.

With --web, serves the browser inspector on 127.0.0.1 with the path's files preloaded (every
record and byte, the damage map, the problems) and prints its address; Ctrl-C stops it.

options:
  --json           print the summary as one JSON document
  --web            open the path in the browser inspector (a local, read-only server)
  --port N         with --web: the port (default: any free one)
${COMMON}
`,
  dump: `usage: logspec dump [--from N] [--to N] [--json] [--format <name>] <path>

Prints every readable record, one per line: readable text, or with --json one JSON object per
line in the format's canonical JSON (bytes as hex, u64 as decimal strings). --from/--to select
records by number (inclusive): the event/frame/record index for hotlog, hotframe, ring and wal,
the message offset for segment, the entry_seq for session. Damage met on the way (records left
out, where reading stops) is named on stderr, one line per damaged range, and exits 1.

options:
  --from N         first record to print
  --to N           last record to print
  --json           JSON lines
${COMMON}
`,
  verify: `usage: logspec verify [--json] [--format <name>] <path>

Runs every check the format allows (checksums, hashes, index consistency, parent graph, …) and
lists each problem with its error code, file and byte offset. Findings that are not damage
(valid for the original, but not what a logspec writer produces) are listed as notes.

exit: 0 healthy, 1 damaged, 2 usage error.

options:
  --json           print the result as one JSON document
${COMMON}
`,
  repair: `usage: logspec repair [--dry-run] [--force] [--json] [--format <name>] <path>

Runs the format package's own recovery: cuts torn tails, clears torn ring slots, rebuilds
derived indexes. Nothing is deleted that logspec cannot account for: every byte range it cuts
or overwrites, and every file it removes, is first saved under <path>.quarantine/<time>/ with
a manifest.json (modes kept). Without --force it never removes a record that reads as valid,
and it never works through a symbolic link. Prints what it did (or, with --dry-run, what it
would do), then verifies.

exit: 0 when the result is healthy, 1 when problems remain or the repair was refused.

options:
  --dry-run        run the recovery on a scratch copy and report; change nothing
  --force          also cut at damage that valid records follow (they are quarantined, not lost)
  --json           print the report as one JSON document
${COMMON}
`,
  export: `usage: logspec export --to parquet|arrow|ndjson [-o FILE] [--from X] [--to Y]
                      [--errors FILE] [--compression C] [--format <name>] <path>

Writes the log as the analytics table of its format (one row per record, columns typed as in
spec/export.md): Parquet, an Arrow IPC file, or NDJSON. Damaged or skipped records are named on
stderr and, with --errors, written to a side table; none is left out silently. Reads only: a
live log is read up to its last complete record.

options:
  --to FORMAT      parquet, arrow or ndjson (default: from the -o file's extension)
  -o, --output F   the file to write (required for parquet and arrow; ndjson defaults to stdout)
  --from X         first record: a record number (as 'logspec dump' numbers them) or a time
                   (RFC 3339, e.g. 2025-06-01T10:00:00Z, or a date)
  --to Y           last record, the same way (--to takes the output format or the range end;
                   give it twice for both)
  --errors F       write every damaged or skipped record to F (.parquet, .arrow, else NDJSON)
  --compression C  Parquet compression: snappy (default), zstd, lz4, gzip, brotli, none
  --json           print the summary as JSON on stdout (when -o names a file)
${COMMON}

exit: 0 when every record was exported, 1 when damaged records were left out (all named).
`,
  tail: `usage: logspec tail [-f] [-n N] [--interval MS] [--json] [--format <name>] <path>

Prints the last N records (default 10). With -f, keeps polling the log and prints records as
they are appended, until interrupted (Ctrl-C).

options:
  -f, --follow     follow the log as it grows
  -n, --lines N    how many of the existing records to print first (default 10)
  --interval MS    poll interval with -f (default 250)
  --json           JSON lines
${COMMON}
`,
};
