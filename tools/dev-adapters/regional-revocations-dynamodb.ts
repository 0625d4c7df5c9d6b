// The clients CLI's view of a multi-Region deployment: the `config#regions` item, and the revocation items (`revoked#<jti>`, `cutoff#<client_id>`) it writes to the same-named table of every Region.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  cutoffKey,
  parseCutoff,
  type ClientCutoff,
  EXPIRES_AT_ATTRIBUTE,
  RECORD_VERSION_ATTRIBUTE,
  revokedJtiKey,
  STATUS_ATTRIBUTE,
  TOKENS_NOT_BEFORE_ATTRIBUTE,
  UPDATED_AT_ATTRIBUTE,
} from '../../functions/shared/revocation';
import type { RevokedToken } from '../../functions/token/core/types';

/** Partition key of the item Terraform writes in every Region's table of a multi-Region deployment. */
export const CONFIG_REGIONS_KEY = 'config#regions';

/** What `config#regions` says. */
export interface RegionsConfig {
  /** Every Region of the service, in the item's order. */
  regions: string[];
  /** The Region that takes admin writes (the primary). */
  controlRegion: string;
}

/** A client's cutoff, as the CLI writes it. */
export interface CutoffWrite {
  clientId: string;
  status: 'active' | 'disabled';
  /** Epoch seconds; 0 for none. */
  tokensNotBefore: number;
  /** The client record's version this state comes from. */
  recordVersion: number;
  /** Epoch seconds of the write. */
  updatedAt: number;
}

/** The CLI's port to the Regions (tests give fakes or a moto-backed instance). */
export interface RegionalRevocations {
  /** The Region the CLI runs in (AWS_REGION). */
  readonly ownRegion: string;
  /**
   * @returns the `config#regions` item of the own Region's table, or undefined when there is none
   * @throws Error naming the item when it is malformed
   */
  readConfig(): Promise<RegionsConfig | undefined>;
  /**
   * Puts the client's cutoff item in one Region's table, unless that table already holds one of
   * a later record version (another operator's later write).
   * @returns `written`, or `superseded` when a later one was there
   */
  putCutoff(region: string, cutoff: CutoffWrite): Promise<'written' | 'superseded'>;
  /** Puts a revoked token's item in one Region's table (idempotent). */
  putRevoked(region: string, token: RevokedToken): Promise<void>;
  /**
   * Reads the client's cutoff item in one Region's table (strongly consistent), for `show`.
   * @returns the cutoff, or undefined when there is none
   * @throws MalformedCutoffError when it cannot be read (the readers fail closed on it)
   */
  readCutoff(region: string, clientId: string): Promise<ClientCutoff | undefined>;
}

/** A Region name as AWS writes them. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * @param item the `config#regions` item as read
 * @returns what it says
 * @throws Error naming the item and the attribute when it is malformed
 */
export function parseRegionsConfig(item: Record<string, AttributeValue>): RegionsConfig {
  const bad = (what: string): Error =>
    new Error(`the ${CONFIG_REGIONS_KEY} item of the clients table is malformed: ${what}`);
  const list = item.regions?.L;
  if (!Array.isArray(list) || list.length === 0) throw bad('regions must be a non-empty list');
  const regions = list.map((v) => v.S);
  if (!regions.every((r): r is string => typeof r === 'string' && REGION_NAME.test(r))) {
    throw bad('regions must hold Region names');
  }
  if (new Set(regions).size !== regions.length) throw bad('regions lists a Region twice');
  const controlRegion = item.control_region?.S;
  if (controlRegion === undefined || !regions.includes(controlRegion)) {
    throw bad('control_region must be one of regions');
  }
  return { regions, controlRegion };
}

/** Options of {@link DynamoDbRegionalRevocations}. */
export interface DynamoDbRegionalRevocationsOptions {
  /** The table name, the same in every Region. */
  tableName: string;
  ownRegion: string;
  /** One Region's client; default a DynamoDBClient for it with bounded timeouts. */
  clientFor?: (region: string) => DynamoDBClient;
}

/**
 * Per-attempt bounds of the CLI's cross-Region writes: a Region that does not answer must be
 * reported, not waited for without end (the SDK sets no request timeout by default). Three
 * attempts (the SDK's standard retry) of at most 3 s connection and 5 s answer each.
 */
const CONNECTION_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 5000;

/**
 * The regional writes over the AWS SDK, a DynamoDB client per Region (credentials and
 * `AWS_ENDPOINT_URL` from the standard environment, as the rest of the CLI).
 */
export class DynamoDbRegionalRevocations implements RegionalRevocations {
  readonly ownRegion: string;
  private readonly clients = new Map<string, DynamoDBClient>();

  /** @param options table, own Region and optional clients */
  constructor(private readonly options: DynamoDbRegionalRevocationsOptions) {
    this.ownRegion = options.ownRegion;
  }

  private client(region: string): DynamoDBClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client =
        this.options.clientFor?.(region) ??
        new DynamoDBClient({
          region,
          requestHandler: new NodeHttpHandler({
            connectionTimeout: CONNECTION_TIMEOUT_MS,
            requestTimeout: REQUEST_TIMEOUT_MS,
          }),
        });
      this.clients.set(region, client);
    }
    return client;
  }

  async readConfig(): Promise<RegionsConfig | undefined> {
    const out = await this.client(this.ownRegion).send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { client_id: { S: CONFIG_REGIONS_KEY } },
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? undefined : parseRegionsConfig(out.Item);
  }

  async putCutoff(region: string, cutoff: CutoffWrite): Promise<'written' | 'superseded'> {
    try {
      await this.client(region).send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            client_id: { S: cutoffKey(cutoff.clientId) },
            [STATUS_ATTRIBUTE]: { S: cutoff.status },
            [TOKENS_NOT_BEFORE_ATTRIBUTE]: { N: String(cutoff.tokensNotBefore) },
            [RECORD_VERSION_ATTRIBUTE]: { N: String(cutoff.recordVersion) },
            [UPDATED_AT_ATTRIBUTE]: { N: String(cutoff.updatedAt) },
          },
          // Never replace the state of a later record version (two operators' writes crossing);
          // the same version is written again, so a rerun repairs a Region. PutItem "can perform a
          // conditional put operation ... or replace an existing item if it has certain attribute
          // values", failing with ConditionalCheckFailedException otherwise (Amazon DynamoDB API
          // Reference, PutItem, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html).
          ConditionExpression: 'attribute_not_exists(#v) OR #v <= :v',
          ExpressionAttributeNames: { '#v': RECORD_VERSION_ATTRIBUTE },
          ExpressionAttributeValues: { ':v': { N: String(cutoff.recordVersion) } },
        }),
      );
      return 'written';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return 'superseded';
      throw err;
    }
  }

  async readCutoff(region: string, clientId: string): Promise<ClientCutoff | undefined> {
    const out = await this.client(region).send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { client_id: { S: cutoffKey(clientId) } },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    return parseCutoff(out.Item[STATUS_ATTRIBUTE]?.S, out.Item[TOKENS_NOT_BEFORE_ATTRIBUTE]?.N);
  }

  async putRevoked(region: string, token: RevokedToken): Promise<void> {
    await this.client(region).send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: {
          client_id: { S: revokedJtiKey(token.jti) },
          revoked_client_id: { S: token.clientId },
          [EXPIRES_AT_ATTRIBUTE]: { N: String(token.expiresAt) },
        },
      }),
    );
  }
}
