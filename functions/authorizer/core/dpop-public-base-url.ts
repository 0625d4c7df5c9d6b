/**
 * The explicit public base URL of DPoP routes (DPOP_PUBLIC_BASE_URL, docs/dpop.md, "Behind
 * CloudFront: the public base URL"): its validation, shared by the function's configuration and
 * mirrored by modules/authorizer's validation of `dpop.public_base_url`. Pure.
 * @module
 */
import { normalizeHtu } from '../../shared/dpop-proof';

/**
 * The shape: `https://`, a lower-case host name, an optional port without leading zeros, and
 * optional path segments of RFC 3986 path characters (§3.3 pchar, percent-encodings with upper-case
 * hex digits, §6.2.2.1), none empty; no userinfo, query, fragment or trailing slash, so that the
 * base and a request path starting with `/` join into one URI without `//`.
 */
const SHAPE =
  /^https:\/\/[a-z0-9.-]+(?::[1-9]\d{0,4})?(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})+)*$/;

/**
 * Why a public base URL is unusable, or undefined when it is usable as given. The value must
 * already be in the normal form the proof's `htu` is compared in (RFC 3986 §6.2.2 syntax-based:
 * lower-case host, upper-case percent-encoding, unreserved characters not encoded, no dot
 * segments; §6.2.3 scheme-based: no default port `:443`): a value that normalisation would change
 * is refused rather than silently rewritten, so the setting means exactly what it says.
 * @param value the configured value
 * @returns a description of the problem, for a message naming the setting, or undefined
 */
export function publicBaseUrlProblem(value: string): string | undefined {
  if (!SHAPE.test(value)) {
    return 'must be an https URL with a lower-case host, an optional port and path (percent-encoding in upper-case hex), and no userinfo, query, fragment, empty path segment or trailing slash, e.g. https://cdn.example.com/api';
  }
  // normalizeHtu writes an empty path as `/`; everything else it changes makes the value differ.
  const hasPath = value.indexOf('/', 'https://'.length) >= 0;
  if (normalizeHtu(value) !== (hasPath ? value : `${value}/`)) {
    return 'must be normalised per RFC 3986 §6.2.2-6.2.3: no default port :443, no dot segments (also percent-encoded), no percent-encoded unreserved characters (letters, digits, -._~)';
  }
  return undefined;
}
