// The authorizer's read of its configuration item: one strongly consistent DynamoDB GetItem over the shared AWS JSON client (docs/authorizer.md, "Where the configuration lives").
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { AUTHORIZER_CONFIG_READ_BUDGET } from '../../shared/limits';

/** Partition key of the configuration table (modules/authorizer/main.tf, `hash_key`). */
export const CONFIG_KEY_ATTRIBUTE = 'id';
/** The binary attribute holding the gzip of the document. */
export const CONFIG_ATTRIBUTE = 'config';

/**
 * The item key of a configuration: `config#sha256:<hex>`, so every configuration has its own item
 * and an apply writes the new one before the function's environment names it.
 * @param sha256 lowercase hex SHA-256 of the document's JSON
 * @returns the partition key value
 */
export function configItemKey(sha256: string): string {
  return `config#sha256:${sha256}`;
}

/** Options of {@link DynamoDbConfigItemSource}. */
export interface DynamoDbConfigItemSourceOptions {
  tableName: string;
  /** DynamoDB client; default one from the Lambda environment with AUTHORIZER_CONFIG_READ_BUDGET. */
  client?: AwsJsonClient;
}

/**
 * The item could not be read, or is not a configuration item. `transient` says whether a later
 * read may succeed (throttling, a timeout, access not yet granted, an item not yet written), which
 * the loader retries; a malformed item is not retried. The message names the code only.
 */
export class ConfigReadError extends Error {
  /**
   * @param code the service's error code, `ConfigItemNotFound` or `ConfigItemMalformed`
   * @param transient whether a later read may succeed
   * @param options standard `cause`
   */
  constructor(
    readonly code: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(`configuration item: ${code}`, options);
    this.name = 'ConfigReadError';
  }
}

/**
 * Reads `{id: config#sha256:<hex>}` with `ConsistentRead: true`: "GetItem provides an eventually
 * consistent read by default. If your application requires a strongly consistent read, set
 * ConsistentRead to true. Although a strongly consistent read might take more time than an
 * eventually consistent read, it always returns the last updated value" (Amazon DynamoDB API
 * Reference, GetItem, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html),
 * so an item written just before the function's update is never missed. In the JSON protocol a
 * binary (B) value travels as base64: "A binary value must be encoded in base64 format before it
 * can be sent to DynamoDB, but the value's raw byte length is used for calculating size" (Amazon
 * DynamoDB Developer Guide, "DynamoDB item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 */
export class DynamoDbConfigItemSource {
  private readonly client: AwsJsonClient;

  /** @param options table and optional client */
  constructor(private readonly options: DynamoDbConfigItemSourceOptions) {
    this.client =
      options.client ??
      new AwsJsonClient({
        service: DYNAMODB,
        env: process.env,
        budget: AUTHORIZER_CONFIG_READ_BUDGET,
      });
  }

  /**
   * @param sha256 the digest the function was deployed with
   * @returns the gzip bytes of the document, as stored
   * @throws ConfigReadError when the read fails or the item is missing or malformed
   */
  async read(sha256: string): Promise<Uint8Array> {
    let out: unknown;
    try {
      out = await this.client.send('GetItem', {
        TableName: this.options.tableName,
        Key: { [CONFIG_KEY_ATTRIBUTE]: { S: configItemKey(sha256) } },
        ConsistentRead: true,
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': CONFIG_ATTRIBUTE },
      });
    } catch (err) {
      // Every AWS failure may pass: throttling and timeouts, but also AccessDenied while IAM
      // propagates a new role policy, or a table Terraform is still creating.
      throw new ConfigReadError(err instanceof AwsCallError ? err.code : 'ReadFailed', true, {
        cause: err,
      });
    }
    const item = (out as { Item?: Record<string, { B?: unknown }> }).Item;
    // Written before the function's environment names it; missing only while an apply is under
    // way, after a deletion, or with the wrong table: a later read decides.
    if (item === undefined) throw new ConfigReadError('ConfigItemNotFound', true);
    const value = item[CONFIG_ATTRIBUTE]?.B;
    if (typeof value !== 'string') throw new ConfigReadError('ConfigItemMalformed', false);
    return Buffer.from(value, 'base64');
  }
}
