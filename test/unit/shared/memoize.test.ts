// Unit tests of memoizeUntilRejected: one shared load while it succeeds, a fresh one after a failure.
import { memoizeUntilRejected } from '../../../functions/shared/memoize';

describe('memoizeUntilRejected', () => {
  it('runs the loader once and shares its promise', async () => {
    // Arrange
    const load = jest.fn(async () => 'value');
    const get = memoizeUntilRejected(load);

    // Act
    const [a, b] = await Promise.all([get(), get()]);
    const c = await get();

    // Assert
    expect([a, b, c]).toEqual(['value', 'value', 'value']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a rejection, so the next call loads again', async () => {
    // Arrange
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValueOnce('value');
    const get = memoizeUntilRejected(load);

    // Act
    const first = get();
    const concurrent = get();
    await expect(first).rejects.toThrow('throttled');
    const second = await get();

    // Assert
    expect(concurrent).toBe(first);
    expect(second).toBe('value');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
