# Sender-constrained tokens and the FAPI 2.0 profile (issue 25): the settings the profile decides, resolved once for the modules (docs/dpop.md, docs/fapi.md).

locals {
  fapi2 = var.security_profile == "fapi2"

  # FAPI 2.0 Security Profile, "Cryptography and Secrets": JWTs are signed with PS256, ES256 or
  # EdDSA; PS256 keeps the default RSA_2048 keys.
  signing_algorithm = coalesce(var.signing_algorithm, local.fapi2 ? "PS256" : "RS256")

  # DPoP proof iat window, the same at the token endpoint and the authorizer. FAPI 2.0: "shall accept
  # JWTs with an iat or nbf time up to 10 seconds in the future".
  dpop_iat_future_seconds = coalesce(var.dpop_iat_future_seconds, local.fapi2 ? 10 : 5)
}
