// The one HTTP Basic helper for tests: the Authorization header a client_secret_basic client sends.

/**
 * HTTP Basic header value with RFC 6749 §2.3.1 encoding: the id and the secret are each
 * form-urlencoded (application/x-www-form-urlencoded, space as `+`) before base64 (RFC 7617).
 * @param id client id
 * @param secret client secret
 * @returns `Basic <base64>`
 */
export function basicAuthorization(id: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`, 'utf8').toString('base64')}`;
}
