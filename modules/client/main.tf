# One OAuth client declared in Terraform (docs/clients.md, "Clients as code"): its declaration item in the clients table and, with a usage plan, its API key in that plan. No secret: `clients rotate-secret` gives a secret client its first.

locals {
  # The white space JavaScript's String.prototype.trim removes, as the CLI trims --name.
  js_white_space = "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

  # Derived ids have the shape of the CLI's (32 lowercase hex digits, functions/shared/client-id.ts),
  # so the token function logs them as ids; the table name keeps two deployments' ids apart.
  client_id   = coalesce(var.client_id, substr(sha256("${var.table_name}/${var.key}"), 0, 32))
  auth_method = coalesce(var.auth_method, length(var.public_keys) > 0 ? "private_key_jwt" : "client_secret")
  address     = coalesce(var.terraform_address, "key ${var.key}")
}

################################################################################
# API key in the usage plan (docs/usage-plans.md)
################################################################################

# Named by client id, as the CLI names its keys, so a CLI-made client's key can be imported here
# (docs/clients.md, "Adopting a client the CLI created"). API Gateway generates the value; it is in
# state, as every aws_api_gateway_api_key's is. It is no credential: with api_key_source AUTHORIZER
# the gateway ignores X-API-Key headers and meters the key the authorizer returns
# ("Choose an API key source in API Gateway",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
resource "aws_api_gateway_api_key" "this" {
  count = var.usage_plan == null ? 0 : 1

  name        = local.client_id
  description = "OAuth client ${local.client_id} (managed by Terraform: ${local.address})"
  enabled     = var.enabled
  # Untagged, as the CLI's keys are: adopting one then changes no tags (moto 5.2.1, which the
  # tests apply to, has no TagResource for API keys).
}

resource "aws_api_gateway_usage_plan_key" "this" {
  count = var.usage_plan == null ? 0 : 1

  key_id        = aws_api_gateway_api_key.this[0].id
  key_type      = "API_KEY"
  usage_plan_id = var.usage_plan.id
}

################################################################################
# Declaration item
################################################################################

# The declaration lives in an item of its own, `declared#<client id>`, beside the client's runtime
# record `<client id>` (secrets, tokens_not_before, last use), which Terraform never reads or
# writes (functions/shared/declared-clients.ts). One item each because of how provider 5.100.0's
# aws_dynamodb_table_item works (internal/service/dynamodb/table_item.go): its read is a GetItem of
# the whole item, and when the item differs from `item` it puts the whole item in state; its update
# is an UpdateItem that PUTs every declared attribute and DELETEs every attribute of the old state
# that `item` lacks. On the runtime record that would put secret hashes in state and plan, and
# delete them on the next apply. On an item only Terraform writes, neither happens: the state holds
# exactly what is declared, and a plan shows any outside change (an incident `clients disable`).
resource "aws_dynamodb_table_item" "this" {
  table_name = var.table_name
  hash_key   = "client_id"

  item = jsonencode(merge(
    {
      client_id                  = { S = "declared#${local.client_id}" }
      managed_by                 = { S = "terraform" }
      terraform_address          = { S = local.address }
      name                       = { S = trim(var.name, local.js_white_space) }
      status                     = { S = var.enabled ? "active" : "disabled" }
      scopes                     = { L = [for s in distinct(var.scopes) : { S = s }] }
      audiences                  = { L = [for a in distinct(var.audiences) : { S = a }] }
      token_endpoint_auth_method = { S = local.auth_method }
    },
    var.token_ttl_seconds == null ? {} : { token_ttl_seconds = { N = tostring(var.token_ttl_seconds) } },
    # RFC 9449 §5.2: absent means false, as the CLI stores it.
    var.dpop_bound ? { dpop_bound_access_tokens = { BOOL = true } } : {},
    length(var.public_keys) == 0 ? {} : { public_keys = { L = [for k in var.public_keys : { S = k }] } },
    # The authorizer returns usage_key as usageIdentifierKey. nonsensitive: the value is no
    # credential (above), and a sensitive part would hide the whole item in every plan, the drift
    # of an incident disable included.
    var.usage_plan == null ? {} : {
      usage_plan   = { S = var.usage_plan.name }
      usage_key    = { S = nonsensitive(aws_api_gateway_api_key.this[0].value) }
      usage_key_id = { S = aws_api_gateway_api_key.this[0].id }
    },
  ))

  lifecycle {
    # The key rules Terraform's functions can express (public-keys.tf), with the CLI's messages.
    precondition {
      condition     = length(local.public_key_problems) == 0
      error_message = "client ${jsonencode(var.key)}: ${try(local.public_key_problems[0], "")}"
    }
  }
}
