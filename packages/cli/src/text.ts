/** Small formatting helpers shared by the format adapters' readable output. */

/** `label: value` lines with the values aligned. */
export function kv(pairs: readonly (readonly [string, string])[]): string[] {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 2)}${v}`);
}

const MS_MIN = -8_640_000_000_000_000n;
const MS_MAX = 8_640_000_000_000_000n;

/** A Unix time in milliseconds as ISO 8601 (the number itself when outside Date's range). */
export function isoFromMs(ms: bigint): string {
  if (ms < MS_MIN || ms > MS_MAX) return `${ms} ms`;
  return new Date(Number(ms)).toISOString();
}

/** A Unix time in nanoseconds as ISO 8601 with all nine fraction digits. */
export function isoFromNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  if (ns < 0n || ms > MS_MAX) return `${ns} ns`;
  const base = new Date(Number(ms)).toISOString(); // …ss.mmmZ
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${base.slice(0, 19)}.${frac}Z`;
}

/** A byte count, exact and (when large) in KiB/MiB/GiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${n} B (${v.toFixed(1)} ${units[u]})`;
}

/** Running minimum and maximum of bigints (u64 fields). */
export class BigRange {
  min: bigint | null = null;
  max: bigint | null = null;
  add(v: bigint): void {
    if (this.min === null || v < this.min) this.min = v;
    if (this.max === null || v > this.max) this.max = v;
  }
  /** Canonical JSON form: u64 as decimal strings, null when empty. */
  json(): { min: string; max: string } | null {
    return this.min === null || this.max === null ? null : { min: String(this.min), max: String(this.max) };
  }
  text(show: (v: bigint) => string = String): string {
    return this.min === null || this.max === null ? '—' : `${show(this.min)} … ${show(this.max)}`;
  }
}

/** Plural helper: `count(3, 'record')` → "3 records". */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

/** A string shortened for one line of output (JSON-quoted so control characters stay visible). */
export function short(s: string, max = 120): string {
  const q = JSON.stringify(s);
  return q.length <= max ? q : `${q.slice(0, max - 2)}…"`;
}
