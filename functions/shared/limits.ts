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
 * API Gateway's authorizer result cache TTL (`authorizerResultTtlInSeconds`), 0 disables the
 * cache. 3600 is the largest value API Gateway accepts and 300 its default: "Authorization
 * Caching ... The default TTL value is 300 seconds. The maximum value is 3600 seconds"
 * (API Gateway Developer Guide, "Configure an API Gateway Lambda authorizer").
 */
export const AUTHORIZER_RESULT_TTL_SECONDS: Limit = { min: 0, max: 3600, default: 300 };
