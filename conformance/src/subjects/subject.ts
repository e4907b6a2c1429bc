import type { FormatName, Outcome, Request, Verb } from '../protocol/types.js';

/** What an implementation says about itself when started (the protocol's `start` answer). */
export interface Hello {
  implementation: string;
  version: string;
  /** format → verbs it answers. A format absent here is "not implemented", never passing. */
  capabilities: Partial<Record<FormatName, Verb[]>>;
}

/** Anything the suite can run cases against: the built-in handlers, an external adapter, a wrapper. */
export interface Subject {
  /** How reports name it, e.g. `builtin (in-process)`, `adapter: python3 ring.py`. */
  readonly name: string;
  start(): Promise<Hello>;
  /** Never throws: a crash, a timeout or a thrown bug comes back as `{errored}`. */
  run(req: Request, timeoutMs: number): Promise<Outcome>;
  stop(): Promise<void>;
}

export function supports(hello: Hello, format: FormatName, verb: Verb): boolean {
  return hello.capabilities[format]?.includes(verb) ?? false;
}

export function erroredOutcome(message: string): Outcome {
  return { errored: { message } };
}

export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
