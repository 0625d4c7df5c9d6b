// DynamoDB items as the JSON protocol carries them, and their conversion to plain objects for the record parser.
import { MalformedClientRecordError } from './client-record';

/**
 * One attribute value in DynamoDB's JSON: a single type key (`S`, `N`, `BOOL`, `NULL`, `L`, `M`,
 * `SS`, ...) and its value, numbers as strings ("Data type descriptors", Amazon DynamoDB Developer
 * Guide, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html#Programming.LowLevelAPI.DataTypeDescriptors).
 * The SDK's AttributeValue is assignable to it, so the CLI's SDK store shares the conversion.
 */
export interface AttributeValue {
  S?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
}

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;

/**
 * Converts a DynamoDB item to a plain object (S, N, BOOL, NULL, L, M, SS; anything else is malformed).
 * @param item the item
 * @returns the plain object, to be checked by parseClientRecord
 * @throws MalformedClientRecordError naming the attribute that cannot be read
 */
export function fromAttributeMap(item: Item): Record<string, unknown> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new MalformedClientRecordError('(item)');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = fromAttribute(key, value);
  return out;
}

function fromAttribute(key: string, value: AttributeValue): unknown {
  if (typeof value !== 'object' || value === null) throw new MalformedClientRecordError(key);
  if (typeof value.S === 'string') return value.S;
  if (typeof value.N === 'string') {
    const n = Number(value.N);
    if (value.N.trim() === '' || !Number.isFinite(n)) throw new MalformedClientRecordError(key);
    return n;
  }
  if (typeof value.BOOL === 'boolean') return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (Array.isArray(value.L)) return value.L.map((v) => fromAttribute(key, v));
  if (value.M !== undefined) return fromAttributeMap(value.M);
  // Tolerate string sets written by other tools; this store itself writes lists.
  if (Array.isArray(value.SS)) return [...value.SS];
  throw new MalformedClientRecordError(key);
}
