/** The eleven record types, by the code byte at offset 8 (xerv's `WalRecordType`). */
export const WalRecordType = {
  TraceStart: 0,
  NodeStart: 1,
  NodeDone: 2,
  NodeError: 3,
  TraceComplete: 4,
  TraceFailed: 5,
  TraceSuspended: 6,
  TraceResumed: 7,
  Checkpoint: 8,
  LoopIteration: 9,
  LoopExit: 10,
} as const;
export type WalRecordType = (typeof WalRecordType)[keyof typeof WalRecordType];
export type WalRecordTypeName = keyof typeof WalRecordType;

/** Highest known type code; a larger one is `unknown_record_type`. */
export const MAX_RECORD_TYPE = 10;

/** Names indexed by code, as the canonical JSON spells them. */
export const RECORD_TYPE_NAMES: readonly WalRecordTypeName[] = [
  'TraceStart',
  'NodeStart',
  'NodeDone',
  'NodeError',
  'TraceComplete',
  'TraceFailed',
  'TraceSuspended',
  'TraceResumed',
  'Checkpoint',
  'LoopIteration',
  'LoopExit',
];

export function isRecordType(code: number): code is WalRecordType {
  return Number.isInteger(code) && code >= 0 && code <= MAX_RECORD_TYPE;
}

export function recordTypeName(code: WalRecordType): WalRecordTypeName {
  return RECORD_TYPE_NAMES[code] as WalRecordTypeName;
}

export function recordTypeFromName(name: string): WalRecordType | undefined {
  return Object.hasOwn(WalRecordType, name) ? WalRecordType[name as WalRecordTypeName] : undefined;
}
