// The clients CLI's view of a multi-Region deployment: the `config#regions` item, and the revocation items (`revoked#<jti>`, `cutoff#<client_id>`) it writes to the same-named table of every Region.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
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
  /**
   * `delete`: the cutoff outlives the record as a tombstone, stored with `record_version` 0 so
   * that a client declared again with the same id (whose versions start again) can replace it with
   * `enable`; the write itself is still refused over a later version than `recordVersion`.
   */
  tombstone?: true;
}

/**
 * A cutoff written without the control Region (`--skip-control-region`, docs/multi-region.md):
 * no record version is known, so the Region's stored `record_version` is kept (0 when it has no
 * cutoff item) and a later write from the control Region replaces the item as usual.
 */
export interface EmergencyCutoffWrite {
  clientId: string;
  /** `disabled` for `disable`; `keep` for `revoke-tokens` (`active` when there is no item). */
  status: 'disabled' | 'keep';
  /** Epoch seconds; a later one already in the Region is kept. */
  tokensNotBefore: number;
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
   * a later record version (another operator's later write). A later `tokens_not_before` already
   * there (an emergency write) is kept.
   * @returns `written`, or `superseded` when a later one was there
   */
  putCutoff(region: string, cutoff: CutoffWrite): Promise<'written' | 'superseded'>;
  /**
   * Kills more in one Region's cutoff item without a record version (the emergency path); never
   * lowers its `tokens_not_before`.
   */
  putEmergencyCutoff(
    region: string,
    cutoff: EmergencyCutoffWrite,
  ): Promise<'written' | 'superseded'>;
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
    // Never replace the state of a later record version (two operators' writes crossing); the
    // same version is written again, so a rerun repairs a Region. UpdateItem "Edits an existing
    // item's attributes, or adds a new item to the table if it does not already exist", and "You
    // can also perform a conditional update on an existing item" that fails with
    // ConditionalCheckFailedException (Amazon DynamoDB API Reference, UpdateItem,
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
    return this.update(region, cutoff.clientId, {
      condition: 'attribute_not_exists(#v) OR #v <= :cv',
      values: {
        ':cv': { N: String(cutoff.recordVersion) },
        ':v': { N: String(cutoff.tombstone ? 0 : cutoff.recordVersion) },
        ':s': { S: cutoff.status },
      },
      set: ['#s = :s', '#v = :v'],
      tokensNotBefore: cutoff.tokensNotBefore,
      updatedAt: cutoff.updatedAt,
    });
  }

  async putEmergencyCutoff(
    region: string,
    cutoff: EmergencyCutoffWrite,
  ): Promise<'written' | 'superseded'> {
    // No version condition: the operator could not reach the control Region, so this write only
    // kills more (a disabled status, a later tokens_not_before), and keeps the Region's
    // record_version (0 without an item), which every later write from the control Region is at
    // least (its record's version only grows), so `enable` there still re-enables.
    const disable = cutoff.status === 'disabled';
    return this.update(region, cutoff.clientId, {
      values: { ':zero': { N: '0' }, ':s': { S: disable ? 'disabled' : 'active' } },
      set: [disable ? '#s = :s' : '#s = if_not_exists(#s, :s)', '#v = if_not_exists(#v, :zero)'],
      tokensNotBefore: cutoff.tokensNotBefore,
      updatedAt: cutoff.updatedAt,
    });
  }

  /**
   * Updates a cutoff item, never lowering its `tokens_not_before` (a cutoff only kills more: an
   * emergency write or a later revoke in one Region must survive a later write from the control
   * Region whose record has not caught up). First the whole update with the later time as
   * condition; when the Region already holds a later one, the same update keeping it. DynamoDB
   * has no "max" in an update expression, so it takes two conditional writes (UpdateItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html;
   * `if_not_exists` in SET: "If the item does not contain an attribute at the specified path,
   * if_not_exists evaluates to value; otherwise, it evaluates to path", Amazon DynamoDB Developer
   * Guide, "Using update expressions in DynamoDB",
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.SET.PreventingAttributeOverwrites).
   * @returns `written` (a later tokens_not_before kept or not), or `superseded` when the caller's
   *   condition refused the write
   */
  private async update(
    region: string,
    clientId: string,
    spec: {
      condition?: string;
      values: Record<string, AttributeValue>;
      set: string[];
      tokensNotBefore: number;
      updatedAt: number;
    },
  ): Promise<'written' | 'superseded'> {
    const send = (later: boolean) => {
      const tnbCondition = later ? 'attribute_not_exists(#t) OR #t <= :t' : undefined;
      const condition = [spec.condition, tnbCondition]
        .filter((c): c is string => c !== undefined)
        .map((c) => `(${c})`)
        .join(' AND ');
      return this.client(region).send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { client_id: { S: cutoffKey(clientId) } },
          UpdateExpression: `SET ${[
            ...spec.set,
            later ? '#t = :t' : '#t = if_not_exists(#t, :t)',
            '#u = :u',
          ].join(', ')}`,
          ...(condition === '' ? {} : { ConditionExpression: condition }),
          ExpressionAttributeNames: {
            '#s': STATUS_ATTRIBUTE,
            '#t': TOKENS_NOT_BEFORE_ATTRIBUTE,
            '#v': RECORD_VERSION_ATTRIBUTE,
            '#u': UPDATED_AT_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ...spec.values,
            ':t': { N: String(spec.tokensNotBefore) },
            ':u': { N: String(spec.updatedAt) },
          },
        }),
      );
    };
    try {
      await send(true);
      return 'written';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    try {
      await send(false);
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
