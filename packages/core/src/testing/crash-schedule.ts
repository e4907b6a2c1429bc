/** When a `SimFs` crashes: the calls that count as crash points, the scheduled crash, and its options. */

/**
 * Thrown by the SimFs call at which a crash was scheduled (`crashAfter`), and by every call
 * after it until `crash()` is applied: the simulated process is dead. It is not a
 * `LogspecError`, so store code that handles I/O errors does not swallow it by accident.
 */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  /** How many mutating calls completed before the crash. */
  readonly point: number;
  readonly op: string;
  constructor(point: number, op: string) {
    super(`simulated crash before mutating call #${point} (${op})`);
    this.point = point;
    this.op = op;
  }
}

/** The calls that count as crash points, in the order `onMutation` sees them. */
export type MutatingOp =
  | 'write'
  | 'append'
  | 'truncate'
  | 'fsync'
  | 'fdatasync'
  | 'open'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'rmdir'
  | 'fsyncDir';

export interface SimFsOptions {
  /** The (n+1)-th mutating call throws `SimulatedCrash` without being performed. */
  crashAfter?: number;
  /** Clock for mtimes (default: a logical clock that ticks once per mutating call). */
  now?: () => number;
}
