# Inputs of the root module: the whole OAuth 2.0 client credentials service.

################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of every resource name: 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  default     = {}
}

################################################################################
# Tokens
################################################################################

variable "signing_algorithm" {
  description = "JWS algorithm of access tokens: RS256 (RSA_2048 KMS keys: a KMS Sign costs a fifth of an ECC one, and HTTP API JWT authorizers accept RSA only), PS256 (RSASSA-PSS on the same RSA_2048 keys, at the same price; what the FAPI 2.0 profile uses) or ES256 (ECC_NIST_P256 KMS keys, shorter tokens). null means RS256, or PS256 with security_profile = \"fapi2\". Switching between ES256 and an RSA algorithm replaces every signing key; switching between RS256 and PS256 keeps them, but the authorizer then refuses the tokens signed before (docs/fapi.md)."
  type        = string
  default     = null

  validation {
    condition     = var.signing_algorithm == null || contains(["ES256", "RS256", "PS256"], coalesce(var.signing_algorithm, "-"))
    error_message = "signing_algorithm must be \"ES256\", \"RS256\" or \"PS256\" (or null for the default)."
  }
}

variable "token_ttl_seconds" {
  description = "Default access token lifetime in seconds (60-86400); a client record may set its own."
  type        = number
  default     = 3600

  validation {
    condition     = var.token_ttl_seconds >= 60 && var.token_ttl_seconds <= 86400 && floor(var.token_ttl_seconds) == var.token_ttl_seconds
    error_message = "token_ttl_seconds must be a whole number between 60 and 86400."
  }
}

variable "issuer" {
  description = "Issuer URL (iss claim and base of the token endpoint URL), e.g. for a custom domain. null means the stage URL https://<api id>.execute-api.<region>.amazonaws.com/<stage_name>."
  type        = string
  default     = null

  validation {
    condition     = var.issuer == null || try(can(regex("^https://[^\\s/?#]+(/[^\\s?#]*)?$", var.issuer)) && !endswith(var.issuer, "/"), false)
    error_message = "issuer must be an https URL without query, fragment or trailing slash."
  }
}

variable "audience" {
  description = "Default audience (aud claim) of tokens for clients that list no audience; also the audience the module's authorizer accepts. null means name."
  type        = string
  default     = null

  validation {
    condition     = var.audience == null || try(length(var.audience) > 0, false)
    error_message = "audience must not be empty."
  }
}

variable "scopes" {
  description = "Map of scope to description; the scopes are advertised as scopes_supported in the authorization server metadata."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for s in keys(var.scopes) : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", s))])
    error_message = "Each scope must be an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'."
  }
}

################################################################################
# Signing keys
################################################################################

variable "signing_keys" {
  description = "Names of the KMS signing keys. Every key is published in the JWKS and trusted by the authorizer; add a key, switch active_signing_key, and remove the old key after the longest token lifetime to rotate."
  type        = list(string)
  default     = ["primary"]

  validation {
    condition     = length(var.signing_keys) > 0 && length(var.signing_keys) == length(distinct(var.signing_keys))
    error_message = "signing_keys must list at least one key name, without duplicates."
  }

  validation {
    condition     = alltrue([for k in var.signing_keys : can(regex("^[a-z0-9][a-z0-9-]{0,31}$", k))])
    error_message = "Each signing key name must be 1-32 characters of lowercase letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "active_signing_key" {
  description = "Name of the key in signing_keys that signs new tokens. null means the last one."
  type        = string
  default     = null

  validation {
    condition     = var.active_signing_key == null || try(contains(var.signing_keys, var.active_signing_key), false)
    error_message = "active_signing_key must be one of signing_keys."
  }
}

variable "signing_key_deletion_window_days" {
  description = "Days KMS waits before deleting a removed signing key (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.signing_key_deletion_window_days >= 7 && var.signing_key_deletion_window_days <= 30
    error_message = "signing_key_deletion_window_days must be between 7 and 30."
  }
}

variable "key_administrators" {
  description = "IAM ARNs (roles, users, or an account's root user) that may manage the signing keys and change their key policy; nobody else can, and they cannot sign or create grants (docs/threat-model.md). Name roles by their role ARN, not a session ARN. null means the principal that applies Terraform (for an assumed role, that role). Must include the principal that applies Terraform."
  type        = list(string)
  default     = null

  validation {
    condition     = var.key_administrators == null || try(length(var.key_administrators) > 0, false)
    error_message = "key_administrators must name at least one principal, or be null for the principal that applies Terraform."
  }

  validation {
    condition     = var.key_administrators == null || try(alltrue([for a in var.key_administrators : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+)$", a))]), false)
    error_message = "Each key_administrators entry must be an IAM role, user or root ARN (arn:aws:iam::<account>:role/<path><name>, :user/<name> or :root), not an assumed-role session ARN (arn:aws:sts::...)."
  }
}

################################################################################
# Clients table
################################################################################

variable "table_deletion_protection" {
  description = "Protect the DynamoDB clients table against deletion."
  type        = bool
  default     = true
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for the clients table's encryption at rest; null uses the AWS managed key."
  type        = string
  default     = null
}

################################################################################
# Clients as code (docs/clients.md, "Clients as code")
################################################################################

variable "clients" {
  description = "OAuth clients declared in Terraform, keyed by a stable name (1-64 letters, digits, '_', '-', '.'): { name, scopes, optional audiences, token_ttl_seconds, auth_method (client_secret, client_secret_basic, client_secret_post or private_key_jwt), public_keys (private_key_jwt: PEM, JWK or JWKS texts), dpop_bound, enabled, usage_plan (a key of usage_plans; default default_usage_plan), client_id (default: derived from the table name and the key) }. Each becomes modules/client: a declaration item in the clients table and, with a plan, an API key in it. No secret passes through Terraform: a secret client gets its first secret from `clients rotate-secret`. Every field is validated with the clients CLI's rules and messages. The output client_ids gives the ids."
  type = map(object({
    name              = string
    scopes            = list(string)
    audiences         = optional(list(string), [])
    token_ttl_seconds = optional(number)
    auth_method       = optional(string)
    public_keys       = optional(list(string), [])
    dpop_bound        = optional(bool, false)
    enabled           = optional(bool, true)
    usage_plan        = optional(string)
    client_id         = optional(string)
  }))
  default = {}

  # The fields themselves are validated by modules/client, whose messages name the client's key.
  validation {
    condition     = alltrue([for k in keys(var.clients) : can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", k))])
    error_message = "clients keys must be 1-64 letters, digits, '_', '-' and '.', starting with a letter or digit."
  }

  validation {
    condition     = length(compact([for c in values(var.clients) : c.client_id])) == length(distinct(compact([for c in values(var.clients) : c.client_id])))
    error_message = "clients: two clients give the same client_id."
  }

  # The CLI's resolvePlan (scripts/lib/clients/usage-keys.ts), with its messages.
  validation {
    condition     = alltrue([for c in values(var.clients) : c.usage_plan == null || contains(keys(var.usage_plans), coalesce(c.usage_plan, "-"))])
    error_message = join("; ", [for k, c in var.clients : length(var.usage_plans) == 0 ? "clients[\"${k}\"].usage_plan ${c.usage_plan}: this deployment has no usage plans (set usage_plans)" : "clients[\"${k}\"].usage_plan ${c.usage_plan}: no such usage plan (plans: ${join(", ", sort(keys(var.usage_plans)))})" if c.usage_plan != null && !contains(keys(var.usage_plans), coalesce(c.usage_plan, "-"))])
  }
}

################################################################################
# API Gateway
################################################################################

variable "rest_api_id" {
  description = "Id of an existing REST API to add the routes and authorizer to. null creates a REGIONAL REST API with a deployment, a stage and throttling of every route to the token function. With an existing API the module creates no deployment or stage: deploy the API yourself (include the redeployment_trigger output) and throttle every route of the route_throttles output on your stage."
  type        = string
  default     = null

  validation {
    condition     = var.rest_api_id == null || can(regex("^[a-zA-Z0-9]+$", var.rest_api_id))
    error_message = "rest_api_id must be a REST API id (letters and digits)."
  }
}

variable "stage_name" {
  description = "Stage the module creates (or, with rest_api_id, the stage you deploy to); part of the default issuer."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of letters, digits, '_' and '-'."
  }
}

variable "route_scopes" {
  description = "Map of \"METHOD /path\" (the API's resource templates) to the scopes that permit it, for the authorizer (e.g. {\"GET /orders/{id}\" = [\"orders:read\"]}); [] admits any valid token. The route API Gateway matched is looked up exactly (ANY as fallback); routes not listed are denied."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for route in keys(var.route_scopes) : can(regex("^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|ANY|\\*) /[^\\s?#]*$", route))])
    error_message = "Each route_scopes key must be \"METHOD /path\": METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY or *, one space, and a path starting with / (no spaces, query or fragment)."
  }

  validation {
    condition     = alltrue(flatten([for scopes in values(var.route_scopes) : [for s in scopes : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", s))]]))
    error_message = "Each scope in route_scopes must be an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'."
  }

  # Catches typos when the scopes are declared; with an empty scopes map any scope is accepted.
  validation {
    condition     = length(var.scopes) == 0 || alltrue([for s in flatten(values(var.route_scopes)) : contains(keys(var.scopes), s)])
    error_message = "Every scope in route_scopes must be a key of scopes."
  }
}

variable "route_sender_constraints" {
  description = "Sender constraint per route of route_scopes (issue 25, docs/dpop.md): \"dpop\" requires a DPoP-bound token sent as Authorization: DPoP with a proof (RFC 9449 §7) and refuses Bearer, \"none\" (the default for routes not listed) takes Bearer tokens. With any dpop route the authorizer is uncached (result TTL 0: a cached decision would skip the proof and replay checks), records each proof's jti once in the clients table, and accepts proofs for the hosts of the dpop input."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for c in values(var.route_sender_constraints) : contains(["none", "dpop"], c)])
    error_message = "Each route_sender_constraints value must be \"none\" or \"dpop\"."
  }

  validation {
    condition     = alltrue([for route in keys(var.route_sender_constraints) : contains(keys(var.route_scopes), route)])
    error_message = "Each route_sender_constraints key must be a route of route_scopes, spelled the same way (\"METHOD /path\")."
  }

  # No cached bypass (DESIGN.md, "Sender constraint per route (v3)"): API Gateway answers a cached
  # decision without invoking the function, so the proof, its ath and its single-use jti would go
  # unchecked. The module has one authorizer for every route, so a dpop route makes it uncached;
  # an explicit other TTL is a contradiction, refused rather than overridden.
  validation {
    condition     = !contains(values(var.route_sender_constraints), "dpop") || var.authorizer_result_ttl_seconds == null || try(var.authorizer_result_ttl_seconds == 0, false)
    error_message = "A route_sender_constraints route with \"dpop\" needs an uncached authorizer: leave authorizer_result_ttl_seconds null (the module then uses 0) or set it to 0. A cached decision would skip the DPoP proof and replay checks."
  }

  # security_profile = "fapi2": every token is DPoP-bound, and a bound token is refused as Bearer
  # on every route (docs/dpop.md), so a route without the dpop constraint would refuse every
  # caller. Checked here rather than on security_profile: a variable's validations are skipped
  # when one refers to an invalid variable, and an invalid route_scopes would then hide the
  # profile's own checks (seen in validation.tftest.hcl).
  validation {
    condition     = var.security_profile != "fapi2" || alltrue([for route in keys(var.route_scopes) : lookup(var.route_sender_constraints, route, "none") == "dpop"])
    error_message = "security_profile = \"fapi2\" issues DPoP-bound tokens only, which a route without a sender constraint refuses: declare every route of route_scopes as \"dpop\" in route_sender_constraints."
  }
}

variable "dpop" {
  description = "DPoP at the gateway, used when route_sender_constraints has a dpop route (docs/dpop.md). allowed_hosts: the Host values a proof's htu may name, lower case, with :port only when not 443; null means the module's execute-api host <rest api id>.execute-api.<region>.<dns suffix>, plus the issuer's host when issuer is set (the custom domain that serves the token endpoint). public_base_url: behind CloudFront (or another mapping in front of the execute-api host), the public URL of the API's root resource, e.g. https://cdn.example.com; a proof's htu must then be that base followed by the request path below the stage, and requests on other hosts than the execute-api one are refused (https, no query, fragment or trailing slash, normalised per RFC 3986 §6.2.2-6.2.3; modules/authorizer validates it). Each proof's jti is recorded once in the clients table (dpopjti#<digest> items, expired by its TTL)."
  type = object({
    allowed_hosts   = optional(list(string))
    public_base_url = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.dpop.allowed_hosts == null || try(length(var.dpop.allowed_hosts) > 0 && alltrue([for h in var.dpop.allowed_hosts : can(regex("^[a-z0-9.-]+(:[0-9]{1,5})?$", h)) && !endswith(h, ":443")]), false)
    error_message = "dpop.allowed_hosts must be null or a non-empty list of lower-case host names, optionally with a :port other than 443 (no scheme, path or upper case), e.g. [\"api.example.com\"]."
  }
}

variable "authorizer_result_ttl_seconds" {
  description = "How long API Gateway caches an authorizer decision per token and route (0-3600 s, 0 disables the cache); never above token_ttl_seconds, and no token is issued for less (a client's shorter TTL is raised to it). A request is answered 2xx only before exp + clock_skew_seconds + this TTL. null: 30 with revocation_check (revoke-to-401 within 60 s, docs/revocation.md), 300 without."
  type        = number
  default     = null

  validation {
    condition     = var.authorizer_result_ttl_seconds == null || (try(var.authorizer_result_ttl_seconds >= 0 && var.authorizer_result_ttl_seconds <= 3600 && floor(var.authorizer_result_ttl_seconds) == var.authorizer_result_ttl_seconds, false))
    error_message = "authorizer_result_ttl_seconds must be a whole number between 0 and 3600."
  }

  # A cached Allow must not outlive the token it was issued for.
  validation {
    condition     = var.authorizer_result_ttl_seconds == null || try(var.authorizer_result_ttl_seconds <= var.token_ttl_seconds, false)
    error_message = "authorizer_result_ttl_seconds must not exceed token_ttl_seconds."
  }
}

variable "revocation_check" {
  description = "Enforce revocation at the gateway (docs/revocation.md): the authorizer checks client status, tokens_not_before and revoked jti in DynamoDB (read-only, cached briefly), and POST /oauth2/revoke (RFC 7009) is served. false keeps the authorizer free of AWS calls; a token then lives until it expires."
  type        = bool
  default     = true
}

variable "revocation_cache_ttl_seconds" {
  description = "How long an authorizer container reuses a revocation state it read (C, 0-60 s). Revoke-to-401 is at most authorizer_result_ttl_seconds + this."
  type        = number
  default     = 10

  validation {
    condition     = var.revocation_cache_ttl_seconds >= 0 && var.revocation_cache_ttl_seconds <= 60 && floor(var.revocation_cache_ttl_seconds) == var.revocation_cache_ttl_seconds
    error_message = "revocation_cache_ttl_seconds must be a whole number between 0 and 60."
  }
}

variable "revocation_stale_seconds" {
  description = "While DynamoDB fails, how long past revocation_cache_ttl_seconds the authorizer still uses the last state it read (W, 0-60 s) before it answers 401 (fail closed)."
  type        = number
  default     = 20

  validation {
    condition     = var.revocation_stale_seconds >= 0 && var.revocation_stale_seconds <= 60 && floor(var.revocation_stale_seconds) == var.revocation_stale_seconds
    error_message = "revocation_stale_seconds must be a whole number between 0 and 60."
  }
}

variable "verified_token_cache_size" {
  description = "Most verified access tokens one authorizer container remembers (0-10000; 0 turns the cache off), so a repeated token costs no signature check; expiry, revocation, the route and a DPoP proof are still checked on every request. At most about 21 KB per entry (the default 1000 holds at most about 21 MB). See docs/authorizer.md, \"Verified-token cache\"."
  type        = number
  default     = 1000

  validation {
    condition     = var.verified_token_cache_size >= 0 && var.verified_token_cache_size <= 10000 && floor(var.verified_token_cache_size) == var.verified_token_cache_size
    error_message = "verified_token_cache_size must be a whole number between 0 and 10000."
  }
}

variable "authorizer_identity_validation_expression" {
  description = "Deprecated, must stay null: a validation expression applies to TOKEN authorizers only (CreateAuthorizer identityValidationExpression), and the authorizer is now of type REQUEST (per-route cache key). A missing or empty Authorization header is still answered 401 without invoking the function."
  type        = string
  default     = null

  validation {
    condition     = var.authorizer_identity_validation_expression == null
    error_message = "authorizer_identity_validation_expression is no longer supported: the authorizer is a REQUEST authorizer (decided per route), and API Gateway applies validation expressions to TOKEN authorizers only."
  }
}

variable "clock_skew_seconds" {
  description = "Clock skew the authorizer tolerates on exp and nbf, in seconds (0-300)."
  type        = number
  default     = 30

  validation {
    condition     = var.clock_skew_seconds >= 0 && var.clock_skew_seconds <= 300 && floor(var.clock_skew_seconds) == var.clock_skew_seconds
    error_message = "clock_skew_seconds must be a whole number between 0 and 300."
  }
}

variable "token_rate_limit" {
  description = "Steady-state requests per second allowed on POST /oauth2/token (stage method throttling; only when the module creates the API, else see the route_throttles output)."
  type        = number
  default     = 50

  validation {
    condition     = var.token_rate_limit > 0
    error_message = "token_rate_limit must be greater than 0."
  }
}

variable "token_burst_limit" {
  description = "Burst of requests allowed on POST /oauth2/token (stage method throttling; only when the module creates the API)."
  type        = number
  default     = 100

  validation {
    condition     = var.token_burst_limit > 0 && floor(var.token_burst_limit) == var.token_burst_limit
    error_message = "token_burst_limit must be a whole number greater than 0."
  }
}

# Revocation and introspection authenticate the client exactly as the token endpoint does (the same
# argon2id verifications on the same function), so they are throttled too, each on its own (issue
# 21). The defaults are below token_rate_limit: a client revokes a token at most once and usually
# never, and a resource server introspects only the tokens it cannot verify itself (RFC 9068 tokens
# verify locally), so both are called less often than tokens are issued.

variable "revoke_rate_limit" {
  description = "Steady-state requests per second allowed on POST /oauth2/revoke (RFC 7009; served with revocation_check), by stage method throttling; only when the module creates the API, else see the route_throttles output. Each request authenticates the client like a token request (argon2id)."
  type        = number
  default     = 10

  validation {
    condition     = var.revoke_rate_limit > 0
    error_message = "revoke_rate_limit must be greater than 0."
  }
}

variable "revoke_burst_limit" {
  description = "Burst of requests allowed on POST /oauth2/revoke (stage method throttling; only when the module creates the API)."
  type        = number
  default     = 20

  validation {
    condition     = var.revoke_burst_limit > 0 && floor(var.revoke_burst_limit) == var.revoke_burst_limit
    error_message = "revoke_burst_limit must be a whole number greater than 0."
  }
}

variable "introspect_rate_limit" {
  description = "Steady-state requests per second allowed on POST /oauth2/introspect (RFC 7662; served with revocation_check), by stage method throttling; only when the module creates the API, else see the route_throttles output. Each request authenticates the calling client like a token request (argon2id)."
  type        = number
  default     = 25

  validation {
    condition     = var.introspect_rate_limit > 0
    error_message = "introspect_rate_limit must be greater than 0."
  }
}

variable "introspect_burst_limit" {
  description = "Burst of requests allowed on POST /oauth2/introspect (stage method throttling; only when the module creates the API)."
  type        = number
  default     = 50

  validation {
    condition     = var.introspect_burst_limit > 0 && floor(var.introspect_burst_limit) == var.introspect_burst_limit
    error_message = "introspect_burst_limit must be a whole number greater than 0."
  }
}

variable "discovery_rate_limit" {
  description = "Steady-state requests per second allowed on each public document, GET /.well-known/jwks.json, /.well-known/openid-configuration and /.well-known/oauth-authorization-server (stage method throttling, one setting per route; only when the module creates the API, else see the route_throttles output). They need no argon2id, but each request runs the token function; clients and verifiers fetch them at start-up and cache them."
  type        = number
  default     = 20

  validation {
    condition     = var.discovery_rate_limit > 0
    error_message = "discovery_rate_limit must be greater than 0."
  }
}

variable "discovery_burst_limit" {
  description = "Burst of requests allowed on each public document route (JWKS and the two discovery documents; stage method throttling; only when the module creates the API)."
  type        = number
  default     = 40

  validation {
    condition     = var.discovery_burst_limit > 0 && floor(var.discovery_burst_limit) == var.discovery_burst_limit
    error_message = "discovery_burst_limit must be a whole number greater than 0."
  }
}

variable "redeployment_triggers" {
  description = "Extra values (ids of your own methods and integrations on the module's API) that must trigger a new deployment; referencing them also orders the deployment after them. Used only when the module creates the API."
  type        = list(string)
  default     = []
}

################################################################################
# Usage plans (docs/usage-plans.md)
################################################################################

variable "usage_plans" {
  description = "Per-client rate limits and quotas: map of plan name to { rate_limit (requests per second), burst_limit (token bucket capacity), optional quota { limit, period = DAY|WEEK|MONTH, offset }, optional method_throttles by \"METHOD /path\" }. Each becomes an API Gateway usage plan on the stage; the clients CLI gives each client one API key in its plan, and the authorizer returns that key as usageIdentifierKey. Needs revocation_check (the key is read with the revocation state). {} turns usage plans off. See docs/usage-plans.md."
  type = map(object({
    rate_limit  = number
    burst_limit = number
    quota = optional(object({
      limit  = number
      period = string
      offset = optional(number, 0)
    }))
    method_throttles = optional(map(object({
      rate_limit  = number
      burst_limit = number
    })), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.usage_plans) : can(regex("^[a-zA-Z0-9_-]{1,64}$", name))])
    error_message = "usage_plans names must be 1-64 characters of letters, digits, '_' and '-'."
  }

  # API Gateway's account-level defaults are 10,000 requests per second and a 5,000 burst
  # ("Amazon API Gateway quotas", https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html);
  # a per-client limit above them could never apply.
  validation {
    condition = alltrue(flatten([for p in values(var.usage_plans) : concat(
      [p.rate_limit > 0 && p.rate_limit <= 10000, p.burst_limit >= 1 && p.burst_limit <= 5000 && floor(p.burst_limit) == p.burst_limit],
      [for t in values(p.method_throttles) : t.rate_limit > 0 && t.rate_limit <= 10000 && t.burst_limit >= 1 && t.burst_limit <= 5000 && floor(t.burst_limit) == t.burst_limit],
    )]))
    error_message = "usage_plans rate_limit must be above 0 and at most 10000 requests per second, and burst_limit a whole number from 1 to 5000 (also in method_throttles)."
  }

  validation {
    condition = alltrue([for p in values(var.usage_plans) : p.quota == null || try(
      p.quota.limit >= 1 && floor(p.quota.limit) == p.quota.limit && contains(["DAY", "WEEK", "MONTH"], p.quota.period) &&
      p.quota.offset >= 0 && floor(p.quota.offset) == p.quota.offset && p.quota.offset < (p.quota.period == "DAY" ? 1 : p.quota.period == "WEEK" ? 7 : 28),
    false)])
    error_message = "usage_plans quota needs a whole limit of at least 1, period DAY, WEEK or MONTH, and a whole offset in days below the period (0 for DAY, 0-6 for WEEK, 0-27 for MONTH)."
  }

  validation {
    condition     = alltrue(flatten([for p in values(var.usage_plans) : [for route in keys(p.method_throttles) : can(regex("^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /[^\\s?#]*$", route))]]))
    error_message = "usage_plans method_throttles keys must be \"METHOD /path\" (GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS) with a resource template of the API, e.g. \"GET /orders/{id}\"."
  }

  validation {
    condition     = length(var.usage_plans) == 0 || var.revocation_check
    error_message = "usage_plans needs revocation_check = true: the authorizer reads each client's API key with its revocation state."
  }
}

variable "default_usage_plan" {
  description = "Plan the clients CLI gives a client created without --plan; null means such a client gets no key, and API Gateway answers 403 on methods that require one."
  type        = string
  default     = null

  validation {
    condition     = var.default_usage_plan == null || contains(keys(var.usage_plans), coalesce(var.default_usage_plan, "-"))
    error_message = "default_usage_plan must be a key of usage_plans."
  }
}

variable "usage_plans_stage_name" {
  description = "With rest_api_id: the stage the usage plans apply to; pass your aws_api_gateway_stage's stage_name so the plans are created after the stage. null means stage_name. Ignored when the module creates the API."
  type        = string
  default     = null
}

################################################################################
# Lambda
################################################################################

variable "artifacts_dir" {
  description = "Directory holding token.zip and authorizer.zip from `npm run build`, or <function>-<architecture>.zip from a downloaded release of `npm run package`. null means the dist/ directory of this module. Ignored when artifacts_s3 is set."
  type        = string
  default     = null
}

variable "artifacts_s3" {
  description = "Take the Lambda zips from a release in S3 (published by `npm run publish-artifacts`) instead of artifacts_dir: bucket (in the functions' region), key_prefix (<prefix>/<version>, holding <function>-<architecture>.zip and manifest.json) and optional object_versions by function name or \"manifest\". Each zip's SHA-256 is checked against the manifest at plan time."
  type = object({
    bucket          = string
    key_prefix      = string
    object_versions = optional(map(string), {})
  })
  default = null

  validation {
    condition     = var.artifacts_s3 == null || (try(length(var.artifacts_s3.bucket) > 0, false) && try(length(trim(var.artifacts_s3.key_prefix, "/")) > 0, false))
    error_message = "artifacts_s3 needs a bucket and a non-empty key_prefix such as \"apigw-m2m-auth/0.2.0\"."
  }

  validation {
    condition     = var.artifacts_s3 == null || alltrue([for k in keys(try(var.artifacts_s3.object_versions, {})) : contains(["token", "authorizer", "replay-watch", "manifest"], k)])
    error_message = "artifacts_s3.object_versions keys must be among token, authorizer, replay-watch, manifest."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of both functions: arm64 or x86_64 (must match `npm run build -- --arch`)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "lambda_runtime" {
  description = "Node.js runtime of both functions."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be a Node.js runtime such as \"nodejs22.x\"."
  }
}

variable "token_function_memory_size" {
  description = "Memory of the token function in MB; Lambda allots CPU in proportion, and argon2id verification is CPU bound."
  type        = number
  default     = 1024

  validation {
    condition     = var.token_function_memory_size >= 128 && var.token_function_memory_size <= 10240
    error_message = "token_function_memory_size must be between 128 and 10240 MB."
  }
}

variable "token_function_reserved_concurrency" {
  description = "Concurrent executions reserved for the token function, which are also its maximum: a flood that gets past the stage throttles cannot then take the Region's Lambda concurrency from your other functions, nor they from it. null (the default) leaves it unreserved, on the account's shared pool. Reserving subtracts from the account's unreserved concurrency, which Lambda keeps at 100 or more, so the apply fails in an account whose quota is too small. Invocations beyond it are throttled by Lambda, which API Gateway answers with a 5xx, not the 429 of its own throttles: reserve at least the sum of the routes' burst limits (docs/cost-and-limits.md)."
  type        = number
  default     = null

  validation {
    condition     = var.token_function_reserved_concurrency == null || try(var.token_function_reserved_concurrency >= 1 && floor(var.token_function_reserved_concurrency) == var.token_function_reserved_concurrency, false)
    error_message = "token_function_reserved_concurrency must be null (unreserved) or a whole number of at least 1 (0 would stop the token function from running)."
  }
}

variable "authorizer_function_memory_size" {
  description = "Memory of the authorizer function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.authorizer_function_memory_size >= 128 && var.authorizer_function_memory_size <= 10240
    error_message = "authorizer_function_memory_size must be between 128 and 10240 MB."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_level" {
  description = "Powertools log level of both functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

variable "assertion_token_endpoint_audience" {
  description = "Also accept the token endpoint URL as a private_key_jwt assertion's aud, as RFC 7523 §3 allowed, for older client libraries. false (the default) accepts only the issuer identifier, as draft-ietf-oauth-rfc7523bis requires against audience injection (docs/private-key-jwt.md)."
  type        = bool
  default     = false
}

################################################################################
# Monitoring (docs/operations.md, docs/metrics.md)
################################################################################

variable "metrics_namespace" {
  description = "CloudWatch namespace of both functions' metrics (POWERTOOLS_METRICS_NAMESPACE), listed in docs/metrics.md and read by the alarms and the dashboard. null means name."
  type        = string
  default     = null

  # CloudWatch takes "ASCII characters for the namespace, except for control characters", and a
  # namespace beginning with AWS/ risks "conflicts with Amazon Web Services service namespaces"
  # (CloudWatch API Reference, PutMetricData, Namespace); the provider refuses an alarm namespace
  # longer than 255 characters.
  validation {
    condition     = var.metrics_namespace == null || try(can(regex("^[\\x20-\\x7E]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/"), false)
    error_message = "metrics_namespace must be 1-255 printable ASCII characters and must not start with \"AWS/\" (the namespaces of AWS services)."
  }
}

variable "monitoring" {
  description = "CloudWatch alarms and a dashboard, on unless enabled = false (docs/operations.md has a section per alarm). alarm_topic_arn: SNS topic told when an alarm enters ALARM and when it returns to OK (null: alarms notify nobody). runbook_url: the URL of docs/operations.md of the version you deploy, which every alarm description links with its section's anchor (null: the repository path docs/operations.md). dashboard: create the dashboard <name>. api_name: with rest_api_id, the name of that API, for the 5xx alarm (null: no 5xx alarm; the module names its own API). thresholds: counts per 5 minutes that alarm (whole numbers of at least 1), token_duration_percent of the token function's timeout, and for the invalid_client and tokens-issued surges the anomaly detection band width in standard deviations, or a static count per 5 minutes instead when *_static_threshold is set."
  type = object({
    enabled         = optional(bool, true)
    alarm_topic_arn = optional(string)
    runbook_url     = optional(string)
    dashboard       = optional(bool, true)
    api_name        = optional(string)
    thresholds = optional(object({
      token_errors                    = optional(number, 1)
      token_throttles                 = optional(number, 1)
      token_duration_percent          = optional(number, 80)
      api_5xx_errors                  = optional(number, 5)
      kms_throttles                   = optional(number, 1)
      dynamodb_throttles              = optional(number, 1)
      invalid_client_band_width       = optional(number, 3)
      invalid_client_static_threshold = optional(number)
      tokens_issued_band_width        = optional(number, 3)
      tokens_issued_static_threshold  = optional(number)
      authorizer_errors               = optional(number, 1)
      authorizer_throttles            = optional(number, 1)
      revocation_read_failures        = optional(number, 1)
    }), {})
  })
  default  = {}
  nullable = false

  # An SNS topic ARN: arn:<partition>:sns:<region>:<account>:<topic>. "Topic names must be made up
  # of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be
  # between 1 and 256 characters long", and a FIFO topic's ends with ".fifo" (Amazon SNS API
  # Reference, CreateTopic, Name, https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
  validation {
    condition     = var.monitoring.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", coalesce(var.monitoring.alarm_topic_arn, "-")))
    error_message = "monitoring.alarm_topic_arn must be the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<topic>), or null for alarms that notify nobody."
  }

  # Each alarm appends "#<anchor>"; a URL that already has a fragment would break the link, and
  # the provider refuses an alarm description over 1024 characters.
  validation {
    condition     = var.monitoring.runbook_url == null || can(regex("^https?://[^\\s#]{1,500}$", coalesce(var.monitoring.runbook_url, "-")))
    error_message = "monitoring.runbook_url must be an http(s) URL of docs/operations.md without a #fragment (each alarm adds its own), at most 500 characters, e.g. \"https://github.com/<org>/apigw-m2m-auth/blob/v0.3.0/docs/operations.md\"; or null for the repository path."
  }

  # The module knows the name of the API it creates; only an API given by rest_api_id needs one.
  validation {
    condition     = var.monitoring.api_name == null || try(length(var.monitoring.api_name) > 0 && var.rest_api_id != null, false)
    error_message = "monitoring.api_name is the name of the API given by rest_api_id (for its 5xx alarm): leave it null when the module creates the API, and do not set it empty."
  }

  validation {
    condition = alltrue([for t in [
      var.monitoring.thresholds.token_errors, var.monitoring.thresholds.token_throttles, var.monitoring.thresholds.api_5xx_errors,
      var.monitoring.thresholds.kms_throttles, var.monitoring.thresholds.dynamodb_throttles, var.monitoring.thresholds.authorizer_errors,
      var.monitoring.thresholds.authorizer_throttles, var.monitoring.thresholds.revocation_read_failures,
    ] : t >= 1 && floor(t) == t])
    error_message = "monitoring.thresholds token_errors, token_throttles, api_5xx_errors, kms_throttles, dynamodb_throttles, authorizer_errors, authorizer_throttles and revocation_read_failures must be whole numbers of at least 1: each is a count per 5 minutes that alarms, and 0 would alarm on every period."
  }

  validation {
    condition     = var.monitoring.thresholds.token_duration_percent > 0 && var.monitoring.thresholds.token_duration_percent <= 100
    error_message = "monitoring.thresholds.token_duration_percent must be above 0 and at most 100: the share of the token function's timeout that one invocation's duration alarms at."
  }

  validation {
    condition     = var.monitoring.thresholds.invalid_client_band_width > 0 && var.monitoring.thresholds.tokens_issued_band_width > 0
    error_message = "monitoring.thresholds invalid_client_band_width and tokens_issued_band_width must be above 0: the width of the anomaly detection band in standard deviations (higher alarms less often)."
  }

  validation {
    condition = alltrue([for t in [var.monitoring.thresholds.invalid_client_static_threshold, var.monitoring.thresholds.tokens_issued_static_threshold] :
    t == null || try(t >= 1 && floor(t) == t, false)])
    error_message = "monitoring.thresholds invalid_client_static_threshold and tokens_issued_static_threshold must be null (anomaly detection) or whole numbers of at least 1 (a static count per 5 minutes)."
  }
}

################################################################################
# Sender-constrained tokens: DPoP (docs/dpop.md)
################################################################################

# The bounds come from functions/shared/limits.ts (DPOP_IAT_PAST_SECONDS, DPOP_IAT_FUTURE_SECONDS);
# test/terraform/limits.test.ts checks that they agree.
variable "dpop_iat_past_seconds" {
  description = "How old a DPoP proof's iat may be, in seconds (5-300), at the token endpoint and the authorizer (RFC 9449 §4.3); a proof's single-use jti entry is kept until its iat has left the whole window."
  type        = number
  default     = 60

  validation {
    condition     = var.dpop_iat_past_seconds >= 5 && var.dpop_iat_past_seconds <= 300 && floor(var.dpop_iat_past_seconds) == var.dpop_iat_past_seconds
    error_message = "dpop_iat_past_seconds must be a whole number between 5 and 300."
  }

}

variable "dpop_iat_future_seconds" {
  description = "How far ahead of the functions' clocks a DPoP proof's iat may be, in seconds (0-60), for clients whose clocks run fast. null means 5, or 10 with security_profile = \"fapi2\" (which requires 10-59)."
  type        = number
  default     = null

  validation {
    condition     = var.dpop_iat_future_seconds == null || try(var.dpop_iat_future_seconds >= 0 && var.dpop_iat_future_seconds <= 60 && floor(var.dpop_iat_future_seconds) == var.dpop_iat_future_seconds, false)
    error_message = "dpop_iat_future_seconds must be a whole number between 0 and 60, or null."
  }
}

variable "dpop_nonces" {
  description = "DPoP server nonces at the token endpoint (RFC 9449 §8, docs/dpop.md): every DPoP token request needs a nonce the server handed out in the last one to two minutes (400 use_dpop_nonce with a DPoP-Nonce header otherwise), and every DPoP token response carries the next one. Stateless: a KMS HMAC_256 key, created only when nonces are on, derives each minute's nonce (one GenerateMac per container and minute). null means off, or on with security_profile = \"fapi2\"."
  type        = bool
  default     = null
}

################################################################################
# FAPI 2.0 Security Profile (docs/fapi.md)
################################################################################

variable "security_profile" {
  description = "\"none\" (the default), or \"fapi2\": the FAPI 2.0 Security Profile for the client credentials grant (docs/fapi.md). Access tokens signed PS256 (or ES256), clients authenticate with private_key_jwt only (PS256, ES256 or EdDSA assertions), every token is DPoP-bound (no Bearer tokens) with server nonces and PS256/ES256 proofs, and DPoP iat is accepted up to 10 s ahead. The settings it decides default accordingly; a contradicting explicit setting fails validation."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "fapi2"], var.security_profile)
    error_message = "security_profile must be \"none\" or \"fapi2\"."
  }

  # FAPI 2.0 Security Profile, "Cryptography and Secrets": "use PS256, ES256, or EdDSA".
  validation {
    condition     = var.security_profile != "fapi2" || var.signing_algorithm != "RS256"
    error_message = "signing_algorithm = \"RS256\" contradicts security_profile = \"fapi2\" (FAPI 2.0 allows PS256, ES256 or EdDSA): set signing_algorithm to \"PS256\" (the same RSA keys) or \"ES256\", or leave it null."
  }

  # "shall accept JWTs with an iat or nbf time up to 10 seconds in the future, however should
  # reject JWTs with an iat or nbf of 60 seconds or greater in the future".
  validation {
    condition     = var.security_profile != "fapi2" || var.dpop_iat_future_seconds == null || try(var.dpop_iat_future_seconds >= 10 && var.dpop_iat_future_seconds <= 59, false)
    error_message = "security_profile = \"fapi2\" needs dpop_iat_future_seconds between 10 and 59 (FAPI 2.0 accepts iat up to 10 s ahead and rejects 60 s ahead), or null for 10."
  }

  # FAPI 2.0 clients "shall support the server provided nonce mechanism"; the profile uses it.
  validation {
    condition     = var.security_profile != "fapi2" || var.dpop_nonces != false
    error_message = "dpop_nonces = false contradicts security_profile = \"fapi2\", which turns DPoP server nonces on: leave dpop_nonces null."
  }

  # The same rule for client assertions, whose iat and nbf the token endpoint accepts up to
  # clock_skew_seconds ahead.
  validation {
    condition     = var.security_profile != "fapi2" || (var.clock_skew_seconds >= 10 && var.clock_skew_seconds <= 59)
    error_message = "security_profile = \"fapi2\" needs clock_skew_seconds between 10 and 59: it is how far ahead a client assertion's iat and nbf are accepted, and FAPI 2.0 accepts 10 s and rejects 60 s."
  }
}

################################################################################
# Multi-Region, active-active (docs/multi-region.md)
################################################################################

variable "multi_region" {
  description = "Deploy the service to several Regions (docs/multi-region.md): one instance of this module per Region, each with that Region's provider. null (the default) is a single-Region deployment. regions: every Region of the service, this one included, the same list in every instance. role: \"primary\" (the control Region: admin writes go there, it owns the global table and the multi-Region keys) or \"secondary\". primary: in a secondary, the primary instance's output multi_region_primary. Each Region's instance needs its own name (IAM role names are global to the account), the same audience and issuer; the clients table keeps the primary's name everywhere. table_replication: \"global_table\" (the default: the clients table is a DynamoDB global table with a replica per Region), or \"none\" for emulators without global tables such as moto_server: each Region then gets a plain table of the same name that nothing replicates; never use it in production. replica_table_kms_key_arns: with table_kms_key_arn, the customer managed key of each other Region's replica, by Region. Needs issuer (the custom domain every Region serves), dpop_iat_past_seconds of at most 60, no usage_plans, and in a primary multi_region_signing_keys; a secondary takes its signing keys, active key and DPoP nonce key from the primary."
  type = object({
    regions           = list(string)
    role              = string
    table_replication = optional(string, "global_table")
    primary = optional(object({
      name               = string
      region             = string
      regions            = list(string)
      issuer             = string
      audience           = string
      table_name         = string
      table_arns         = map(string)
      table_stream_arns  = optional(map(string), {})
      signing_keys       = list(string)
      active_signing_key = string
      signing_key_arns   = map(string)
      single_region_keys = list(string)
      signing_algorithm  = string
      dpop_nonce_key_arn = optional(string)
      security_profile   = optional(string)
      revocation_check   = optional(bool)
    }))
    replica_table_kms_key_arns = optional(map(string), {})
  })
  default = null

  validation {
    condition     = var.multi_region == null || try(length(var.multi_region.regions) >= 2 && length(var.multi_region.regions) == length(distinct(var.multi_region.regions)) && alltrue([for r in var.multi_region.regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))]), false)
    error_message = "multi_region.regions must list at least two Region names (such as eu-west-1), each once: every Region of the service, this one included."
  }

  validation {
    condition     = var.multi_region == null || try(contains(["primary", "secondary"], var.multi_region.role), false)
    error_message = "multi_region.role must be \"primary\" (the control Region, one instance) or \"secondary\"."
  }

  validation {
    condition     = var.multi_region == null || try(contains(["global_table", "none"], var.multi_region.table_replication), false)
    error_message = "multi_region.table_replication must be \"global_table\" or \"none\" (emulators without global tables only: nothing replicates the clients)."
  }

  validation {
    condition     = var.multi_region == null || try((var.multi_region.role == "secondary") == (var.multi_region.primary != null), false)
    error_message = "multi_region.primary must be set in a secondary (the primary instance's output multi_region_primary), and only there."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.regions == var.multi_region.regions, false)
    error_message = "multi_region.regions must be the primary's list (multi_region.primary.regions), in the same order: every Region of the service."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(length(var.multi_region.primary.single_region_keys) == 0, false)
    error_message = "multi_region.primary lists signing keys that are not multi-Region (single_region_keys): a secondary cannot replicate them. Finish the rotation to multi-Region keys in the primary first (docs/multi-region.md)."
  }

  validation {
    condition     = var.multi_region == null || try(var.issuer != null, false)
    error_message = "multi_region needs issuer: the URL of the custom domain every Region serves (for example https://auth.example.com), so a token's iss is the same wherever it was issued."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.issuer == var.issuer, false)
    error_message = "issuer must be the primary's (multi_region.primary.issuer): one issuer URL in every Region."
  }

  # IAM roles are global, and each function's role is named after name: two Regions with one
  # name would claim the same roles.
  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.name != var.name, false)
    error_message = "name must differ from the primary's (multi_region.primary.name), for example with a Region suffix: IAM role names are global to the account, and each function's role is named after name. The clients table keeps the primary's name."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.audience == coalesce(var.audience, var.name), false)
    error_message = "audience must be the primary's (multi_region.primary.audience): set audience in every Region, since its default is name, which differs per Region."
  }

  # MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX (functions/shared/regions.ts): single-use proof state is
  # per Region, so a proof can be used once in each Region while its iat is in the window and its
  # first use has not replicated (docs/multi-region.md). Here rather than on dpop_iat_past_seconds:
  # a validation reading multi_region would be skipped whenever one of the variables multi_region's
  # own validations read is invalid (limits.test.ts found it).
  validation {
    condition     = var.multi_region == null || var.dpop_iat_past_seconds <= 60
    error_message = "dpop_iat_past_seconds must be at most 60 with multi_region: a DPoP proof can be used once in each Region until its first use replicates, for as long as its iat is in the window (docs/multi-region.md)."
  }

  validation {
    condition     = var.multi_region == null || length(var.usage_plans) == 0
    error_message = "multi_region does not support usage_plans yet: API keys and usage plans are Regional, and the config#usage-plans item of one Region would overwrite the other's in a global table."
  }

  validation {
    condition     = try(var.multi_region.role != "secondary" || var.multi_region.table_replication != "global_table", true) || length(var.clients) == 0
    error_message = "Declare clients in the primary instance only: with multi_region.table_replication = \"global_table\" the secondaries' tables are replicas of the primary's, which replicate the clients."
  }

  # One issuer and one key make every Region's tokens good everywhere, so every Region must hold
  # clients and tokens to the same rules: a Region with a weaker profile, or without revocation,
  # would issue or accept under the shared issuer what the others refuse.
  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.security_profile == var.security_profile, false)
    error_message = "security_profile must be the primary's (multi_region.primary.security_profile): one issuer and one key serve every Region, so every Region applies the same profile."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.revocation_check == var.revocation_check, false)
    error_message = "revocation_check must be the primary's (multi_region.primary.revocation_check): a Region that does not check revocation would accept the tokens every other Region refuses."
  }

  validation {
    condition     = try(var.multi_region.primary == null, true) || try(var.multi_region.primary.signing_algorithm == coalesce(var.signing_algorithm, var.security_profile == "fapi2" ? "PS256" : "RS256"), false)
    error_message = "signing_algorithm (and security_profile) must give the primary's algorithm (multi_region.primary.signing_algorithm): the replica keys sign with the primary's key spec."
  }

  validation {
    condition     = var.multi_region == null || var.table_kms_key_arn == null || try(var.multi_region.role == "secondary" || alltrue([for r in var.multi_region.regions : contains(keys(var.multi_region.replica_table_kms_key_arns), r) || r == split(":", var.table_kms_key_arn)[3]]), false)
    error_message = "multi_region.replica_table_kms_key_arns must give a KMS key ARN for every other Region when table_kms_key_arn is set: a replica cannot use a key of another Region."
  }
}

variable "multi_region_signing_keys" {
  description = "Names of signing_keys created as multi-Region KMS keys, which secondary Regions replicate (docs/multi-region.md). null (the default): none. A primary of multi_region must set it, to every key for a new deployment. An existing key cannot become multi-Region (KMS fixes it at creation, and the provider would replace, that is delete, the key): add a new key named here, make it active_signing_key, remove the old key after the longest token lifetime, then add the secondary Regions."
  type        = list(string)
  default     = null

  validation {
    condition     = var.multi_region_signing_keys == null || try(alltrue([for k in var.multi_region_signing_keys : contains(var.signing_keys, k)]), false)
    error_message = "Each multi_region_signing_keys entry must be one of signing_keys."
  }

  validation {
    condition     = try(var.multi_region.role != "primary", true) || var.multi_region_signing_keys != null
    error_message = "A multi_region primary needs multi_region_signing_keys: every key of signing_keys for a new deployment. For an existing deployment, add a new key there, since making an existing key multi-Region replaces it (docs/multi-region.md)."
  }

  validation {
    condition     = try(var.multi_region.role != "secondary", true) || var.multi_region_signing_keys == null
    error_message = "multi_region_signing_keys is for the primary: a secondary replicates the primary's keys (multi_region.primary)."
  }
}
