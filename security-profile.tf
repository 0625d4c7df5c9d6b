# Sender-constrained tokens and the FAPI 2.0 profile (issue 25): the settings the profile decides, resolved once for the modules (docs/dpop.md, docs/fapi.md).

locals {
  fapi2 = var.security_profile == "fapi2"

  # FAPI 2.0 Security Profile, "Cryptography and Secrets": JWTs are signed with PS256, ES256 or
  # EdDSA; PS256 keeps the default RSA_2048 keys.
  signing_algorithm = coalesce(var.signing_algorithm, local.fapi2 ? "PS256" : "RS256")

  # DPoP proof iat window, the same at the token endpoint and the authorizer. FAPI 2.0: "shall accept
  # JWTs with an iat or nbf time up to 10 seconds in the future".
  dpop_iat_future_seconds = coalesce(var.dpop_iat_future_seconds, local.fapi2 ? 10 : 5)

  # The DPoP proof algorithms of the authorizer, and the algs of its 401 challenge. FAPI 2.0 allows
  # PS256, ES256 or EdDSA; of the verifier's algorithms that leaves ES256 and PS256, the list the
  # token function accepts and advertises (dpop_signing_alg_values_supported) under the profile
  # (FAPI2_DPOP_ALGORITHMS, functions/token/core/security-profile.ts). null: all of them.
  dpop_algorithms = local.fapi2 ? ["ES256", "PS256"] : null

  # RFC 9449 §8 server nonces: on with the profile (FAPI 2.0 clients must support them), else asked for.
  dpop_nonces = coalesce(var.dpop_nonces, local.fapi2)
}

# The HMAC key of the server nonces, only when they are on. Its administrators are the signing
# keys'; the token role alone may call GenerateMac (the role exists before its policy names the
# key, as with the signing keys, so role, key policy and role policy form no cycle).
module "dpop_nonce_key" {
  source = "./modules/dpop-nonce-key"
  count  = local.dpop_nonces ? 1 : 0

  name                    = var.name
  mac_role_arns           = [module.token_endpoint.role_arn]
  key_administrators      = module.signing_key.key_administrators
  deletion_window_in_days = var.signing_key_deletion_window_days
  # multi_region (docs/multi-region.md): a nonce handed out in one Region must be accepted in
  # every other, so the primary's key is multi-Region and each secondary replicates it.
  multi_region    = local.mr_primary
  primary_key_arn = local.mr_secondary ? var.multi_region.primary.dpop_nonce_key_arn : null
  replica_regions = local.replica_regions

  tags = local.tags
}
