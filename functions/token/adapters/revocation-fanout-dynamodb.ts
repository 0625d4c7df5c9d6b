// The RFC 7009 fan-out of a multi-Region deployment: the `revoked#<jti>` item, written to the same-named clients table of every other Region, each within REVOCATION_FANOUT_BUDGET.
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import type { Env } from '../../shared/env';
import { REVOCATION_FANOUT_BUDGET } from '../../shared/limits';
import type { RegionWrite, RevocationFanOut, RevokedToken } from '../core/types';
import { revokedItem } from './revocation-store-dynamodb';

/** Options of {@link DynamoDbRevocationFanOut}. */
export interface DynamoDbRevocationFanOutOptions {
  /** The table name, the same in every Region (global table replicas share it). */
  tableName: string;
  /** The function's own Region (regionFrom(env)), which the local store writes. */
  ownRegion: string;
  /** Every Region of the service (SERVICE_REGIONS), own included. */
  regions: readonly string[];
  /**
   * The client of one Region; default an AwsJsonClient with REVOCATION_FANOUT_BUDGET whose
   * environment is `env` with AWS_REGION set to that Region (so `AWS_ENDPOINT_URL*` still apply,
   * as for moto in tests).
   */
  clientFor?: (region: string) => AwsJsonClient;
  /** The environment of the default clients (process.env in the Lambda). */
  env?: Env;
}

/**
 * Writes a revoked token to every other Region's table, all at once. A Region's write is the
 * local one's unconditional PutItem (idempotent: a retry, or replication arriving later, writes
 * the same item). The token role may PutItem `revoked#*` items in those tables and nothing else
 * there (modules/token-endpoint). These are the only cross-Region calls the function makes, and
 * they happen only on `POST /oauth2/revoke`: token issuance and the authorizer read their own
 * Region only.
 */
export class DynamoDbRevocationFanOut implements RevocationFanOut {
  readonly ownRegion: string;
  private readonly others: { region: string; client: AwsJsonClient }[];

  /** @param options table, Regions and optional clients */
  constructor(private readonly options: DynamoDbRevocationFanOutOptions) {
    this.ownRegion = options.ownRegion;
    const env = options.env ?? {};
    const clientFor =
      options.clientFor ??
      ((region: string) =>
        new AwsJsonClient({
          service: DYNAMODB,
          env: { ...env, AWS_REGION: region },
          budget: REVOCATION_FANOUT_BUDGET,
        }));
    this.others = options.regions
      .filter((region) => region !== options.ownRegion)
      .map((region) => ({ region, client: clientFor(region) }));
  }

  /**
   * @param token the revoked token
   * @returns one result per other Region; a failure is reported by its kind, never thrown
   */
  async revokeToken(token: RevokedToken): Promise<RegionWrite[]> {
    return Promise.all(
      this.others.map(async ({ region, client }): Promise<RegionWrite> => {
        try {
          await client.send('PutItem', {
            TableName: this.options.tableName,
            Item: revokedItem(token),
          });
          return { region, result: 'ok' };
        } catch (err) {
          return { region, result: failureKind(err) };
        }
      }),
    );
  }
}

/**
 * @param err what a Region's write threw
 * @returns its kind for the report: the AWS client's kind, `not-found` for a missing table,
 *   `denied` for an access refusal
 */
function failureKind(err: unknown): string {
  /* istanbul ignore next -- the client throws nothing else */
  if (!(err instanceof AwsCallError)) return 'error';
  if (err.code === 'ResourceNotFoundException') return 'not-found';
  if (err.code === 'AccessDeniedException') return 'denied';
  return err.kind;
}
