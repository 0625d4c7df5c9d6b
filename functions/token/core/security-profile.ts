/**
 * The FAPI 2.0 Security Profile for the client credentials grant (issue 25; docs/fapi.md maps each
 * requirement): what `SECURITY_PROFILE=fapi2` narrows. The requirements are quoted from the profile's
 * source, openid/fapi `fapi-2_0-security-profile.md` ("Requirements for Authorization Servers",
 * "Cryptography and Secrets").
 * @module
 */
import type { DpopAlgorithm } from '../../shared/dpop-proof';
import type { JwsAlgorithm } from '../../shared/jws-verify';
import type { SigningAlgorithm } from '../../shared/types';
import type { TokenEndpointAuthMethod } from './types';

/** The security profiles a deployment can run: none, or FAPI 2.0. */
export type SecurityProfile = 'none' | 'fapi2';

/** Every {@link SecurityProfile}, as SECURITY_PROFILE accepts them. */
export const SECURITY_PROFILES: readonly SecurityProfile[] = ['none', 'fapi2'];

/**
 * "Authorization Servers, Clients, and Resource Servers when creating or processing JWTs shall [...]
 * use PS256, ES256, or EdDSA (using the Ed25519 subtype) algorithms": the access tokens' algorithms
 * this service can sign with.
 */
export const FAPI2_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['PS256', 'ES256'];

/** The same rule for client assertions: EdDSA is Ed25519 only here (jws-verify.ts). */
export const FAPI2_ASSERTION_ALGORITHMS: readonly JwsAlgorithm[] = ['PS256', 'ES256', 'EdDSA'];

/** The same rule for DPoP proofs, of the algorithms the proof verifier knows. */
export const FAPI2_DPOP_ALGORITHMS: readonly DpopAlgorithm[] = ['ES256', 'PS256'];

/**
 * "shall authenticate clients using one of the following methods: MTLS as specified in Section 2
 * of [RFC8705], or private_key_jwt as specified in Section 9 of [OIDC]": mTLS is not offered, so
 * private_key_jwt alone.
 */
export const FAPI2_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['private_key_jwt'];
