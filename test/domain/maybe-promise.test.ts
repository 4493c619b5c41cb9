import { describe, expect, it } from 'vitest';
import { andThen, isPromise } from '../../src/domain/maybe-promise.js';

describe('andThen()', () => {
  it('goes on at once from a value, without a promise', () => {
    const result = andThen(2, (n) => n * 3);
    expect(result).toBe(6);
    expect(isPromise(result)).toBe(false);
  });

  it('goes on from a promise once it settles, and flattens a promise the next step returns', async () => {
    const result = andThen(Promise.resolve(2), (n) => Promise.resolve(n * 3));
    expect(isPromise(result)).toBe(true);
    await expect(result).resolves.toBe(6);
  });

  it("passes a promise's rejection through without calling the next step", async () => {
    let called = false;
    const result = andThen(Promise.reject(new Error('down')), () => {
      called = true;
    });
    await expect(result).rejects.toThrow('down');
    expect(called).toBe(false);
  });
});
