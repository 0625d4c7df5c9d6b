// The clients CLI's local stand-in for API keys: plans come from the local server's data directory, and usage is never counted.
import { UsageError } from '../../../../tools/cli/usage-error';
import { LocalUsageKeys } from '../../../../tools/dev-adapters/usage-keys-local';

describe('LocalUsageKeys', () => {
  it('has no plans until the local server wrote them, and never counts usage', async () => {
    // Arrange
    const local = new LocalUsageKeys('/nonexistent-dir');

    // Act / Assert
    await expect(local.config()).resolves.toBeUndefined();
    await expect(local.createKey('c1')).resolves.toBe('local-c1');
    await expect(local.usage()).rejects.toThrow(UsageError);
  });
});
