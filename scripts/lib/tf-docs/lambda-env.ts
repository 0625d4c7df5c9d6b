// The environment variables the Lambda functions read, with their meaning: the source of docs/deploy.md's generated table.
import {
  CLOCK_SKEW_SECONDS,
  DPOP_IAT_FUTURE_SECONDS,
  DPOP_IAT_PAST_SECONDS,
  REVOCATION_CACHE_TTL_SECONDS,
  REVOCATION_STALE_SECONDS,
  TOKEN_TTL_SECONDS,
  VERIFIED_TOKEN_CACHE_SIZE,
} from '../../../functions/shared/limits';

/** The functions of the module (replay-watch: multi-Region only, modules/replay-watch). */
export type LambdaFunctionName = 'token' | 'authorizer' | 'replay-watch';

/** Who puts a variable into a function's environment. */
export type EnvSource =
  /** The module, from the root module input(s) named here (markdown). */
  | { terraform: string }
  /** The Lambda runtime ("Defined runtime environment variables"). */
  | 'lambda'
  /** Nobody in production; tests and local emulators set it. */
  | 'tests'
  /** Not the module: the local server, tests, or whoever deploys the function without it. */
  | 'manual';

/** One variable, as the table shows it. */
export interface LambdaEnvVariable {
  name: string;
  /** The functions whose environment holds it. */
  functions: readonly LambdaFunctionName[];
  source: EnvSource;
  /** What it means, in markdown. */
  meaning: string;
  /**
   * Read by a library rather than by name in `functions/` (Powertools, the AWS SDK), in these
   * functions; the check in test/unit/scripts/lambda-env.test.ts then does not look for a read.
   */
  readByLibrary?: readonly LambdaFunctionName[];
}

const BOTH: readonly LambdaFunctionName[] = ['token', 'authorizer'];
/** The two request-path functions and the replay watcher. */
const ALL: readonly LambdaFunctionName[] = [...BOTH, 'replay-watch'];

const range = (limit: { min: number; max: number; default: number }): string =>
  `${limit.min}..${limit.max}, default ${limit.default}`;

/**
 * Every variable either function reads, in the order of the table: the module's settings of the
 * token function, then of the authorizer, then what both share, then the runtime's.
 */
export const LAMBDA_ENV_VARIABLES: readonly LambdaEnvVariable[] = [
  {
    name: 'ISSUER',
    functions: BOTH,
    source: { terraform: '`issuer` (default: the stage URL)' },
    meaning:
      'token: the `iss` of every token and the base of the token endpoint, JWKS and metadata URLs; authorizer: the `iss` a token must carry',
  },
  {
    name: 'DEFAULT_AUDIENCE',
    functions: ['token'],
    source: { terraform: '`audience` (default: `name`)' },
    meaning: 'the `aud` of tokens for clients that list no audience',
  },
  {
    name: 'TOKEN_TTL_SECONDS',
    functions: ['token'],
    source: { terraform: '`token_ttl_seconds`' },
    meaning: `default token lifetime in seconds (${range(TOKEN_TTL_SECONDS)}); a client record may set its own`,
  },
  {
    name: 'AUTHORIZER_RESULT_TTL_SECONDS',
    functions: BOTH,
    source: {
      terraform: '`authorizer_result_ttl_seconds` (`result_ttl_seconds` of `modules/authorizer`)',
    },
    meaning:
      "the API's authorizer cache TTL. Token: no token is issued for less, so a cached decision never outlives a token by more than its lifetime (default 0). Authorizer: DPoP routes are refused unless it is 0 (a cached answer would skip the proof and replay checks); unset counts as 300",
  },
  {
    name: 'SCOPES_SUPPORTED',
    functions: ['token'],
    source: { terraform: 'the keys of `scopes`' },
    meaning: 'JSON array advertised as `scopes_supported` in the metadata',
  },
  {
    name: 'SIGNING_KEY_ID',
    functions: ['token'],
    source: { terraform: '`active_signing_key` (its KMS key ARN)' },
    meaning: 'the KMS key that signs new tokens (key id or ARN); required',
  },
  {
    name: 'SIGNING_ALGORITHM',
    functions: ['token'],
    source: { terraform: '`signing_algorithm`' },
    meaning:
      '`RS256` (the default), `PS256` (RSASSA-PSS on the same RSA keys) or `ES256`, matching the KMS key spec; the JWKS publishes RSA keys with it',
  },
  {
    name: 'JWKS_KEY_IDS',
    functions: ['token'],
    source: { terraform: '`signing_keys` (their KMS key ARNs)' },
    meaning:
      'JSON array of the KMS keys whose public keys the JWKS publishes (default: `SIGNING_KEY_ID` alone)',
  },
  {
    name: 'REVOCATION',
    functions: ['token'],
    source: { terraform: '`revocation_check`' },
    meaning:
      '`true`: serve `POST /oauth2/revoke` (RFC 7009) and write `revoked#` items (default `false`)',
  },
  {
    name: 'ASSERTION_TOKEN_ENDPOINT_AUDIENCE',
    functions: ['token'],
    source: { terraform: '`assertion_token_endpoint_audience`' },
    meaning:
      '`true`: a `private_key_jwt` assertion may also name the token endpoint URL as `aud` (default `false`: the issuer only)',
  },
  {
    name: 'SECURITY_PROFILE',
    functions: ['token'],
    source: { terraform: '`security_profile`' },
    meaning:
      '`none` (the default) or `fapi2`: the FAPI 2.0 profile ([fapi.md](fapi.md)): `private_key_jwt` only with PS256, ES256 or EdDSA assertions, a DPoP proof (ES256 or PS256, with a server nonce) on every token request; the function refuses to start unless `SIGNING_ALGORITHM` is PS256 or ES256, `DPOP_NONCE_KEY_ID` is set, and `DPOP_IAT_FUTURE_SECONDS` and `CLOCK_SKEW_SECONDS` are 10 to 59',
  },
  {
    name: 'DPOP_NONCE_KEY_ID',
    functions: ['token'],
    source: { terraform: '`dpop_nonces` (the HMAC key the module then creates)' },
    meaning:
      'the KMS HMAC_256 key of the DPoP server nonces (RFC 9449 §8): set, every DPoP token request needs a nonce of the current or previous minute, derived with `GenerateMac`; unset, nonces are off',
  },
  {
    name: 'AUDIENCE',
    functions: ['authorizer'],
    source: { terraform: '`audience` (default: `name`)' },
    meaning: "the audience a token's `aud` must equal or contain; required",
  },
  {
    name: 'AUTHORIZER_CONFIG',
    functions: ['authorizer'],
    source: {
      terraform:
        'the public keys of `signing_keys` and `route_scopes`, while they encode to at most 3,072 bytes',
    },
    meaning:
      'the configuration document `{"format":1,"keys":[PEM, …],"routes":{…}}`, gzip then base64 (Terraform\'s `base64gzip`), decoded at the first invocation; unusable, every request gets 401 ([authorizer.md](authorizer.md#where-the-configuration-lives))',
  },
  {
    name: 'AUTHORIZER_CONFIG_TABLE',
    functions: ['authorizer'],
    source: {
      terraform:
        'the same, past 3,072 bytes: the table the module creates, `<name>-authorizer-config`',
    },
    meaning:
      'the DynamoDB table holding the configuration document, read once (strongly consistent `GetItem`) at the first invocation; with `AUTHORIZER_CONFIG_SHA256`',
  },
  {
    name: 'VERIFIED_TOKEN_CACHE_SIZE',
    functions: ['authorizer'],
    source: { terraform: '`verified_token_cache_size` of `modules/authorizer`' },
    meaning: `most verified access tokens a container remembers (${range(VERIFIED_TOKEN_CACHE_SIZE)}; 0 turns the cache off): a repeated token skips its signature check, never the checks of time, revocation, route or DPoP proof`,
  },
  {
    name: 'DPOP_REPLAY_TABLE',
    functions: ['authorizer'],
    source: { terraform: '`dpop.table_name` of `modules/authorizer`, with DPoP routes only' },
    meaning:
      'the table of the single-use DPoP proof ids (`dpopjti#` items, conditional `PutItem`); without it every DPoP request is refused',
  },
  {
    name: 'DPOP_ALLOWED_HOSTS',
    functions: ['authorizer'],
    source: { terraform: '`dpop.allowed_hosts` of `modules/authorizer`, with DPoP routes only' },
    meaning:
      "JSON list of the `Host` values a DPoP proof's `htu` may name; a request with another Host is refused",
  },
  {
    name: 'DPOP_PUBLIC_BASE_URL',
    functions: ['authorizer'],
    source: {
      terraform: '`dpop.public_base_url` of `modules/authorizer` (or the root module), when set',
    },
    meaning:
      "the public URL of the API's root resource behind CloudFront or another mapping: a DPoP proof's `htu` must be this base followed by the request path below the stage, on the execute-api host only; normalised https, else the cold start fails naming it",
  },
  {
    name: 'DPOP_ALGORITHMS',
    functions: ['authorizer'],
    source: {
      terraform:
        '`dpop_algorithms` of `modules/authorizer` (the root module: `["ES256","PS256"]` with `security_profile = "fapi2"`, else all), with DPoP routes only',
    },
    meaning:
      "JSON list of the JWS algorithms a DPoP proof may use, a non-empty subset of `ES256`, `PS256`, `RS256` (default all); the 401 challenge's `DPoP algs` lists the same. A proof with another `alg` is refused (`DPoP:invalid:alg`); a bad value fails the cold start naming it",
  },
  {
    name: 'AUTHORIZER_CONFIG_SHA256',
    functions: ['authorizer'],
    source: { terraform: 'the same: `sha256` of the document' },
    meaning:
      'the SHA-256 (hex) of the document the function was deployed with: its item is `config#sha256:<hex>`, and a document with another digest is refused (401)',
  },
  {
    name: 'RSA_SIGNING_ALGORITHM',
    functions: ['authorizer'],
    source: { terraform: '`signing_algorithm` (`PS256`, else `RS256`)' },
    meaning:
      'the one algorithm every trusted RSA key verifies: `RS256` (the default) or `PS256`; a key pinned to one never accepts the other. EC keys verify ES256',
  },
  {
    name: 'PUBLIC_KEYS_PEM',
    functions: ['authorizer'],
    source: 'manual',
    meaning:
      'JSON array of the trusted SPKI PEMs, instead of a configuration document; a token is verified with the one its `kid` names',
  },
  {
    name: 'ROUTE_SCOPES',
    functions: ['authorizer'],
    source: 'manual',
    meaning:
      'with `PUBLIC_KEYS_PEM`: JSON map of `"METHOD /path"` to the scopes that permit it (default `{}`: every route denied)',
  },
  {
    name: 'REVOCATION_CHECK',
    functions: ['authorizer'],
    source: { terraform: '`revocation_check`' },
    meaning:
      '`true`: check client status, `tokens_not_before` and revoked `jti` in DynamoDB, cached briefly (default `false`; the module turns it on by default)',
  },
  {
    name: 'REVOCATION_CACHE_TTL_SECONDS',
    functions: ['authorizer'],
    source: { terraform: '`revocation_cache_ttl_seconds`' },
    meaning: `C: how long a container reuses a revocation state it read (${range(REVOCATION_CACHE_TTL_SECONDS)}); only with \`REVOCATION_CHECK\``,
  },
  {
    name: 'REVOCATION_STALE_SECONDS',
    functions: ['authorizer'],
    source: { terraform: '`revocation_stale_seconds`' },
    meaning: `W: while DynamoDB fails, how long past C the last state is still used before 401 (${range(REVOCATION_STALE_SECONDS)}); only with \`REVOCATION_CHECK\``,
  },
  {
    name: 'USAGE_PLANS',
    functions: ['authorizer'],
    source: { terraform: '`usage_plans` (`true` when not empty)' },
    meaning:
      "`true`: every Allow carries the client's API key as `usageIdentifierKey` (default `false`); needs `REVOCATION_CHECK=true`",
  },
  {
    name: 'CLIENTS_TABLE',
    functions: BOTH,
    source: { terraform: "the module's clients table" },
    meaning:
      'token: the DynamoDB table of client records, `revoked#` and `jti#` items; required. Authorizer: the table the revocation check reads; set only with `revocation_check`',
  },
  {
    name: 'SERVICE_REGIONS',
    functions: BOTH,
    source: {
      terraform:
        '`service_regions` of modules/token-endpoint and modules/authorizer, set only when it lists more than one Region',
    },
    meaning:
      "every Region of a multi-Region deployment, the function's own (`AWS_REGION`) included, comma-separated (`eu-west-1,us-east-1`; [multi-region.md](multi-region.md)); unset or one Region: single-Region. With more than one: each RFC 7009 revocation is also written to every other Region's clients table (503 when one fails); every metric is also published under its dimension set plus `region` ([metrics.md](metrics.md#multi-region)); a client assertion may live at most 60 s; `DPOP_IAT_PAST_SECONDS` above 60 stops the cold start; a `jti` first used in another Region is logged and counted (`JtiSeenInOtherRegion`)",
  },
  {
    name: 'CLOCK_SKEW_SECONDS',
    functions: BOTH,
    source: { terraform: '`clock_skew_seconds`' },
    meaning: `authorizer: tolerance on \`exp\` and \`nbf\` (${range(CLOCK_SKEW_SECONDS)}); token: a revoked \`jti\` is kept until \`exp\` plus this`,
  },
  {
    name: 'DPOP_IAT_PAST_SECONDS',
    functions: BOTH,
    source: { terraform: '`dpop_iat_past_seconds`' },
    meaning: `how old a DPoP proof's \`iat\` may be (${range(DPOP_IAT_PAST_SECONDS)}); a proof's single-use \`jti\` entry is kept until its \`iat\` has left the whole window. Authorizer: set with \`dpop\` only`,
  },
  {
    name: 'DPOP_IAT_FUTURE_SECONDS',
    functions: BOTH,
    source: {
      terraform: '`dpop_iat_future_seconds` (default 5, 10 with `security_profile = "fapi2"`)',
    },
    meaning: `how far ahead of the function's clock a DPoP proof's \`iat\` may be (${range(DPOP_IAT_FUTURE_SECONDS)}). Authorizer: set with \`dpop\` only`,
  },
  {
    name: 'LOG_LEVEL',
    functions: ALL,
    source: { terraform: '`log_level`' },
    meaning:
      'Powertools log level (`INFO` by default): the token function logs each issued token and each refused request with its reason at INFO, the authorizer each rejected token (401) at WARN; never secrets or tokens',
    readByLibrary: ALL,
  },
  {
    name: 'POWERTOOLS_SERVICE_NAME',
    functions: ALL,
    source: {
      terraform: 'the function name, `<name>-token`, `<name>-authorizer` or `<name>-replay-watch`',
    },
    meaning: 'the `service` key of every log line and metric (Powertools)',
    readByLibrary: ['token'],
  },
  {
    name: 'POWERTOOLS_METRICS_NAMESPACE',
    functions: ALL,
    source: { terraform: '`metrics_namespace` (default: `name`)' },
    meaning:
      'the CloudWatch namespace of the metrics listed in [metrics.md](metrics.md) (Embedded Metric Format), which the alarms and the dashboard read; unset, no function publishes any',
  },
  {
    name: 'AWS_REGION',
    functions: ALL,
    source: 'lambda',
    meaning:
      "the Region of the functions' AWS calls (token: DynamoDB and KMS; authorizer: the revocation read and the DPoP replay write), and the `region` key of every log line and of the `jti#`/`dpopjti#` items",
  },
  {
    name: 'AWS_ACCESS_KEY_ID',
    functions: BOTH,
    source: 'lambda',
    meaning: "the execution role's temporary credentials, with the next two",
  },
  {
    name: 'AWS_SECRET_ACCESS_KEY',
    functions: BOTH,
    source: 'lambda',
    meaning: "the execution role's temporary credentials",
  },
  {
    name: 'AWS_SESSION_TOKEN',
    functions: BOTH,
    source: 'lambda',
    meaning: "the execution role's temporary credentials",
  },
  {
    name: 'AWS_ENDPOINT_URL',
    functions: BOTH,
    source: 'tests',
    meaning:
      "another endpoint for every AWS call, such as moto_server (the AWS SDKs' standard variable; `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL_KMS` set one service's)",
  },
  {
    name: 'AWS_ENDPOINT_URL_DYNAMODB',
    functions: BOTH,
    source: 'tests',
    meaning: 'the DynamoDB endpoint alone; wins over `AWS_ENDPOINT_URL`',
  },
  {
    name: 'AWS_ENDPOINT_URL_KMS',
    functions: BOTH,
    source: 'tests',
    meaning:
      'the KMS endpoint alone (only the token function calls KMS); wins over `AWS_ENDPOINT_URL`',
  },
  {
    name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    functions: BOTH,
    source: 'tests',
    meaning: '`true` ignores the three `AWS_ENDPOINT_URL*` variables above, as in the AWS SDKs',
  },
  {
    name: 'AWS_DEFAULT_REGION',
    functions: BOTH,
    source: 'tests',
    meaning:
      'the Region when `AWS_REGION` is unset (never in Lambda, which sets `AWS_REGION`), as in the AWS SDKs',
  },
];
