// Parses the body of a token request (RFC 6749 §4.4.2): form-urlencoded or JSON, plain or base64.
import { InvalidRequestError, RequestTooLargeError } from './errors';

/** Largest accepted request body, in bytes (after base64 decoding). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Parameters of a token request, each present at most once, with empty values dropped. */
export type TokenRequestParams = Readonly<Record<string, string>>;

/** The parts of an HTTP request that carry the token request body. */
export interface TokenRequestBody {
  /** Value of the `Content-Type` header, if any. */
  contentType: string | undefined;
  /** The event body, possibly base64-encoded. */
  body: string | null | undefined;
  /** True when API Gateway delivered the body base64-encoded. */
  isBase64Encoded?: boolean;
}

type MediaType = 'form' | 'json';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Stateless in one-shot decode() calls, so one instance serves every request.
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Charsets whose bytes are valid UTF-8 for every text a token request can carry.
const ACCEPTED_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Parses and validates a token request body.
 * RFC 6749 §3.2: parameters sent without a value are treated as omitted, and no parameter may
 * appear more than once. Unknown parameters are kept; the caller ignores them.
 * @param request content type, body and base64 flag of the HTTP request
 * @returns the parameters
 * @throws RequestTooLargeError when the body is over {@link MAX_BODY_BYTES}
 * @throws InvalidRequestError for an unsupported content type or a malformed body
 */
export function parseTokenRequest(request: TokenRequestBody): TokenRequestParams {
  const mediaType = parseContentType(request.contentType);
  const text = decodeBody(request.body ?? '', request.isBase64Encoded === true);
  return mediaType === 'json' ? parseJsonBody(text) : parseFormBody(text);
}

/**
 * Validates the media type and charset parameter of a Content-Type header (RFC 9110 §8.3).
 * @param header the raw header value
 * @returns which body format to parse
 */
function parseContentType(header: string | undefined): MediaType {
  if (header === undefined || header.trim() === '') {
    throw new InvalidRequestError('missing Content-Type; use application/x-www-form-urlencoded');
  }
  const [typePart, ...paramParts] = header.split(';');
  const type = (typePart as string).trim().toLowerCase();
  let mediaType: MediaType;
  if (type === 'application/x-www-form-urlencoded') mediaType = 'form';
  else if (type === 'application/json') mediaType = 'json';
  else {
    throw new InvalidRequestError(
      'unsupported Content-Type; use application/x-www-form-urlencoded or application/json',
    );
  }
  for (const part of paramParts) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name !== 'charset') continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (!ACCEPTED_CHARSETS.has(value)) {
      throw new InvalidRequestError('unsupported charset; use utf-8');
    }
  }
  return mediaType;
}

/**
 * Turns the event body into text, enforcing the size limit before any decoding work.
 * @param body raw event body
 * @param base64Encoded whether it is base64-encoded
 * @returns the body as a string
 */
function decodeBody(body: string, base64Encoded: boolean): string {
  if (!base64Encoded) {
    // Each UTF-16 code unit is at least one UTF-8 byte, so a long string is rejected unread, and
    // at most three, so a short one needs no count.
    if (
      body.length > MAX_BODY_BYTES ||
      (body.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES)
    ) {
      throw tooLarge();
    }
    return body;
  }
  // 4 base64 characters carry 3 bytes: reject on the encoded length before decoding.
  if (body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) throw tooLarge();
  if (!isBase64(body)) {
    throw new InvalidRequestError('request body is not valid base64');
  }
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  return decodeUtf8(bytes, 'request body is not valid UTF-8');
}

/**
 * Checks for strict, padded standard base64 (RFC 4648 §4), which Buffer.from would otherwise decode
 * leniently, skipping invalid characters.
 * @param text the encoded text
 * @returns whether it is well-formed (the empty string is)
 */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/**
 * Decodes UTF-8 strictly.
 * @param bytes the bytes
 * @param message error description when they are not UTF-8
 * @returns the text
 */
export function decodeUtf8(bytes: Uint8Array, message: string): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    throw new InvalidRequestError(message);
  }
}

function tooLarge(): RequestTooLargeError {
  return new RequestTooLargeError(`request body is larger than ${MAX_BODY_BYTES} bytes`);
}

/**
 * Decodes one application/x-www-form-urlencoded name or value strictly: `+` is a space and
 * every `%` must start a valid UTF-8 percent-encoding (unlike URLSearchParams, which passes
 * malformed sequences through).
 * @param text the encoded text
 * @param what what is being decoded, for the error description (or a function that says it)
 * @returns the decoded text
 */
export function formDecode(text: string, what: string | (() => string)): string {
  // Nothing to decode (a JWS, a client id): the text as it is, what decodeURIComponent returns.
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequestError(
      `${typeof what === 'string' ? what : what()} has a malformed percent-encoding`,
    );
  }
}

function parseFormBody(text: string): TokenRequestParams {
  const params = emptyParams();
  const seen = new Set<string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq), 'a parameter name');
    // The description is built only for an error.
    const value = eq < 0 ? '' : formDecode(pair.slice(eq + 1), () => `parameter ${safeName(name)}`);
    addParam(params, seen, name, value);
  }
  return params;
}

function parseJsonBody(text: string): TokenRequestParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the body, which may hold client_secret: never pass it on.
    throw new InvalidRequestError('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRequestError('request body must be a JSON object');
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new InvalidRequestError(`parameter ${safeName(name)} must be a JSON string`);
    }
  }
  // JSON.parse keeps the last of repeated keys silently; RFC 6749 §3.2 forbids repeats. The body
  // is now known to be a flat object of strings, so its string literals alternate key, value.
  const params = emptyParams();
  const seen = new Set<string>();
  const literals = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  for (let i = 0; i + 1 < literals.length; i += 2) {
    const name = JSON.parse(literals[i] as string) as string;
    const value = JSON.parse(literals[i + 1] as string) as string;
    addParam(params, seen, name, value);
  }
  return params;
}

// A prototype-less object, so a parameter named `__proto__` is just a parameter.
function emptyParams(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function addParam(
  params: Record<string, string>,
  seen: Set<string>,
  name: string,
  value: string,
): void {
  if (seen.has(name)) {
    throw new InvalidRequestError(`parameter ${safeName(name)} is repeated`);
  }
  seen.add(name);
  // RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted".
  if (value !== '') params[name] = value;
}

/**
 * Parameter names the endpoints read (RFC 6749 §4.4.2 and §2.3.1, RFC 7521 §4.2, RFC 7009 §2.1,
 * RFC 7662 §2.1, and `audience`). Only these are echoed in an error description.
 */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'grant_type',
  'scope',
  'audience',
  'client_id',
  'client_secret',
  'client_assertion_type',
  'client_assertion',
  'token',
  'token_type_hint',
]);

/**
 * Makes a client-chosen parameter name safe to echo in an error description, which is also
 * logged. Any other name is not echoed: a caller may put anything there, a secret included (a
 * 43-character secret is a perfectly printable name).
 * @param name the parameter name
 * @returns the name when it is one the endpoints read, else a fixed placeholder
 */
function safeName(name: string): string {
  return KNOWN_PARAMETERS.has(name) ? name : '(an unrecognised parameter)';
}
