/**
 * DPoP at the token endpoint (RFC 9449 §5): the proof's stateless checks before the client
 * authenticates, its server nonce (§8) derived beside the authentication, and after it the rules
 * that need the client (a DPoP-bound client needs a proof), the nonce check and the single use of
 * the proof's `jti` (§11.1).
 * @module
 */
import {
  DpopProofError,
  type DpopIatWindow,
  type DpopProofVerifier,
  type VerifiedDpopProof,
} from '../../shared/dpop-proof';
import type { MULTIPLE_VALUES } from '../../shared/request-header';
import { DPOP_REPLAY_SLACK_SECONDS } from '../../shared/limits';
import type { DpopNonces, NonceCheck } from './dpop-nonce';
import { InvalidDpopProofError, UseDpopNonceError } from './errors';
import type { AssertionReplayCache, ClientRecord } from './types';

/** What binding tokens to DPoP keys needs (RFC 9449 §5, §6.1). */
export interface TokenDpopDeps {
  /** Checks proofs against the token endpoint URL (functions/shared/dpop-proof.ts). */
  verifier: DpopProofVerifier;
  /** Where proof `jti`s are used once (RFC 9449 §11.1): the assertions' cache, its own keys. */
  replayCache: AssertionReplayCache;
  /** The verifier's `iat` window: a `jti` is kept until it could no longer be accepted. */
  iatWindow: DpopIatWindow;
  /**
   * Server nonces (RFC 9449 §8), when on: every proof must carry a current one, and every DPoP
   * token response hands out the current one (`DPoP-Nonce`).
   */
  nonces?: DpopNonces;
  /**
   * Every token request must carry a proof (the FAPI 2.0 profile: "shall only issue
   * sender-constrained access tokens"); no Bearer token is issued.
   */
  required?: boolean;
}

/** A proof whose stateless checks passed, with its nonce check under way. */
export interface StartedProof {
  readonly proof: VerifiedDpopProof;
  /** The settled nonce check, when nonces are on. */
  readonly nonce?: Promise<{ check: NonceCheck } | { error: unknown }>;
}

/** What a completed proof gives the token. */
export interface BoundProof {
  /** RFC 7638 thumbprint of the proof's key: the token's `cnf.jkt`. */
  readonly jkt: string;
  /** With server nonces, the nonce for the client's next proof. */
  readonly dpopNonce?: string;
}

/**
 * Checks the request's DPoP proof, if any, against the token endpoint (RFC 9449 §4.3, §5), and
 * starts its nonce check. Runs before the client authenticates: nothing here depends on the client.
 * @param dpop the DPoP settings; undefined when DPoP is not offered
 * @param header the DPoP header value
 * @param nowMs the current time
 * @returns the proof and its pending nonce check, or undefined when the request has no DPoP header
 * @throws InvalidDpopProofError when the proof fails a check, is required and missing, or DPoP is
 *   not offered
 */
export function startProof(
  dpop: TokenDpopDeps | undefined,
  header: string | typeof MULTIPLE_VALUES | undefined,
  nowMs: number,
): StartedProof | undefined {
  if (header === undefined) {
    if (dpop?.required === true) {
      throw new InvalidDpopProofError('this server issues DPoP-bound tokens only', 'required');
    }
    return undefined;
  }
  // A client that asks for a bound token and would get a bearer one is told, not ignored.
  if (dpop === undefined) {
    throw new InvalidDpopProofError('DPoP is not supported by this server', 'unsupported');
  }
  let proof: VerifiedDpopProof;
  try {
    proof = dpop.verifier(header, { method: 'POST' }, nowMs);
  } catch (err) {
    if (err instanceof DpopProofError) throw new InvalidDpopProofError(err.message, err.reason);
    throw err;
  }
  // Settled, so that a failed authentication leaves no rejection unhandled; a derivation (a KMS
  // call at most once a window per container) runs beside the authentication.
  const nonce = dpop.nonces?.check(proof.nonce, nowMs).then(
    (check) => ({ check }),
    (error: unknown) => ({ error }),
  );
  return nonce === undefined ? { proof } : { proof, nonce };
}

/**
 * The checks that follow the client's authentication: a DPoP-bound client needs a proof (§5.2),
 * the proof's nonce must be current (§8), and its `jti` is recorded once (§11.1). The `jti` is
 * written last, so neither an unauthenticated caller nor a stale nonce uses it up.
 * @param dpop the DPoP settings
 * @param started what {@link startProof} returned
 * @param client the authenticated client
 * @returns the binding, or undefined for a Bearer token
 * @throws InvalidDpopProofError (`required`, `replay`), UseDpopNonceError, or what the nonce
 *   derivation or the replay cache throws (no nonce or no write, no token)
 */
export async function completeProof(
  dpop: TokenDpopDeps | undefined,
  started: StartedProof | undefined,
  client: ClientRecord,
): Promise<BoundProof | undefined> {
  if (started === undefined) {
    // RFC 9449 §5.2: with dpop_bound_access_tokens true, the server "MUST reject token requests
    // from this client that do not contain the DPoP header". It names no error code;
    // invalid_dpop_proof is the one RFC 9449 registers for token requests (§12.2), and tells the
    // client what to fix.
    if (client.dpop_bound_access_tokens === true) {
      throw new InvalidDpopProofError('this client must send a DPoP proof', 'required');
    }
    return undefined;
  }
  const { proof } = started;
  let dpopNonce: string | undefined;
  if (started.nonce !== undefined) {
    const outcome = await started.nonce;
    if ('error' in outcome) throw outcome.error;
    if (!outcome.check.accepted) {
      const missing = proof.nonce === undefined;
      throw new UseDpopNonceError(
        missing
          ? 'the authorization server requires a nonce in the DPoP proof'
          : 'the DPoP proof nonce is not current; use the one in the DPoP-Nonce header',
        missing ? 'nonce_missing' : 'nonce_invalid',
        outcome.check.current,
      );
    }
    dpopNonce = outcome.check.current;
  }
  // RFC 9449 §11.1: a proof is used once. Kept until its `iat` has left the window, with room for a
  // request checked at the window's edge and written after a slow authentication (argon2, DynamoDB
  // retries).
  const { replayCache, iatWindow } = dpop as TokenDpopDeps;
  const first = await replayCache.useOnce({
    clientId: client.client_id,
    jti: proof.jti,
    expiresAt:
      proof.iat + iatWindow.pastSeconds + iatWindow.futureSeconds + DPOP_REPLAY_SLACK_SECONDS,
    proofKey: proof.jkt,
  });
  if (!first) throw new InvalidDpopProofError('the DPoP proof was already used', 'replay');
  return dpopNonce === undefined ? { jkt: proof.jkt } : { jkt: proof.jkt, dpopNonce };
}
