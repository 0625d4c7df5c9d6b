// Gets access tokens for the DPoP tests from a real token endpoint: DPoP-bound ones (a proof of the client's key, RFC 9449 §5) and plain Bearer ones.
import { dpopProof, type DpopKey } from './proofs';

/** Where and as whom a token is requested. */
export interface TokenRequest {
  /** The URL the request is sent to (a local server or a --from-api runner). */
  sendTo: string;
  /** The token endpoint URL a proof names in `htu` (the metadata's `token_endpoint`). */
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Requests a token by client_secret_basic, with a DPoP proof when a key is given.
 * @param request endpoint and client
 * @param key the DPoP key to bind the token to; none for a Bearer token
 * @returns the access token
 * @throws Error with the status and body when the endpoint refuses, or when the token type is
 *   not the one asked for
 */
export async function fetchToken(request: TokenRequest, key?: DpopKey): Promise<string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Authorization: `Basic ${Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64')}`,
  };
  if (key) headers.DPoP = dpopProof(key, { htm: 'POST', htu: request.tokenEndpoint });
  const res = await fetch(request.sendTo, {
    method: 'POST',
    headers,
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string; token_type?: string };
  if (res.status !== 200 || body.token_type !== (key ? 'DPoP' : 'Bearer')) {
    throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token as string;
}
