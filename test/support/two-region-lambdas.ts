// The token function and the authorizer of one Region of a two-Region deployment on one moto_server, on their production adapters (test/integration/multi-region-revocation.test.ts).
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DynamoDbRevocationStateSource } from '../../functions/authorizer/adapters/revocation-state-dynamodb';
import { loadAuthorizerConfig } from '../../functions/authorizer/config';
import {
  createAuthorizerHandler,
  type AuthorizerHandler,
} from '../../functions/authorizer/create-handler';
import { AwsJsonClient, DYNAMODB } from '../../functions/shared/aws/json-client';
import { REVOCATION_FANOUT_BUDGET, REVOCATION_READ_BUDGET } from '../../functions/shared/limits';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import type { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbRevocationFanOut } from '../../functions/token/adapters/revocation-fanout-dynamodb';
import { DynamoDbRevocationStore } from '../../functions/token/adapters/revocation-store-dynamodb';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import type { PasswordHasher } from '../../functions/token/core/types';
import {
  createTokenHandler,
  type TokenHandler,
  type TokenMetrics,
} from '../../functions/token/create-handler';
import type { Moto } from './moto';
import { ISSUER } from './token-fakes';

/** What the Lambdas of every Region share. */
export interface TwoRegionLambdas {
  moto: Moto;
  /** The clients table's name, the same in each Region. */
  table: string;
  audience: string;
  /** Every Region of the deployment (SERVICE_REGIONS). */
  regions: string[];
  /** The KMS key both token functions sign with, and its public key. */
  keyId: string;
  publicKeys: KmsPublicKeySource;
  publicKeyPem: string;
  hasher: PasswordHasher;
  /** An endpoint nothing listens on: a Region that cannot be reached. */
  deadEndpoint: string;
}

/** Options of {@link regionalTokenHandler}. */
export interface RegionalTokenOptions {
  /** Every other Region answers from the dead endpoint (connection refused). */
  otherRegionDown?: boolean;
  metrics?: TokenMetrics;
  /** `INFO` to capture the log lines; default silent. */
  logLevel?: 'INFO';
}

/**
 * The Lambdas' own DynamoDB client in one Region: AWS_REGION picks moto's backend (its Regions
 * are separate), as it picks the Regional endpoint on AWS.
 */
function jsonClient(ctx: TwoRegionLambdas, region: string, budget = REVOCATION_READ_BUDGET) {
  return new AwsJsonClient({
    service: DYNAMODB,
    env: { ...ctx.moto.env, AWS_REGION: region },
    budget,
  });
}

/**
 * @param ctx the deployment
 * @param region its Region
 * @returns a fresh authorizer container of that Region (its own revocation cache), reading its
 *   own Region's table only
 */
export function regionalAuthorizer(ctx: TwoRegionLambdas, region: string): AuthorizerHandler {
  return createAuthorizerHandler({
    config: loadAuthorizerConfig({
      ISSUER,
      AUDIENCE: ctx.audience,
      PUBLIC_KEYS_PEM: JSON.stringify([ctx.publicKeyPem]),
      ROUTE_SCOPES: JSON.stringify({ 'GET /orders': [] }),
      REVOCATION_CHECK: 'true',
      CLIENTS_TABLE: ctx.table,
      SERVICE_REGIONS: ctx.regions.join(','),
      AWS_REGION: region,
    }),
    clock: Date.now,
    revocationSource: new DynamoDbRevocationStateSource({
      tableName: ctx.table,
      client: jsonClient(ctx, region),
    }),
  });
}

/**
 * @param authorizer an authorizer
 * @param token a bearer token for GET /orders
 * @returns `Allow`, or the error message (`Unauthorized`)
 */
export function authorizerDecision(authorizer: AuthorizerHandler, token: string): Promise<string> {
  const event = {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api1/prod/GET/orders',
    resource: '/orders',
    path: '/orders',
    httpMethod: 'GET',
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  } as APIGatewayRequestAuthorizerEvent;
  return authorizer(event).then(
    (result) => result.policyDocument.Statement[0]?.Effect as string,
    (err: Error) => err.message,
  );
}

/**
 * @param ctx the deployment
 * @param region its Region
 * @param options a Region down, metrics, logs
 * @returns the token function of that Region, reading its own table and fanning RFC 7009
 *   revocations out to the other Regions
 */
export function regionalTokenHandler(
  ctx: TwoRegionLambdas,
  region: string,
  options: RegionalTokenOptions = {},
): TokenHandler {
  const client = jsonClient(ctx, region);
  return createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: ctx.audience,
      tokenTtlSeconds: 900,
      scopesSupported: [],
    },
    clientStore: new DynamoDbClientStore({ tableName: ctx.table, client }),
    revocations: new DynamoDbRevocationStore({ tableName: ctx.table, client }),
    revocationFanOut: new DynamoDbRevocationFanOut({
      tableName: ctx.table,
      ownRegion: region,
      regions: ctx.regions,
      env: ctx.moto.env,
      ...(options.otherRegionDown === true
        ? {
            clientFor: (other: string) =>
              new AwsJsonClient({
                service: DYNAMODB,
                env: { ...ctx.moto.env, AWS_REGION: other, AWS_ENDPOINT_URL: ctx.deadEndpoint },
                budget: REVOCATION_FANOUT_BUDGET,
              }),
          }
        : {}),
    }),
    // One signing key for every Region here; the multi-Region key and its replicas are the
    // subject of other tests.
    signer: new KmsSigner({ keyId: ctx.keyId, algorithm: 'RS256' }),
    publicKeys: ctx.publicKeys,
    hasher: ctx.hasher,
    clock: Date.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    logger: new Logger({ serviceName: 'token', logLevel: options.logLevel ?? 'SILENT' }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
}

/**
 * @param token a compact JWS
 * @returns its `jti`
 */
export function jtiOf(token: string): string {
  const payload = token.split('.')[1] as string;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti: string }).jti;
}
