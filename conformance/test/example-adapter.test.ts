// A second, independent ring implementation (plain Node, ~100 lines) passes every ring read and
// write case through the adapter protocol: the suite really runs against foreign implementations.
import { defineConformance } from '../src/vitest.js';
import { exampleRingAdapter } from './helpers.js';

await defineConformance(exampleRingAdapter(), {
  formats: ['ring'],
  cases: ['ring.read.', 'ring.write.', 'ring.property.damage'],
});
