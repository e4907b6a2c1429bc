import { basename } from '@logspec/core';

/**
 * Where files picked or dropped without their folder belong, so that a store's layout can be
 * rebuilt around them before detection: a session store's segments, index, checkpoints and
 * ledger go to the subdirectories `spec/session.md` §1 names, a hot log's `log.bin` to `hot/`.
 * Files of other formats (a WAL directory's files, a partition's `.log` and `.index`, a ring)
 * keep their names side by side.
 */

const SESSION_SEGMENT = /^\+?[0-9]+\.seg$/;
const CHECKPOINT = /^\+?[0-9]+\.json$/;

/**
 * The relative path each of `names` (bare file names, in any order) takes in a rebuilt
 * folder. Session files are placed only when a session file that cannot be anything else
 * (a `.seg` segment or `offsets.jsonl`) is among them.
 */
export function placeLooseFiles(names: readonly string[]): string[] {
  const bare = names.map((n) => basename(n));
  const session = bare.some((n) => SESSION_SEGMENT.test(n) || n === 'offsets.jsonl');
  return bare.map((n) => {
    if (n === 'log.bin') return 'hot/log.bin';
    if (!session) return n;
    if (SESSION_SEGMENT.test(n)) return `segments/${n}`;
    if (n === 'offsets.jsonl') return `index/${n}`;
    if (n === 'ledger.jsonl') return `migrations/${n}`;
    if (CHECKPOINT.test(n)) return `checkpoints/${n}`;
    return n;
  });
}
