// Unit tests of the AWS JSON-protocol client over a fake transport: the signed request (SignatureV4 with the SDK's hash as the oracle), response and error parsing, retries, the retry quota, clock skew, the operation budget, configuration and log scrubbing.
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { AwsCallError } from '../../../../functions/shared/aws/errors';
import type { AwsCredentials } from '../../../../functions/shared/aws/environment';
import {
  TransportError,
  type HttpRequest,
  type HttpTransport,
} from '../../../../functions/shared/aws/http-transport';
import { AwsJsonClient, DYNAMODB, KMS } from '../../../../functions/shared/aws/json-client';
import type { AwsJsonService } from '../../../../functions/shared/aws/json-client-options';
import { sanitizeErrorCode } from '../../../../functions/shared/aws/error-answer';
import { CREDENTIAL_CODES, THROTTLING_CODES } from '../../../../functions/shared/aws/retry-policy';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import {
  awsErrorReply,
  fakeAwsClient,
  fakeTransport,
  transportFailure,
  type FakeCall,
  type FakeReply,
} from '../../../support/aws-json-fake';

/** 2024-01-02T03:04:05Z, the injected clock. */
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const clock = (): number => NOW;
/** The credentials fakeAwsClient signs with. */
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/EXAMPLE+key' };
const OK: FakeReply = { status: 200, body: {} };
const SERVER_ERROR = awsErrorReply('InternalServerError', 500, 'Internal server error');
const MINUTE = 60_000;

/** The SigV4 `x-amz-date` of a time: `YYYYMMDD'T'HHMMSS'Z'`. */
const amzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** @returns the rejection of `promise`, which must reject */
const rejection = (promise: Promise<unknown>): Promise<AwsCallError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as AwsCallError,
  );

/** A transport that records the raw requests and answers with the fake's replies. */
const recording = (
  replies: FakeReply[] | ((call: FakeCall) => FakeReply),
): { transport: HttpTransport; requests: HttpRequest[] } => {
  const inner = fakeTransport(replies);
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = (request, signal) => {
    requests.push(request);
    return inner(request, signal);
  };
  return { transport, requests };
};

/** What the SDK's own signer (with the SDK's own hash) makes of the request the protocol asks for. */
const oracleHeaders = async (o: {
  service: AwsJsonService;
  endpoint: URL;
  region: string;
  credentials: AwsCredentials;
  operation: string;
  body: string;
  date: Date;
}): Promise<Record<string, string>> => {
  const signer = new SignatureV4({
    service: o.service.name,
    region: o.region,
    credentials: o.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: o.endpoint.protocol,
      hostname: o.endpoint.hostname,
      port: o.endpoint.port === '' ? undefined : Number(o.endpoint.port),
      path: o.endpoint.pathname,
      headers: {
        host: o.endpoint.host,
        'content-type': o.service.contentType,
        'x-amz-target': `${o.service.targetPrefix}.${o.operation}`,
      },
      body: o.body,
    },
    { signingDate: o.date },
  );
  return signed.headers;
};

describe('AwsJsonClient request', () => {
  it('POSTs a DynamoDB operation as JSON 1.0 to the endpoint, signed for eu-west-1 at the clock’s time', async () => {
    // Arrange
    const { transport, requests } = recording([OK]);
    const { client } = fakeAwsClient(DYNAMODB, [], { transport, clock });
    const input = { TableName: 'clients', Key: { client_id: { S: 'c1' } } };

    // Act
    await client.send('GetItem', input);

    // Assert
    expect(requests).toHaveLength(1);
    const [request] = requests as [HttpRequest];
    expect(request.url.href).toBe('https://aws.test/');
    expect(request.body).toBe(JSON.stringify(input));
    expect(request.headers).toMatchObject({
      host: 'aws.test',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'x-amz-date': '20240102T030405Z',
    });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240102\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers).not.toHaveProperty('x-amz-security-token');
  });

  it('POSTs a KMS operation as JSON 1.1 with the TrentService target, signed for kms', async () => {
    // Arrange
    const { transport, requests } = recording([OK]);
    const { client } = fakeAwsClient(KMS, [], { transport, clock });

    // Act
    await client.send('Sign', { KeyId: 'alias/k' });

    // Assert
    expect(requests[0]?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Sign',
    });
    expect(requests[0]?.headers.authorization).toContain(
      'Credential=AKIDEXAMPLE/20240102/eu-west-1/kms/aws4_request,',
    );
  });

  it('sends and signs x-amz-security-token when the credentials have a session token', async () => {
    // Arrange
    const { transport, requests } = recording([OK]);
    const { client } = fakeAwsClient(DYNAMODB, [], {
      transport,
      clock,
      credentials: () => ({ ...CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' }),
    });

    // Act
    await client.send('GetItem', {});

    // Assert
    expect(requests[0]?.headers['x-amz-security-token']).toBe('IQoJb3JpZ2luX2VjEXAMPLE');
    expect(requests[0]?.headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target,',
    );
  });

  it('signs exactly as the SDK’s SignatureV4 signs the same POST (any service, endpoint, body, time, session token)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(DYNAMODB, KMS),
        fc.constantFrom(
          'https://aws.test',
          'http://localhost:4566',
          'http://127.0.0.1:5000/base/',
          'https://dynamodb.eu-west-1.amazonaws.com',
        ),
        fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
        fc.date({ min: new Date('2015-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        async (service, endpoint, operation, input, date, sessionToken) => {
          // Arrange
          const credentials =
            sessionToken === undefined ? CREDENTIALS : { ...CREDENTIALS, sessionToken };
          const { transport, requests } = recording([OK]);
          const { client } = fakeAwsClient(service, [], {
            transport,
            endpoint,
            clock: () => date.getTime(),
            credentials: () => credentials,
          });

          // Act
          await client.send(operation, input);

          // Assert
          const expected = await oracleHeaders({
            service,
            endpoint: new URL(endpoint),
            region: 'eu-west-1',
            credentials,
            operation,
            body: JSON.stringify(input),
            date,
          });
          expect(requests[0]?.url.href).toBe(new URL(endpoint).href);
          expect(requests[0]?.body).toBe(JSON.stringify(input));
          expect(requests[0]?.headers).toEqual(expected);
          expect(requests[0]?.headers['x-amz-date']).toBe(amzDate(date.getTime()));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads the credentials again at each attempt', async () => {
    // Arrange
    let keyId = 'AKIDFIRST';
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      (call) => {
        keyId = 'AKIDSECOND';
        return call.headers.authorization?.includes('AKIDFIRST') ? SERVER_ERROR : OK;
      },
      { credentials: () => ({ accessKeyId: keyId, secretAccessKey: 'secret' }) },
    );

    // Act
    await client.send('GetItem', {});

    // Assert
    expect(
      transport.calls.map((c) => /Credential=(\w+)\//.exec(c.headers.authorization!)?.[1]),
    ).toEqual(['AKIDFIRST', 'AKIDSECOND']);
  });
});

describe('AwsJsonClient responses', () => {
  it('returns the parsed body of a 2xx answer after one attempt', async () => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [
      { status: 200, body: { Item: { client_id: { S: 'c1' } } } },
    ]);

    // Act
    const output = await client.send<{ Item: unknown }>('GetItem', { TableName: 't' });

    // Assert
    expect(output).toEqual({ Item: { client_id: { S: 'c1' } } });
    expect(transport.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['not JSON', 200, 'not json'],
    ['an array', 200, '[1,2]'],
    ['null', 200, 'null'],
    ['a string', 201, '"text"'],
    ['a number', 200, '42'],
    ['empty', 204, ''],
    ['cut short', 200, '{"Item":{"client_id'],
  ])(
    'fails a 2xx answer whose body is %s as protocol InvalidResponse, without a retry',
    async (_, status, raw) => {
      // Arrange
      const { client, transport } = fakeAwsClient(DYNAMODB, [{ status, raw }]);

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toBeInstanceOf(AwsCallError);
      expect(err).toMatchObject({
        kind: 'protocol',
        code: 'InvalidResponse',
        statusCode: status,
        attempts: 1,
        temporary: false,
      });
      expect(err.message).toBe(
        `DynamoDB.GetItem failed after 1 attempt: InvalidResponse (HTTP ${status}): the ${status} response body is not a JSON object (${Buffer.byteLength(raw)} bytes)`,
      );
      expect(transport.calls).toHaveLength(1);
    },
  );
});

describe('AwsJsonClient error answers', () => {
  it('takes the code from __type without its namespace and :url suffix, and the message', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [
      {
        status: 400,
        body: {
          __type:
            'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.dynamodb/',
          message: 'Requested resource not found',
        },
      },
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      name: 'AwsCallError',
      operation: 'DynamoDB.GetItem',
      kind: 'client',
      code: 'ResourceNotFoundException',
      statusCode: 400,
      attempts: 1,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 1 attempt: ResourceNotFoundException (HTTP 400): Requested resource not found',
    );
  });

  it('prefers the X-Amzn-ErrorType header to the body', async () => {
    // Arrange
    const { client } = fakeAwsClient(KMS, [
      {
        status: 400,
        headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/' },
        body: { __type: 'ValidationException', code: 'Other', Message: 'not allowed' },
      },
    ]);

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({
      operation: 'KMS.Sign',
      code: 'AccessDeniedException',
      kind: 'client',
    });
    expect(err.message).toBe(
      'KMS.Sign failed after 1 attempt: AccessDeniedException (HTTP 400): not allowed',
    );
  });

  it('falls back to a `code` field, and reads `Message` when there is no `message`', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [
      {
        status: 400,
        body: {
          __type: 7,
          code: 'ValidationException',
          Message: 'One or more parameter values were invalid',
        },
      },
    ]);

    // Act
    const err = await rejection(client.send('PutItem', {}));

    // Assert
    expect(err.code).toBe('ValidationException');
    expect(err.message).toMatch(/: One or more parameter values were invalid$/);
  });

  it('prefers `message` to `Message`', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [
      { status: 400, body: { __type: 'ValidationException', message: 'lower', Message: 'upper' } },
    ]);

    // Act
    const err = await rejection(client.send('PutItem', {}));

    // Assert
    expect(err.message).toMatch(/: lower$/);
  });

  it.each([
    ['no message', {}],
    ['a message that is not a string', { message: 42 }],
    ['a blank message', { message: ' \n\t ' }],
  ])('says "no message" for %s', async (_, extra) => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [
      { status: 400, body: { __type: 'ValidationException', ...extra } },
    ]);

    // Act
    const err = await rejection(client.send('PutItem', {}));

    // Assert
    expect(err.message).toBe(
      'DynamoDB.PutItem failed after 1 attempt: ValidationException (HTTP 400): no message',
    );
  });

  it('fails a JSON 4xx answer without a code as protocol UnknownError', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [
      { status: 400, body: { message: 'huh' } },
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'protocol',
      code: 'UnknownError',
      statusCode: 400,
      attempts: 1,
    });
    expect(err.message).toMatch(/: huh$/);
    expect(transport.calls).toHaveLength(1);
  });

  it('fails a 4xx answer that is not JSON as protocol HTTP<status>, saying so', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [{ status: 404, raw: '<html>Not Found</html>' }]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'protocol', code: 'HTTP404', statusCode: 404, attempts: 1 });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 1 attempt: HTTP404 (HTTP 404): the 404 response body is not JSON (22 bytes)',
    );
  });

  it.each([
    [502, { raw: 'Bad Gateway' }, 'server', 'HTTP502', false],
    [503, { raw: '' }, 'unavailable', 'HTTP503', true],
    [500, { body: {} }, 'server', 'UnknownError', false],
    [429, { raw: 'Too Many Requests' }, 'throttling', 'HTTP429', true],
  ] as const)(
    'classifies a %d answer without a code by its status, and retries it',
    async (status, reply, kind, code, temporary) => {
      // Arrange
      const { client, transport } = fakeAwsClient(DYNAMODB, [{ status, ...reply }]);

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toMatchObject({ kind, code, statusCode: status, attempts: 3, temporary });
      expect(transport.calls).toHaveLength(3);
    },
  );
});

describe('AwsJsonClient retries', () => {
  it.each([...THROTTLING_CODES])(
    'retries %s with the throttling backoff (500 ms, then 1000 ms at random 0.5)',
    async (code) => {
      // Arrange
      const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [
        awsErrorReply(code),
        awsErrorReply(code),
        { status: 200, body: { ok: true } },
      ]);

      // Act
      const output = await client.send('GetItem', {});

      // Assert
      expect(output).toEqual({ ok: true });
      expect(transport.calls).toHaveLength(3);
      expect(sleeps).toEqual([500, 1000]);
    },
  );

  it('treats HTTP 429 as throttling whatever its code', async () => {
    // Arrange
    const { client, sleeps } = fakeAwsClient(KMS, [awsErrorReply('SlowDown', 429), OK]);

    // Act
    await client.send('Sign', {});

    // Assert
    expect(sleeps).toEqual([500]);
  });

  it('fails with kind throttling, temporary, after the last attempt', async () => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [
      awsErrorReply('ProvisionedThroughputExceededException', 400, 'Rate exceeded'),
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'throttling',
      code: 'ProvisionedThroughputExceededException',
      statusCode: 400,
      attempts: 3,
      temporary: true,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 3 attempts: ProvisionedThroughputExceededException (HTTP 400): Rate exceeded',
    );
    expect(transport.calls).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('retries a 5xx with the transient backoff (25 ms, then 50 ms) and fails as server, not temporary', async () => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [SERVER_ERROR]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      operation: 'DynamoDB.GetItem',
      kind: 'server',
      code: 'InternalServerError',
      statusCode: 500,
      attempts: 3,
      temporary: false,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 3 attempts: InternalServerError (HTTP 500): Internal server error',
    );
    expect(transport.calls).toHaveLength(3);
    expect(sleeps).toEqual([25, 50]);
  });

  it('returns the answer of a retry that succeeds', async () => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(KMS, [
      awsErrorReply('KMSInternalException', 500),
      { status: 200, body: { Signature: 'c2ln' } },
    ]);

    // Act
    const output = await client.send('Sign', {});

    // Assert
    expect(output).toEqual({ Signature: 'c2ln' });
    expect(transport.calls).toHaveLength(2);
    expect(sleeps).toEqual([25]);
  });

  it('fails a 503 as unavailable and temporary', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [
      awsErrorReply('ServiceUnavailable', 503, 'Service unavailable'),
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'unavailable',
      code: 'ServiceUnavailable',
      statusCode: 503,
      temporary: true,
    });
    expect(transport.calls).toHaveLength(3);
  });

  it('retries KMS DependencyTimeoutException and fails it as a temporary timeout', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(KMS, [
      awsErrorReply('DependencyTimeoutException', 500),
    ]);

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'timeout',
      code: 'DependencyTimeoutException',
      temporary: true,
    });
    expect(transport.calls).toHaveLength(3);
  });

  it.each([
    ['RequestTimeout', 'no response headers within 1000 ms'],
    ['ConnectTimeout', 'no connection within 1000 ms'],
    ['IdleTimeout', 'the response body paused for 1000 ms'],
  ])(
    'retries a transport %s and fails it as a temporary timeout without a status',
    async (code, message) => {
      // Arrange
      const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [
        new TransportError('timeout', code, message),
      ]);

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toMatchObject({
        kind: 'timeout',
        code,
        statusCode: undefined,
        attempts: 3,
        temporary: true,
      });
      expect(err.message).toBe(`DynamoDB.GetItem failed after 3 attempts: ${code}: ${message}`);
      expect(transport.calls).toHaveLength(3);
      expect(sleeps).toEqual([25, 50]);
    },
  );

  it('retries a reset connection and fails it as connection, not temporary, keeping the socket error as cause', async () => {
    // Arrange
    const socketError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { client, transport } = fakeAwsClient(DYNAMODB, [
      new TransportError('connection', 'ECONNRESET', 'socket hang up', { cause: socketError }),
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'connection',
      code: 'ECONNRESET',
      attempts: 3,
      temporary: false,
    });
    expect(err.cause).toBe(socketError);
    expect(transport.calls).toHaveLength(3);
  });

  it('does not retry a transport protocol failure (a body too large)', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [
      transportFailure('protocol', 'ResponseTooLarge'),
    ]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'protocol', code: 'ResponseTooLarge', attempts: 1 });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 1 attempt: ResponseTooLarge: simulated ResponseTooLarge',
    );
    expect(transport.calls).toHaveLength(1);
  });

  it.each([
    [
      'a socket error with a known code',
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'connect ECONNREFUSED',
    ],
    ['a plain Error', 'NetworkError', new Error('fetch failed'), 'fetch failed'],
    [
      'an Error with an unknown code',
      'NetworkError',
      Object.assign(new Error('odd'), { code: 'EWHATEVER' }),
      'odd',
    ],
    [
      'an Error with a code that is not a string',
      'NetworkError',
      Object.assign(new Error('odd'), { code: 104 }),
      'odd',
    ],
    ['null', 'NetworkError', null, 'null'],
    ['a string', 'NetworkError', 'boom', 'boom'],
  ])(
    'retries a transport that rejects with %s, then fails as connection %s',
    async (_, code, rejectWith, detail) => {
      // Arrange
      const calls: HttpRequest[] = [];
      const { client } = fakeAwsClient(DYNAMODB, [], {
        transport: (request) => {
          calls.push(request);
          return Promise.reject(rejectWith);
        },
      });

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toMatchObject({ kind: 'connection', code, attempts: 3, statusCode: undefined });
      expect(err.message).toBe(`DynamoDB.GetItem failed after 3 attempts: ${code}: ${detail}`);
      expect(err.cause).toBe(rejectWith);
      expect(calls).toHaveLength(3);
    },
  );

  it.each([...CREDENTIAL_CODES])('does not retry %s: kind credentials', async (code) => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(KMS, [
      awsErrorReply(code, 400, 'The security token included in the request is expired'),
    ]);

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'credentials', code, attempts: 1, temporary: false });
    expect(transport.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['ValidationException', 400],
    ['ConditionalCheckFailedException', 400],
    ['ResourceNotFoundException', 400],
    ['AccessDeniedException', 400],
    ['NotFoundException', 400],
    ['KMSInvalidStateException', 400],
    ['Forbidden', 403],
  ])('does not retry the client error %s', async (code, status) => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [awsErrorReply(code, status)]);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({
      kind: 'client',
      code,
      statusCode: status,
      attempts: 1,
      temporary: false,
    });
    expect(transport.calls).toHaveLength(1);
  });

  it.each([
    [1, []],
    [2, [25]],
    [5, [25, 50, 100, 200]],
  ])('makes at most maxAttempts = %d attempts', async (maxAttempts, expectedSleeps) => {
    // Arrange
    const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, [SERVER_ERROR], {
      budget: { ...AWS_CALL_BUDGET, maxAttempts },
    });

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err.attempts).toBe(maxAttempts);
    expect(err.message).toContain(
      maxAttempts === 1 ? 'after 1 attempt:' : `after ${maxAttempts} attempts:`,
    );
    expect(transport.calls).toHaveLength(maxAttempts);
    expect(sleeps).toEqual(expectedSleeps);
  });
});

describe('AwsJsonClient retry quota', () => {
  it('stops retrying once 500 tokens are spent (14 a transient retry, 5 a throttled one), and successes refill it', async () => {
    // Arrange: each call takes its replies from `script`; an empty script fails with a 500.
    let script: FakeReply[] = [];
    const { client, transport } = fakeAwsClient(DYNAMODB, () => script.shift() ?? SERVER_ERROR);
    const attemptsOf = async (replies: FakeReply[]): Promise<number> => {
      script = [...replies];
      const before = transport.calls.length;
      await client.send('GetItem', {}).catch(() => undefined);
      return transport.calls.length - before;
    };

    // Act
    const draining: number[] = [];
    for (let i = 0; i < 19; i++) draining.push(await attemptsOf([]));
    const throttledWithTenTokens = await attemptsOf(
      [awsErrorReply('ThrottlingException')].concat(
        awsErrorReply('ThrottlingException'),
        awsErrorReply('ThrottlingException'),
      ),
    );
    const transientWithNoTokens = await attemptsOf([]);
    for (let i = 0; i < 14; i++) await attemptsOf([OK]);
    const retriedSuccess = await attemptsOf([SERVER_ERROR, OK]);
    const afterRefund = await attemptsOf([]);
    const drained = await attemptsOf([awsErrorReply('ThrottlingException')]);

    // Assert
    // 17 calls retry twice (476 tokens), the 18th once (490), then 10 tokens are left.
    expect(draining).toEqual([...Array<number>(17).fill(3), 2, 1]);
    // 10 tokens pay two throttled retries (5 each), none is left for a transient one.
    expect(throttledWithTenTokens).toBe(3);
    expect(transientWithNoTokens).toBe(1);
    // 14 first-attempt successes return a token each: one transient retry (14), refunded by its success.
    expect(retriedSuccess).toBe(2);
    expect(afterRefund).toBe(2);
    expect(drained).toBe(1);
  });

  it('reports the failure of the attempt the quota refused to retry', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [SERVER_ERROR]);
    for (let i = 0; i < 18; i++) await client.send('GetItem', {}).catch(() => undefined);

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'server', code: 'InternalServerError', attempts: 1 });
  });
});

describe('AwsJsonClient clock skew', () => {
  /** The refusal of a request signed too far from the service's time, with a `Date` header (a time or its text) or none. */
  const signatureExpired = (
    date?: number | string,
    code = 'InvalidSignatureException',
  ): FakeReply => ({
    status: 400,
    headers:
      date === undefined
        ? {}
        : { date: typeof date === 'number' ? new Date(date).toUTCString() : date },
    body: {
      __type: `com.amazon.coral.service#${code}`,
      message:
        'Signature expired: 20240102T030405Z is now earlier than 20240102T031405Z (20240102T032905Z - 15 min.)',
    },
  });

  it.each([
    ['fast', -10 * MINUTE],
    ['slow', 10 * MINUTE],
    ['exactly five minutes slow', 5 * MINUTE],
  ])(
    'corrects a clock %s from the Date header, retries, and signs later calls with the service’s time',
    async (_, serverAhead) => {
      // Arrange
      const server = NOW + serverAhead;
      const { client, transport, sleeps } = fakeAwsClient(
        DYNAMODB,
        [signatureExpired(server), { status: 200, body: { first: true } }, OK],
        { clock },
      );

      // Act
      const first = await client.send('GetItem', {});
      await client.send('GetItem', {});

      // Assert
      expect(first).toEqual({ first: true });
      expect(transport.calls.map((c) => c.headers['x-amz-date'])).toEqual([
        amzDate(NOW),
        amzDate(server),
        amzDate(server),
      ]);
      expect(transport.calls[2]?.headers.authorization).toContain(
        `Credential=AKIDEXAMPLE/${amzDate(server).slice(0, 8)}/`,
      );
      expect(sleeps).toEqual([25]);
    },
  );

  it.each([
    ['RequestTimeTooSkewed'],
    ['RequestExpired'],
    ['RequestInTheFuture'],
    ['SignatureDoesNotMatch'],
  ])('corrects the skew %s shows with a Date header', async (code) => {
    // Arrange
    const server = NOW + 20 * MINUTE;
    const { client, transport } = fakeAwsClient(KMS, [signatureExpired(server, code), OK], {
      clock,
    });

    // Act
    await client.send('Sign', {});

    // Assert
    expect(transport.calls[1]?.headers['x-amz-date']).toBe(amzDate(server));
  });

  it('retries an attempt signed before a concurrent attempt corrected the clock', async () => {
    // Arrange: two calls in flight (a client lookup reads two items at once), both signed with
    // the skewed clock; the first refusal corrects it, the second is then no longer skewed
    const server = NOW + 20 * MINUTE;
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      [signatureExpired(server), signatureExpired(server), OK],
      { clock },
    );

    // Act
    const results = await Promise.all([client.send('GetItem', {}), client.send('GetItem', {})]);

    // Assert: both retried once, signed with the service's time
    expect(results).toHaveLength(2);
    expect(transport.calls.map((c) => c.headers['x-amz-date'])).toEqual([
      amzDate(NOW),
      amzDate(NOW),
      amzDate(server),
      amzDate(server),
    ]);
  });

  it('fails as clock_skew, saying how far off it was, when the corrected attempt was the last', async () => {
    // Arrange
    const server = NOW + 10 * MINUTE;
    const { client, transport } = fakeAwsClient(DYNAMODB, [signatureExpired(server), OK], {
      clock,
      budget: { ...AWS_CALL_BUDGET, maxAttempts: 1 },
    });

    // Act
    const err = await rejection(client.send('GetItem', {}));
    await client.send('GetItem', {});

    // Assert
    expect(err).toMatchObject({
      kind: 'clock_skew',
      code: 'InvalidSignatureException',
      statusCode: 400,
      attempts: 1,
    });
    expect(err.message).toBe(
      "DynamoDB.GetItem failed after 1 attempt: InvalidSignatureException (HTTP 400): this function's clock is 600 s off the service's; corrected for the next attempt",
    );
    expect(transport.calls[1]?.headers['x-amz-date']).toBe(amzDate(server));
  });

  it.each([
    ['no Date header', undefined],
    ['an unparsable Date header', 'yesterday-ish'],
    ['a Date header under five minutes off', new Date(NOW + 5 * MINUTE - 1000).toUTCString()],
  ])(
    'fails "Signature expired" with %s as clock_skew, without a retry or a correction',
    async (_, date) => {
      // Arrange
      const { client, transport } = fakeAwsClient(DYNAMODB, [signatureExpired(date), OK], {
        clock,
      });

      // Act
      const err = await rejection(client.send('GetItem', {}));
      await client.send('GetItem', {});

      // Assert
      expect(err).toMatchObject({
        kind: 'clock_skew',
        code: 'InvalidSignatureException',
        attempts: 1,
      });
      expect(err.message).toContain(
        '(HTTP 400): Signature expired: 20240102T030405Z is now earlier than',
      );
      expect(transport.calls.map((c) => c.headers['x-amz-date'])).toEqual([
        amzDate(NOW),
        amzDate(NOW),
      ]);
    },
  );

  it('fails "Signature not yet current" without a Date header as clock_skew', async () => {
    // Arrange
    const { client } = fakeAwsClient(KMS, [
      {
        status: 400,
        body: {
          __type: 'InvalidSignatureException',
          message: 'Signature not yet current: 20240102T033405Z is still later than ...',
        },
      },
    ]);

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err.kind).toBe('clock_skew');
  });

  it('fails RequestTimeTooSkewed without a Date header as clock_skew whatever its message', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(KMS, [
      awsErrorReply('RequestTimeTooSkewed', 403, 'too skewed'),
    ]);

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'clock_skew', code: 'RequestTimeTooSkewed', attempts: 1 });
    expect(transport.calls).toHaveLength(1);
  });

  it.each([['InvalidSignatureException'], ['SignatureDoesNotMatch']])(
    'fails %s with a correct clock as credentials: a wrong secret key',
    async (code) => {
      // Arrange
      const { client, transport } = fakeAwsClient(
        DYNAMODB,
        [
          {
            status: 400,
            headers: { date: new Date(NOW + 1000).toUTCString() },
            body: {
              __type: code,
              message:
                'The request signature we calculated does not match the signature you provided.',
            },
          },
        ],
        { clock },
      );

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toMatchObject({ kind: 'credentials', code, attempts: 1, temporary: false });
      expect(transport.calls).toHaveLength(1);
    },
  );

  it('adds a later skew to the offset it learnt', async () => {
    // Arrange: the service is 10 minutes ahead, then 25 minutes ahead of the local clock.
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      [signatureExpired(NOW + 10 * MINUTE), OK, signatureExpired(NOW + 25 * MINUTE), OK, OK],
      { clock },
    );

    // Act
    await client.send('GetItem', {});
    await client.send('GetItem', {});
    await client.send('GetItem', {});

    // Assert
    expect(transport.calls.map((c) => c.headers['x-amz-date'])).toEqual([
      amzDate(NOW),
      amzDate(NOW + 10 * MINUTE),
      amzDate(NOW + 10 * MINUTE),
      amzDate(NOW + 25 * MINUTE),
      amzDate(NOW + 25 * MINUTE),
    ]);
  });

  it('corrects a skew once: the same refusal after the correction is a wrong key', async () => {
    // Arrange
    const server = NOW + 10 * MINUTE;
    const refusal: FakeReply = {
      status: 400,
      headers: { date: new Date(server).toUTCString() },
      body: {
        __type: 'InvalidSignatureException',
        message: 'The request signature we calculated does not match',
      },
    };
    const { client, transport } = fakeAwsClient(DYNAMODB, [refusal], { clock });

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'credentials', attempts: 2 });
    expect(transport.calls).toHaveLength(2);
  });
});

describe('AwsJsonClient operation budget', () => {
  it('ends a hanging attempt at the budget with a temporary OperationBudgetExceeded', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, ['hang'], {
      budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 30 },
    });
    const started = Date.now();

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({
      kind: 'timeout',
      code: 'OperationBudgetExceeded',
      statusCode: undefined,
      attempts: 1,
      temporary: true,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 1 attempt: OperationBudgetExceeded: did not finish within its 30 ms budget',
    );
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
    expect(transport.calls).toHaveLength(1);
  });

  it('makes no attempt after the budget, even with a wait that ignores the abort', async () => {
    // Arrange: fakeAwsClient's recorded sleep returns at once, whatever the signal.
    const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, ['hang', OK], {
      budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 20 },
    });

    // Act
    const err = await rejection(client.send('GetItem', {}));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assert
    expect(err.code).toBe('OperationBudgetExceeded');
    expect(transport.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  describe('on fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('leaves no budget timer behind once the call settles', async () => {
      // Arrange
      const { client } = fakeAwsClient(DYNAMODB, [OK, awsErrorReply('ValidationException')]);

      // Act
      await client.send('GetItem', {});
      const afterSuccess = jest.getTimerCount();
      await rejection(client.send('GetItem', {}));
      const afterFailure = jest.getTimerCount();

      // Assert
      expect([afterSuccess, afterFailure]).toEqual([0, 0]);
    });
  });

  it('takes the budget of the call over the client’s, and counts the attempts made', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [SERVER_ERROR, 'hang']);

    // Act
    const err = await rejection(client.send('GetItem', {}, 40));

    // Assert
    expect(err.code).toBe('OperationBudgetExceeded');
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 2 attempts: OperationBudgetExceeded: did not finish within its 40 ms budget',
    );
  });

  it('waits the backoff for real by default, then retries', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      [SERVER_ERROR, { status: 200, body: { ok: 1 } }],
      {
        sleep: undefined,
      },
    );
    const started = Date.now();

    // Act
    const output = await client.send('GetItem', {});

    // Assert
    expect(output).toEqual({ ok: 1 });
    expect(transport.calls).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
  });

  it('cuts a backoff wait short at the budget, and sends no further attempt', async () => {
    // Arrange: a throttled attempt, then a 400 ms wait (random 0.4) inside a 30 ms budget.
    const { client, transport } = fakeAwsClient(KMS, [awsErrorReply('ThrottlingException')], {
      sleep: undefined,
      random: () => 0.4,
      budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 30 },
    });
    const started = Date.now();

    // Act
    const err = await rejection(client.send('Sign', {}));
    const elapsed = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 450));

    // Assert
    expect(err).toMatchObject({ kind: 'timeout', code: 'OperationBudgetExceeded', attempts: 1 });
    expect(elapsed).toBeLessThan(300);
    expect(transport.calls).toHaveLength(1);
  });

  it('does not retry an answer that arrives after the budget', async () => {
    // Arrange: a transport that ignores the abort and answers a retryable 500 at 60 ms.
    let calls = 0;
    const { client } = fakeAwsClient(DYNAMODB, [], {
      sleep: undefined,
      budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 20 },
      transport: () => {
        calls++;
        return new Promise((resolve) =>
          setTimeout(() => resolve({ statusCode: 500, headers: {}, body: '{}' }), 60),
        );
      },
    });

    // Act
    const err = await rejection(client.send('GetItem', {}));
    await new Promise((resolve) => setTimeout(resolve, 150));

    // Assert
    expect(err.code).toBe('OperationBudgetExceeded');
    expect(calls).toBe(1);
  });
});

describe('AwsJsonClient configuration', () => {
  it.each([
    ['the credentials option gives none', { credentials: () => undefined }],
    ['the environment holds none', { credentials: undefined, env: { AWS_REGION: 'eu-west-1' } }],
    [
      'the environment’s are empty',
      { credentials: undefined, env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } },
    ],
  ])(
    'fails as credentials CredentialsUnavailable, sending nothing, when %s',
    async (_, overrides) => {
      // Arrange
      const { client, transport } = fakeAwsClient(DYNAMODB, [OK], overrides);

      // Act
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(err).toMatchObject({
        kind: 'credentials',
        code: 'CredentialsUnavailable',
        attempts: 1,
        temporary: false,
      });
      expect(err.message).toBe(
        'DynamoDB.GetItem failed after 1 attempt: CredentialsUnavailable: no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
      );
      expect(err.cause).toBeInstanceOf(Error);
      expect(transport.calls).toHaveLength(0);
    },
  );

  it.each([
    ['an Error', new Error('provider failed'), 'provider failed'],
    ['a string', 'provider failed badly', 'provider failed badly'],
  ])(
    'fails as credentials SigningFailed when the credentials throw %s',
    async (_, thrown, detail) => {
      // Arrange
      const { client, transport } = fakeAwsClient(KMS, [OK], {
        credentials: () => {
          throw thrown;
        },
      });

      // Act
      const err = await rejection(client.send('Sign', {}));

      // Assert
      expect(err).toMatchObject({ kind: 'credentials', code: 'SigningFailed', attempts: 1 });
      expect(err.message).toBe(`KMS.Sign failed after 1 attempt: SigningFailed: ${detail}`);
      expect(err.cause).toBe(thrown);
      expect(transport.calls).toHaveLength(0);
    },
  );

  it('fails as configuration InvalidConfiguration without a region, and region() answers unknown', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [OK], { region: undefined, env: {} });

    // Act
    const err = await rejection(client.send('GetItem', {}));
    const region = client.region();

    // Assert
    expect(err).toMatchObject({
      kind: 'configuration',
      code: 'InvalidConfiguration',
      attempts: 1,
      temporary: false,
    });
    expect(err.message).toBe(
      'DynamoDB.GetItem failed after 1 attempt: InvalidConfiguration: AWS_REGION is not set (nor AWS_DEFAULT_REGION)',
    );
    expect(region).toBe('unknown');
    expect(transport.calls).toHaveLength(0);
  });

  it('fails as configuration when the environment’s endpoint is not http(s)', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(KMS, [OK], {
      endpoint: undefined,
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_KMS: 'ftp://kms.local' },
    });

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'configuration', code: 'InvalidConfiguration' });
    expect(err.message).toContain('AWS_ENDPOINT_URL_KMS must be an http or https URL, not ftp:');
    expect(transport.calls).toHaveLength(0);
  });

  it('answers the region of the option, or of the environment', () => {
    // Arrange
    const fromOption = fakeAwsClient(DYNAMODB, []).client;
    const fromEnv = fakeAwsClient(DYNAMODB, [], {
      region: undefined,
      env: { AWS_DEFAULT_REGION: 'us-west-2' },
    }).client;

    // Act
    const regions = [fromOption.region(), fromEnv.region()];

    // Assert
    expect(regions).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('reads region, endpoint and credentials from the env option, with the default budget, clock, jitter and wait', async () => {
    // Arrange
    const env = {
      AWS_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_ACCESS_KEY_ID: 'ASIAENV',
      AWS_SECRET_ACCESS_KEY: 'envsecret',
      AWS_SESSION_TOKEN: 'env-session-token',
    };
    const { transport, requests } = recording([SERVER_ERROR, SERVER_ERROR, SERVER_ERROR, OK]);
    const client = new AwsJsonClient({ service: KMS, env, transport });
    const before = Date.now();

    // Act
    const err = await rejection(client.send('GetPublicKey', {}));

    // Assert
    const after = Date.now();
    expect(client.region()).toBe('eu-central-1');
    expect(err.attempts).toBe(AWS_CALL_BUDGET.maxAttempts);
    // Full jitter waits under 50 ms, then under 100 ms.
    expect(after - before).toBeLessThan(1000);
    const [request] = requests as [HttpRequest];
    expect(request.url.href).toBe('http://localhost:4566/');
    expect(request.headers.host).toBe('localhost:4566');
    expect(request.headers['x-amz-security-token']).toBe('env-session-token');
    expect(request.headers.authorization).toMatch(
      /Credential=ASIAENV\/\d{8}\/eu-central-1\/kms\/aws4_request/,
    );
    const signedAt = Date.parse(
      request.headers['x-amz-date']!.replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    expect(signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(signedAt).toBeLessThanOrEqual(after);
  });

  it('resolves the regional endpoint from the env option’s region, once', async () => {
    // Arrange
    const env: Record<string, string> = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    const { transport, requests } = recording([OK]);
    const client = new AwsJsonClient({ service: DYNAMODB, env, transport });

    // Act
    await client.send('GetItem', {});
    env.AWS_REGION = 'us-east-1';
    await client.send('GetItem', {});

    // Assert
    expect(requests.map((r) => r.url.href)).toEqual([
      'https://dynamodb.eu-west-1.amazonaws.com/',
      'https://dynamodb.eu-west-1.amazonaws.com/',
    ]);
    expect(requests[1]?.headers.authorization).toContain('/eu-west-1/dynamodb/aws4_request');
  });

  it('reads no process.env: a client given only its service has no region and sends nothing', async () => {
    // Arrange
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-west-1';
    try {
      const client = new AwsJsonClient({ service: DYNAMODB });

      // Act
      const region = client.region();
      const err = await rejection(client.send('GetItem', {}));

      // Assert
      expect(region).toBe('unknown');
      expect(err).toMatchObject({ kind: 'configuration', code: 'InvalidConfiguration' });
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });
});

describe('AwsJsonClient log scrubbing', () => {
  const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLEsessiontoken';
  const withToken = { credentials: () => ({ ...CREDENTIALS, sessionToken: TOKEN }), clock };
  const refused = (message: string): FakeReply => ({
    status: 400,
    body: { __type: 'InvalidSignatureException', message },
  });

  afterEach(() => jest.restoreAllMocks());

  it('redacts the session token and the signature a refused signature’s message quotes', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      (call) => {
        const signature = /Signature=([0-9a-f]+)/.exec(call.headers.authorization!)![1]!;
        return refused(
          `The request signature we calculated does not match the signature you provided (${signature}). The Canonical String for this request should have been 'POST / x-amz-security-token:${call.headers['x-amz-security-token']!}'`,
        );
      },
      withToken,
    );

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    const signature = /Signature=([0-9a-f]+)/.exec(transport.calls[0]!.headers.authorization!)![1]!;
    expect(err.message).toBe(
      "DynamoDB.GetItem failed after 1 attempt: InvalidSignatureException (HTTP 400): The request signature we calculated does not match the signature you provided ([redacted]). The Canonical String for this request should have been 'POST / x-amz-security-token:[redacted]'",
    );
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain(signature);
  });

  it('redacts a whole Authorization header quoted in the message', async () => {
    // Arrange
    const { client } = fakeAwsClient(
      KMS,
      (call) => refused(`Authorization: ${call.headers.authorization!} was refused`),
      withToken,
    );

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err.message).toMatch(/\(HTTP 400\): Authorization: \[redacted\] was refused$/);
    expect(err.message).not.toContain('Credential=');
  });

  it('does not cut out a session token shorter than 8 characters, which would garble the text', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [refused('Signature expired; token abc was sent')], {
      credentials: () => ({ ...CREDENTIALS, sessionToken: 'abc' }),
    });

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(err.message).toMatch(/: Signature expired; token abc was sent$/);
  });

  it('still redacts the session token when the signer gave no Authorization header', async () => {
    // Arrange
    jest.spyOn(SignatureV4.prototype, 'sign').mockImplementation((async (request: {
      headers: Record<string, string>;
    }) => ({
      ...request,
      headers: { ...request.headers, 'x-amz-security-token': TOKEN },
    })) as never);
    const { client, transport } = fakeAwsClient(
      DYNAMODB,
      [refused(`bad token ${TOKEN}`)],
      withToken,
    );

    // Act
    const err = await rejection(client.send('GetItem', {}));

    // Assert
    expect(transport.calls[0]?.headers).not.toHaveProperty('authorization');
    expect(err.message).toMatch(/: bad token \[redacted\]$/);
  });

  it('collapses whitespace and trims the message', async () => {
    // Arrange
    const { client } = fakeAwsClient(DYNAMODB, [
      awsErrorReply(
        'ValidationException',
        400,
        '  One or more\n\nparameter\tvalues   were invalid \r\n',
      ),
    ]);

    // Act
    const err = await rejection(client.send('PutItem', {}));

    // Assert
    expect(err.message).toMatch(/\(HTTP 400\): One or more parameter values were invalid$/);
  });

  it('bounds the message to 200 characters and an ellipsis', async () => {
    // Arrange
    const long = 'x'.repeat(150) + ' ' + 'y'.repeat(150);
    const exact = 'z'.repeat(200);
    const { client } = fakeAwsClient(DYNAMODB, [
      awsErrorReply('ValidationException', 400, long),
      awsErrorReply('ValidationException', 400, exact),
    ]);

    // Act
    const first = await rejection(client.send('PutItem', {}));
    const second = await rejection(client.send('PutItem', {}));

    // Assert
    expect(first.message.split('(HTTP 400): ')[1]).toBe(`${long.slice(0, 200)}…`);
    expect(second.message.split('(HTTP 400): ')[1]).toBe(exact);
  });

  it('never lets the session token or the signature through, whatever surrounds them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60 }),
        async (before, after) => {
          // Arrange
          const { client, transport } = fakeAwsClient(
            DYNAMODB,
            (call) =>
              refused(
                `${before}${call.headers['x-amz-security-token']!}${after}${call.headers.authorization!}`,
              ),
            withToken,
          );

          // Act
          const err = await rejection(client.send('GetItem', {}));

          // Assert
          const signature = /Signature=([0-9a-f]+)/.exec(
            transport.calls[0]!.headers.authorization!,
          )![1]!;
          return !err.message.includes(TOKEN) && !err.message.includes(signature);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('sanitizeErrorCode', () => {
  const codeChars = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-',
  );
  const code = fc.string({ unit: codeChars, minLength: 1, maxLength: 100 });
  const namespace = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.'),
    maxLength: 40,
  });
  const url = fc.webUrl();

  it.each([
    ['com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', 'ResourceNotFoundException'],
    [
      'ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/',
      'ValidationException',
    ],
    [
      'aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/',
      'FooError',
    ],
    ['com.amazon#Code:http://internal/doc#section', 'Code'],
    ['ThrottlingException', 'ThrottlingException'],
    ['', 'UnknownError'],
    ['ns#', 'UnknownError'],
    [':http://x', 'UnknownError'],
    ['Bad Code<script>', 'BadCodescript'],
  ])('turns %j into %j', (raw, expected) => {
    // Act
    const result = sanitizeErrorCode(raw);

    // Assert
    expect(result).toBe(expected);
  });

  it('strips any namespace and url suffix, leaving the bare code', () => {
    fc.assert(
      fc.property(
        fc.option(namespace, { nil: undefined }),
        code,
        fc.option(url, { nil: undefined }),
        (ns, name, suffix) => {
          // Arrange
          const raw = `${ns === undefined ? '' : `${ns}#`}${name}${suffix === undefined ? '' : `:${suffix}`}`;

          // Act
          const result = sanitizeErrorCode(raw);

          // Assert
          return result === name;
        },
      ),
    );
  });

  it('answers only [A-Za-z0-9_.-], 1 to 100 characters, for any input, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        // Act
        const result = sanitizeErrorCode(raw);

        // Assert
        return /^[A-Za-z0-9_.-]{1,100}$/.test(result) && sanitizeErrorCode(result) === result;
      }),
    );
  });

  it('keeps the first 100 characters of a long code', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeChars, minLength: 101, maxLength: 300 }), (long) => {
        // Act
        const result = sanitizeErrorCode(long);

        // Assert
        return result === long.slice(0, 100);
      }),
    );
  });
});

describe('AwsJsonClient: bad options and empty codes', () => {
  it.each([
    [
      'an endpoint that is not a URL',
      { endpoint: 'not a url' },
      'the endpoint option is not a URL',
    ],
    [
      'an endpoint that is not http(s)',
      { endpoint: 'ftp://aws.test' },
      'the endpoint option must be an http or https URL',
    ],
    [
      'a region that is not a region name',
      { region: 'eu-west-1.evil.example#' },
      'the region option is not a region name',
    ],
  ])('refuses %s as a configuration error, sending nothing', async (_label, overrides, message) => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [{ status: 200, body: {} }], overrides);

    // Act
    const err = await client.send('GetItem', {}).catch((e: unknown) => e);

    // Assert
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ kind: 'configuration', code: 'InvalidConfiguration', attempts: 1 });
    expect((err as Error).message).toContain(message);
    expect(transport.calls).toHaveLength(0);
  });

  it('treats an empty __type as no code: a protocol error, as when the code is missing', async () => {
    // Arrange
    const { client: empty } = fakeAwsClient(DYNAMODB, [
      { status: 400, body: { __type: '', message: 'm' } },
    ]);
    const { client: missing } = fakeAwsClient(DYNAMODB, [{ status: 400, body: { message: 'm' } }]);

    // Act
    const errors = await Promise.all(
      [empty, missing].map((c) => c.send('GetItem', {}).catch((e: unknown) => e)),
    );

    // Assert
    for (const err of errors) expect(err).toMatchObject({ kind: 'protocol', code: 'UnknownError' });
  });
});
