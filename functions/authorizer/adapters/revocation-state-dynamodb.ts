// The authorizer's revocation read: one DynamoDB BatchGetItem over the shared AWS JSON client, without the AWS SDK (cold load; see docs/revocation.md).
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { declaredClientKey } from '../../shared/declared-clients';
import {
  cutoffKey,
  EXPIRES_AT_ATTRIBUTE,
  MalformedCutoffError,
  parseCutoff,
  revokedJtiKey,
  withCutoff,
  type ClientCutoff,
  TOKENS_NOT_BEFORE_ATTRIBUTE,
  USAGE_KEY_ATTRIBUTE,
  type RevocationState,
} from '../../shared/revocation';
import type { RevocationStateSource } from '../core/revocation-check';
import { REVOCATION_READ_BUDGET } from '../../shared/limits';

/** Options of {@link DynamoDbRevocationStateSource}. */
export interface DynamoDbRevocationStateSourceOptions {
  tableName: string;
  /** DynamoDB client; default one from the Lambda environment with REVOCATION_READ_BUDGET. */
  client?: AwsJsonClient;
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

type AttributeValue = { S?: string; N?: string };
type Item = Record<string, AttributeValue>;

/**
 * Reads the client's item, its declaration (a client declared in Terraform,
 * functions/shared/declared-clients.ts), its cutoff item (`cutoff#<id>`, written to every Region
 * by the clients CLI, functions/shared/revocation.ts) and the token's revocation item in one
 * strongly consistent BatchGetItem
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
  private readonly client: AwsJsonClient;

  /** @param options table and optional client */
  constructor(private readonly options: DynamoDbRevocationStateSourceOptions) {
    this.client =
      options.client ??
      new AwsJsonClient({
        service: DYNAMODB,
        env: process.env,
        budget: REVOCATION_READ_BUDGET,
      });
  }

  /**
   * @param clientId the token's client
   * @param jti the token's id
   * @returns the state: an absent client is `inactive`, an absent revocation item means not revoked
   * @throws RevocationReadError when DynamoDB does not answer in time or answers with an error
   */
  async read(clientId: string, jti: string): Promise<RevocationState> {
    let out: unknown;
    try {
      out = await this.client.send('BatchGetItem', {
        RequestItems: {
          [this.options.tableName]: {
            Keys: [
              { client_id: { S: clientId } },
              { client_id: { S: revokedJtiKey(jti) } },
              { client_id: { S: declaredClientKey(clientId) } },
              { client_id: { S: cutoffKey(clientId) } },
            ],
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
    } catch (err) {
      throw new RevocationReadError(
        err instanceof AwsCallError ? err.message : 'DynamoDB BatchGetItem failed',
        { cause: err },
      );
    }
    return this.parse(out, clientId);
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
    let declared: Item | undefined;
    let revoked: Item | undefined;
    let cutoffItem: Item | undefined;
    const declaredKey = declaredClientKey(clientId);
    const cutoffItemKey = cutoffKey(clientId);
    for (const item of items) {
      if (item.client_id?.S === clientId) client = item;
      else if (item.client_id?.S === declaredKey) declared = item;
      else if (item.client_id?.S === cutoffItemKey) cutoffItem = item;
      else revoked = item;
    }
    // A declaration holds the declared fields (status, API key) and wins over the record; the
    // record alone holds tokens_not_before. A runtime record without a declaration has no status
    // (docs/clients.md, "Clients as code"), so it reads as inactive.
    const owner = declared ?? client;
    // The record OR the cutoff kills a token; a cutoff that cannot be read kills every token of
    // the client (fail closed: the CLI wrote it because something had to die).
    const killed = withCutoff(
      {
        active: owner?.status?.S === 'active',
        tokensNotBefore: numberOf(client?.[TOKENS_NOT_BEFORE_ATTRIBUTE]),
      },
      cutoffOf(cutoffItem),
    );
    return {
      client: killed.active ? 'active' : 'inactive',
      tokensNotBefore: killed.tokensNotBefore,
      // An item without a readable expiry still revokes: fail closed.
      jtiRevokedUntil:
        revoked === undefined
          ? undefined
          : (numberOf(revoked[EXPIRES_AT_ATTRIBUTE]) ?? Number.MAX_SAFE_INTEGER),
      usageKey: owner?.[USAGE_KEY_ATTRIBUTE]?.S,
    };
  }
}

/**
 * @param item the cutoff item as read, if any
 * @returns its cutoff; for an unreadable one, a cutoff that kills every token of the client
 */
function cutoffOf(item: Item | undefined): ClientCutoff | undefined {
  if (item === undefined) return undefined;
  try {
    return parseCutoff(item.status?.S, item[TOKENS_NOT_BEFORE_ATTRIBUTE]?.N);
  } catch (err) {
    /* istanbul ignore next -- parseCutoff throws nothing else */
    if (!(err instanceof MalformedCutoffError)) throw err;
    return { status: 'disabled', tokensNotBefore: Number.MAX_SAFE_INTEGER };
  }
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  if (value?.N === undefined) return undefined;
  // Number('') is 0: an empty value is unreadable, never a time long past.
  if (value.N.trim() === '') return undefined;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}
