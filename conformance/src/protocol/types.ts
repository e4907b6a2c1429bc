/**
 * The requests and answers of the conformance protocol. The same shapes travel as JSON lines
 * over stdio to external adapters (see `spec/conformance.md`) and are passed in-process to the
 * built-in handlers. Bytes are lower-case hex; u64/i64 are decimal strings.
 */
export type FormatName = 'wal' | 'ring' | 'segment' | 'session' | 'hotframe' | 'hotlog';
export const FORMATS: readonly FormatName[] = ['wal', 'ring', 'segment', 'session', 'hotframe', 'hotlog'];

export type Verb = 'read' | 'write' | 'decode' | 'encode';

/** One operation of a recipe (`../shared/reference/<format>/corpus.json` → `recipe.ops`). */
export interface Op {
  op: string;
  [field: string]: unknown;
}

export type Request =
  /** Read a file or directory as the original reader does; answer its canonical JSON. */
  | { verb: 'read'; format: FormatName; path: string }
  /** Apply `ops` inside the (existing, empty) directory `dir`, every "now" pinned to `fixedTime`. */
  | { verb: 'write'; format: FormatName; dir: string; ops: Op[]; fixedTime: string }
  /** Decode one unit (`kind`: e.g. `slot`, `header`, `record`, `message`, `frame`, `event`) from hex. */
  | { verb: 'decode'; format: FormatName; kind: string; hex: string; mode?: 'original' | 'strict' }
  /** Encode one unit from its canonical JSON; answer `{hex}`. */
  | { verb: 'encode'; format: FormatName; kind: string; value: unknown };

/** An error answer: `code` is the original's error kind for `read`, a logspec code otherwise. */
export interface ErrorAnswer {
  code: string;
  message?: string;
  offset?: number | string | null;
  [extra: string]: unknown;
}

export type Outcome =
  | { ok: unknown }
  | { error: ErrorAnswer }
  | { skipped: { reason: string } }
  | { errored: { message: string } };

/** A built-in implementation of one format: what `conformance/src/builtin/<format>.ts` exports. */
export interface FormatHandler {
  readonly format: FormatName;
  readonly verbs: readonly Verb[];
  /** Never throws for bad input: returns `{error}`; throws only for a bug (reported `errored`). */
  run(req: Request): Promise<Outcome>;
}
