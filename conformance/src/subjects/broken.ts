import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from '../cases/files.js';
import type { Outcome, Request } from '../protocol/types.js';
import type { Hello, Subject } from './subject.js';

export type Breakage = 'flip-written-bit' | 'drop-last-record';

const RECORD_LISTS = ['records', 'events', 'messages', 'frames', 'entries'];

/**
 * A deliberately broken implementation, for proving the suite catches real faults: it wraps a
 * working subject and flips the low bit of the last byte of what it writes or encodes (the CRC
 * in trailer-checksummed formats) and/or drops the last record of what it reads.
 */
export class BrokenSubject implements Subject {
  readonly name: string;

  constructor(
    private readonly inner: Subject,
    private readonly breakages: readonly Breakage[] = ['flip-written-bit', 'drop-last-record'],
  ) {
    this.name = `broken(${breakages.join('+')}) ${inner.name}`;
  }

  start(): Promise<Hello> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  async run(req: Request, timeoutMs: number): Promise<Outcome> {
    const out = await this.inner.run(req, timeoutMs);
    if (!('ok' in out)) return out;
    if (this.breakages.includes('flip-written-bit')) {
      if (req.verb === 'write') {
        const first = listFiles(req.dir).find((f) => readFileSync(join(req.dir, f)).length > 0);
        if (first !== undefined) {
          const p = join(req.dir, ...first.split('/'));
          const b = readFileSync(p);
          b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
          writeFileSync(p, b);
        }
      }
      if (req.verb === 'encode') {
        const hex = (out.ok as { hex?: unknown } | null)?.hex;
        if (typeof hex === 'string' && hex.length >= 2) {
          const last = (Number.parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, '0');
          return { ok: { ...(out.ok as object), hex: hex.slice(0, -2) + last } };
        }
      }
    }
    if (this.breakages.includes('drop-last-record') && req.verb === 'read') {
      return { ok: dropLastRecord(out.ok) };
    }
    return out;
  }
}

/** The value with the last element of its first non-empty record list removed. */
export function dropLastRecord(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  for (const k of RECORD_LISTS) {
    const list = o[k];
    if (Array.isArray(list) && list.length > 0) return { ...o, [k]: list.slice(0, -1) };
  }
  return v;
}

export { RECORD_LISTS };
