// Splits and decodes a compact client assertion without verifying it: its segments, its payload decoded once per request, and the subject it claims.
import { isUtf8 } from 'node:buffer';
import { isCanonicalBase64Url } from '../../shared/jws-verify';

/** Longest assertion accepted, in characters, checked before any decoding. */
export const MAX_ASSERTION_LENGTH = 8192;

/**
 * Reads the client id an assertion claims (`sub`, RFC 7523 §3 item 2) without verifying anything,
 * to know which client record to read when the request has no `client_id`.
 * @param assertion the compact JWS
 * @returns `sub`, or undefined when the assertion is not a JWS whose payload has a string `sub`
 */
export function peekAssertionSubject(assertion: string): string | undefined {
  const split = splitAssertion(assertion);
  if (split.segments === undefined) return undefined;
  const payload = payloadOf(split);
  return typeof payload?.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
}

/** An assertion's segments and, once decoded, its payload (read only, never changed). */
export interface SplitAssertion {
  readonly assertion: string;
  readonly segments: [string, string, string] | undefined;
  payload?: Record<string, unknown> | undefined;
  payloadDecoded: boolean;
}

/**
 * The last assertion split, so the verification that follows {@link peekAssertionSubject} on the
 * same request neither splits nor decodes the same text again. Keyed by the whole assertion text:
 * another request's assertion is split afresh.
 */
let lastSplit: SplitAssertion | undefined;

/**
 * @param assertion the compact JWS
 * @returns its segments (undefined when it is not a canonical compact JWS), shared with the last
 *   call for the same text
 */
export function splitAssertion(assertion: string): SplitAssertion {
  if (lastSplit?.assertion === assertion) return lastSplit;
  lastSplit = { assertion, segments: splitCompact(assertion), payloadDecoded: false };
  return lastSplit;
}

/**
 * The payload of a split assertion, decoded once.
 * @param split an assertion whose segments exist
 * @returns the payload object, or undefined when it is not a UTF-8 JSON object
 */
export function payloadOf(split: SplitAssertion): Record<string, unknown> | undefined {
  if (!split.payloadDecoded) {
    split.payload = decodeJsonObject((split.segments as [string, string, string])[1]);
    split.payloadDecoded = true;
  }
  return split.payload;
}

/**
 * Splits a compact JWS into its three canonical base64url segments.
 * @returns the segments, or undefined when it is not one (too long, JWE, JSON serialisation, …)
 */
function splitCompact(token: string): [string, string, string] | undefined {
  if (token.length > MAX_ASSERTION_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64Url)) return undefined;
  return parts as [string, string, string];
}

/**
 * Decodes a base64url segment holding a UTF-8 JSON object.
 * @param segment a canonical base64url segment
 * @returns the object, or undefined when it is not one
 */
export function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
