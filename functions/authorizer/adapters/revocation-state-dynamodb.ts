// The authorizer's revocation read: one SigV4-signed DynamoDB BatchGetItem over fetch, without the AWS SDK (cold load; see docs/revocation.md).
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  EXPIRES_AT_ATTRIBUTE,
  revokedJtiKey,
  TOKENS_NOT_BEFORE_ATTRIBUTE,
  USAGE_KEY_ATTRIBUTE,
  type RevocationState,
} from '../../shared/revocation';
import type { RevocationStateSource } from '../core/revocation-check';

/** AWS credentials, as the Lambda runtime puts them in the environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link DynamoDbRevocationStateSource}. */
export interface DynamoDbRevocationStateSourceOptions {
  tableName: string;
  region: string;
  /** Base URL of DynamoDB, e.g. `https://dynamodb.eu-west-1.amazonaws.com` or moto's. */
  endpoint: string;
  /** Credentials, or a function returning them at each signature. */
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Deadline of one read, both attempts included, in ms. */
  budgetMs: number;
  /** Attempts per read (default 2): a throttled or failed first attempt is retried once. */
  maxAttempts?: number;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

/** The attributes the authorizer reads; its IAM policy allows these and no others. */
export const AUTHORIZER_ATTRIBUTES = [
  'client_id',
  'status',
  TOKENS_NOT_BEFORE_ATTRIBUTE,
  EXPIRES_AT_ATTRIBUTE,
  // The API key value for usage plans (docs/usage-plans.md): it grants nothing alone, because an
  // API whose key source is AUTHORIZER ignores x-api-key headers.
  USAGE_KEY_ATTRIBUTE,
] as const;

/** A DynamoDB read failed; the message names the kind only (never keys or tokens). */
export class RevocationReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RevocationReadError';
  }
}

/**
 * node:crypto as the `Checksum` SignatureV4 needs (SHA-256, or HMAC-SHA-256 with a secret). The
 * SDK's own (`Hash` of @smithy/core/serde) is the oracle in its unit test.
 */
export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** What SignatureV4 hashes: text, or bytes in any buffer view. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

type AttributeValue = { S?: string; N?: string };
type Item = Record<string, AttributeValue>;

/**
 * Reads the client's item and the token's revocation item in one strongly consistent BatchGetItem
 * with a projection of {@link AUTHORIZER_ATTRIBUTES}: "By default, BatchGetItem performs eventually
 * consistent reads on every table in the request. If you want strongly consistent reads instead,
 * you can set ConsistentRead to true for any or all tables", and a partial result "returns a value
 * for UnprocessedKeys", which is treated as a failure here (Amazon DynamoDB API Reference, BatchGetItem,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). Strongly
 * consistent, so the revoke-to-401 bound has no replication term. The wire format is DynamoDB's
 * JSON protocol ("Low-level API", `X-Amz-Target: DynamoDB_20120810.<Operation>`, Content-Type
 * `application/x-amz-json-1.0`, Amazon DynamoDB Developer Guide,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html).
 */
export class DynamoDbRevocationStateSource implements RevocationStateSource {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly fetch: typeof fetch;
  private readonly maxAttempts: number;

  /** @param options table, region, endpoint, credentials and budget */
  constructor(private readonly options: DynamoDbRevocationStateSourceOptions) {
    this.signer = new SignatureV4({
      service: 'dynamodb',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
    this.url = new URL(options.endpoint);
    this.fetch = options.fetch ?? fetch;
    this.maxAttempts = options.maxAttempts ?? 2;
  }

  /**
   * @param clientId the token's client
   * @param jti the token's id
   * @returns the state: an absent client is `inactive`, an absent revocation item means not revoked
   * @throws RevocationReadError when DynamoDB does not answer in time or answers with an error
   */
  async read(clientId: string, jti: string): Promise<RevocationState> {
    const body = JSON.stringify({
      RequestItems: {
        [this.options.tableName]: {
          Keys: [{ client_id: { S: clientId } }, { client_id: { S: revokedJtiKey(jti) } }],
          ConsistentRead: true,
          ProjectionExpression: '#k, #s, #t, #e, #u',
          ExpressionAttributeNames: {
            '#k': 'client_id',
            '#s': 'status',
            '#t': TOKENS_NOT_BEFORE_ATTRIBUTE,
            '#e': EXPIRES_AT_ATTRIBUTE,
            '#u': USAGE_KEY_ATTRIBUTE,
          },
        },
      },
    });
    const deadline = AbortSignal.timeout(this.options.budgetMs);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        return this.parse(await this.send(body, deadline), clientId);
      } catch (err) {
        lastError = err;
        if (deadline.aborted) break;
      }
    }
    throw lastError instanceof RevocationReadError
      ? lastError
      : new RevocationReadError('DynamoDB BatchGetItem failed', { cause: lastError });
  }

  private async send(body: string, deadline: AbortSignal): Promise<unknown> {
    const request = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port === '' ? undefined : Number(this.url.port),
      path: this.url.pathname,
      headers: {
        host: this.url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.BatchGetItem',
      },
      body,
    });
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers: request.headers,
      body,
      signal: deadline,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new RevocationReadError(`DynamoDB BatchGetItem answered ${response.status}`);
    }
    return JSON.parse(text) as unknown;
  }

  private parse(out: unknown, clientId: string): RevocationState {
    const o = out as { Responses?: Record<string, Item[]>; UnprocessedKeys?: object };
    // Unprocessed keys mean DynamoDB did not read them: an unknown state, never "not revoked".
    if (o.UnprocessedKeys !== undefined && Object.keys(o.UnprocessedKeys).length > 0) {
      throw new RevocationReadError('DynamoDB BatchGetItem left keys unprocessed');
    }
    const items = o.Responses?.[this.options.tableName];
    if (!Array.isArray(items)) throw new RevocationReadError('DynamoDB BatchGetItem: no responses');
    let client: Item | undefined;
    let revoked: Item | undefined;
    for (const item of items) {
      if (item.client_id?.S === clientId) client = item;
      else revoked = item;
    }
    return {
      client: client?.status?.S === 'active' ? 'active' : 'inactive',
      tokensNotBefore: numberOf(client?.[TOKENS_NOT_BEFORE_ATTRIBUTE]),
      // An item without a readable expiry still revokes: fail closed.
      jtiRevokedUntil:
        revoked === undefined
          ? undefined
          : (numberOf(revoked[EXPIRES_AT_ATTRIBUTE]) ?? Number.MAX_SAFE_INTEGER),
      usageKey: client?.[USAGE_KEY_ATTRIBUTE]?.S,
    };
  }
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  if (value?.N === undefined) return undefined;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The DynamoDB endpoint of a region, or the override the AWS SDKs honour: AWS_ENDPOINT_URL sets
 * "the endpoint that is used for all service requests. This endpoint is overridden by any
 * configured service-specific endpoint", AWS_ENDPOINT_URL_<SERVICE> (AWS SDKs and Tools Reference Guide,
 * "Service-specific endpoints", https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 * @param env the environment
 * @param region the function's region (AWS_REGION)
 * @returns the base URL
 */
export function dynamoDbEndpoint(
  env: Readonly<Record<string, string | undefined>>,
  region: string,
): string {
  const override = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  if (override !== undefined && override !== '') return override;
  // DynamoDB's regional endpoints: dynamodb.<region>.amazonaws.com, .com.cn in China (Amazon
  // DynamoDB endpoints and quotas, https://docs.aws.amazon.com/general/latest/gr/ddb.html).
  return `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
