/** The native CRC backends that the Node entry installs (`native-checksums.ts`); none in browsers. */

/** A native CRC over a whole buffer, continuing from `seed` (the previous CRC). */
export type NativeCrc = (data: Uint8Array, seed: number) => number;

export interface CrcBackend {
  native: NativeCrc | undefined;
  /** Inputs of at least this many bytes go to the native backend. */
  threshold: number;
}

export const backends: { crc32: CrcBackend; crc32c: CrcBackend } = {
  crc32: { native: undefined, threshold: Number.POSITIVE_INFINITY },
  crc32c: { native: undefined, threshold: Number.POSITIVE_INFINITY },
};

/** Installs a native backend (Node entry does this); `threshold` from the checksum benchmark. */
export function setNativeCrc(which: 'crc32' | 'crc32c', native: NativeCrc | undefined, threshold: number): void {
  backends[which] = { native, threshold: native ? threshold : Number.POSITIVE_INFINITY };
}
