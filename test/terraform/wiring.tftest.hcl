# Least-privilege IAM shape, key rotation wiring, Lambda environment and API modes (terraform test, mock provider).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

################################################################################
# Token endpoint submodule: IAM, environment, routes
################################################################################

run "token_endpoint_is_least_privilege" {
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
    scopes_supported       = ["demo:read", "demo:write"]
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/old", "arn:aws:kms:us-east-1:123456789012:key/new"]
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/new"
    signing_algorithm      = "ES256"
  }

  assert {
    condition     = toset([for s in data.aws_iam_policy_document.this.statement : s.sid]) == toset(["ReadClientRecords", "RecordAssertionIds", "RecordClientLastUse", "SignAccessTokens", "ReadSigningPublicKeys", "WriteOwnLogs"])
    error_message = "The token role must have exactly the statements ReadClientRecords, RecordAssertionIds, RecordClientLastUse, SignAccessTokens, ReadSigningPublicKeys and WriteOwnLogs."
  }

  # Last use: UpdateItem naming only client_id and last_used_at, returning nothing, never on a
  # reserved (revoked#, jti#) key; test/terraform/iam-policies.test.ts evaluates it.
  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "RecordClientLastUse" || (
      toset(s.actions) == toset(["dynamodb:UpdateItem"]) &&
      toset(s.resources) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", sort(c.values))}"]) == toset([
        "ForAllValues:StringEquals dynamodb:Attributes client_id,last_used_at",
        "StringEqualsIfExists dynamodb:ReturnValues NONE",
        "ForAllValues:StringNotLike dynamodb:LeadingKeys *#*",
        "Null dynamodb:Attributes false",
        "Null dynamodb:LeadingKeys false",
      ])
    )])
    error_message = "RecordClientLastUse must allow only dynamodb:UpdateItem of client_id and last_used_at on the clients table, with ReturnValues NONE and no reserved key."
  }

  # private_key_jwt replay cache: PutItem on jti#<client>#<jti> keys of the clients table only.
  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "RecordAssertionIds" || (
      toset(s.actions) == toset(["dynamodb:PutItem"]) &&
      toset(s.resources) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"]) &&
      anytrue([for c in s.condition : c.test == "ForAllValues:StringLike" && c.variable == "dynamodb:LeadingKeys" && toset(c.values) == toset(["jti#*"])]) &&
      anytrue([for c in s.condition : c.test == "Null" && c.variable == "dynamodb:LeadingKeys" && toset(c.values) == toset(["false"])])
    )])
    error_message = "RecordAssertionIds must allow only dynamodb:PutItem on the clients table, for jti# leading keys."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : s.effect == "Allow" && !anytrue([for a in s.actions : strcontains(a, "*")]) && !anytrue([for r in s.resources : r == "*"])])
    error_message = "Token role statements must name exact actions and resources (no wildcards)."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "ReadClientRecords" || (
      toset(s.actions) == toset(["dynamodb:BatchGetItem", "dynamodb:GetItem"]) &&
      toset(s.resources) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"])
    )])
    error_message = "The token role may only GetItem and BatchGetItem (a client with its declaration) on the clients table."
  }

  # The clients CLI's audit trail (audit#<time>#<random> items) is out of the token role's reach.
  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "ReadClientRecords" || (
      anytrue([for c in s.condition : c.test == "ForAllValues:StringNotLike" && c.variable == "dynamodb:LeadingKeys" && toset(c.values) == toset(["audit#*"])])
    )])
    error_message = "ReadClientRecords must refuse audit# leading keys."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "SignAccessTokens" || (
      toset(s.actions) == toset(["kms:Sign"]) &&
      toset(s.resources) == toset(["arn:aws:kms:us-east-1:123456789012:key/old", "arn:aws:kms:us-east-1:123456789012:key/new"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset(["StringEquals kms:SigningAlgorithm ECDSA_SHA_256", "StringEquals kms:MessageType RAW"])
    )])
    error_message = "The token role may only Sign on the signing keys, with ECDSA_SHA_256 for ES256 over RAW messages."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "ReadSigningPublicKeys" || (
      toset(s.actions) == toset(["kms:GetPublicKey"]) &&
      toset(s.resources) == toset(["arn:aws:kms:us-east-1:123456789012:key/old", "arn:aws:kms:us-east-1:123456789012:key/new"])
    )])
    error_message = "The token role may only read the public keys of the signing keys."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.this.statement : s.sid != "WriteOwnLogs" || (
      toset(s.actions) == toset(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
      toset(s.resources) == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/unit-test-token:*"])
    )])
    error_message = "The token role may only write to its own log group."
  }

  assert {
    condition     = module.function.role_policy == data.aws_iam_policy_document.this.json
    error_message = "The role policy must be the least-privilege document."
  }

  assert {
    condition     = module.function.function_name == "unit-test-token" && module.function.role_name == "unit-test-token" && module.function.log_group_name == "/aws/lambda/unit-test-token"
    error_message = "The token function, its role and its log group keep their names."
  }

  assert {
    condition     = module.function.source_code_hash != null
    error_message = "The token function must hash its zip."
  }

  assert {
    condition = module.function.environment_variables == tomap({
      ISSUER                            = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
      DEFAULT_AUDIENCE                  = "unit-test"
      TOKEN_TTL_SECONDS                 = "3600"
      AUTHORIZER_RESULT_TTL_SECONDS     = "0"
      SCOPES_SUPPORTED                  = "[\"demo:read\",\"demo:write\"]"
      CLIENTS_TABLE                     = "unit-test-clients"
      SIGNING_KEY_ID                    = "arn:aws:kms:us-east-1:123456789012:key/new"
      SIGNING_ALGORITHM                 = "ES256"
      JWKS_KEY_IDS                      = "[\"arn:aws:kms:us-east-1:123456789012:key/old\",\"arn:aws:kms:us-east-1:123456789012:key/new\"]"
      POWERTOOLS_SERVICE_NAME           = "unit-test-token"
      POWERTOOLS_METRICS_NAMESPACE      = "unit-test"
      LOG_LEVEL                         = "INFO"
      REVOCATION                        = "false"
      CLOCK_SKEW_SECONDS                = "30"
      ASSERTION_TOKEN_ENDPOINT_AUDIENCE = "false"
      DPOP_IAT_PAST_SECONDS             = "60"
      DPOP_IAT_FUTURE_SECONDS           = "5"
      SECURITY_PROFILE                  = "none"
    })
    error_message = "The token function environment must follow the team contract: signs with the active key, publishes all keys."
  }

  assert {
    condition     = toset([for k, m in aws_api_gateway_method.this : "${m.http_method} ${k}:${m.authorization}"]) == toset(["POST token:NONE", "GET jwks:NONE", "GET metadata:NONE", "GET openid_configuration:NONE"])
    error_message = "The token, JWKS and discovery routes must be public POST/GET methods."
  }

  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.this : i.type == "AWS_PROXY" && i.integration_http_method == "POST"])
    error_message = "Every route must be an AWS_PROXY integration to the token function."
  }

  assert {
    condition = toset([for p in aws_lambda_permission.api : p.source_arn]) == toset([
      "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/POST/oauth2/token",
      "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/GET/.well-known/jwks.json",
      "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/GET/.well-known/oauth-authorization-server",
      "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/GET/.well-known/openid-configuration",
    ])
    error_message = "Lambda permissions must be scoped to each route of this API."
  }

  assert {
    condition     = output.token_method_path == "~1oauth2~1token/POST"
    error_message = "The throttling method path must escape the resource path's slashes."
  }

  assert {
    condition = output.method_paths == tomap({
      token                = "~1oauth2~1token/POST"
      jwks                 = "~1.well-known~1jwks.json/GET"
      metadata             = "~1.well-known~1oauth-authorization-server/GET"
      openid_configuration = "~1.well-known~1openid-configuration/GET"
    })
    error_message = "Without revocation, method_paths must address the token, JWKS and discovery routes, with the resource paths' slashes escaped."
  }
}

run "token_endpoint_rejects_active_key_outside_signing_keys" {
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
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/b"
  }

  expect_failures = [var.active_signing_key_arn]
}

################################################################################
# Lambda plumbing shared by the token endpoint and the authorizer
################################################################################

run "lambda_function_attaches_the_callers_policy_and_retains_logs" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name    = "unit-test-token"
    role_description = "Execution role of the unit-test-token OAuth token function"
    policy_json      = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    # Any existing file stands in for the zip: a plan only checks that it exists and hashes it.
    filename              = "./modules/lambda-function/versions.tf"
    environment_variables = { LOG_LEVEL = "INFO" }
    log_retention_days    = 14
  }

  assert {
    condition     = aws_iam_role.this.name == "unit-test-token" && aws_iam_role_policy.this.name == "unit-test-token-least-privilege" && aws_iam_role_policy.this.policy == var.policy_json
    error_message = "The role is named after the function and carries exactly the caller's document."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/unit-test-token" && aws_cloudwatch_log_group.this.retention_in_days == 14
    error_message = "The function's log group is created with retention."
  }

  assert {
    condition     = output.log_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/unit-test-token"
    error_message = "The log group ARN is built from names so callers' policies are known at plan time."
  }

  assert {
    condition = (
      aws_lambda_function.this.handler == "index.handler" &&
      aws_lambda_function.this.source_code_hash != null &&
      aws_lambda_function.this.architectures == tolist(["arm64"]) &&
      aws_lambda_function.this.runtime == "nodejs22.x" &&
      aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "INFO" })
    )
    error_message = "The function must use index.handler, hash its zip and take the runtime, architecture and environment."
  }
}

run "lambda_function_fails_without_zip" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name = "unit-test-token"
    policy_json   = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    filename      = "/nonexistent-artifacts/token.zip"
  }

  expect_failures = [aws_lambda_function.this]
}

run "lambda_function_takes_checked_code_from_s3" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name = "unit-test-token"
    policy_json   = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    architecture  = "x86_64"
    artifact_name = "token"
    artifacts_s3  = { bucket = "artifacts", key_prefix = "/apigw-m2m-auth/1.2.0/", object_versions = { token = "v7" } }
  }

  override_data {
    target = data.aws_s3_object.manifest
    values = {
      body = "{\"schema\":1,\"version\":\"1.2.0\",\"artifacts\":[{\"function\":\"token\",\"architecture\":\"arm64\",\"filebase64sha256\":\"ARM=\"},{\"function\":\"token\",\"architecture\":\"x86_64\",\"filebase64sha256\":\"X86=\"}]}"
    }
  }

  override_data {
    target = data.aws_s3_object.code
    values = { checksum_sha256 = "X86=" }
  }

  assert {
    condition     = aws_lambda_function.this.s3_bucket == "artifacts" && aws_lambda_function.this.s3_key == "apigw-m2m-auth/1.2.0/token-x86_64.zip" && aws_lambda_function.this.s3_object_version == "v7" && aws_lambda_function.this.filename == null
    error_message = "The function must take token-x86_64.zip under the trimmed prefix, at the pinned version."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == "X86="
    error_message = "source_code_hash must be the checked SHA-256 of the zip for this architecture."
  }
}

run "lambda_function_refuses_s3_code_that_differs_from_the_manifest" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name = "unit-test-token"
    policy_json   = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    architecture  = "arm64"
    artifact_name = "token"
    artifacts_s3  = { bucket = "artifacts", key_prefix = "apigw-m2m-auth/1.2.0" }
  }

  override_data {
    target = data.aws_s3_object.manifest
    values = {
      body = "{\"schema\":1,\"version\":\"1.2.0\",\"artifacts\":[{\"function\":\"token\",\"architecture\":\"arm64\",\"filebase64sha256\":\"ARM=\"}]}"
    }
  }

  override_data {
    target = data.aws_s3_object.code
    values = { checksum_sha256 = "OTHER=" }
  }

  expect_failures = [data.aws_s3_object.code]
}

run "lambda_function_enforces_caller_preconditions" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name = "unit-test-authorizer"
    policy_json   = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    filename      = "./modules/lambda-function/versions.tf"
    preconditions = [
      { condition = true, error_message = "not shown" },
      { condition = false, error_message = "The caller's check failed." },
    ]
  }

  expect_failures = [aws_lambda_function.this]
}

################################################################################
# Authorizer submodule, used alone
################################################################################

run "authorizer_works_alone_with_logs_only_role" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    rest_api_id     = "other12345"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n", "-----BEGIN PUBLIC KEY-----\nB\n-----END PUBLIC KEY-----\n"]
    route_scopes    = { "GET /orders" = ["orders:read"] }
  }

  assert {
    condition     = length(data.aws_iam_policy_document.this.statement) == 1 && data.aws_iam_policy_document.this.statement[0].sid == "WriteOwnLogs"
    error_message = "The authorizer role may only write logs."
  }

  assert {
    condition = (
      toset(data.aws_iam_policy_document.this.statement[0].actions) == toset(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
      toset(data.aws_iam_policy_document.this.statement[0].resources) == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/unit-test-authorizer:*"])
    )
    error_message = "The authorizer role may only write to its own log group."
  }

  assert {
    condition = module.function.environment_variables == tomap({
      ISSUER                       = "https://auth.example.com"
      AUDIENCE                     = "orders-api"
      AUTHORIZER_CONFIG            = base64gzip("{\"format\":1,\"keys\":[\"-----BEGIN PUBLIC KEY-----\\nA\\n-----END PUBLIC KEY-----\\n\",\"-----BEGIN PUBLIC KEY-----\\nB\\n-----END PUBLIC KEY-----\\n\"],\"routes\":{\"GET /orders\":[\"orders:read\"]}}")
      CLOCK_SKEW_SECONDS           = "30"
      VERIFIED_TOKEN_CACHE_SIZE    = "1000"
      POWERTOOLS_SERVICE_NAME      = "unit-test-authorizer"
      POWERTOOLS_METRICS_NAMESPACE = "unit-test"
      LOG_LEVEL                    = "INFO"
      REVOCATION_CHECK             = "false"
      USAGE_PLANS                  = "false"
      RSA_SIGNING_ALGORITHM        = "RS256"
      # Lets the function refuse DPoP requests on a cached authorizer (docs/dpop.md).
      AUTHORIZER_RESULT_TTL_SECONDS = "300"
    })
    error_message = "The authorizer environment must follow the team contract."
  }

  assert {
    condition = (
      aws_api_gateway_authorizer.this.type == "REQUEST" &&
      aws_api_gateway_authorizer.this.identity_source == "method.request.header.Authorization,context.httpMethod,context.resourcePath" &&
      output.identity_source == aws_api_gateway_authorizer.this.identity_source &&
      aws_api_gateway_authorizer.this.identity_validation_expression == null &&
      aws_api_gateway_authorizer.this.authorizer_result_ttl_in_seconds == 300
    )
    error_message = "The authorizer must be a REQUEST authorizer whose identity sources (the cache key) are the Authorization header, the method and the resource."
  }

  assert {
    condition = (
      aws_api_gateway_gateway_response.this["UNAUTHORIZED"].status_code == "401" &&
      aws_api_gateway_gateway_response.this["UNAUTHORIZED"].response_parameters["gatewayresponse.header.WWW-Authenticate"] == "'Bearer error=\"invalid_token\"'" &&
      jsondecode(aws_api_gateway_gateway_response.this["UNAUTHORIZED"].response_templates["application/json"]).error == "invalid_token" &&
      aws_api_gateway_gateway_response.this["ACCESS_DENIED"].status_code == "403" &&
      aws_api_gateway_gateway_response.this["ACCESS_DENIED"].response_parameters["gatewayresponse.header.WWW-Authenticate"] == "'Bearer error=\"insufficient_scope\"'" &&
      jsondecode(aws_api_gateway_gateway_response.this["ACCESS_DENIED"].response_templates["application/json"]).error == "insufficient_scope"
    )
    error_message = "Gateway responses must answer 401 invalid_token and 403 insufficient_scope with RFC 6750 challenges and JSON bodies."
  }
}

run "authorizer_rejects_bad_inputs" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    rest_api_id        = "other12345"
    issuer             = "https://auth.example.com/"
    audience           = ""
    public_keys_pem    = ["not a pem"]
    route_scopes       = { "GET orders" = [] }
    result_ttl_seconds = 3601
    log_retention_days = 2

    identity_validation_expression = "^Bearer .+$"
  }

  expect_failures = [var.issuer, var.audience, var.public_keys_pem, var.route_scopes, var.result_ttl_seconds, var.log_retention_days, var.identity_validation_expression]
}

################################################################################
# Root module: new API versus existing API (planned on an empty state, before the apply runs)
################################################################################

run "creates_regional_api_with_stage_and_token_throttling" {
  command = plan

  variables {
    token_rate_limit       = 20
    token_burst_limit      = 40
    revoke_rate_limit      = 3
    revoke_burst_limit     = 6
    introspect_rate_limit  = 7
    introspect_burst_limit = 14
    discovery_rate_limit   = 11
    discovery_burst_limit  = 22

    token_function_reserved_concurrency = 40
  }

  override_resource {
    target          = aws_api_gateway_rest_api.this[0]
    override_during = plan
    values = {
      id               = "newapi1234"
      root_resource_id = "newroot123"
    }
  }

  assert {
    condition     = tolist(aws_api_gateway_rest_api.this[0].endpoint_configuration[0].types) == tolist(["REGIONAL"])
    error_message = "The module creates a REGIONAL REST API."
  }

  assert {
    condition     = output.issuer == "https://newapi1234.execute-api.us-east-1.amazonaws.com/v1" && output.token_endpoint_url == "https://newapi1234.execute-api.us-east-1.amazonaws.com/v1/oauth2/token"
    error_message = "The issuer defaults to the stage URL and the token endpoint lives under it."
  }

  assert {
    condition     = length(aws_api_gateway_deployment.this) == 1 && aws_api_gateway_stage.this[0].stage_name == "v1"
    error_message = "The module deploys the API it creates to stage_name."
  }

  assert {
    condition = (
      aws_api_gateway_method_settings.this["token"].method_path == "~1oauth2~1token/POST" &&
      aws_api_gateway_method_settings.this["token"].settings[0].throttling_rate_limit == 20 &&
      aws_api_gateway_method_settings.this["token"].settings[0].throttling_burst_limit == 40
    )
    error_message = "POST /oauth2/token must be throttled on the stage with token_rate_limit and token_burst_limit."
  }

  # revocation_check is on by default, so revocation and introspection are served, each throttled
  # with its own inputs (issue 21).
  assert {
    condition = (
      aws_api_gateway_method_settings.this["revoke"].method_path == "~1oauth2~1revoke/POST" &&
      aws_api_gateway_method_settings.this["revoke"].settings[0].throttling_rate_limit == 3 &&
      aws_api_gateway_method_settings.this["revoke"].settings[0].throttling_burst_limit == 6 &&
      aws_api_gateway_method_settings.this["introspect"].method_path == "~1oauth2~1introspect/POST" &&
      aws_api_gateway_method_settings.this["introspect"].settings[0].throttling_rate_limit == 7 &&
      aws_api_gateway_method_settings.this["introspect"].settings[0].throttling_burst_limit == 14
    )
    error_message = "POST /oauth2/revoke and POST /oauth2/introspect must be throttled on the stage with their own limits."
  }

  assert {
    condition = alltrue([for route in ["jwks", "metadata", "openid_configuration"] : (
      aws_api_gateway_method_settings.this[route].settings[0].throttling_rate_limit == 11 &&
      aws_api_gateway_method_settings.this[route].settings[0].throttling_burst_limit == 22
    )])
    error_message = "Each public document route must be throttled with discovery_rate_limit and discovery_burst_limit."
  }

  assert {
    condition     = alltrue([for s in aws_api_gateway_method_settings.this : s.rest_api_id == "newapi1234" && s.stage_name == "v1"])
    error_message = "The method settings must apply to the stage the module creates."
  }

  assert {
    condition     = module.token_endpoint.reserved_concurrent_executions == 40
    error_message = "token_function_reserved_concurrency must reach the token function's reserved_concurrent_executions."
  }

  assert {
    condition = (
      module.client_table[0].table_name == "unit-test-clients" &&
      output.audience == "unit-test"
    )
    error_message = "Names derive from name; audience defaults to name."
  }

  assert {
    condition = (
      module.token_endpoint.authorizer_result_ttl_seconds == 30 &&
      module.authorizer.result_ttl_seconds == 30 &&
      module.authorizer.identity_source == "method.request.header.Authorization,context.httpMethod,context.resourcePath"
    )
    error_message = "The token function must know the authorizer cache TTL (no token shorter than a cached decision), and the authorizer must be keyed per route."
  }

  # Without a dpop route the authorizer gets no DPoP settings, hence no replay-table write.
  assert {
    condition     = module.authorizer.dpop == null && length(output.dpop_allowed_hosts) == 0
    error_message = "Without a dpop route the authorizer must get no DPoP settings."
  }
}

# Sender constraints (issue 25, docs/dpop.md): a dpop route makes the module's one authorizer
# uncached, tells the token function so, and gives the authorizer the clients table for proof jtis
# and the API's own hosts.
run "dpop_route_makes_the_authorizer_uncached_and_records_proofs_in_the_clients_table" {
  command = plan

  # The API's id is known only after apply; the execute-api host is built from it.
  override_resource {
    target          = aws_api_gateway_rest_api.this[0]
    override_during = plan
    values = {
      id               = "dpopapi123"
      root_resource_id = "dpoproot12"
    }
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"], "GET /health" = [] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop", "GET /health" = "none" }
  }

  assert {
    condition = (
      module.authorizer.result_ttl_seconds == 0 &&
      module.token_endpoint.authorizer_result_ttl_seconds == 0 &&
      output.authorizer_result_ttl_seconds == 0
    )
    error_message = "With a dpop route the authorizer must be uncached (result TTL 0), and the token function must know it."
  }

  assert {
    condition = jsonencode(module.authorizer.dpop) == jsonencode({
      dpop_routes       = ["GET /orders/{id}"]
      replay_table_name = "unit-test-clients"
      allowed_hosts     = ["dpopapi123.execute-api.us-east-1.amazonaws.com"]
      public_base_url   = null
      algorithms        = ["ES256", "PS256", "RS256"]
    })
    error_message = "The authorizer must get the dpop route, the clients table as its replay table and the API's execute-api host."
  }

  assert {
    condition     = jsonencode(output.dpop_allowed_hosts) == jsonencode(["dpopapi123.execute-api.us-east-1.amazonaws.com"])
    error_message = "dpop_allowed_hosts must list the hosts the authorizer accepts."
  }
}

# With an issuer of its own (a custom domain), its host is accepted too, in the authorizer's form
# (lower case, no :443); an explicit TTL of 0 is accepted; explicit hosts replace the defaults.
run "dpop_hosts_default_to_the_api_and_the_issuer_host" {
  command = plan

  # The API's id is known only after apply; the execute-api host is built from it.
  override_resource {
    target          = aws_api_gateway_rest_api.this[0]
    override_during = plan
    values = {
      id               = "dpopapi123"
      root_resource_id = "dpoproot12"
    }
  }

  variables {
    issuer                        = "https://Auth.Example.com:443/oauth"
    route_scopes                  = { "GET /orders" = ["orders:read"] }
    route_sender_constraints      = { "GET /orders" = "dpop" }
    authorizer_result_ttl_seconds = 0
  }

  assert {
    condition     = jsonencode(output.dpop_allowed_hosts) == jsonencode(["dpopapi123.execute-api.us-east-1.amazonaws.com", "auth.example.com"]) && module.authorizer.result_ttl_seconds == 0
    error_message = "The default hosts must be the execute-api host and the issuer's host, lower case and without :443."
  }
}

# With public_base_url (CloudFront in front of the execute-api host) the authorizer rebuilds htu
# from it; modules/authorizer validates it (test/terraform/authorizer-config.tftest.hcl).
run "dpop_hosts_can_be_given" {
  command = plan

  variables {
    route_scopes             = { "GET /orders" = ["orders:read"] }
    route_sender_constraints = { "GET /orders" = "dpop" }
    dpop                     = { allowed_hosts = ["api.example.com", "api.example.com:8443"], public_base_url = "https://cdn.example.com/api" }
  }

  assert {
    condition     = jsonencode(module.authorizer.dpop.allowed_hosts) == jsonencode(["api.example.com", "api.example.com:8443"])
    error_message = "Given allowed_hosts replace the defaults."
  }

  assert {
    condition     = module.authorizer.dpop.public_base_url == "https://cdn.example.com/api"
    error_message = "dpop.public_base_url must reach the authorizer."
  }
}

run "existing_api_gets_routes_but_no_deployment" {
  command = plan

  variables {
    rest_api_id = "exist12345"
    issuer      = "https://auth.example.com/oauth"
  }

  assert {
    condition     = length(aws_api_gateway_rest_api.this) == 0 && length(aws_api_gateway_deployment.this) == 0 && length(aws_api_gateway_stage.this) == 0 && length(aws_api_gateway_method_settings.this) == 0
    error_message = "With rest_api_id the module creates no API, deployment, stage or method settings."
  }

  assert {
    condition = (
      output.rest_api_id == "exist12345" &&
      output.rest_api_root_resource_id == "rootres123" &&
      output.rest_api_execution_arn == "arn:aws:execute-api:us-east-1:123456789012:exist12345" &&
      output.deployment_id == null &&
      output.stage_invoke_url == null
    )
    error_message = "Outputs must describe the existing API and say that the module owns no deployment."
  }

  assert {
    condition     = output.issuer == "https://auth.example.com/oauth" && output.jwks_url == "https://auth.example.com/oauth/.well-known/jwks.json"
    error_message = "The issuer override is used for the issuer and URLs."
  }

  # Without a stage of its own, the module hands the caller what to throttle on theirs.
  assert {
    condition = (
      output.route_throttles["token"] == { method_path = "~1oauth2~1token/POST", rate_limit = 50, burst_limit = 100 } &&
      output.route_throttles["revoke"] == { method_path = "~1oauth2~1revoke/POST", rate_limit = 10, burst_limit = 20 } &&
      output.route_throttles["introspect"] == { method_path = "~1oauth2~1introspect/POST", rate_limit = 25, burst_limit = 50 } &&
      output.route_throttles["jwks"] == { method_path = "~1.well-known~1jwks.json/GET", rate_limit = 20, burst_limit = 40 }
    )
    error_message = "With rest_api_id, route_throttles must give each route's method_path with its default limits."
  }

  # Unset, the provider's default -1 (unreserved) applies; the mock provider leaves it null.
  assert {
    condition     = module.token_endpoint.reserved_concurrent_executions == null || module.token_endpoint.reserved_concurrent_executions == -1
    error_message = "By default the token function's concurrency must stay unreserved."
  }
}

################################################################################
# Root module: key rotation wiring
################################################################################

# apply against the mock provider (nothing real is created): the public keys are read by a data
# source that Terraform defers until its keys exist.
run "rotation_signs_with_second_key_and_trusts_both" {
  command = apply

  variables {
    signing_keys = ["2024-01", "2024-07"]
  }

  override_resource {
    target = module.signing_key.aws_kms_key.this["2024-01"]
    values = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111"
      key_id = "11111111-1111-4111-8111-111111111111"
    }
  }

  override_resource {
    target = module.signing_key.aws_kms_key.this["2024-07"]
    values = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-4222-8222-222222222222"
      key_id = "22222222-2222-4222-8222-222222222222"
    }
  }

  override_data {
    target = module.signing_key.data.aws_kms_public_key.this["2024-01"]
    values = {
      public_key_pem = "-----BEGIN PUBLIC KEY-----\nFIRST\n-----END PUBLIC KEY-----\n"
    }
  }

  override_data {
    target = module.signing_key.data.aws_kms_public_key.this["2024-07"]
    values = {
      public_key_pem = "-----BEGIN PUBLIC KEY-----\nSECOND\n-----END PUBLIC KEY-----\n"
    }
  }

  assert {
    condition = output.signing_key_arns == {
      "2024-01" = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111"
      "2024-07" = "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-4222-8222-222222222222"
    }
    error_message = "One KMS key per signing_keys entry."
  }

  assert {
    condition     = output.active_signing_key_arn == "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-4222-8222-222222222222"
    error_message = "By default the last key in signing_keys signs (the token function's SIGNING_KEY_ID)."
  }

  assert {
    condition = output.public_keys_pem == tolist([
      "-----BEGIN PUBLIC KEY-----\nFIRST\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\nSECOND\n-----END PUBLIC KEY-----\n",
    ])
    error_message = "The authorizer must trust the public keys of both keys during a rotation."
  }

  assert {
    condition     = output.signing_key_aliases == { "2024-01" = "alias/unit-test-2024-01", "2024-07" = "alias/unit-test-2024-07" }
    error_message = "Each key must have an alias."
  }
}

run "rotation_can_pin_the_active_key" {
  command = apply

  variables {
    signing_keys       = ["2024-01", "2024-07"]
    active_signing_key = "2024-01"
  }

  override_resource {
    target = module.signing_key.aws_kms_key.this["2024-01"]
    values = {
      arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111"
    }
  }

  override_resource {
    target = module.signing_key.aws_kms_key.this["2024-07"]
    values = {
      arn = "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-4222-8222-222222222222"
    }
  }

  assert {
    condition     = output.active_signing_key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111"
    error_message = "active_signing_key chooses the signing key."
  }
}

################################################################################
# Signing keys and clients table
################################################################################

run "signing_keys_only_let_the_token_role_sign" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names        = ["2024-01", "2024-07"]
    algorithm        = "RS256"
    signer_role_arns = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.key_usage == "SIGN_VERIFY" && k.customer_master_key_spec == "RSA_2048"]) && length(aws_kms_key.this) == 2
    error_message = "One SIGN_VERIFY key per name, RSA_2048 for RS256."
  }

  assert {
    condition     = toset([for a in aws_kms_alias.this : a.name]) == toset(["alias/unit-test-2024-01", "alias/unit-test-2024-07"])
    error_message = "Each key has an alias."
  }

  # Shape only: test/terraform/iam-policies.test.ts evaluates the rendered policy over every KMS action.
  assert {
    condition     = toset([for s in data.aws_iam_policy_document.key_policy.statement : s.sid]) == toset(["AllowKeyAdministratorsToManageKeys", "AllowTokenFunctionToSign", "AllowTokenFunctionToReadPublicKey", "DenySigningByAnyoneElse", "DenyGrantCreation", "DenyKeyManagementByOthers"])
    error_message = "The key policy has exactly the administration, signing, public key and three deny statements."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowKeyAdministratorsToManageKeys" || (
      one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:user/terraform-test"]) &&
      contains(s.actions, "kms:PutKeyPolicy") && !contains(s.actions, "kms:Sign") && !contains(s.actions, "kms:CreateGrant") &&
      !anytrue([for a in s.actions : strcontains(a, "*")])
    )])
    error_message = "By default the principal applying Terraform administers the keys (PutKeyPolicy) but cannot Sign or CreateGrant, and no action is a wildcard."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowTokenFunctionToSign" || (
      one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/unit-test-token"]) &&
      toset(s.actions) == toset(["kms:Sign"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset(["StringEquals kms:SigningAlgorithm RSASSA_PKCS1_V1_5_SHA_256", "StringEquals kms:MessageType RAW"])
    )])
    error_message = "Only the token role may sign, with RSASSA_PKCS1_V1_5_SHA_256 for RS256 over RAW messages."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "DenyGrantCreation" || (
      s.effect == "Deny" && toset(s.actions) == toset(["kms:CreateGrant"]) && length(s.condition) == 0 && one(s.principals).identifiers == toset(["*"])
    )])
    error_message = "CreateGrant is denied to everyone, unconditionally."
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.policy == data.aws_iam_policy_document.key_policy.json && k.bypass_policy_lockout_safety_check == false])
    error_message = "Every key carries the key policy, with the lockout safety check on."
  }

  assert {
    condition     = one(output.key_administrators) == "arn:aws:iam::123456789012:user/terraform-test"
    error_message = "key_administrators defaults to the principal that applies Terraform."
  }
}

run "signing_keys_are_administered_by_the_named_principals" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    signer_role_arns   = ["arn:aws:iam::123456789012:role/unit-test-token"]
    key_administrators = ["arn:aws:iam::123456789012:role/ops/key-admin", "arn:aws:iam::123456789012:user/break-glass"]
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/ops/key-admin", "arn:aws:iam::123456789012:user/break-glass"]) if s.sid == "AllowKeyAdministratorsToManageKeys"])
    error_message = "The named key_administrators (not the caller) administer the keys."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : toset(one(s.condition).values) == toset(["arn:aws:iam::123456789012:role/ops/key-admin", "arn:aws:iam::123456789012:user/break-glass"]) if s.sid == "DenyKeyManagementByOthers"])
    error_message = "Only the named key_administrators may put the key policy."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : s.sid != "AllowTokenFunctionToSign" || toset([for c in s.condition : join(",", c.values)]) == toset(["RSASSA_PKCS1_V1_5_SHA_256", "RAW"])])
    error_message = "RS256 keys (the default) sign with RSASSA_PKCS1_V1_5_SHA_256 over RAW messages only."
  }
}

run "client_table_is_on_demand_encrypted_and_recoverable" {
  command = plan

  module {
    source = "./modules/client-table"
  }

  variables {
    name                        = "unit-test-clients"
    deletion_protection_enabled = false
  }

  assert {
    condition = (
      aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.this.hash_key == "client_id" &&
      aws_dynamodb_table.this.point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.this.server_side_encryption[0].enabled &&
      aws_dynamodb_table.this.deletion_protection_enabled == false
    )
    error_message = "The clients table must be on-demand, keyed by client_id, with PITR and SSE, and follow the deletion protection input."
  }
}

# A release in S3 with pinned object versions for both functions: each function module gets only
# its own version (and the manifest's), the keys its artifacts_s3 validation accepts. The plan is
# the test: before, every function module refused the other functions' keys, so pinning a version
# at the root failed the plan. (A run cannot read a nested module's resources to assert more.)
run "root_passes_each_function_its_own_pinned_artifact_version" {
  command = plan

  variables {
    lambda_architecture = "arm64"
    artifacts_s3 = {
      bucket          = "artifacts"
      key_prefix      = "apigw-m2m-auth/1.2.0"
      object_versions = { token = "v7", authorizer = "v9", manifest = "v1" }
    }
  }

  override_data {
    target = module.token_endpoint.module.function.data.aws_s3_object.manifest
    values = {
      body = "{\"schema\":1,\"version\":\"1.2.0\",\"artifacts\":[{\"function\":\"token\",\"architecture\":\"arm64\",\"filebase64sha256\":\"TOKEN=\"}]}"
    }
  }

  override_data {
    target = module.token_endpoint.module.function.data.aws_s3_object.code
    values = { checksum_sha256 = "TOKEN=" }
  }

  override_data {
    target = module.authorizer.module.function.data.aws_s3_object.manifest
    values = {
      body = "{\"schema\":1,\"version\":\"1.2.0\",\"artifacts\":[{\"function\":\"authorizer\",\"architecture\":\"arm64\",\"filebase64sha256\":\"AUTH=\"}]}"
    }
  }

  override_data {
    target = module.authorizer.module.function.data.aws_s3_object.code
    values = { checksum_sha256 = "AUTH=" }
  }
}
