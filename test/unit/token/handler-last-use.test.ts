// Unit tests of the token handler's last-use wiring: the record is written through the injected recorder, and a failed write is one warning with the AwsCallError's message while the client still gets 200.
import { Logger } from '@aws-lambda-powertools/logger';
import { AwsCallError } from '../../../functions/shared/aws/errors';
import { createTokenHandler, type TokenHandler } from '../../../functions/token/create-handler';
import type { LastUse, LastUseRecorder } from '../../../functions/token/core/types';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

const signer = new InMemorySigner('ES256');

function handlerWith(lastUse: LastUseRecorder): TokenHandler {
  return createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: new MemoryClientStore([clientRecord()]),
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
    lastUse,
  });
}

/** Runs `fn` with stdout and stderr captured, one parsed JSON object per log line. */
async function captureLog<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[]; raw: string }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await fn();
    const raw = chunks.join('');
    const lines = raw
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines, raw };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('token handler: last use', () => {
  it('writes the last use of the client that got the token', async () => {
    // Arrange
    const uses: LastUse[] = [];
    const handler = handlerWith({
      recordUse: (use) => {
        uses.push(use);
        return Promise.resolve(true);
      },
    });

    // Act
    const { result, lines } = await captureLog(() => handler(tokenEvent()));

    // Assert
    expect(result.statusCode).toBe(200);
    expect(uses).toEqual([
      {
        clientId: 'client-1',
        usedAt: '2026-01-02T03:04:05.678Z',
        staleBefore: '2026-01-02T02:04:05.678Z',
      },
    ]);
    expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
  });

  it('answers 200 and logs one warning with the AwsCallError message when the write fails', async () => {
    // Arrange
    const failure = new AwsCallError({
      operation: 'DynamoDB.UpdateItem',
      kind: 'throttling',
      code: 'ProvisionedThroughputExceededException',
      statusCode: 400,
      attempts: 2,
      detail: 'Rate of requests exceeds the allowed throughput',
    });
    const handler = handlerWith({ recordUse: () => Promise.reject(failure) });

    // Act
    const { result, lines, raw } = await captureLog(() => handler(tokenEvent()));

    // Assert
    expect(result.statusCode).toBe(200);
    const warnings = lines.filter((l) => l.level === 'WARN');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: 'could not record the last use of the client',
      clientId: 'client-1',
      errorType: 'AwsCallError',
      errorMessage:
        'DynamoDB.UpdateItem failed after 2 attempts: ProvisionedThroughputExceededException (HTTP 400): Rate of requests exceeds the allowed throughput',
    });
    expect(lines.filter((l) => l.message === 'token issued')).toHaveLength(1);
    expect(raw).not.toContain(SECRET);
  });

  it('logs nothing when the condition kept a recent value (another container wrote it)', async () => {
    // Arrange
    const handler = handlerWith({ recordUse: () => Promise.resolve(false) });

    // Act
    const { result, lines } = await captureLog(() => handler(tokenEvent()));

    // Assert
    expect(result.statusCode).toBe(200);
    expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
  });
});
