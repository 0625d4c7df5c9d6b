// Reading a failed AWS JSON-protocol answer: its error code, a message safe to log, and what a transport failure was.
import type { AwsCallErrorDetails, AwsFailureKind } from './errors';
import { TransportError, type HttpRequest } from './http-transport';
import { CONNECTION_ERROR_CODES, kindOfServiceError } from './retry-policy';

/** A failed attempt, before the decision to retry. */
export type Failure = Omit<AwsCallErrorDetails, 'operation' | 'attempts'> & {
  cause?: unknown;
  /** A clock skew this attempt corrected, so the next attempt is signed right. */
  corrected?: boolean;
};

/** What an error answer says, before it is classified. */
export interface ErrorAnswer {
  /** The code as sent (`X-Amzn-ErrorType`, `__type` or `code`); undefined when there is none. */
  raw: string | undefined;
  /** The service's message, unscrubbed, for matching only. */
  message: string;
  /** What may be logged: the scrubbed message, or what the body was when it was not JSON. */
  detail: string;
  /** The body as a JSON object, when it is one. */
  parsed: Record<string, unknown> | undefined;
}

/**
 * Reads the code and message of an error answer, as the AWS JSON protocol carries them.
 * @param status the HTTP status
 * @param headers the response headers, lower-cased
 * @param body the response body
 * @param request the signed request, whose credentials are cut out of the message
 * @returns the code, the message and a loggable detail
 */
export function readErrorAnswer(
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
  request: HttpRequest,
): ErrorAnswer {
  const parsed = parseObject(body);
  // An empty code is no code.
  const raw =
    headers['x-amzn-errortype'] ||
    stringField(parsed, '__type') ||
    stringField(parsed, 'code') ||
    undefined;
  const message = stringField(parsed, 'message') ?? stringField(parsed, 'Message') ?? '';
  const detail =
    parsed === undefined
      ? `the ${status} response body is not JSON (${Buffer.byteLength(body)} bytes)`
      : scrub(message, request) || 'no message';
  return { raw, message, detail, parsed };
}

/**
 * The failure an error answer describes, for every answer but a refused clock (the client
 * corrects its own clock for those).
 * @param status the HTTP status
 * @param code the sanitized error code, or undefined when the answer had none
 * @param answer the answer's loggable detail and parsed body
 * @returns the failure; a refused condition carries the item that refused it, when the request
 *   asked for it (ReturnValuesOnConditionCheckFailure)
 */
export function answerFailure(
  status: number,
  code: string | undefined,
  answer: Pick<ErrorAnswer, 'detail' | 'parsed'>,
): Failure {
  const { detail, parsed } = answer;
  if (code === undefined) {
    // No code: the status alone tells what happened; a 4xx that is not AWS JSON is a protocol error.
    const kind = kindOfServiceError('', status);
    return {
      kind: kind === 'client' ? 'protocol' : kind,
      code: parsed === undefined ? `HTTP${status}` : 'UnknownError',
      statusCode: status,
      detail,
    };
  }
  const failure: Failure = {
    kind: kindOfServiceError(code, status),
    code,
    statusCode: status,
    detail,
  };
  const item = parsed?.Item;
  if (code === 'ConditionalCheckFailedException' && typeof item === 'object' && item !== null) {
    failure.item = item as Record<string, unknown>;
  }
  return failure;
}

/**
 * The bare error name of a JSON-protocol error code: "Strips a leading `namespace#` prefix and a
 * trailing `:url` suffix from a wire-format error code, leaving just the bare shape name", e.g.
 * `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` → `ResourceNotFoundException`
 * (the AWS SDKs' error envelope parsing, aws-smithy-schema `sanitize_error_code`,
 * https://docs.rs/crate/aws-smithy-schema/0.3.0/source/src/schema/error_envelope.rs; DynamoDB's
 * error bodies look so: Amazon DynamoDB Developer Guide, "Error handling with DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 * @param raw the `__type`, `code` or `X-Amzn-ErrorType` value
 * @returns the error name
 */
export function sanitizeErrorCode(raw: string): string {
  const colon = raw.indexOf(':');
  const withoutUrl = colon === -1 ? raw : raw.slice(0, colon);
  const hash = withoutUrl.indexOf('#');
  const code = hash === -1 ? withoutUrl : withoutUrl.slice(hash + 1);
  // A code is an identifier; bound what reaches the log.
  return code.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 100) || 'UnknownError';
}

export function transportFailure(err: unknown): Failure {
  if (err instanceof TransportError) {
    const kind: AwsFailureKind =
      err.failure === 'timeout'
        ? 'timeout'
        : err.failure === 'protocol'
          ? 'protocol'
          : 'connection';
    return { kind, code: err.code, detail: err.message, cause: err.cause };
  }
  const code = (err as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
  return {
    kind: 'connection',
    code: known ? code : 'NetworkError',
    detail: err instanceof Error ? err.message : String(err),
    cause: err,
  };
}

export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(o: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A service message, safe to log: an InvalidSignatureException's message can quote the canonical
 * request, which holds the session token, so every credential value and the signature are cut
 * out, then the text is bounded.
 */
function scrub(message: string, request: HttpRequest): string {
  let out = message;
  const secrets = [
    request.headers['x-amz-security-token'],
    request.headers.authorization,
    /Signature=([0-9a-f]+)/.exec(request.headers.authorization ?? '')?.[1],
  ];
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
