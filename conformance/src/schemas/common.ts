import Type, { type Static } from 'typebox';
import { FORMATS } from '../protocol/types.js';

/** Lower-case hex, whole bytes: how every byte string travels in vectors, reports and the protocol. */
export const Hex = Type.String({ pattern: '^([0-9a-f]{2})*$', description: 'bytes as lower-case hex' });
/** u64/i64 travel as decimal strings (JSON numbers lose precision above 2^53). */
export const DecimalString = Type.String({ pattern: '^-?[0-9]+$', description: 'u64/i64 as a decimal string' });
export const FormatNameT = Type.Union(
  [
    Type.Literal('wal'),
    Type.Literal('ring'),
    Type.Literal('segment'),
    Type.Literal('session'),
    Type.Literal('hotframe'),
    Type.Literal('hotlog'),
  ],
  { description: 'format name' },
);
/** Keeps the schema's list and the protocol's FORMATS in step (a compile error if they drift). */
const _formatsAgree: readonly Static<typeof FormatNameT>[] = FORMATS;
void _formatsAgree;
export const VerbT = Type.Union([
  Type.Literal('read'),
  Type.Literal('write'),
  Type.Literal('decode'),
  Type.Literal('encode'),
]);
export const ModeT = Type.Union([Type.Literal('original'), Type.Literal('strict')]);
/** `<FMT>-<W|R|S>-NNN` for formats, `CONF-<A|R>-NNN` for the protocol (adapter / runner). */
export const REQUIREMENT_ID_PATTERN = '^((RING|WAL|SEG|SESS|HOT)-[WRS]|CONF-[AR])-[0-9]{3,}$';
export const RequirementId = Type.String({ pattern: REQUIREMENT_ID_PATTERN });
/** logspec codes are UPPER_SNAKE; the originals' read error kinds (e.g. `header_mismatch`) are lower_snake. */
export const ErrorCodeT = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' });
export const OpT = Type.Object({ op: Type.String({ minLength: 1 }) }, { additionalProperties: true });
