// Cross-Region single use (docs/multi-region.md, "Single-use state across Regions"): the `region` attribute of a used-`jti` item, and what a refused write learns from the item that refused it.

/** The attribute (S) of `jti#` and `dpopjti#` items naming the Region that wrote them. */
export const REGION_ATTRIBUTE = 'region';

/**
 * The attribute (N, epoch seconds) of `jti#` and `dpopjti#` items holding the time of the write:
 * the `:now` its condition compared the item there with. Written with {@link REGION_ATTRIBUTE}, it
 * lets the replay watcher (functions/replay-watch) tell an item replaced while still live (one
 * `jti` used in two Regions) from one replaced after it expired (a permitted reuse).
 */
export const USED_AT_ATTRIBUTE = 'used_at';

/**
 * The attribute (S, a {@link ReplayKind}) of the token function's `jti#` items: an assertion's and
 * a DPoP proof's items share the prefix, and the key is a digest, so only the item can say which
 * it is. `dpopjti#` items are always `dpop_authorizer` and do not carry it.
 */
export const KIND_ATTRIBUTE = 'kind';

/**
 * Which single-use check saw a `jti` first used in another Region: a client assertion or a DPoP
 * proof at the token endpoint, or a DPoP proof at the authorizer. The `kind` dimension of
 * `JtiSeenInOtherRegion` (docs/metrics.md).
 */
export type ReplayKind = 'assertion' | 'dpop_token' | 'dpop_authorizer';

/** Every {@link ReplayKind}, in the order docs/metrics.md lists them. */
export const REPLAY_KINDS: readonly ReplayKind[] = ['assertion', 'dpop_token', 'dpop_authorizer'];

/** A refused single-use write whose item another Region wrote (it arrived by replication). */
export interface OtherRegionUse {
  kind: ReplayKind;
  /** The Region that recorded the first use (the item's `region`). */
  firstRegion: string;
  /** The Region that refused this use: the function's own. */
  region: string;
  /** The client, for an assertion only (a proof's item is keyed by its key, not its client). */
  clientId?: string;
}

/** Told about each {@link OtherRegionUse}; whatever it throws is dropped. */
export type OtherRegionObserver = (use: OtherRegionUse) => void;

/**
 * The Region a used-`jti` item names, from the item a refused conditional PutItem returned
 * (ReturnValuesOnConditionCheckFailure ALL_OLD).
 * @param item the item in attribute-value form, if the answer had one
 * @returns its `region` string, or undefined (no item, no attribute, or not a string)
 */
export function regionOfItem(item: Record<string, unknown> | undefined): string | undefined {
  const attribute = item?.[REGION_ATTRIBUTE] as { S?: unknown } | undefined;
  return typeof attribute?.S === 'string' ? attribute.S : undefined;
}

/**
 * Tells the observer about a refused use whose item another Region wrote; nothing when the item
 * is this Region's own (a replay within the Region) or names no Region (written before items had
 * one). The refusal stands either way; the observer only logs and counts it.
 * @param observer the observer, if any
 * @param use the kind, the own Region and the client, if logged
 * @param item the item that failed the condition
 */
export function reportOtherRegion(
  observer: OtherRegionObserver | undefined,
  use: Omit<OtherRegionUse, 'firstRegion'>,
  item: Record<string, unknown> | undefined,
): void {
  const firstRegion = regionOfItem(item);
  if (observer === undefined || firstRegion === undefined || firstRegion === use.region) return;
  try {
    observer({ ...use, firstRegion });
  } catch {
    // Logging and counting are not worth a different answer.
  }
}
