import { describe, expect, it } from 'vitest';
import { CoreCode, LogspecError } from '../src/index.js';
import { errorCodeOf, thrownBy } from '../src/testing.js';

describe('test helpers', () => {
  it("errorCodeOf: a LogspecError's code, 'ok' when nothing is thrown, anything else rethrown", () => {
    expect(errorCodeOf(() => 1)).toBe('ok');
    expect(
      errorCodeOf(() => {
        throw new LogspecError('core', CoreCode.IO, 'boom', { offset: 3 });
      }),
    ).toBe(CoreCode.IO);
    expect(() =>
      errorCodeOf(() => {
        throw new RangeError('raw');
      }),
    ).toThrow(RangeError);
  });

  it('thrownBy: what is thrown, or undefined', () => {
    const e = new Error('x');
    expect(
      thrownBy(() => {
        throw e;
      }),
    ).toBe(e);
    expect(thrownBy(() => 2)).toBeUndefined();
  });
});
