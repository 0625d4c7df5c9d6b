/**
 * Reads one request header from an API Gateway REST event (a Lambda proxy event or a REQUEST
 * authorizer event), refusing a header sent more than once. Both functions read credentials with
 * it, so the token endpoint and the authorizer apply the same rule.
 * @module
 */

/** The header maps of a REST API proxy event or REQUEST authorizer event. */
export interface EventHeaders {
  headers?: Readonly<Record<string, string | undefined>> | null;
  multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
}

/** What {@link singleHeader} returns for a header that has more than one value. */
export const MULTIPLE_VALUES: unique symbol = Symbol('multiple header values');

/**
 * The one value of a request header, looked up case-insensitively. A REST API event carries the
 * request's headers twice ("Input format of a Lambda function for proxy integration",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format):
 * `headers` with one value per name and `multiValueHeaders` with every value of each name, and
 * API Gateway keeps the client's spelling of the names while HTTP names are case-insensitive (RFC
 * 9110 §5.1). So a header sent twice shows as two spellings in `headers`, or as more than one value
 * in all of its spellings in `multiValueHeaders`, where `headers` holds only one of them. Which one
 * a proxy or API Gateway keeps is not something to guess about a credential or a body's media
 * type: such a header is {@link MULTIPLE_VALUES}, even when the values are equal.
 * @param event the event (its other members are not read)
 * @param name the header name in lower case, e.g. `authorization`
 * @returns the value; undefined when the header is absent (or `headers` is not an object);
 *   {@link MULTIPLE_VALUES} when it was sent more than once
 */
export function singleHeader(
  event: EventHeaders,
  name: string,
): string | undefined | typeof MULTIPLE_VALUES {
  const headers = event.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  let value: string | undefined;
  let spellings = 0;
  for (const key in headers) {
    // The length test first: most names are skipped without lower-casing them.
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    if (++spellings > 1) return MULTIPLE_VALUES;
    value = headers[key];
  }
  const multi = event.multiValueHeaders;
  if (multi !== null && typeof multi === 'object') {
    let values = 0;
    for (const key in multi) {
      if (key.length !== name.length || key.toLowerCase() !== name) continue;
      const list = multi[key];
      values += Array.isArray(list) ? list.length : 1;
    }
    if (values > 1) return MULTIPLE_VALUES;
  }
  return typeof value === 'string' ? value : undefined;
}
