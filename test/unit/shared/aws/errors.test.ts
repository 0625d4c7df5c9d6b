// Unit tests of AwsCallError: its fields, its log message, and which kinds of failure are temporary.
import { AwsCallError, type AwsFailureKind } from '../../../../functions/shared/aws/errors';

const KINDS: [AwsFailureKind, boolean][] = [
  ['throttling', true],
  ['timeout', true],
  ['unavailable', true],
  ['server', false],
  ['connection', false],
  ['clock_skew', false],
  ['credentials', false],
  ['configuration', false],
  ['protocol', false],
  ['client', false],
];

describe('AwsCallError', () => {
  it('keeps the operation, kind, code, status and attempts, and names itself', () => {
    // Arrange
    const cause = new Error('socket');

    // Act
    const err = new AwsCallError(
      {
        operation: 'DynamoDB.GetItem',
        kind: 'server',
        code: 'InternalServerError',
        statusCode: 500,
        attempts: 3,
        detail: 'Internal server error',
      },
      { cause },
    );

    // Assert
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'AwsCallError',
      operation: 'DynamoDB.GetItem',
      kind: 'server',
      code: 'InternalServerError',
      statusCode: 500,
      attempts: 3,
      cause,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 3 attempts: InternalServerError (HTTP 500): Internal server error',
    );
  });

  it('says "1 attempt" and leaves the status out when there was no response', () => {
    // Act
    const err = new AwsCallError({
      operation: 'KMS.Sign',
      kind: 'connection',
      code: 'ECONNRESET',
      attempts: 1,
      detail: 'socket hang up',
    });

    // Assert
    expect(err.message).toBe('KMS.Sign failed after 1 attempt: ECONNRESET: socket hang up');
    expect(err.statusCode).toBeUndefined();
    expect(err.cause).toBeUndefined();
  });

  it.each(KINDS)('treats %s as temporary: %s', (kind, temporary) => {
    // Act
    const err = new AwsCallError({
      operation: 'KMS.Sign',
      kind,
      code: 'X',
      attempts: 2,
      detail: 'd',
    });

    // Assert
    expect(err.temporary).toBe(temporary);
  });
});
