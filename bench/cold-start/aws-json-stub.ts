// A tiny AWS JSON-protocol endpoint on 127.0.0.1 for the cold-start benchmark: DynamoDB GetItem and UpdateItem and KMS GetPublicKey and Sign, answered from memory so that only the function's own cold costs are timed.
import { createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub serves. */
export interface AwsJsonStubOptions {
  /** DynamoDB items (attribute-value JSON, e.g. `{ S: '…' }`) by `client_id`, for GetItem on any table. */
  items: Map<string, Record<string, unknown>>;
  /** The RSA private key behind the one KMS key (RSA_2048, RSASSA_PKCS1_V1_5_SHA_256). */
  signingKey: KeyObject;
  /** The key's id, echoed in KMS answers. */
  keyId: string;
}

/** A running stub. */
export interface AwsJsonStub {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL. */
  endpoint: string;
  /** Requests answered, by `X-Amz-Target` (e.g. `TrentService.Sign`). */
  counts: Map<string, number>;
  close(): Promise<void>;
}

/** What one operation answers: the JSON body, or an AWS error. */
type Answer = { body: unknown } | { status: number; type: string; message: string };

/**
 * The operations, by `X-Amz-Target` (AWS JSON 1.0 for DynamoDB, 1.1 for KMS). Request and answer
 * shapes as in the API references (DynamoDB GetItem, KMS GetPublicKey and Sign); blobs are base64.
 * @param options items and key
 * @returns operation name to handler
 */
function operations(options: AwsJsonStubOptions): Record<string, (input: never) => Answer> {
  const publicKey = createPublicKey(options.signingKey)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  return {
    // By the key's string value: `client_id`, or the authorizer configuration's `id`.
    'DynamoDB_20120810.GetItem': (input: { Key?: Record<string, { S?: string }> }) => {
      const item = options.items.get(Object.values(input.Key ?? {})[0]?.S ?? '');
      return { body: item === undefined ? {} : { Item: item } };
    },
    // The token function's last-use write (SET last_used_at): kept on the item, as DynamoDB would,
    // so later reads show a recent use and no further write is made within the hour.
    'DynamoDB_20120810.UpdateItem': (input: {
      Key?: { client_id?: { S?: string } };
      ExpressionAttributeValues?: { ':used'?: { S?: string } };
    }) => {
      const id = input.Key?.client_id?.S ?? '';
      const item = options.items.get(id);
      const used = input.ExpressionAttributeValues?.[':used'];
      if (item === undefined || used === undefined) {
        return { status: 400, type: 'ConditionalCheckFailedException', message: 'no such item' };
      }
      options.items.set(id, { ...item, last_used_at: used });
      return { body: {} };
    },
    'TrentService.GetPublicKey': () => ({
      body: {
        KeyId: options.keyId,
        KeySpec: 'RSA_2048',
        CustomerMasterKeySpec: 'RSA_2048',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256'],
        PublicKey: publicKey,
      },
    }),
    'TrentService.Sign': (input: { Message?: string; SigningAlgorithm?: string }) => {
      if (input.SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256' || !input.Message) {
        return { status: 400, type: 'ValidationException', message: 'unsupported Sign request' };
      }
      const signature = cryptoSign('sha256', Buffer.from(input.Message, 'base64'), {
        key: options.signingKey,
      });
      return {
        body: {
          KeyId: options.keyId,
          SigningAlgorithm: input.SigningAlgorithm,
          Signature: signature.toString('base64'),
        },
      };
    },
  };
}

/**
 * Starts the stub on a free loopback port. It checks no signature: it stands in for AWS only as far
 * as the wire format goes.
 * @param options items and key
 * @returns the running stub
 */
export async function startAwsJsonStub(options: AwsJsonStubOptions): Promise<AwsJsonStub> {
  const handlers = operations(options);
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1');
      let answer: Answer;
      try {
        const handler = handlers[target];
        answer = handler
          ? handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as never)
          : { status: 400, type: 'UnknownOperationException', message: `no ${target}` };
      } catch (err) {
        answer = { status: 500, type: 'InternalFailure', message: (err as Error).message };
      }
      counts.set(target, (counts.get(target) ?? 0) + 1);
      const payload =
        'body' in answer ? answer.body : { __type: answer.type, message: answer.message };
      res.writeHead('body' in answer ? 200 : answer.status, {
        'Content-Type': contentType,
        'x-amzn-RequestId': `stub-${counts.get(target)}`,
      });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
