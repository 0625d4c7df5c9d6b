# The authorizer's configuration storage (docs/authorizer.md, "Where the configuration lives"): inline below 3 KB, a pinned DynamoDB item past it, a plan that fails past the item's ceiling (terraform test, mock provider).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name        = "unit-test"
  rest_api_id = "other12345"
  issuer      = "https://auth.example.com"
  audience    = "orders-api"
  public_keys_pem = [
    "-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n",
    "-----BEGIN PUBLIC KEY-----\nB\n-----END PUBLIC KEY-----\n",
  ]
}

run "small_map_is_inline" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes = { "GET /orders/{id}" = ["orders:read"], "POST /orders" = ["orders:write"] }
  }

  assert {
    condition     = module.function.environment_variables["AUTHORIZER_CONFIG"] == base64gzip(jsonencode({ format = 1, keys = var.public_keys_pem, routes = var.route_scopes }))
    error_message = "A small configuration must be AUTHORIZER_CONFIG, the base64gzip of {format, keys, routes}."
  }

  assert {
    condition = alltrue([
      for name in ["PUBLIC_KEYS_PEM", "ROUTE_SCOPES", "AUTHORIZER_CONFIG_TABLE", "AUTHORIZER_CONFIG_SHA256"] :
      !contains(keys(module.function.environment_variables), name)
    ])
    error_message = "An inline configuration sets AUTHORIZER_CONFIG alone."
  }

  assert {
    condition     = length(aws_dynamodb_table.config) == 0 && length(aws_dynamodb_table_item.config) == 0
    error_message = "No table below the inline limit."
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid] == ["WriteOwnLogs"]
    error_message = "An inline configuration needs no AWS access."
  }

  assert {
    condition = (
      output.authorizer_config.tier == "inline" &&
      output.authorizer_config.limit_bytes == 3072 &&
      output.authorizer_config.sized_bytes == length(base64gzip(jsonencode({ format = 1, keys = [], routes = var.route_scopes }))) + 2 * 1100 &&
      output.authorizer_config.remaining_bytes == 3072 - output.authorizer_config.sized_bytes &&
      output.authorizer_config.encoded_bytes == length(module.function.environment_variables["AUTHORIZER_CONFIG"]) &&
      output.authorizer_config.encoded_bytes <= output.authorizer_config.sized_bytes &&
      output.authorizer_config.table_name == null
    )
    error_message = "authorizer_config must state the inline tier, its size, limit and room."
  }
}

run "large_map_is_a_pinned_item" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  # 1,200 routes whose scopes are 64 hex digits, which compress badly.
  variables {
    route_scopes = { for p in setproduct(range(40), range(30)) : "GET /r${p[0]}x${p[1]}/{id}" => [sha256("a${p[0]}x${p[1]}"), sha256("b${p[0]}x${p[1]}")] }
  }

  assert {
    condition = (
      aws_dynamodb_table.config[0].name == "unit-test-authorizer-config" &&
      aws_dynamodb_table.config[0].billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.config[0].hash_key == "id"
    )
    error_message = "Past the inline limit the module creates its own on-demand table keyed by id."
  }

  assert {
    condition = jsondecode(aws_dynamodb_table_item.config[0].item) == {
      id     = { S = "config#sha256:${sha256(jsonencode({ format = 1, keys = var.public_keys_pem, routes = var.route_scopes }))}" }
      config = { B = base64gzip(jsonencode({ format = 1, keys = var.public_keys_pem, routes = var.route_scopes })) }
    }
    error_message = "The item must hold the base64gzip document under config#sha256:<digest of its JSON>."
  }

  assert {
    condition = (
      module.function.environment_variables["AUTHORIZER_CONFIG_TABLE"] == "unit-test-authorizer-config" &&
      module.function.environment_variables["AUTHORIZER_CONFIG_SHA256"] == sha256(jsonencode({ format = 1, keys = var.public_keys_pem, routes = var.route_scopes })) &&
      !contains(keys(module.function.environment_variables), "AUTHORIZER_CONFIG") &&
      length(join("", [for k, v in module.function.environment_variables : "${k}${v}"])) < 1024
    )
    error_message = "The environment must pin the item by table and digest, and hold nothing else of the configuration."
  }

  assert {
    condition = (
      length(data.aws_iam_policy_document.this.statement) == 2 &&
      data.aws_iam_policy_document.this.statement[0].sid == "ReadOwnConfiguration" &&
      toset(data.aws_iam_policy_document.this.statement[0].actions) == toset(["dynamodb:GetItem"]) &&
      toset(data.aws_iam_policy_document.this.statement[0].resources) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-authorizer-config"])
    )
    error_message = "The role may GetItem its own configuration table and nothing more."
  }

  assert {
    condition = (
      output.authorizer_config.tier == "table" &&
      output.authorizer_config.limit_bytes == 544768 &&
      output.authorizer_config.sized_bytes > 3072 &&
      output.authorizer_config.remaining_bytes == 544768 - output.authorizer_config.sized_bytes &&
      output.authorizer_config.table_name == "unit-test-authorizer-config"
    )
    error_message = "authorizer_config must state the table tier, its size, limit and room."
  }
}

run "map_near_the_ceiling_warns" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  # 5,200 routes: about 94% of the ceiling.
  variables {
    route_scopes = { for p in setproduct(range(52), range(100)) : "GET /r${p[0]}x${p[1]}/{id}" => [sha256("a${p[0]}x${p[1]}"), sha256("b${p[0]}x${p[1]}")] }
  }

  # A check block fails as a warning in a plan; terraform test counts it, so it is expected here.
  expect_failures = [check.config_room]

  assert {
    condition     = output.authorizer_config.tier == "table" && output.authorizer_config.remaining_bytes > 0 && output.authorizer_config.remaining_bytes < 544768 / 10
    error_message = "Near the ceiling the plan still succeeds, with little room left."
  }
}

run "map_past_the_ceiling_fails_the_plan" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  # 6,000 routes of 64-hex-digit scopes: about 590 KB encoded, past the 544,768-byte ceiling.
  variables {
    route_scopes = { for p in setproduct(range(60), range(100)) : "GET /r${p[0]}x${p[1]}/{id}" => [sha256("a${p[0]}x${p[1]}"), sha256("b${p[0]}x${p[1]}")] }
  }

  expect_failures = [output.authorizer_config]
}

# Sender constraints (issue 25, docs/dpop.md): a dpop route is written as {"scopes", "dpop"} into
# the document, the function learns its result TTL, and only an uncached authorizer with DPoP
# settings may have one.
run "dpop_route_is_an_object_in_the_document" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"], "POST /orders" = ["orders:write"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop", "POST /orders" = "none" }
    result_ttl_seconds       = 0
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients", public_base_url = "https://cdn.example.com/a%20b/~shop" }
    signing_algorithm        = "PS256"
    dpop_iat_past_seconds    = 90
    dpop_iat_future_seconds  = 10
    dpop_algorithms          = ["PS256", "ES256", "PS256"]
  }

  assert {
    condition     = module.function.environment_variables["DPOP_PUBLIC_BASE_URL"] == "https://cdn.example.com/a%20b/~shop"
    error_message = "dpop.public_base_url must reach the function as DPOP_PUBLIC_BASE_URL."
  }

  # PS256 tokens (issue 25, docs/fapi.md): the function pins its RSA keys to PS256, and gets the
  # proof window.
  assert {
    condition = (
      module.function.environment_variables["RSA_SIGNING_ALGORITHM"] == "PS256" &&
      module.function.environment_variables["DPOP_IAT_PAST_SECONDS"] == "90" &&
      module.function.environment_variables["DPOP_IAT_FUTURE_SECONDS"] == "10"
    )
    error_message = "The authorizer pins RSA keys to PS256 and gets the proof window."
  }

  assert {
    condition     = jsondecode(local.config_json).routes == { "GET /orders/{id}" = { scopes = ["orders:read"], dpop = true }, "POST /orders" = ["orders:write"] }
    error_message = "A dpop route must be {\"scopes\": [...], \"dpop\": true}; others stay plain scope lists."
  }

  assert {
    condition     = module.function.environment_variables["AUTHORIZER_RESULT_TTL_SECONDS"] == "0" && module.function.environment_variables["DPOP_REPLAY_TABLE"] == "clients" && jsondecode(module.function.environment_variables["DPOP_ALLOWED_HOSTS"]) == ["other12345.execute-api.us-east-1.amazonaws.com"]
    error_message = "The function must learn its result TTL, the replay table and the execute-api host."
  }

  # The API's 401 adds the static DPoP challenge after the Bearer one (RFC 9449 §7.1), its algs
  # those the function accepts (DPOP_ALGORITHMS): dpop_algorithms in the order of
  # functions/shared/dpop-algorithms.json, each once; the 403 is unchanged.
  assert {
    condition = (
      module.function.environment_variables["DPOP_ALGORITHMS"] == "[\"ES256\",\"PS256\"]" &&
      join(" ", output.dpop.algorithms) == "ES256 PS256" &&
      aws_api_gateway_gateway_response.this["UNAUTHORIZED"].response_parameters["gatewayresponse.header.WWW-Authenticate"] == "'Bearer error=\"invalid_token\", DPoP algs=\"ES256 PS256\"'" &&
      aws_api_gateway_gateway_response.this["UNAUTHORIZED"].response_parameters["gatewayresponse.header.Cache-Control"] == "'no-store'" &&
      aws_api_gateway_gateway_response.this["ACCESS_DENIED"].response_parameters["gatewayresponse.header.WWW-Authenticate"] == "'Bearer error=\"insufficient_scope\"'"
    )
    error_message = "With a dpop route the 401 must carry Bearer error=\"invalid_token\" then DPoP algs=\"ES256 PS256\", the algorithms the function is given as DPOP_ALGORITHMS; the 403 stays Bearer only."
  }
}

# DPOP_ALGORITHMS must be a non-empty subset of functions/shared/dpop-algorithms.json, which the
# function checks again at cold start: one run for an unknown name, one for none at all.
run "dpop_algorithms_refused_with_an_unknown_algorithm" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    dpop_algorithms = ["ES256", "HS256"]
  }

  expect_failures = [var.dpop_algorithms]
}

run "dpop_algorithms_refused_when_empty" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    dpop_algorithms = []
  }

  expect_failures = [var.dpop_algorithms]
}

run "dpop_route_refused_on_a_cached_authorizer" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop" }
    result_ttl_seconds       = 300
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients" }
  }

  expect_failures = [var.route_sender_constraints]
}

run "dpop_route_refused_without_dpop_settings_or_for_an_unknown_route" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop", "GET /other" = "mtls" }
    result_ttl_seconds       = 0
  }

  expect_failures = [var.route_sender_constraints]
}

# DPOP_PUBLIC_BASE_URL is validated as the function validates it (core/dpop-public-base-url.ts):
# one run per rule of the validation (the shape, dot segments, encoded unreserved characters, the
# default port), since expect_failures names the variable, not the rule; the unit tests of the
# function's check cover every variant.
run "dpop_public_base_url_refused_unless_https_without_query_or_trailing_slash" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop" }
    result_ttl_seconds       = 0
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients", public_base_url = "http://cdn.example.com/api/?x" }
  }

  expect_failures = [var.dpop]
}

run "dpop_public_base_url_refused_with_a_dot_segment" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop" }
    result_ttl_seconds       = 0
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients", public_base_url = "https://cdn.example.com/a/../api" }
  }

  expect_failures = [var.dpop]
}

run "dpop_public_base_url_refused_with_an_encoded_unreserved_character" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop" }
    result_ttl_seconds       = 0
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients", public_base_url = "https://cdn.example.com/%7Eshop" }
  }

  expect_failures = [var.dpop]
}

run "dpop_public_base_url_refused_with_the_default_port" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    route_scopes             = { "GET /orders/{id}" = ["orders:read"] }
    route_sender_constraints = { "GET /orders/{id}" = "dpop" }
    result_ttl_seconds       = 0
    dpop                     = { table_name = "clients", table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/clients", public_base_url = "https://cdn.example.com:443/api" }
  }

  expect_failures = [var.dpop]
}
