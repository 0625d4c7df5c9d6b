// The token function handler's dependency and configuration types, built once per cold start.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TokenConfig } from './config';
import type { NonceMac } from './core/dpop-nonce';
import type { Clock, RandomBytes } from '../shared/types';
import type {
  AssertionReplayCache,
  ClientStore,
  LastUseRecorder,
  PasswordHasher,
  PublicKeySource,
  RevocationFanOut,
  RevocationStore,
  Signer,
} from './core/types';

/** The settings the handler uses (a subset of TokenConfig, so tests can build it inline). */
export type TokenHandlerConfig = Pick<
  TokenConfig,
  'issuer' | 'defaultAudience' | 'tokenTtlSeconds' | 'scopesSupported'
> &
  Partial<
    Pick<
      TokenConfig,
      | 'minTokenTtlSeconds'
      | 'clockSkewSeconds'
      | 'acceptTokenEndpointAudience'
      | 'dpopIatWindow'
      | 'securityProfile'
      | 'maxAssertionLifetimeSeconds'
    >
  >;

/** The metric calls the handler makes; a powertools `Metrics` satisfies it. */
export type TokenMetrics = Pick<
  Metrics,
  'addMetric' | 'singleMetric' | 'hasStoredMetrics' | 'publishStoredMetrics'
>;

/** Dependencies of the token handler (`createTokenHandler`), built once per cold start. */
export interface TokenHandlerDeps {
  config: TokenHandlerConfig;
  clientStore: ClientStore;
  signer: Signer;
  publicKeys: PublicKeySource;
  hasher: PasswordHasher;
  clock: Clock;
  randomBytes: RandomBytes;
  /** Powertools logger; a quiet one is made when omitted. */
  logger?: Logger;
  /** Powertools metrics; no metrics when omitted. */
  metrics?: TokenMetrics;
  /** The RFC 7009 revocation list; `POST /oauth2/revoke` is served only when it is given. */
  revocations?: RevocationStore;
  /**
   * Multi-Region (SERVICE_REGIONS lists more than one): writes each revoked token to every other
   * Region after the local write; a Region not written makes the answer 503 (docs/multi-region.md).
   */
  revocationFanOut?: RevocationFanOut;
  /**
   * The `jti` replay cache of `private_key_jwt` assertions (RFC 7523) and of DPoP proofs (RFC
   * 9449 §11.1); the method and DPoP are offered (and advertised) only when it is given.
   */
  replayCache?: AssertionReplayCache;
  /**
   * The MAC of the DPoP server nonces (RFC 9449 §8): with it (and DPoP offered), every DPoP token
   * request needs a current nonce and every DPoP token response carries the next one. Production:
   * KMS GenerateMac with DPOP_NONCE_KEY_ID.
   */
  nonceMac?: NonceMac;
  /**
   * Where each client's last use (`last_used_at`) is written, at most hourly, beside the KMS Sign;
   * nothing is recorded without it. A failed write is logged as a warning and never fails a request.
   */
  lastUse?: LastUseRecorder;
}

/** An API Gateway REST proxy handler (the Lambda context is not needed). */
export type TokenHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
