# Sender-constrained tokens and the FAPI 2.0 profile (issue 25): the settings the profile decides, resolved once for the modules (docs/dpop.md, docs/fapi.md).

locals {
  # DPoP proof iat window, the same at the token endpoint and the authorizer.
  dpop_iat_future_seconds = coalesce(var.dpop_iat_future_seconds, 5)
}
