import { type ChildProcess, spawn } from 'node:child_process';
import { type ErrorAnswer, FORMATS, type Outcome, type Request, type Verb } from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../schemas/protocol.js';
import { describeThrown, erroredOutcome, type Hello, type Subject } from './subject.js';

export interface AdapterOptions {
  /** A shell command line, e.g. `python3 adapter.py`; run with `sh -c` in its own process group. */
  command: string;
  cwd?: string;
  /** How long the `start` handshake may take (interpreters and JITs start slowly). */
  startTimeoutMs?: number;
  /** Consecutive failed (re)starts after which every further request is answered `errored` at once. */
  maxStartFailures?: number;
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  resolve: (line: string | Error) => void;
}

const VERBS: readonly Verb[] = ['read', 'write', 'decode', 'encode'];
const STDERR_TAIL = 20;

/**
 * An implementation behind the adapter protocol (spec/conformance.md): JSON lines over stdio, one
 * answer per request, in order. A testee that crashes, hangs past the per-request timeout or
 * breaks the protocol is killed and reported `errored` for that request; the next request
 * restarts it, so one bad case never ends the run.
 */
export class AdapterSubject implements Subject {
  readonly name: string;
  private proc: ChildProcess | undefined;
  private buffered = '';
  private lines: string[] = [];
  private pending: Pending | undefined;
  private exitNote: string | undefined;
  private stderrTail: string[] = [];
  private seq = 0;
  private startFailures = 0;
  private hello: Hello | undefined;
  /** How many times the testee was (re)started; the first start counts. */
  starts = 0;

  constructor(private readonly opts: AdapterOptions) {
    this.name = `adapter: ${opts.command}`;
  }

  async start(): Promise<Hello> {
    this.hello = await this.spawnAndGreet();
    return this.hello;
  }

  async run(req: Request, timeoutMs: number): Promise<Outcome> {
    if (!this.proc) {
      if (this.startFailures >= (this.opts.maxStartFailures ?? 3)) {
        return erroredOutcome(`adapter could not be restarted (${this.startFailures} attempts failed)`);
      }
      try {
        await this.spawnAndGreet();
      } catch (e) {
        return erroredOutcome(`adapter restart failed: ${describeThrown(e)}`);
      }
    }
    const seq = ++this.seq;
    const line = await this.exchange({ type: 'run', seq, ...req }, timeoutMs);
    if (line instanceof Error) {
      this.kill();
      return erroredOutcome(`${line.message}${this.stderrNote()}`);
    }
    const parsed = parseAnswer(line, seq);
    if (typeof parsed === 'string') {
      // The stream may be out of step now: start afresh for the next request.
      this.kill();
      return erroredOutcome(`protocol violation: ${parsed}`);
    }
    return parsed;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const exited = new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) resolve();
      else p.once('exit', () => resolve());
    });
    try {
      p.stdin?.write(`${JSON.stringify({ type: 'stop' })}\n`);
      p.stdin?.end();
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.kill(), 2000);
    await exited;
    clearTimeout(timer);
    this.proc = undefined;
  }

  private async spawnAndGreet(): Promise<Hello> {
    this.spawn();
    const line = await this.exchange(
      { type: 'start', protocolVersion: PROTOCOL_VERSION },
      this.opts.startTimeoutMs ?? 30_000,
    );
    try {
      if (line instanceof Error) throw line;
      const hello = parseHello(line);
      this.startFailures = 0;
      return hello;
    } catch (e) {
      this.startFailures++;
      this.kill();
      throw new Error(`adapter start failed: ${e instanceof Error ? e.message : String(e)}${this.stderrNote()}`);
    }
  }

  private spawn(): void {
    this.buffered = '';
    this.lines = [];
    this.exitNote = undefined;
    this.stderrTail = [];
    this.starts++;
    const p = spawn(this.opts.command, {
      shell: true,
      detached: true,
      cwd: this.opts.cwd,
      env: this.opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc = p;
    p.stdout?.setEncoding('utf8');
    p.stderr?.setEncoding('utf8');
    p.stdin?.on('error', () => {
      // EPIPE after the testee died: the exit handler reports it.
    });
    p.stdout?.on('data', (chunk: string) => {
      if (this.proc !== p) return;
      this.buffered += chunk;
      let nl = this.buffered.indexOf('\n');
      while (nl >= 0) {
        const line = this.buffered.slice(0, nl).replace(/\r$/, '');
        this.buffered = this.buffered.slice(nl + 1);
        if (line.trim() !== '') this.deliver(line);
        nl = this.buffered.indexOf('\n');
      }
    });
    p.stderr?.on('data', (chunk: string) => {
      if (this.proc !== p) return;
      for (const l of chunk.split('\n')) if (l.trim() !== '') this.stderrTail.push(l);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.splice(0, this.stderrTail.length - STDERR_TAIL);
    });
    const onGone = (why: string) => {
      if (this.proc !== p) return;
      this.exitNote = why;
      this.proc = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(new Error(`adapter ${why} while answering`));
    };
    p.on('exit', (code, signal) => onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    p.on('error', (e) => onGone(`could not run (${e.message})`));
  }

  private deliver(line: string): void {
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      pending.resolve(line);
    } else {
      this.lines.push(line);
    }
  }

  private exchange(message: object, timeoutMs: number): Promise<string | Error> {
    const p = this.proc;
    if (!p) return Promise.resolve(new Error(`adapter ${this.exitNote ?? 'is not running'}`));
    if (this.lines.length > 0) {
      const stray = this.lines.shift();
      return Promise.resolve(new Error(`unrequested output before request: ${stray?.slice(0, 200)}`));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.resolve === done) this.pending = undefined;
        resolve(new Error(`timed out after ${timeoutMs} ms (adapter killed, restarted for the next request)`));
      }, timeoutMs);
      const done = (r: string | Error) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.pending = { resolve: done };
      try {
        p.stdin?.write(`${JSON.stringify(message)}\n`);
      } catch (e) {
        this.pending = undefined;
        done(new Error(`could not write to adapter: ${describeThrown(e)}`));
      }
    });
  }

  private kill(): void {
    const p = this.proc;
    this.proc = undefined;
    this.pending = undefined;
    if (!p || p.pid === undefined) return;
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      try {
        p.kill('SIGKILL');
      } catch {
        // gone already
      }
    }
  }

  private stderrNote(): string {
    return this.stderrTail.length === 0
      ? ''
      : `; adapter stderr (last lines): ${this.stderrTail.slice(-5).join(' | ')}`;
  }
}

function parseHello(line: string): Hello {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error(`start answer is not JSON: ${line.slice(0, 200)}`);
  }
  if (!v || typeof v !== 'object') throw new Error('start answer is not an object');
  const o = v as Record<string, unknown>;
  if (typeof o.implementation !== 'string' || typeof o.version !== 'string') {
    throw new Error('start answer lacks implementation/version strings');
  }
  if (o.protocolVersion !== undefined && o.protocolVersion !== PROTOCOL_VERSION) {
    throw new Error(`adapter speaks protocol ${String(o.protocolVersion)}, runner speaks ${PROTOCOL_VERSION}`);
  }
  const caps = o.capabilities;
  if (!caps || typeof caps !== 'object') throw new Error('start answer lacks capabilities');
  const capabilities: Hello['capabilities'] = {};
  for (const [format, verbs] of Object.entries(caps as Record<string, unknown>)) {
    if (!(FORMATS as readonly string[]).includes(format)) continue;
    if (!Array.isArray(verbs)) throw new Error(`capabilities.${format} is not an array`);
    capabilities[format as keyof Hello['capabilities']] = verbs.filter((x): x is Verb =>
      (VERBS as readonly unknown[]).includes(x),
    );
  }
  return { implementation: o.implementation, version: o.version, capabilities };
}

/** The outcome carried by an answer line, or a description of how it breaks the protocol. */
export function parseAnswer(line: string, seq: number): Outcome | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return `answer is not JSON: ${line.slice(0, 200)}`;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'answer is not an object';
  const o = v as Record<string, unknown>;
  if (o.seq !== seq) return `answer seq ${String(o.seq)} for request seq ${seq}`;
  const keys = (['ok', 'error', 'skipped', 'errored'] as const).filter((k) => k in o);
  if (keys.length !== 1)
    return `answer must carry exactly one of ok/error/skipped/errored, has ${keys.join(',') || 'none'}`;
  const key = keys[0] as 'ok' | 'error' | 'skipped' | 'errored';
  if (key === 'ok') return { ok: o.ok };
  const body = o[key];
  if (!body || typeof body !== 'object') return `${key} must be an object`;
  const b = body as Record<string, unknown>;
  if (key === 'error') {
    if (typeof b.code !== 'string' || b.code === '') return 'error.code must be a non-empty string';
    return { error: b as ErrorAnswer };
  }
  if (key === 'skipped') return { skipped: { reason: String(b.reason ?? '') } };
  return { errored: { message: String(b.message ?? '') } };
}
