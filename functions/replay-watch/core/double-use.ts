// The replay watcher's decision on one DynamoDB stream record: was a single-use item (`jti#`, `dpopjti#`) replaced while still live by another Region's use of the same `jti` (docs/multi-region.md, "The after-the-fact detector")?
import { EXPIRES_AT_ATTRIBUTE } from '../../shared/revocation';
import {
  KIND_ATTRIBUTE,
  REGION_ATTRIBUTE,
  REPLAY_KINDS,
  USED_AT_ATTRIBUTE,
  type ReplayKind,
} from '../../shared/replay-region';

/** Key prefix of the token function's items (functions/token/core/replay-keys.ts). */
export const TOKEN_JTI_PREFIX = 'jti#';
/** Key prefix of the authorizer's items (functions/authorizer/core/dpop-request.ts). */
export const AUTHORIZER_JTI_PREFIX = 'dpopjti#';

/** One `jti` accepted in two Regions: the item of the first use was replaced by the second's. */
export interface DoubleUse {
  kind: ReplayKind;
  /** The Region whose item was replaced (the old image's `region`). */
  firstRegion: string;
  /** The Region whose item replaced it (the new image's `region`): last writer wins. */
  secondRegion: string;
  /** When the first use was recorded (old image's `used_at`), if the item says. */
  firstUsedAt?: number;
  /** When the second use was recorded (new image's `used_at`), if the item says. */
  secondUsedAt?: number;
  /** The replaced item's `expires_at`, if it had one. */
  expiresAt?: number;
  /** The item's key: a digest, never the `jti` (see {@link inspectRecord}). */
  itemKey: string;
}

/** Why a record is not a double use (nothing is counted). */
export type IgnoredReason =
  'not_modify' | 'other_key' | 'no_region' | 'same_region' | 'expired_before_second_use';

/** Why a record could not be read (logged, skipped, never thrown). */
export type MalformedReason = 'not_a_record' | 'no_key' | 'no_images' | 'bad_number' | 'no_kind';

/** The decision on one record. */
export type Verdict =
  | { outcome: 'double_use'; use: DoubleUse }
  | { outcome: 'ignored'; reason: IgnoredReason }
  | { outcome: 'malformed'; reason: MalformedReason; eventId?: string };

type Image = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An attribute's S value, if it is one. */
function stringAttribute(image: Image, name: string): string | undefined {
  const attribute = image[name];
  return isObject(attribute) && typeof attribute.S === 'string' ? attribute.S : undefined;
}

/** Thrown inside {@link inspectRecord} for an N attribute that is not a finite number. */
class BadNumber extends Error {}

/**
 * An attribute's N value: undefined when absent; a number attribute holds its number as a string
 * ("Numbers are sent across the network to DynamoDB as strings", Amazon DynamoDB API Reference,
 * AttributeValue, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_AttributeValue.html).
 * @throws BadNumber when present but not a finite number
 */
function numberAttribute(image: Image, name: string): number | undefined {
  const attribute = image[name];
  if (attribute === undefined) return undefined;
  const text = isObject(attribute) ? attribute.N : undefined;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new BadNumber();
  return value;
}

const isKind = (value: string | undefined): value is ReplayKind =>
  REPLAY_KINDS.includes(value as ReplayKind);

/**
 * The kind of a single-use item: `dpopjti#` items are the authorizer's; a `jti#` item names its
 * own (the token function writes `kind` with `region`), read from the new image, else the old.
 */
function kindOf(key: string, oldImage: Image, newImage: Image): ReplayKind | undefined {
  if (key.startsWith(AUTHORIZER_JTI_PREFIX)) return 'dpop_authorizer';
  const named =
    stringAttribute(newImage, KIND_ATTRIBUTE) ?? stringAttribute(oldImage, KIND_ATTRIBUTE);
  return isKind(named) && named !== 'dpop_authorizer' ? named : undefined;
}

/**
 * Decides whether one DynamoDB stream record (as Lambda delivers it: `eventName`, and `dynamodb`
 * with `Keys`, `OldImage` and `NewImage` for a NEW_AND_OLD_IMAGES stream; "StreamRecord", Amazon
 * DynamoDB API Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html;
 * AWS Lambda Developer Guide, "Using AWS Lambda with Amazon DynamoDB", example event,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html) shows one `jti` used in two Regions.
 *
 * Only a MODIFY can: an item written by a single-use check is created (INSERT), replaced only
 * when expired (the writers' condition `attribute_not_exists(client_id) OR expires_at < :now`),
 * or removed by TTL (REMOVE). A global table resolves concurrent writes of one item with last
 * writer wins ("How DynamoDB global tables work", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
 * and evaluates a conditional write against the item in the writer's own Region (same page), so
 * when two Regions accept one `jti` before either write has replicated, the later write replaces
 * the earlier one's item in the earlier one's Region: a MODIFY whose old image names one Region
 * and new image another. Nothing else records it ("These conflicts are not recorded in CloudWatch
 * or AWS CloudTrail", and each item's last-write timestamp is a private system attribute, AWS
 * Prescriptive Guidance, "Overview of global tables",
 * https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html),
 * hence the writers' own `used_at`. The pages at hand do not say in so many words that a
 * replicated write shows in the receiving replica's stream; the watcher runs in every Region and
 * counts what it sees, evidence of replays rather than a bound (docs/multi-region.md). It is a double use only if the old item was still live when the
 * second use was recorded: `expires_at` ≥ the new image's `used_at` (the writers' `:now`, so the
 * same comparison as their condition). An item replaced after it expired is a permitted reuse.
 * Without `used_at` (an item written before the attribute existed) the time of the second use is
 * unknown: counted, the safe side for a detector.
 *
 * The same-Region case (old and new `region` equal) is a reuse after expiry, or the own write
 * coming back; either way no second Region. Items without `region` on either side were written by
 * a single-Region function and say nothing.
 *
 * Never throws: whatever the record holds, the answer is a verdict.
 * @param record one element of the event's `Records`
 * @returns the verdict
 */
export function inspectRecord(record: unknown): Verdict {
  if (!isObject(record)) return { outcome: 'malformed', reason: 'not_a_record' };
  const eventId = typeof record.eventID === 'string' ? record.eventID : undefined;
  const malformed = (reason: MalformedReason): Verdict => ({
    outcome: 'malformed',
    reason,
    ...(eventId === undefined ? {} : { eventId }),
  });
  const stream = isObject(record.dynamodb) ? record.dynamodb : undefined;
  if (stream === undefined) return malformed('not_a_record');
  if (record.eventName !== 'MODIFY') return { outcome: 'ignored', reason: 'not_modify' };
  const key = isObject(stream.Keys) ? stringAttribute(stream.Keys, 'client_id') : undefined;
  if (key === undefined) return malformed('no_key');
  if (!key.startsWith(TOKEN_JTI_PREFIX) && !key.startsWith(AUTHORIZER_JTI_PREFIX)) {
    return { outcome: 'ignored', reason: 'other_key' };
  }
  if (!isObject(stream.OldImage) || !isObject(stream.NewImage)) return malformed('no_images');
  const oldImage = stream.OldImage;
  const newImage = stream.NewImage;
  const firstRegion = stringAttribute(oldImage, REGION_ATTRIBUTE);
  const secondRegion = stringAttribute(newImage, REGION_ATTRIBUTE);
  if (firstRegion === undefined || secondRegion === undefined) {
    return { outcome: 'ignored', reason: 'no_region' };
  }
  if (firstRegion === secondRegion) return { outcome: 'ignored', reason: 'same_region' };
  let expiresAt: number | undefined;
  let firstUsedAt: number | undefined;
  let secondUsedAt: number | undefined;
  try {
    expiresAt = numberAttribute(oldImage, EXPIRES_AT_ATTRIBUTE);
    firstUsedAt = numberAttribute(oldImage, USED_AT_ATTRIBUTE);
    secondUsedAt = numberAttribute(newImage, USED_AT_ATTRIBUTE);
  } catch {
    return malformed('bad_number');
  }
  // The writers' condition lets a write replace an item whose expires_at < :now; such an item
  // was no longer a use. An item without expires_at never expires.
  if (expiresAt !== undefined && secondUsedAt !== undefined && expiresAt < secondUsedAt) {
    return { outcome: 'ignored', reason: 'expired_before_second_use' };
  }
  const kind = kindOf(key, oldImage, newImage);
  if (kind === undefined) return malformed('no_kind');
  return {
    outcome: 'double_use',
    use: {
      kind,
      firstRegion,
      secondRegion,
      itemKey: key,
      ...(firstUsedAt === undefined ? {} : { firstUsedAt }),
      ...(secondUsedAt === undefined ? {} : { secondUsedAt }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    },
  };
}
