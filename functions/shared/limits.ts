/**
 * The numeric limits of the service, defined once. The token function, the authorizer, the CLI
 * and the local server import them; `test/terraform/limits.test.ts` checks that the Terraform
 * validation blocks agree with them.
 * @module
 */

/** An inclusive integer range with a default. */
export interface Limit {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Access token lifetime in seconds (service default and per-client override). */
export const TOKEN_TTL_SECONDS: Limit = { min: 60, max: 86400, default: 3600 };

/** Clock skew the authorizer tolerates on `exp` and `nbf`, in seconds. */
export const CLOCK_SKEW_SECONDS: Limit = { min: 0, max: 300, default: 30 };

/**
 * Entries of the authorizer's verified-token cache per container (VERIFIED_TOKEN_CACHE_SIZE,
 * functions/authorizer/core/verified-token-cache.ts); 0 turns it off. An entry holds at most
 * about 21 KB (VERIFIED_TOKEN_ENTRY_MAX_BYTES, for a token of the largest accepted size) and about
 * 1.5 KB for a token the issuer signs, so the default holds at most about 21 MB and typically
 * 1.5 MB, and the maximum at most about 211 MB: set memory_size accordingly. A container serves
 * one request at a time, so 1,000 distinct live tokens is room for as many clients calling
 * through one container within a token's lifetime.
 */
export const VERIFIED_TOKEN_CACHE_SIZE: Limit = { min: 0, max: 10000, default: 1000 };

/**
 * How old a DPoP proof's `iat` may be, in seconds (RFC 9449 §4.3 step 11: "within an acceptable
 * window"; §11.1 asks for a short one). Both functions read it (DPOP_IAT_PAST_SECONDS); each
 * replay-cache entry is kept until `iat` + this + {@link DPOP_IAT_FUTURE_SECONDS} (plus slack), so
 * an entry outlives every moment its proof could still be accepted. At least 5 s, so a proof
 * survives the trip; at most 300 s, the longest a client assertion may live.
 */
export const DPOP_IAT_PAST_SECONDS: Limit = Object.freeze({ min: 5, max: 300, default: 60 });

/**
 * How far ahead of the server's clock a DPoP proof's `iat` may be, in seconds
 * (DPOP_IAT_FUTURE_SECONDS). The FAPI 2.0 Security Profile asks an authorization server to "accept
 * JWTs with an iat or nbf time up to 10 seconds in the future" and to "reject JWTs with an iat or
 * nbf of 60 seconds or greater in the future" (openid/fapi, fapi-2_0-security-profile.md, "General
 * Requirements" of authorization servers), hence the maximum; `security_profile = "fapi2"` raises
 * the default to 10 and requires 10 to 59 ({@link FAPI2_JWT_FUTURE_SECONDS}).
 */
export const DPOP_IAT_FUTURE_SECONDS: Limit = Object.freeze({ min: 0, max: 60, default: 5 });

/**
 * How far ahead `iat` and `nbf` may be under the FAPI 2.0 profile, in seconds: it "shall accept JWTs
 * with an iat or nbf time up to 10 seconds in the future, however should reject JWTs with an iat or
 * nbf of 60 seconds or greater in the future" (see DPOP_IAT_FUTURE_SECONDS). Both DPoP proofs
 * (DPOP_IAT_FUTURE_SECONDS) and client assertions (CLOCK_SKEW_SECONDS, their `iat`/`nbf` tolerance)
 * must lie in this range with `security_profile = "fapi2"`; the default is DPoP's under the profile.
 */
export const FAPI2_JWT_FUTURE_SECONDS: Limit = Object.freeze({ min: 10, max: 59, default: 10 });

/**
 * Length of a DPoP server-nonce window, in seconds (RFC 9449 §8; functions/token/core/dpop-nonce.ts).
 * A nonce is accepted in its own window and the next, so for 60 to 120 s: a proof made with it
 * cannot be used later than that, whatever its `iat` says. Each container derives each window's
 * nonce once (one KMS GenerateMac a minute while it serves DPoP token requests).
 */
export const DPOP_NONCE_PERIOD_SECONDS = 60;

/**
 * API Gateway's authorizer result cache TTL (`authorizerResultTtlInSeconds`), 0 disables the
 * cache. 3600 is the largest value API Gateway accepts and 300 its default: "Authorization
 * Caching ... The default TTL value is 300 seconds. The maximum value is 3600 seconds"
 * (API Gateway Developer Guide, "Configure an API Gateway Lambda authorizer").
 */
export const AUTHORIZER_RESULT_TTL_SECONDS: Limit = { min: 0, max: 3600, default: 300 };

/**
 * Bounds of one AWS operation of the Lambdas (DynamoDB GetItem, PutItem, UpdateItem, BatchGetItem,
 * KMS GetPublicKey, KMS Sign), as `functions/shared/aws/json-client.ts` applies them;
 * docs/timeouts.md explains each number.
 */
export interface AwsCallBudget {
  /** Time to open the TCP connection, per attempt. */
  readonly connectionTimeoutMs: number;
  /**
   * Time from sending an attempt to its response headers, per attempt; also the longest pause
   * while a response body streams.
   */
  readonly requestTimeoutMs: number;
  /** Attempts per operation, the first one included (the SDKs' standard retry mode). */
  readonly maxAttempts: number;
  /** Deadline of the whole operation, retries and backoff included (an AbortSignal fires). */
  readonly operationBudgetMs: number;
}

/**
 * The production bounds of the token function. Three attempts of at most 1 s each plus the
 * standard mode's jittered backoff (at most 0.05 s + 0.1 s after transient errors, 1 s + 2 s after
 * throttling) end within 3.2 s, or 6 s when slow throttling answers both; the 4 s budget cuts the
 * latter and anything an attempt's timeouts do not bound (a body that trickles byte by byte).
 */
export const AWS_CALL_BUDGET: AwsCallBudget = Object.freeze({
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxAttempts: 3,
  operationBudgetMs: 4000,
});

/**
 * AWS operations one token request makes one after another, at most: GetItem, then GetPublicKey
 * (only while the signing key's info is not yet memoised), then Sign. The last-use UpdateItem runs
 * beside GetPublicKey and Sign within LAST_USE_WRITE_BUDGET, less than either's budget, so it adds
 * no serial operation. With DPoP server nonces, the GenerateMac that derives a window's nonce (at
 * most once a minute per container) runs beside the client's GetItem and its authentication, with
 * the same budget as the GetItem, so it adds none either.
 */
export const TOKEN_REQUEST_SERIAL_AWS_OPERATIONS = 3;

/**
 * Time a token request spends outside AWS calls, generously: two argon2id verifications (about
 * 25 ms each at 1024 MB), parsing and a cold start's module load.
 */
export const TOKEN_REQUEST_LOCAL_ALLOWANCE_MS = 1000;

/**
 * API Gateway's default (and, without a quota increase, largest) integration timeout of a REST
 * API, in seconds: "Integration timeout: 50 milliseconds - 29 seconds for all integration types,
 * including Lambda, Lambda proxy, ..." (API Gateway Developer Guide, "Quotas for configuring and
 * running a REST API in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
 * A Regional REST API can be raised above it ("Amazon API Gateway integration timeout limit
 * increase beyond 29 seconds",
 * https://aws.amazon.com/about-aws/whats-new/2024/06/amazon-api-gateway-integration-timeout-limit-29-seconds/),
 * but this module does not set `timeout_milliseconds`, so 29 s applies.
 */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * Seconds a used DPoP proof id is kept past the last moment its proof passes the `iat` window, at
 * the token endpoint and the authorizer. The replay write's condition compares the entry's expiry
 * with the time of the write, which comes after the proof check (the authorizer reads the
 * revocation state in between, the token endpoint authenticates the client): the margin must be
 * longer than any gap between the two, and a function runs at most API Gateway's integration
 * timeout (the modules' function timeouts are at most 29 s). Found by review: with a margin of 1 s
 * and `DPOP_IAT_FUTURE_SECONDS` 0, a replay at the window's edge behind a slow revocation read
 * overwrote an entry that already counted as expired.
 */
export const DPOP_REPLAY_SLACK_SECONDS = API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS + 1;

/**
 * Lambda timeout of the token function, in seconds ("you can adjust this in increments of 1 second
 * up to a maximum value of 900 seconds", AWS Lambda Developer Guide, "Configure Lambda function
 * timeout", https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). The minimum
 * fits every AWS call's budget plus the local allowance, so the function answers 503 itself before
 * Lambda kills it; the maximum stays a second inside API Gateway's integration timeout, so a
 * client gets the function's answer rather than a gateway 504.
 */
export const TOKEN_FUNCTION_TIMEOUT_SECONDS: Limit = Object.freeze({
  min: Math.ceil(
    (TOKEN_REQUEST_SERIAL_AWS_OPERATIONS * AWS_CALL_BUDGET.operationBudgetMs +
      TOKEN_REQUEST_LOCAL_ALLOWANCE_MS) /
      1000,
  ),
  max: API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS - 1,
  default: 15,
});

/**
 * Longest `client_id` the token endpoint looks up, in UTF-8 bytes. RFC 6749 sets no limit; this is
 * DynamoDB's: "The minimum length of a partition key value is 1 byte. The maximum length is 2048
 * bytes" (Amazon DynamoDB Developer Guide, "Constraints in Amazon DynamoDB", Partition keys and
 * sort keys, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
 * A longer id cannot exist, so it is rejected as invalid_client after the same dummy
 * verifications, instead of reaching DynamoDB and failing with a ValidationException.
 */
export const MAX_CLIENT_ID_BYTES = 2048;

/**
 * How long one authorizer container reuses what it read about a token's revocation state (client
 * status, `tokens_not_before`, the `jti` revocation item), in seconds. Part of the revoke-to-401
 * bound T + C (docs/revocation.md).
 */
export const REVOCATION_CACHE_TTL_SECONDS: Limit = { min: 0, max: 60, default: 10 };

/**
 * How long past its cache TTL a container may still use the last state it read while DynamoDB
 * fails (errors, throttling, timeouts), in seconds; after that it fails closed (401). Adds to the
 * bound only while DynamoDB is failing: T + C + W.
 */
export const REVOCATION_STALE_SECONDS: Limit = { min: 0, max: 60, default: 20 };

/**
 * The authorizer result TTL used when revocation checking is on and none is set: with the cache
 * and stale defaults, T + C + W = 30 + 10 + 20 = 60 s, the ceiling, even while DynamoDB fails.
 */
export const REVOCATION_AUTHORIZER_RESULT_TTL_SECONDS = 30;

/**
 * Deadline of the authorizer's one DynamoDB read (BatchGetItem), retries included, in ms. A
 * REQUEST authorizer must answer well inside API Gateway's 29 s integration limit, and a slow read
 * is better served from the stale state or refused than waited for.
 */
export const REVOCATION_READ_BUDGET_MS = 1500;

/**
 * The authorizer's read as an AWS call budget: two attempts (a throttled or failed first attempt
 * is retried once), each bounded like the token function's, within {@link REVOCATION_READ_BUDGET_MS}.
 */
export const REVOCATION_READ_BUDGET: AwsCallBudget = Object.freeze({
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxAttempts: 2,
  operationBudgetMs: REVOCATION_READ_BUDGET_MS,
});

/**
 * The token function's last-use write (one conditional UpdateItem of `last_used_at`, at most once
 * a client-hour), run beside the KMS Sign: it may delay an answer only by what it takes beyond the
 * Sign, so it gets a small budget of its own, far below the serial calls' (an in-region UpdateItem
 * takes milliseconds). Two attempts retry a reset connection; a write that still fails is logged
 * and simply made again by the client's next token request, which finds the old value.
 */
export const LAST_USE_WRITE_BUDGET: AwsCallBudget = Object.freeze({
  connectionTimeoutMs: 250,
  requestTimeoutMs: 250,
  maxAttempts: 2,
  operationBudgetMs: 300,
});

/**
 * The token function's RFC 7009 fan-out in a multi-Region deployment (docs/multi-region.md): after
 * the local `revoked#<jti>` write, one PutItem of the same item to each other Region's table, all
 * at once, each within this budget. Small, because a cross-Region call is off the token request
 * path and a Region that does not answer within it is reported (503, the client retries) rather
 * than waited for: two attempts of at most 0.5 s connection and 0.5 s answer each, 1 s in all. It
 * adds at most 1 s to a revocation request, whose other serial calls (GetItem, GetPublicKey while
 * not memoised, the local PutItem) fit the default 15 s timeout with room; at the 13 s minimum a
 * request that meets every worst case at once may be cut by Lambda, which the client sees as a
 * gateway error and retries (the writes are idempotent).
 */
export const REVOCATION_FANOUT_BUDGET: AwsCallBudget = Object.freeze({
  connectionTimeoutMs: 500,
  requestTimeoutMs: 500,
  maxAttempts: 2,
  operationBudgetMs: 1000,
});

/**
 * `Retry-After` of the 503 the revocation endpoint answers when a Region could not be written, in
 * seconds: RFC 7009 §2.2.1 "If the server responds with HTTP status code 503, the client must
 * assume the token still exists and may retry after a reasonable delay"
 * (https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1).
 */
export const REVOCATION_FANOUT_RETRY_AFTER_SECONDS = 5;

/**
 * How far in the future `revoke-tokens` (and `disable`) set `tokens_not_before`, in seconds. A
 * token request that read the client record before the write can still sign for as long as its
 * Lambda may run (TOKEN_FUNCTION_TIMEOUT_SECONDS.max = 28 s, after which Lambda stops it), so every
 * token it could sign has `iat` < now + 28; 2 s more cover clock differences between the operator's
 * machine and AWS that NTP leaves. The token endpoint refuses to issue until then (503), so no
 * token is issued that is dead on arrival either.
 */
export const TOKENS_NOT_BEFORE_MARGIN_SECONDS = 30;

/**
 * The authorizer's configuration (trusted keys and route map, docs/authorizer.md "Where the
 * configuration lives") is stored inline, as AUTHORIZER_CONFIG, while its encoded size (base64 of
 * gzip), counted with each trusted key at {@link AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES}, is at most
 * this many bytes. Lambda caps a function's environment at "4 KB, for all environment variables
 * associated with the function, in aggregate" (AWS Lambda Developer Guide, "Lambda quotas",
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); the other 1,024 bytes
 * hold the other variables (about 400 bytes with revocation and usage plans on) with room to spare.
 * modules/authorizer/main.tf holds the same number (test/terraform/limits.test.ts compares them).
 */
export const AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES = 3072;

/**
 * What each trusted key counts for when the module sizes the configuration: the largest key the
 * authorizer accepts, an RSA-4096 SPKI PEM (about 800 characters, 820 as a JSON string), base64
 * encoded as if gzip could not compress it at all (820 × 4/3 = 1,094). The module cannot use the
 * real size: a plan that creates the KMS keys does not know their PEMs yet, and the storage must
 * be decided in that plan.
 */
export const AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES = 1100;

/**
 * Ceiling of the encoded configuration (base64 characters) in its DynamoDB item. "The maximum item
 * size in DynamoDB is 400 KB, which includes both attribute name binary length (UTF-8 length) and
 * attribute value lengths (again binary length)" (Amazon DynamoDB Developer Guide, "Constraints in
 * Amazon DynamoDB", Items, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html),
 * and a binary attribute counts its raw bytes, not its base64 ("DynamoDB item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * 400 × 1,024 = 409,600 bytes, less 1,024 for the key (`id` + `config#sha256:` + 64 hex = 80
 * bytes) and the attribute name `config`, leaves 408,576 bytes of gzip, 544,768 in base64.
 */
export const AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES = ((400 * 1024 - 1024) / 3) * 4;

/**
 * Largest configuration document (uncompressed JSON) the module writes and the authorizer
 * decompresses: gunzip stops past it, so no stored item can make a container inflate more.
 */
export const AUTHORIZER_CONFIG_MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * The authorizer's one read of its configuration item (GetItem), at its first invocation: two
 * attempts, each bounded like the revocation read's, within 2 s, so the first decision of a
 * container comes well inside the function's 5 s default timeout.
 */
export const AUTHORIZER_CONFIG_READ_BUDGET: AwsCallBudget = Object.freeze({
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxAttempts: 2,
  operationBudgetMs: 2000,
});

/**
 * After a failed read of the configuration item (throttled, timed out, denied, missing), a
 * container refuses requests (401) and reads again on an invocation at least this many ms later,
 * so a failing DynamoDB sees at most one read per second from each container.
 */
export const AUTHORIZER_CONFIG_RETRY_INTERVAL_MS = 1000;
