// The Regions of a multi-Region deployment (docs/multi-region.md), read once at cold start from SERVICE_REGIONS.
import { regionFrom } from './aws/environment';
import { configError, optionalString, type Env } from './env';

/**
 * Environment variable naming every Region the service is deployed to, the function's own
 * included, comma-separated (`eu-west-1,us-east-1`). Unset, or one Region: a single-Region
 * deployment. Terraform sets it from the root module's `multi_region.regions`.
 */
export const SERVICE_REGIONS_ENV = 'SERVICE_REGIONS';

/**
 * The longest a client assertion may live (`exp` − `iat`, and `exp` − now) in a multi-Region
 * deployment, in seconds. Single-use state (`jti#` items) is per Region and replicated eventually,
 * so an assertion used in one Region can be used once more in another until the first use
 * replicates or the assertion expires: the cap bounds that window (docs/multi-region.md). Single-
 * Region deployments keep MAX_ASSERTION_LIFETIME_SECONDS (300).
 */
export const MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS = 60;

/**
 * The largest DPOP_IAT_PAST_SECONDS of a multi-Region deployment, for the same reason as
 * {@link MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS}: a proof is usable once per Region while its
 * `iat` is in the window and its first use has not replicated.
 */
export const MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX = 60;

/**
 * The largest CLOCK_SKEW_SECONDS of a multi-Region token function. The assertion checks tolerate
 * the skew on `exp`, `nbf` and `iat`, so it widens the cross-Region replay window of a client
 * assertion: with {@link MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS} the window is at most
 * 60 + 2 × 30 = 120 s (docs/multi-region.md), where the single-Region maximum of 300 would allow
 * 660 s.
 */
export const MULTI_REGION_CLOCK_SKEW_SECONDS_MAX = 30;

/** Where a function runs, and where else the service runs. */
export interface ServiceRegions {
  /** The function's own Region (AWS_REGION). */
  readonly own: string;
  /** Every Region of the service, own included, in the configured order. */
  readonly all: readonly string[];
  /** Whether the service runs in more than one Region. */
  readonly multiRegion: boolean;
}

/** A Region name as AWS writes them (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * @param env the environment
 * @param own the function's Region (regionFrom(env))
 * @returns the service's Regions
 * @throws Error naming SERVICE_REGIONS when an entry is not a Region name, repeats, or the list
 *   does not hold the function's own Region
 */
export function serviceRegions(env: Env, own: string): ServiceRegions {
  const raw = optionalString(env, SERVICE_REGIONS_ENV);
  if (raw === undefined) return { own, all: [own], multiRegion: false };
  const all = raw.split(',').map((r) => r.trim());
  for (const region of all) {
    if (!REGION_NAME.test(region)) {
      throw configError(SERVICE_REGIONS_ENV, `holds ${JSON.stringify(region)}, not a Region name`);
    }
  }
  if (new Set(all).size !== all.length) {
    throw configError(SERVICE_REGIONS_ENV, 'lists a Region twice');
  }
  if (!all.includes(own)) {
    throw configError(SERVICE_REGIONS_ENV, `does not list the function's own Region (${own})`);
  }
  return { own, all, multiRegion: all.length > 1 };
}

/**
 * The function's Regions, as both config loaders read them at cold start: its own Region from
 * AWS_REGION (else AWS_DEFAULT_REGION; regionFrom in aws/environment.ts), which the Lambda runtime
 * always sets, and SERVICE_REGIONS.
 * @param env the environment
 * @returns the Regions; undefined only outside Lambda (tests, the local server), when neither
 *   AWS_REGION nor AWS_DEFAULT_REGION nor SERVICE_REGIONS is set
 * @throws Error naming SERVICE_REGIONS (see {@link serviceRegions}), or AWS_REGION when it is
 *   not a Region name or SERVICE_REGIONS is set without it
 */
export function loadServiceRegions(env: Env): ServiceRegions | undefined {
  const anyRegion = [env.AWS_REGION, env.AWS_DEFAULT_REGION, env.SERVICE_REGIONS].some(
    (value) => value !== undefined && value.trim() !== '',
  );
  if (!anyRegion) return undefined;
  let own: string;
  try {
    own = regionFrom(env);
  } catch (error) {
    throw new Error(`Invalid configuration: ${(error as Error).message}`, { cause: error });
  }
  return serviceRegions(env, own);
}

/**
 * Refuses, at cold start, a DPoP `iat` window whose past side is longer than a multi-Region
 * deployment allows ({@link MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX}).
 * @param regions the function's Regions (undefined: single-Region)
 * @param pastSeconds DPOP_IAT_PAST_SECONDS as loaded
 * @throws Error naming DPOP_IAT_PAST_SECONDS and SERVICE_REGIONS when it is too long
 */
export function checkMultiRegionDpopIatPast(
  regions: ServiceRegions | undefined,
  pastSeconds: number,
): void {
  if (regions?.multiRegion === true && pastSeconds > MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX) {
    throw configError(
      'DPOP_IAT_PAST_SECONDS',
      `must be at most ${MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX} when ${SERVICE_REGIONS_ENV} lists more than one Region (got ${pastSeconds}): each Region keeps its own used proof ids, so a proof can be replayed once per Region within this window (docs/multi-region.md)`,
    );
  }
}

/**
 * Refuses, at cold start, a clock skew wider than a multi-Region token function allows
 * ({@link MULTI_REGION_CLOCK_SKEW_SECONDS_MAX}).
 * @param regions the function's Regions (undefined: single-Region)
 * @param skewSeconds CLOCK_SKEW_SECONDS as loaded
 * @throws Error naming CLOCK_SKEW_SECONDS and SERVICE_REGIONS when it is too wide
 */
export function checkMultiRegionClockSkew(
  regions: ServiceRegions | undefined,
  skewSeconds: number,
): void {
  if (regions?.multiRegion === true && skewSeconds > MULTI_REGION_CLOCK_SKEW_SECONDS_MAX) {
    throw configError(
      'CLOCK_SKEW_SECONDS',
      `must be at most ${MULTI_REGION_CLOCK_SKEW_SECONDS_MAX} when ${SERVICE_REGIONS_ENV} lists more than one Region (got ${skewSeconds}): the skew widens the window in which a client assertion can be used once per Region (docs/multi-region.md)`,
    );
  }
}
