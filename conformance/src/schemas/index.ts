import type { TSchema } from 'typebox';
import { ProtocolMessages } from './protocol.js';
import { Registry } from './registry.js';
import { Report } from './report.js';
import { VectorFile } from './vectors.js';

export * from './common.js';
export * from './protocol.js';
export * from './registry.js';
export * from './report.js';
export * from './vectors.js';

/** What `pnpm schemas` writes: `spec/schemas/<name>.schema.json`. */
export const PUBLISHED_SCHEMAS: Readonly<Record<string, TSchema>> = {
  'vector-file': VectorFile,
  protocol: ProtocolMessages,
  report: Report,
  registry: Registry,
};
