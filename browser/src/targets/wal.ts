// @logspec/wal: every golden WAL file read as the original reads it and with logspec's
// recovering scan (one file at a time; a directory's files in turn), and every record read
// encoded again from its canonical JSON.
import { hexEncode } from '@logspec/core';
import { encodeRecord, fromCanonicalRecord, readWalBytes, toCanonicalEnd, toCanonicalRead } from '@logspec/wal';
import { type BrowserTarget, baseName } from '../harness.js';

export const target: BrowserTarget = {
  package: '@logspec/wal',
  formats: ['wal'],
  load: (p) => p.endsWith('.log'),
  decode: (p, files) => {
    const bytes = files.get(p) as Uint8Array;
    const file = baseName(p);
    return {
      original: () => toCanonicalRead(readWalBytes(bytes, { mode: 'original', file })),
      logspec: () => {
        const r = readWalBytes(bytes, { mode: 'logspec', file });
        return { ...toCanonicalRead(r), ends: r.files.map((f) => toCanonicalEnd(f.end)) };
      },
      reencoded: () =>
        toCanonicalRead(readWalBytes(bytes, { mode: 'logspec', file })).records.map((r) =>
          hexEncode(encodeRecord(fromCanonicalRecord(r))),
        ),
    };
  },
};
