import {
  type DamageState,
  type Fs,
  isLogspecError,
  type LogspecError,
  messageWithoutOffset,
  ProblemList,
  type SurveyProblem,
  type SurveyReport,
  type SurveySink,
  surveyReport,
} from '@logspec/core';
import { SessCode } from '../errors.js';
import { SessWarning } from '../warnings.js';
import type { RecoveryWarning } from './context.js';
import { type FileEntry, listFilesRecursive } from './fs-ops.js';
import { SessionStore } from './session-store.js';
import { type SessionLineUnit, surveyLines } from './survey-lines.js';

/**
 * The damage survey of a session store: what its read-only open finds — the recoveries a
 * writable open would perform (each a problem), every problem `validate_integrity` would find,
 * the checkpoints, manifest and migration ledger that do not parse — and, when the sink asks
 * for units, every line of every file with the state of its bytes. Nothing is written, locked
 * or copied. `logspec verify`/`inspect` and the browser inspector report exactly this.
 */

export interface SessionSurveySink extends SurveySink<SessionLineUnit> {
  /** The store as the read-only open left it (while it is open), with its files as they would be. */
  opened?(store: SessionStore, files: FileEntry[]): void;
}

export interface SessionSurvey extends SurveyReport {
  /** The store refused to open (its error is the only problem). */
  opened: boolean;
}

/** How the bytes a problem names look, by its code. */
export function sessionDamageState(code: string): DamageState {
  if (code === SessCode.CHECKSUM_MISMATCH || code === SessCode.PAYLOAD_MISMATCH) return 'crc';
  if (code === SessWarning.TORN_FRAME || code === SessWarning.UNINDEXED_TAIL || code === SessCode.UNEXPECTED_EOF) {
    return 'torn';
  }
  return 'undecodable';
}

function errorProblem(e: LogspecError, prefix = ''): SurveyProblem {
  const d = e.details;
  const file = typeof d.segment === 'string' ? d.segment : typeof d.path === 'string' ? d.path : null;
  return {
    code: e.code,
    file,
    offset: e.offset ?? null,
    state: sessionDamageState(e.code),
    message: `${prefix}${messageWithoutOffset(e)}`,
  };
}

/** Surveys the store at `root` (read-only). A file that cannot be read throws (`CORE_IO`). */
export function surveySessionStore(fs: Fs, root: string, sink: SessionSurveySink = {}): SessionSurvey {
  const list = new ProblemList();
  const notes: string[] = [];
  const problems: SurveyProblem[] = [];
  if (sink.unit || sink.file || sink.range) surveyLines(fs, root, sink);
  let store: SessionStore | undefined;
  try {
    store = SessionStore.openReadOnly(fs, root, { rootLabel: root });
  } catch (e) {
    // A file that cannot be read is the caller's failure (CORE_IO, naming it), not damage.
    if (!isLogspecError(e) || e.code === 'CORE_IO') throw e;
    problems.push(errorProblem(e));
  }
  if (store) {
    try {
      storeProblems(store, problems, notes);
      sink.opened?.(store, listFilesRecursive(store.fs, store.layout.root));
    } finally {
      store.close();
    }
  }
  const prefix = `${root.replace(/\/+$/, '')}/`;
  for (const p of problems) {
    if (p.file?.startsWith(prefix)) p.file = p.file.slice(prefix.length);
    list.add(p);
    sink.problem?.(p);
  }
  return { ...surveyReport(list, notes), opened: store !== undefined };
}

function storeProblems(store: SessionStore, problems: SurveyProblem[], notes: string[]): void {
  for (const w of store.warnings) {
    const why = typeof w.details.error === 'string' ? `: ${w.details.error}` : '';
    problems.push({
      code: w.code,
      file: w.file ?? null,
      offset: w.offset ?? null,
      state: sessionDamageState(w.code),
      message: `${w.message}${why}`,
    });
  }
  for (const q of store.quarantined) {
    notes.push(`opening would set aside ${q.bytes} bytes of ${q.file} from byte ${q.offset}`);
  }
  try {
    // Every problem validate_integrity would find, not only the first.
    for (const p of store.integrityReport()) {
      problems.push({
        code: p.code,
        file: p.file ?? null,
        offset: p.offset ?? null,
        state: sessionDamageState(p.code),
        message: `validate_integrity: ${messageWithoutOffset(p.error)}`,
      });
    }
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    problems.push(errorProblem(e, 'validate_integrity: '));
  }
  const reads: [string, () => unknown][] = [
    ['manifest', () => store.readManifest()],
    ['migrations/ledger.jsonl', () => store.readMigrationEvents()],
    ...store
      .listCheckpoints()
      .map((seq) => [`checkpoint ${seq}`, () => store.readCheckpoint(seq)] as [string, () => unknown]),
  ];
  for (const [what, run] of reads) {
    try {
      run();
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      problems.push(errorProblem(e, `${what}: `));
    }
  }
}

/**
 * Recovery steps that remove frames that read as valid: cutting a segment at a frame that
 * parses but sits in the wrong place (the frames after it go too), and setting aside whole
 * later segments. Cutting an unindexed tail (an append the index never committed), a torn or
 * garbage last line, or rebuilding the index removes no record the store's reader returns.
 */
const CUTS_VALID = new Set<string>([
  SessWarning.COORDINATE_MISMATCH,
  SessWarning.SEQ_NOT_INCREASING,
  SessWarning.SEGMENT_QUARANTINED,
]);

/** The steps a writable open of the store would take that remove frames reading as valid (none: repair is safe without force). */
export function sessionValidFrameCuts(fs: Fs, root: string): RecoveryWarning[] {
  const probe = SessionStore.openReadOnly(fs, root, { rootLabel: root });
  try {
    return probe.warnings.filter((w) => CUTS_VALID.has(w.code));
  } finally {
    probe.close();
  }
}

/**
 * Repair of a session store: a writable open runs the original's recovery (torn lines cut,
 * the index rebuilt, misplaced frames and later segments set aside into `quarantine/`).
 * Returns what it did, as lines. Callers that must not remove valid frames without being told
 * to check `sessionValidFrameCuts` first (`logspec repair` refuses unless `--force`).
 */
export function repairSessionStore(fs: Fs, root: string, opts: { rootLabel?: string } = {}): string[] {
  const store = SessionStore.open(fs, root, { rootLabel: opts.rootLabel ?? root });
  try {
    const out = store.warnings.map((w) => w.message);
    for (const q of store.quarantined)
      out.push(`set aside ${q.bytes} bytes of ${q.file} from byte ${q.offset} in ${q.to}`);
    return out;
  } finally {
    store.close();
  }
}

export type { SessionLineUnit };
