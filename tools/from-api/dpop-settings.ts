// What --from-api reads about DPoP (docs/dpop.md): each authorizer's result TTL as deployed next to the TTL and DPOP_* settings its function was given, and the cached-bypass warning when they disagree.
import type { AuthorizerPlan } from './api-plan';
import type { DeployedFunction } from './deployed-function';

/** The DPoP side of one authorizer, as deployed. */
export interface AuthorizerDpop {
  /** The authorizer's name. */
  authorizer: string;
  /**
   * `authorizerResultTtlInSeconds` of the authorizer (GetAuthorizers): "The TTL in seconds of
   * cached authorizer results. If it equals 0, authorization caching is disabled. If it is greater
   * than 0, API Gateway will cache authorizer responses. If this field is not set, the default
   * value is 300." (API Gateway API Reference, Authorizer,
   * https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html)
   */
  gatewayTtlSeconds: number;
  /**
   * AUTHORIZER_RESULT_TTL_SECONDS of the function's deployed environment (GetFunctionConfiguration
   * `Environment.Variables`, https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html):
   * the TTL the function believes it has; unset reads as 300, as the function reads it. Undefined
   * when the value is not a whole number (the function then fails its cold start).
   */
  functionTtlSeconds: number | undefined;
  /** DPOP_ALLOWED_HOSTS (a JSON array); empty when DPoP is off (DPOP_REPLAY_TABLE unset). */
  allowedHosts: string[];
}

/**
 * Reads the DPoP settings of each authorizer from its function's deployed environment.
 * @param authorizers the plan's authorizers
 * @param functions the deployed functions, by ARN
 * @returns one entry per authorizer whose function is one of this product's (it has an ISSUER)
 */
export function authorizerDpop(
  authorizers: readonly AuthorizerPlan[],
  functions: ReadonlyMap<string, DeployedFunction>,
): AuthorizerDpop[] {
  const entries: AuthorizerDpop[] = [];
  for (const authorizer of authorizers) {
    // The deployed function's environment, not this process's.
    const environment = functions.get(authorizer.function.arn)?.environment;
    if (environment?.ISSUER === undefined) continue;
    const raw = environment.AUTHORIZER_RESULT_TTL_SECONDS;
    const functionTtl = raw === undefined ? 300 : /^\d+$/.test(raw) ? Number(raw) : undefined;
    let allowedHosts: string[] = [];
    if (environment.DPOP_REPLAY_TABLE !== undefined) {
      try {
        const parsed = JSON.parse(environment.DPOP_ALLOWED_HOSTS ?? '[]') as unknown;
        if (Array.isArray(parsed)) allowedHosts = parsed.filter((h) => typeof h === 'string');
      } catch {
        // The function refuses this value at its cold start; nothing to show.
      }
    }
    entries.push({
      authorizer: authorizer.name,
      gatewayTtlSeconds: authorizer.resultTtlSeconds,
      functionTtlSeconds: functionTtl,
      allowedHosts,
    });
  }
  return entries;
}

/**
 * The warnings to print at start. A function with DPoP settings that believes it is uncached
 * behind an authorizer that caches (the gap docs/dpop.md names: the function wired by hand to a
 * second authorizer) would let a cached decision answer later DPoP requests without the proof and
 * replay checks; the emulator, like API Gateway, would do exactly that. A DPoP function told a
 * TTL other than 0 refuses every DPoP request, which is safe but rarely meant.
 * @param entries from {@link authorizerDpop}
 * @returns one line per problem
 */
export function dpopWarnings(entries: readonly AuthorizerDpop[]): string[] {
  const warnings: string[] = [];
  for (const entry of entries) {
    if (entry.allowedHosts.length === 0) continue;
    if (entry.functionTtlSeconds === 0 && entry.gatewayTtlSeconds > 0) {
      warnings.push(
        `authorizer ${entry.authorizer} caches decisions for ${entry.gatewayTtlSeconds} s, but its function was told AUTHORIZER_RESULT_TTL_SECONDS=0 and accepts DPoP: a cached decision answers later DPoP requests without their proof or replay check (set the authorizer's result TTL to 0; docs/dpop.md, "No cached bypass")`,
      );
    } else if (entry.functionTtlSeconds !== 0) {
      warnings.push(
        `authorizer ${entry.authorizer}: its function has DPoP settings but AUTHORIZER_RESULT_TTL_SECONDS is ${entry.functionTtlSeconds ?? 'not a whole number'}, so it refuses every DPoP request`,
      );
    }
  }
  return warnings;
}

/**
 * The banner's words for one authorizer's DPoP settings.
 * @param entry the settings
 * @returns e.g. `DPoP for abc.execute-api.us-east-1.amazonaws.com`, or empty when DPoP is off
 */
export function dpopSummary(entry: AuthorizerDpop | undefined): string {
  if (entry === undefined || entry.allowedHosts.length === 0) return '';
  return `, DPoP for ${entry.allowedHosts.join(', ')} (function told TTL ${entry.functionTtlSeconds ?? '?'}s)`;
}
