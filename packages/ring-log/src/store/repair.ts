import type { Fs } from '@logspec/core';
import { RingLog } from './ring-log.js';

/**
 * Repair of a ring file: opening it for writing (`RingLog.open`) clears the torn slot magics a
 * crash leaves; foreign magics that are not torn ones and bytes after the last slot are left
 * as they are. `logspec repair` runs it on the real file and the browser inspector on a
 * copy-on-write view; both report its lines. A ring has no records to cut, so there is no
 * `force`.
 */
export function repairRing(fs: Fs, path: string): string[] {
  const log = RingLog.open(path, { fs, foreignSlots: 'skip' });
  try {
    const o = log.opened;
    const out: string[] = [];
    if (o.clearedTornSlots.length) out.push(`cleared torn slot magics: slots ${o.clearedTornSlots.join(', ')}`);
    if (o.foreignSlots.length) {
      out.push(
        `left alone: slots ${o.foreignSlots.join(', ')} have a foreign magic that is not a torn one (the package never clears those)`,
      );
    }
    if (o.trailingBytes) out.push(`${o.trailingBytes} bytes after the last slot left as they are (ignored by readers)`);
    return out;
  } finally {
    log.close();
  }
}
