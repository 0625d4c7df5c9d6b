# Every validation of the root module and the submodules rejects bad values (terraform test, mock provider, plan only).
# Independent validations share a run (each listed variable must fail, nothing else may) because
# every run starts the provider for its schema, which costs seconds here.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

run "accepts_defaults" {
  command = plan
}

run "rejects_first_set_of_bad_values" {
  command = plan
  variables {
    name                             = "Bad_Name"
    signing_algorithm                = "HS256"
    token_ttl_seconds                = 59
    authorizer_result_ttl_seconds    = 0
    issuer                           = "http://auth.example.com"
    audience                         = ""
    scopes                           = { "orders read" = "space inside" }
    signing_keys                     = []
    signing_key_deletion_window_days = 6
    key_administrators               = ["arn:aws:sts::123456789012:assumed-role/deployer/session-1"]
    rest_api_id                      = "not/an/id"
    stage_name                       = "v 1"
    clock_skew_seconds               = 301
    token_rate_limit                 = 0
    token_burst_limit                = 0
    revoke_rate_limit                = 0
    revoke_burst_limit               = 1.5
    introspect_rate_limit            = -1
    introspect_burst_limit           = 0
    discovery_rate_limit             = 0
    discovery_burst_limit            = 0.5
    lambda_architecture              = "x86"
    lambda_runtime                   = "python3.12"
    token_function_memory_size       = 64
    authorizer_function_memory_size  = 64
    log_retention_days               = 13
    log_level                        = "VERBOSE"

    token_function_reserved_concurrency = 0
  }
  expect_failures = [
    var.name,
    var.signing_algorithm,
    var.token_ttl_seconds,
    var.issuer,
    var.audience,
    var.scopes,
    var.signing_keys,
    var.signing_key_deletion_window_days,
    var.key_administrators,
    var.rest_api_id,
    var.stage_name,
    var.clock_skew_seconds,
    var.token_rate_limit,
    var.token_burst_limit,
    var.revoke_rate_limit,
    var.revoke_burst_limit,
    var.introspect_rate_limit,
    var.introspect_burst_limit,
    var.discovery_rate_limit,
    var.discovery_burst_limit,
    var.lambda_architecture,
    var.lambda_runtime,
    var.token_function_memory_size,
    var.token_function_reserved_concurrency,
    var.authorizer_function_memory_size,
    var.log_retention_days,
    var.log_level,
  ]
}

run "rejects_second_set_of_bad_values" {
  command = plan
  variables {
    name               = "ab"
    signing_algorithm  = "none"
    token_ttl_seconds  = 86401
    issuer             = "https://auth.example.com/"
    signing_keys       = ["a", "a"]
    key_administrators = []
    route_scopes       = { "FETCH /orders" = ["orders:read"] }
    log_retention_days = 0
  }
  expect_failures = [
    var.name,
    var.signing_algorithm,
    var.token_ttl_seconds,
    var.issuer,
    var.signing_keys,
    var.key_administrators,
    var.route_scopes,
    var.log_retention_days,
  ]
}

run "rejects_third_set_of_bad_values" {
  command = plan
  variables {
    name                          = "a23456789012345678901234567890123"
    token_ttl_seconds             = 600.5
    authorizer_result_ttl_seconds = 60
    signing_keys                  = ["Primary_Key"]
    route_scopes                  = { "GET orders" = ["orders:read"] }
    issuer                        = "https://auth.example.com/?x=1"
    security_profile              = "fapi1"
  }
  expect_failures = [
    var.name,
    var.token_ttl_seconds,
    var.signing_keys,
    var.route_scopes,
    var.issuer,
    var.security_profile,
  ]
}

run "rejects_name_ending_with_hyphen_and_route_with_two_spaces" {
  command = plan
  variables {
    name         = "oauth-"
    route_scopes = { "GET  /orders" = ["orders:read"] }
  }
  expect_failures = [var.name, var.route_scopes]
}

# A validation that reads another variable is skipped while that variable is invalid, so
# route_scopes (reads scopes) and authorizer_result_ttl_seconds (reads token_ttl_seconds) are
# checked apart from those.
run "rejects_route_without_method_and_negative_authorizer_ttl" {
  command = plan
  variables {
    route_scopes                  = { "/orders" = ["orders:read"] }
    authorizer_result_ttl_seconds = -1
  }
  expect_failures = [var.route_scopes, var.authorizer_result_ttl_seconds]
}

run "rejects_route_scope_that_is_not_a_scope_token" {
  command = plan
  variables {
    route_scopes = { "GET /orders" = ["orders read"] }
  }
  expect_failures = [var.route_scopes]
}

run "rejects_route_scope_not_declared_in_scopes" {
  command = plan
  variables {
    scopes       = { "orders:read" = "Read orders" }
    route_scopes = { "GET /orders" = ["orders:raed"] }
  }
  expect_failures = [var.route_scopes]
}

# Sender constraints (issue 25, docs/dpop.md). Each validation of route_sender_constraints in a run
# of its own: expect_failures names the variable, not which of its validations failed.
run "rejects_unknown_sender_constraint_and_bad_dpop_hosts" {
  command = plan
  variables {
    route_scopes             = { "GET /orders" = ["orders:read"] }
    route_sender_constraints = { "GET /orders" = "mtls" }
    dpop                     = { allowed_hosts = ["API.example.com"] }
  }
  expect_failures = [var.route_sender_constraints, var.dpop]
}

run "rejects_sender_constraint_for_a_route_not_in_route_scopes_and_empty_dpop_hosts" {
  command = plan
  variables {
    route_scopes             = { "GET /orders" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/" = "none" }
    dpop                     = { allowed_hosts = [] }
  }
  expect_failures = [var.route_sender_constraints, var.dpop]
}

# No cached bypass: a dpop route with an explicit cached TTL is refused, not silently uncached.
run "rejects_dpop_route_on_a_cached_authorizer_and_host_with_default_port" {
  command = plan
  variables {
    route_scopes                  = { "GET /orders" = ["orders:read"] }
    route_sender_constraints      = { "GET /orders" = "dpop" }
    authorizer_result_ttl_seconds = 30
    dpop                          = { allowed_hosts = ["api.example.com:443"] }
  }
  expect_failures = [var.route_sender_constraints, var.dpop]
}

run "rejects_active_signing_key_not_in_signing_keys" {
  command = plan
  variables {
    signing_keys       = ["k1", "k2"]
    active_signing_key = "k3"
  }
  expect_failures = [var.active_signing_key]
}

run "rejects_authorizer_ttl_above_token_ttl" {
  command = plan
  variables {
    token_ttl_seconds             = 600
    authorizer_result_ttl_seconds = 900
  }
  expect_failures = [var.authorizer_result_ttl_seconds]
}

run "rejects_authorizer_ttl_above_api_gateway_maximum" {
  command = plan
  variables {
    token_ttl_seconds             = 7200
    authorizer_result_ttl_seconds = 3601
  }
  expect_failures = [var.authorizer_result_ttl_seconds]
}

run "accepts_boundary_values_and_route_map_syntax" {
  command = plan
  variables {
    name                          = "abc"
    signing_algorithm             = "RS256"
    token_ttl_seconds             = 60
    authorizer_result_ttl_seconds = 60
    issuer                        = "https://auth.example.com/oauth"
    audience                      = "orders-api"
    clock_skew_seconds            = 0
    log_retention_days            = 3653
    lambda_architecture           = "x86_64"
    signing_keys                  = ["2024-01", "2024-07"]
    active_signing_key            = "2024-01"
    scopes                        = { "orders:read" = "Read orders", "orders:write" = "Write orders" }
    route_scopes = {
      "GET /orders/*"     = ["orders:read"]
      "POST /orders"      = ["orders:write"]
      "GET /orders/{id}"  = ["orders:read", "orders:write"]
      "GET /health"       = []
      "* /admin"          = ["orders:write"]
      "ANY /ops/{proxy+}" = ["orders:write"]
    }

    token_function_reserved_concurrency = 1
  }
}

################################################################################
# Submodules: their own validations (the authorizer is also used alone)
################################################################################

run "authorizer_rejects_bad_function_settings" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    name                = "bad name"
    rest_api_id         = "other12345"
    issuer              = "https://auth.example.com"
    audience            = "orders-api"
    public_keys_pem     = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    route_scopes        = { "GET /orders" = ["orders read"] }
    clock_skew_seconds  = 301
    log_level           = "VERBOSE"
    lambda_architecture = "x86"
    lambda_runtime      = "python3.12"
    memory_size         = 64
    timeout             = 30
  }

  expect_failures = [
    var.name,
    var.route_scopes,
    var.clock_skew_seconds,
    var.log_level,
    var.lambda_architecture,
    var.lambda_runtime,
    var.memory_size,
    var.timeout,
  ]
}

run "token_endpoint_rejects_bad_inputs" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    name                   = "bad name"
    rest_api_id            = "api1234567"
    root_resource_id       = "root123456"
    execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                 = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience               = "unit-test"
    token_ttl_seconds      = 59
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = []
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
    signing_algorithm      = "HS256"
    artifacts_dir          = "/nonexistent-artifacts"
    lambda_architecture    = "x86"

    reserved_concurrent_executions = 2.5
  }

  # active_signing_key_arn's validation reads signing_key_arns, so it is skipped here (tested in wiring).
  expect_failures = [
    var.name,
    var.token_ttl_seconds,
    var.signing_key_arns,
    var.signing_algorithm,
    var.lambda_architecture,
    var.reserved_concurrent_executions,
  ]
}

run "signing_key_rejects_empty_inputs_and_bad_algorithm" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names               = []
    algorithm               = "HS256"
    signer_role_arns        = []
    deletion_window_in_days = 6
    key_administrators      = []
  }

  expect_failures = [
    var.key_names,
    var.algorithm,
    var.signer_role_arns,
    var.deletion_window_in_days,
    var.key_administrators,
  ]
}

run "signing_key_rejects_bad_key_name_and_long_deletion_window" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names               = ["Primary_Key"]
    signer_role_arns        = ["arn:aws:iam::123456789012:role/unit-test-token"]
    deletion_window_in_days = 31
    key_administrators      = ["arn:aws:iam::123456789012:role/ok", "123456789012"]
  }

  expect_failures = [var.key_names, var.deletion_window_in_days, var.key_administrators]
}

run "client_table_rejects_bad_name" {
  command = plan

  module {
    source = "./modules/client-table"
  }

  variables {
    name = "ab"
  }

  expect_failures = [var.name]
}

run "rejects_artifacts_s3_without_key_prefix" {
  command = plan
  variables {
    artifacts_s3 = { bucket = "artifacts", key_prefix = "/" }
  }
  expect_failures = [var.artifacts_s3]
}

run "rejects_artifacts_s3_version_of_unknown_object" {
  command = plan
  variables {
    artifacts_s3 = { bucket = "artifacts", key_prefix = "apigw-m2m-auth/1.2.0", object_versions = { tokens = "v1" } }
  }
  expect_failures = [var.artifacts_s3]
}
