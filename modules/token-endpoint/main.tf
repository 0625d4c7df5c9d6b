# Token Lambda (POST /oauth2/token, /oauth2/revoke and /oauth2/introspect with revocation, GET /.well-known/* incl. discovery) with its least-privilege role, log group and REST routes.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  function_name     = "${var.name}-token"
  metrics_namespace = coalesce(var.metrics_namespace, var.name)
  # The KMS SigningAlgorithm of each JWS alg, as in modules/signing-key and signer-kms.ts.
  kms_signing_algorithm = {
    ES256 = "ECDSA_SHA_256"
    RS256 = "RSASSA_PKCS1_V1_5_SHA_256"
    PS256 = "RSASSA_PSS_SHA_256"
  }
  # What the last-use update may name: the key and last_used_at. Keep in step with
  # LAST_USE_ATTRIBUTES in functions/token/adapters/last-use-dynamodb.ts.
  last_use_attributes = ["client_id", "last_used_at"]
  # The clients table of every other Region of the service (the same name in each Region: "All
  # replicas in a global table share the same table name", Amazon DynamoDB Developer Guide, "How
  # DynamoDB global tables work", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
  # as a table ARN arn:<partition>:dynamodb:<region>:<account>:table/<name> (Service Authorization
  # Reference, "Actions, resources, and condition keys for Amazon DynamoDB",
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
  other_region_table_arns = [
    for r in var.service_regions : "arn:${data.aws_partition.current.partition}:dynamodb:${r}:${data.aws_caller_identity.current.account_id}:table/${var.table_name}"
    if r != data.aws_region.current.id
  ]
  # A release's <function>-<architecture>.zip when present, else the build's token.zip.
  zip_path = var.artifacts_dir == null ? null : (fileexists("${var.artifacts_dir}/token-${var.lambda_architecture}.zip") ? "${var.artifacts_dir}/token-${var.lambda_architecture}.zip" : "${var.artifacts_dir}/token.zip")

  routes = merge({
    token = {
      resource_id = aws_api_gateway_resource.token.id
      http_method = "POST"
      path        = "/oauth2/token"
    }
    jwks = {
      resource_id = aws_api_gateway_resource.jwks.id
      http_method = "GET"
      path        = "/.well-known/jwks.json"
    }
    metadata = {
      resource_id = aws_api_gateway_resource.metadata.id
      http_method = "GET"
      path        = "/.well-known/oauth-authorization-server"
    }
    openid_configuration = {
      resource_id = aws_api_gateway_resource.openid_configuration.id
      http_method = "GET"
      path        = "/.well-known/openid-configuration"
    }
    }, var.revocation ? {
    revoke = {
      resource_id = aws_api_gateway_resource.revoke[0].id
      http_method = "POST"
      path        = "/oauth2/revoke"
    }
    introspect = {
      resource_id = aws_api_gateway_resource.introspect[0].id
      http_method = "POST"
      path        = "/oauth2/introspect"
    }
  } : {})
}

################################################################################
# IAM
################################################################################

data "aws_iam_policy_document" "this" {
  # Strongly consistent point reads of one client record (and of revoked# items, for RFC 7662
  # introspection); no Scan, Query or writes. Never an item of the clients CLI's audit trail
  # (audit#<time>#<random>, docs/audit.md): ForAllValues:StringNotLike on dynamodb:LeadingKeys
  # refuses a read whose key starts with audit# ("Using IAM policy conditions for fine-grained
  # access control", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
  # A GetItem always names its key, so the set operator never holds vacuously here.
  # A client is read with its declaration (clients declared in Terraform, `declared#<id>`) in one
  # BatchGetItem, which IAM authorizes with the same condition keys
  # (functions/token/adapters/client-store-dynamodb.ts).
  statement {
    sid       = "ReadClientRecords"
    effect    = "Allow"
    actions   = ["dynamodb:BatchGetItem", "dynamodb:GetItem"]
    resources = [var.table_arn]

    condition {
      test     = "ForAllValues:StringNotLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["audit#*"]
    }
  }

  # RFC 7009 revocation writes `revoked#<jti>` items and nothing else: dynamodb:LeadingKeys holds
  # the partition key values a request touches, and ForAllValues:StringLike requires every one to
  # match the prefix (DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access
  # control", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html),
  # so the function still cannot change a client record.
  dynamic "statement" {
    for_each = var.revocation ? [1] : []

    content {
      sid       = "WriteRevokedTokens"
      effect    = "Allow"
      actions   = ["dynamodb:PutItem"]
      resources = [var.table_arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["revoked#*"]
      }

      # ForAllValues holds vacuously when the key is absent, so its presence is required too
      # ("Set operators for multivalued context keys", IAM User Guide,
      # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
      condition {
        test     = "Null"
        variable = "dynamodb:LeadingKeys"
        values   = ["false"]
      }
    }
  }

  # Multi-Region RFC 7009 fan-out (functions/token/adapters/revocation-fanout-dynamodb.ts): the
  # same revoked#<jti> item, written to the same-named clients table of every other Region (global
  # table replicas share the name), with the LeadingKeys conditions of the local write above. The
  # function makes no other cross-Region call, and its role allows none.
  dynamic "statement" {
    for_each = var.revocation && length(local.other_region_table_arns) > 0 ? [1] : []

    content {
      sid       = "WriteRevokedTokensInOtherRegions"
      effect    = "Allow"
      actions   = ["dynamodb:PutItem"]
      resources = local.other_region_table_arns

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["revoked#*"]
      }

      condition {
        test     = "Null"
        variable = "dynamodb:LeadingKeys"
        values   = ["false"]
      }
    }
  }

  # private_key_jwt (RFC 7523): each client assertion's jti is recorded once, by a conditional
  # PutItem of a `jti#<digest>` item, and nothing else: the same LeadingKeys pattern as
  # above (docs/private-key-jwt.md). The condition expression needs no read permission.
  statement {
    sid       = "RecordAssertionIds"
    effect    = "Allow"
    actions   = ["dynamodb:PutItem"]
    resources = [var.table_arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["jti#*"]
    }

    condition {
      test     = "Null"
      variable = "dynamodb:LeadingKeys"
      values   = ["false"]
    }
  }

  # Last use per client (docs/clients.md, "Last use"): one conditional UpdateItem per client-hour
  # that sets last_used_at and nothing else, by the attribute-condition technique of the
  # authorizer's read (modules/authorizer/main.tf), which the DynamoDB Developer Guide gives for
  # "write-only access to certain attributes" ("Using IAM policy conditions for fine-grained
  # access control", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
  # - ForAllValues:StringEquals on dynamodb:Attributes allows a request only when every attribute
  #   it names (key, update and condition expressions) is listed: the key and last_used_at. So no
  #   status, secret, scope or tokens_not_before can change, and an item an update might create
  #   holds a key and a time, nothing a token request would accept.
  # - ForAllValues holds vacuously for a request naming no attribute, so Null requires the key.
  # - dynamodb:ReturnValues NONE (IfExists: absent is NONE): ALL_OLD and ALL_NEW return the whole
  #   item ("ALL_OLD - Returns all of the attributes of the item, as they appeared before the
  #   UpdateItem operation", Amazon DynamoDB API Reference, UpdateItem,
  #   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
  # - dynamodb:LeadingKeys never a reserved key: revoked# and jti# items stay PutItem-only.
  statement {
    sid       = "RecordClientLastUse"
    effect    = "Allow"
    actions   = ["dynamodb:UpdateItem"]
    resources = [var.table_arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:Attributes"
      values   = local.last_use_attributes
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "dynamodb:ReturnValues"
      values   = ["NONE"]
    }

    condition {
      test     = "ForAllValues:StringNotLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["*#*"]
    }

    condition {
      test     = "Null"
      variable = "dynamodb:Attributes"
      values   = ["false"]
    }

    condition {
      test     = "Null"
      variable = "dynamodb:LeadingKeys"
      values   = ["false"]
    }
  }

  # Sign on every trusted key (not only the active one) so that switching active_signing_key
  # is a single environment change with no IAM propagation window; the key policies name this
  # role as the only signer. The same conditions as the key policy's (modules/signing-key):
  # this key's algorithm over the RAW message ("AWS KMS condition keys",
  # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
  statement {
    sid       = "SignAccessTokens"
    effect    = "Allow"
    actions   = ["kms:Sign"]
    resources = var.signing_key_arns

    condition {
      test     = "StringEquals"
      variable = "kms:SigningAlgorithm"
      values   = [local.kms_signing_algorithm[var.signing_algorithm]]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:MessageType"
      values   = ["RAW"]
    }
  }

  # DPoP server nonces (RFC 9449 §8, docs/dpop.md): GenerateMac on the nonce key, with HMAC_SHA_256
  # only (kms:MacAlgorithm, "Controlling access to HMAC KMS keys",
  # https://docs.aws.amazon.com/kms/latest/developerguide/hmac-authz.html); never VerifyMac. The
  # key's own policy (modules/dpop-nonce-key) allows the same and denies everyone else.
  dynamic "statement" {
    for_each = var.dpop_nonce_key_arn == null ? [] : [var.dpop_nonce_key_arn]

    content {
      sid       = "GenerateDpopNonces"
      effect    = "Allow"
      actions   = ["kms:GenerateMac"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:MacAlgorithm"
        values   = ["HMAC_SHA_256"]
      }
    }
  }

  # GetPublicKey requests carry no kms:SigningAlgorithm, so they need their own statement.
  statement {
    sid       = "ReadSigningPublicKeys"
    effect    = "Allow"
    actions   = ["kms:GetPublicKey"]
    resources = var.signing_key_arns
  }

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${module.function.log_group_arn}:*"]
  }
}

################################################################################
# Lambda (role, role policy, log group and function: see modules/lambda-function)
################################################################################

module "function" {
  source = "../lambda-function"

  function_name    = local.function_name
  description      = "OAuth 2.0 client credentials token endpoint, JWKS and metadata"
  role_description = "Execution role of the ${local.function_name} OAuth token function"
  policy_json      = data.aws_iam_policy_document.this.json

  filename      = local.zip_path
  artifact_name = "token"
  artifacts_s3  = var.artifacts_s3
  runtime       = var.lambda_runtime
  architecture  = var.lambda_architecture
  memory_size   = var.memory_size
  timeout       = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment_variables = merge({
    ISSUER                            = var.issuer
    DEFAULT_AUDIENCE                  = var.audience
    TOKEN_TTL_SECONDS                 = tostring(var.token_ttl_seconds)
    AUTHORIZER_RESULT_TTL_SECONDS     = tostring(var.authorizer_result_ttl_seconds)
    SCOPES_SUPPORTED                  = jsonencode(var.scopes_supported)
    CLIENTS_TABLE                     = var.table_name
    SIGNING_KEY_ID                    = var.active_signing_key_arn
    SIGNING_ALGORITHM                 = var.signing_algorithm
    JWKS_KEY_IDS                      = jsonencode(var.signing_key_arns)
    POWERTOOLS_SERVICE_NAME           = local.function_name
    POWERTOOLS_METRICS_NAMESPACE      = local.metrics_namespace
    LOG_LEVEL                         = var.log_level
    REVOCATION                        = tostring(var.revocation)
    CLOCK_SKEW_SECONDS                = tostring(var.clock_skew_seconds)
    ASSERTION_TOKEN_ENDPOINT_AUDIENCE = tostring(var.assertion_token_endpoint_audience)
    DPOP_IAT_PAST_SECONDS             = tostring(var.dpop_iat_past_seconds)
    DPOP_IAT_FUTURE_SECONDS           = tostring(var.dpop_iat_future_seconds)
    SECURITY_PROFILE                  = var.security_profile
    }, var.dpop_nonce_key_arn == null ? {} : {
    DPOP_NONCE_KEY_ID = var.dpop_nonce_key_arn
    }, length(var.service_regions) < 2 ? {} : {
    SERVICE_REGIONS = join(",", var.service_regions)
  })

  log_retention_days = var.log_retention_days

  tags = var.tags
}

################################################################################
# API Gateway routes
################################################################################

resource "aws_api_gateway_resource" "oauth2" {
  rest_api_id = var.rest_api_id
  parent_id   = var.root_resource_id
  path_part   = "oauth2"
}

resource "aws_api_gateway_resource" "token" {
  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.oauth2.id
  path_part   = "token"
}

resource "aws_api_gateway_resource" "revoke" {
  count = var.revocation ? 1 : 0

  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.oauth2.id
  path_part   = "revoke"
}

resource "aws_api_gateway_resource" "introspect" {
  count = var.revocation ? 1 : 0

  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.oauth2.id
  path_part   = "introspect"
}

resource "aws_api_gateway_resource" "well_known" {
  rest_api_id = var.rest_api_id
  parent_id   = var.root_resource_id
  path_part   = ".well-known"
}

resource "aws_api_gateway_resource" "jwks" {
  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "jwks.json"
}

resource "aws_api_gateway_resource" "metadata" {
  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "oauth-authorization-server"
}

# OpenID discovery document (the same document as the RFC 8414 metadata), which openid-client's
# default discovery and API Gateway's native JWT authorizers read: "Each issuer must publish an OIDC
# discovery document at /.well-known/openid-configuration" ("Signing keys and troubleshooting JWT
# authorizers", https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-keys.html).
# The RFC 8414 §3.1 path-inserted form (https://host/.well-known/oauth-authorization-server/<stage>)
# cannot be routed on an execute-api host, whose first path segment is the stage; see
# docs/http-contract.md ("Discovery").
resource "aws_api_gateway_resource" "openid_configuration" {
  rest_api_id = var.rest_api_id
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "openid-configuration"
}

# All routes are public by design: clients authenticate to the token, revocation and
# introspection endpoints with their credentials, and the JWKS and discovery documents are public.
resource "aws_api_gateway_method" "this" {
  for_each = local.routes

  rest_api_id   = var.rest_api_id
  resource_id   = each.value.resource_id
  http_method   = each.value.http_method
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = var.rest_api_id
  resource_id             = each.value.resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.function.invoke_arn
}

# One permission per route, scoped to that method and path of this API (any stage).
resource "aws_lambda_permission" "api" {
  for_each = local.routes

  statement_id  = "AllowApiGateway-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.execution_arn}/*/${each.value.http_method}${each.value.path}"
}

################################################################################
# Throttling addresses (the stage belongs to the caller)
################################################################################

locals {
  # The method_path of aws_api_gateway_method_settings for every route whose integration invokes
  # the function, keyed like the integrations, so a route added to local.routes is listed here too
  # and the root module throttles it (issue 21; test/terraform/throttling.tftest.hcl).
  # A method path is {resource_path}/{http_method} with the leading slash trimmed ("Resource:
  # aws_api_gateway_method_settings", method_path, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_method_settings;
  # its example has a one-segment path). The provider sends it unchanged in the UpdateStage patch
  # path "/<method_path>/throttling/rateLimit", where "any slash ("/") character appearing in path
  # names must be escaped with "~1"" (API Gateway API Reference, "PatchOperation",
  # https://docs.aws.amazon.com/apigateway/latest/api/API_PatchOperation.html). So
  # "~1oauth2~1token/POST" addresses POST /oauth2/token, and "oauth2/token/POST" would not
  # (hashicorp/terraform-provider-aws#9738).
  method_paths = tomap({
    for k, integration in aws_api_gateway_integration.this :
    k => "${replace(local.routes[k].path, "/", "~1")}/${integration.http_method}"
  })
}
