# The FAPI 2.0 profile and the DPoP settings (issue 25, docs/fapi.md): what security_profile = "fapi2" decides, the HMAC nonce key and its policies, PS256 wiring, and every contradiction refused with a message naming the variables (terraform test, mock provider, plan only).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

run "fapi2_decides_ps256_nonces_and_the_iat_window" {
  command = plan

  variables {
    security_profile = "fapi2"
  }

  assert {
    condition     = output.security_profile == "fapi2" && output.signing_algorithm == "PS256" && local.dpop_iat_future_seconds == 10 && local.dpop_nonces
    error_message = "fapi2 defaults to PS256, nonces on and a 10 s iat tolerance ahead."
  }

  assert {
    condition     = length(module.dpop_nonce_key) == 1
    error_message = "fapi2 creates the nonce key."
  }
}

run "no_profile_keeps_rs256_no_nonces_no_key" {
  command = plan

  assert {
    condition     = output.security_profile == "none" && output.signing_algorithm == "RS256" && output.dpop_nonce_key_arn == null && length(module.dpop_nonce_key) == 0 && local.dpop_iat_future_seconds == 5 && local.dpop_algorithms == null
    error_message = "Without the profile: RS256, no nonces, no HMAC key, 5 s ahead, every DPoP proof algorithm at the authorizer."
  }
}

run "nonces_and_ps256_can_be_chosen_without_the_profile" {
  command = plan

  variables {
    dpop_nonces             = true
    signing_algorithm       = "PS256"
    dpop_iat_future_seconds = 0
  }

  assert {
    condition     = output.signing_algorithm == "PS256" && length(module.dpop_nonce_key) == 1 && local.dpop_iat_future_seconds == 0
    error_message = "dpop_nonces and PS256 work alone."
  }
}

run "fapi2_accepts_es256_and_the_window_edges" {
  command = plan

  variables {
    security_profile         = "fapi2"
    signing_algorithm        = "ES256"
    dpop_iat_future_seconds  = 59
    clock_skew_seconds       = 10
    dpop_nonces              = true
    route_scopes             = { "GET /orders" = ["orders:read"] }
    route_sender_constraints = { "GET /orders" = "dpop" }
  }

  assert {
    condition     = output.signing_algorithm == "ES256"
    error_message = "ES256 is a FAPI 2.0 algorithm."
  }

  # FAPI 2.0 "Cryptography and Secrets": the authorizer takes ES256 and PS256 proofs only, as the
  # token endpoint does, and its 401 challenge lists just those (modules/authorizer builds both).
  assert {
    condition     = join(" ", module.authorizer.dpop.algorithms) == "ES256 PS256"
    error_message = "Under fapi2 the authorizer accepts (and its 401 advertises) ES256 and PS256 DPoP proofs only, never RS256."
  }
}

# Every token is DPoP-bound under the profile, and a bound token is refused as Bearer everywhere.
run "fapi2_refuses_a_route_without_dpop" {
  command = plan

  variables {
    security_profile         = "fapi2"
    route_scopes             = { "GET /orders" = ["orders:read"], "GET /health" = [] }
    route_sender_constraints = { "GET /orders" = "dpop" }
  }

  expect_failures = [var.route_sender_constraints]
}

run "fapi2_refuses_rs256" {
  command = plan

  variables {
    security_profile  = "fapi2"
    signing_algorithm = "RS256"
  }

  expect_failures = [var.security_profile]
}

run "fapi2_refuses_nonces_off" {
  command = plan

  variables {
    security_profile = "fapi2"
    dpop_nonces      = false
  }

  expect_failures = [var.security_profile]
}

run "fapi2_refuses_an_iat_tolerance_under_10" {
  command = plan

  variables {
    security_profile        = "fapi2"
    dpop_iat_future_seconds = 9
  }

  expect_failures = [var.security_profile]
}

run "fapi2_refuses_an_iat_tolerance_of_60" {
  command = plan

  variables {
    security_profile        = "fapi2"
    dpop_iat_future_seconds = 60
  }

  expect_failures = [var.security_profile]
}

run "fapi2_refuses_a_clock_skew_outside_10_to_59" {
  command = plan

  variables {
    security_profile   = "fapi2"
    clock_skew_seconds = 60
  }

  expect_failures = [var.security_profile]
}

run "token_endpoint_with_fapi2_nonces_and_ps256" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    rest_api_id             = "api1234567"
    root_resource_id        = "root123456"
    execution_arn           = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                  = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience                = "unit-test"
    table_name              = "unit-test-clients"
    table_arn               = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns        = ["arn:aws:kms:us-east-1:123456789012:key/a"]
    active_signing_key_arn  = "arn:aws:kms:us-east-1:123456789012:key/a"
    signing_algorithm       = "PS256"
    security_profile        = "fapi2"
    dpop_nonce_key_arn      = "arn:aws:kms:us-east-1:123456789012:key/nonce"
    dpop_iat_past_seconds   = 30
    dpop_iat_future_seconds = 10
  }

  assert {
    condition = (
      module.function.environment_variables["SECURITY_PROFILE"] == "fapi2" &&
      module.function.environment_variables["SIGNING_ALGORITHM"] == "PS256" &&
      module.function.environment_variables["DPOP_NONCE_KEY_ID"] == "arn:aws:kms:us-east-1:123456789012:key/nonce" &&
      module.function.environment_variables["DPOP_IAT_PAST_SECONDS"] == "30" &&
      module.function.environment_variables["DPOP_IAT_FUTURE_SECONDS"] == "10"
    )
    error_message = "The token function gets the profile, PS256, the nonce key and the iat window."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "SignAccessTokens" || toset([for c in s.condition : "${c.variable} ${join(",", c.values)}"]) == toset(["kms:SigningAlgorithm RSASSA_PSS_SHA_256", "kms:MessageType RAW"])])
    error_message = "PS256 signs with RSASSA_PSS_SHA_256 over RAW messages only."
  }

  assert {
    condition = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "GenerateDpopNonces" && (
      toset(s.actions) == toset(["kms:GenerateMac"]) &&
      toset(s.resources) == toset(["arn:aws:kms:us-east-1:123456789012:key/nonce"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset(["StringEquals kms:MacAlgorithm HMAC_SHA_256"])
    )]) == 1
    error_message = "The token role may GenerateMac with HMAC_SHA_256 on the nonce key only (never VerifyMac)."
  }
}

run "token_endpoint_refuses_fapi2_without_what_it_needs" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    rest_api_id            = "api1234567"
    root_resource_id       = "root123456"
    execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                 = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience               = "unit-test"
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/a"]
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
    security_profile       = "fapi2"
  }

  expect_failures = [var.security_profile]
}

run "signing_keys_for_ps256_are_rsa_2048_signing_with_pss" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    algorithm        = "PS256"
    signer_role_arns = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.customer_master_key_spec == "RSA_2048" && k.key_usage == "SIGN_VERIFY"])
    error_message = "PS256 keeps RSA_2048 keys (the same price as RS256)."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowTokenFunctionToSign" || toset([for c in s.condition : join(",", c.values)]) == toset(["RSASSA_PSS_SHA_256", "RAW"])])
    error_message = "The key policy lets the signer use RSASSA_PSS_SHA_256 over RAW messages only."
  }
}

run "nonce_key_is_hmac_256_and_only_the_token_role_makes_macs" {
  command = plan

  module {
    source = "./modules/dpop-nonce-key"
  }

  variables {
    mac_role_arns      = ["arn:aws:iam::123456789012:role/unit-test-token"]
    key_administrators = ["arn:aws:iam::123456789012:user/terraform-test"]
  }

  assert {
    condition     = aws_kms_key.this[0].customer_master_key_spec == "HMAC_256" && aws_kms_key.this[0].key_usage == "GENERATE_VERIFY_MAC" && aws_kms_key.this[0].bypass_policy_lockout_safety_check == false && aws_kms_alias.this.name == "alias/unit-test-dpop-nonce"
    error_message = "The nonce key is an HMAC_256 GENERATE_VERIFY_MAC key with the lockout check on."
  }

  assert {
    condition     = toset([for s in data.aws_iam_policy_document.key_policy.statement : s.sid]) == toset(["AllowKeyAdministratorsToManageKey", "AllowTokenFunctionToGenerateMac", "DenyMacsByAnyoneElse", "DenyGrantCreation", "DenyKeyManagementByOthers"])
    error_message = "The nonce key policy has exactly the administration, GenerateMac and three deny statements."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowTokenFunctionToGenerateMac" || (
      one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/unit-test-token"]) &&
      toset(s.actions) == toset(["kms:GenerateMac"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset(["StringEquals kms:MacAlgorithm HMAC_SHA_256"])
    )])
    error_message = "Only the token role may GenerateMac, with HMAC_SHA_256."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowKeyAdministratorsToManageKey" || (!contains(s.actions, "kms:GenerateMac") && !contains(s.actions, "kms:VerifyMac") && !anytrue([for a in s.actions : strcontains(a, "*")]))])
    error_message = "Administrators cannot make or check MACs, and no action is a wildcard."
  }
}
