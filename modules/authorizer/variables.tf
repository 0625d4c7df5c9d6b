# Inputs of the authorizer submodule: a JWT TOKEN authorizer usable on any REST API, alone or from the root module.

################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of the resource names; the function and its role are called <name>-authorizer."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,53}$", var.name))
    error_message = "name must be 1-53 characters of letters, digits, '_' and '-' (it prefixes the function and role names)."
  }
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  default     = {}
}

################################################################################
# API Gateway
################################################################################

variable "rest_api_id" {
  description = "Id of the REST API the authorizer is attached to."
  type        = string
}

variable "result_ttl_seconds" {
  description = "How long API Gateway caches a decision per token and route (0-3600 s; 0 disables the cache). A request is answered 2xx only before exp + clock_skew_seconds + result_ttl_seconds; give the token endpoint the same value (the root module does) so no token lives shorter than a cached decision. See docs/authorizer.md."
  type        = number
  default     = 300

  validation {
    condition     = var.result_ttl_seconds >= 0 && var.result_ttl_seconds <= 3600 && floor(var.result_ttl_seconds) == var.result_ttl_seconds
    error_message = "result_ttl_seconds must be a whole number between 0 and 3600."
  }
}

variable "identity_validation_expression" {
  description = "Deprecated, must stay null: a validation expression applies to TOKEN authorizers only (CreateAuthorizer identityValidationExpression), and the authorizer is now of type REQUEST (per-route cache key). A missing or empty Authorization header is still answered 401 without invoking the function."
  type        = string
  default     = null

  validation {
    condition     = var.identity_validation_expression == null
    error_message = "identity_validation_expression is no longer supported: the authorizer is a REQUEST authorizer (decided per route), and API Gateway applies validation expressions to TOKEN authorizers only."
  }
}

variable "create_gateway_responses" {
  description = "Create the UNAUTHORIZED (401) and ACCESS_DENIED (403) gateway responses with RFC 6750 WWW-Authenticate headers on the API; with a dpop route of route_sender_constraints the 401 also carries DPoP algs=\"...\" (RFC 9449 §7.1, docs/dpop.md). Gateway responses are per API: turn off if the API defines them elsewhere, or on every other authorizer of the same API."
  type        = bool
  default     = true
}

################################################################################
# Token verification (Lambda environment, see the team contract)
################################################################################

variable "issuer" {
  description = "Expected iss claim."
  type        = string

  validation {
    condition     = can(regex("^https?://[^\\s/?#]+(/[^\\s?#]*)?$", var.issuer)) && !endswith(var.issuer, "/")
    error_message = "issuer must be an http(s) URL without query, fragment or trailing slash."
  }
}

variable "audience" {
  description = "Expected aud claim."
  type        = string

  validation {
    condition     = length(var.audience) > 0
    error_message = "audience must not be empty."
  }
}

variable "public_keys_pem" {
  description = "Trusted public keys (SPKI PEM), e.g. the root module's public_keys_pem output; list every key still in use during a rotation."
  type        = list(string)

  validation {
    condition     = length(var.public_keys_pem) > 0 && alltrue([for pem in var.public_keys_pem : startswith(trimspace(pem), "-----BEGIN PUBLIC KEY-----")])
    error_message = "public_keys_pem must hold at least one SPKI PEM (-----BEGIN PUBLIC KEY-----)."
  }
}

variable "signing_algorithm" {
  description = "The JWS algorithm of the tokens (the token endpoint's signing_algorithm): the authorizer pins every RSA key of public_keys_pem to RS256 (the default) or PS256 and never accepts the other from it; EC keys always verify ES256."
  type        = string
  default     = "RS256"

  validation {
    condition     = contains(["ES256", "RS256", "PS256"], var.signing_algorithm)
    error_message = "signing_algorithm must be ES256, RS256 or PS256."
  }
}

variable "route_scopes" {
  description = "Map of \"METHOD /path\" (the API's resource templates, e.g. \"GET /orders/{id}\" or \"ANY /files/{proxy+}\") to the scopes that permit it; a token needs any one listed scope, [] admits any valid token. The authorizer looks up the route API Gateway matched (ANY as fallback); routes not listed are denied. With the trusted keys it makes the authorizer's configuration, stored in its environment while small and in a DynamoDB table the module creates past that; the authorizer_config output states the storage, the encoded size and the room left (docs/authorizer.md)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for route in keys(var.route_scopes) : can(regex("^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|ANY|\\*) /[^\\s?#]*$", route))])
    error_message = "Each route_scopes key must be \"METHOD /path\" with METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, ANY or *, one space, and a path starting with / (no spaces, query or fragment)."
  }

  validation {
    condition     = alltrue(flatten([for scopes in values(var.route_scopes) : [for s in scopes : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", s))]]))
    error_message = "Each scope in route_scopes must be a non-empty RFC 6749 scope token (printable ASCII without spaces, '\"' or '\\')."
  }
}

variable "route_sender_constraints" {
  description = "Sender constraint per route of route_scopes (issue 25, docs/dpop.md): \"dpop\" requires a DPoP-bound token presented as Authorization: DPoP with a proof (RFC 9449 §7), \"none\" (the default for unlisted routes) a Bearer token. Any dpop route needs dpop set and result_ttl_seconds = 0: a cached decision would skip the proof and replay checks."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for c in values(var.route_sender_constraints) : contains(["none", "dpop"], c)])
    error_message = "Each route_sender_constraints value must be \"none\" or \"dpop\"."
  }

  validation {
    condition     = alltrue([for route in keys(var.route_sender_constraints) : contains(keys(var.route_scopes), route)])
    error_message = "Each route_sender_constraints key must be a route of route_scopes, spelled the same way."
  }

  # No cached bypass (DESIGN.md, "Sender constraint per route (v3)"): API Gateway answers from its
  # cache without invoking the function, so a cached Allow would skip the proof, its ath and the
  # single use of its jti. The module's one authorizer serves every route, so a DPoP route makes
  # the whole authorizer uncached.
  validation {
    condition     = !contains(values(var.route_sender_constraints), "dpop") || var.result_ttl_seconds == 0
    error_message = "A route with sender constraint \"dpop\" needs result_ttl_seconds = 0: a cached authorizer decision would skip the DPoP proof and replay checks."
  }

  validation {
    condition     = !contains(values(var.route_sender_constraints), "dpop") || var.dpop != null
    error_message = "A route with sender constraint \"dpop\" needs the dpop input (allowed hosts and the replay table)."
  }
}

variable "dpop" {
  description = "DPoP at the authorizer (RFC 9449 §7, docs/dpop.md), needed by routes whose sender constraint is dpop. allowed_hosts: the Host values a proof's htu may name (the API's custom domain names; null means the execute-api host <rest_api_id>.execute-api.<region>.<dns suffix>). table_name/table_arn: the table of single-use proof jti items (dpopjti#<digest>; the clients table), which the function may PutItem on and nothing else there. public_base_url: behind CloudFront (or another mapping in front of the execute-api host), the public URL of the API's root resource, e.g. https://cdn.example.com/api; a proof's htu must then be that base followed by the request path below the stage, and requests on any other host than the execute-api one are refused. It must be https, without query, fragment or trailing slash, and already normalised (RFC 3986 §6.2.2-6.2.3)."
  type = object({
    table_name      = string
    table_arn       = string
    allowed_hosts   = optional(list(string))
    public_base_url = optional(string)
  })
  default = null

  # The same rules as the function's own check (functions/authorizer/core/dpop-public-base-url.ts),
  # so a value the function would refuse at cold start fails the plan instead: path characters of
  # RFC 3986 §3.3 and percent-encodings with upper-case hex digits (§6.2.2.1); no encoded
  # unreserved character (§2.3 letters, digits, -._~; §6.2.2.2); no dot segment (§6.2.2.3; encoded
  # dots are caught by the unreserved rule); no :443 (§6.2.3).
  validation {
    condition = try(var.dpop.public_base_url, null) == null || try(
      can(regex("^https://[a-z0-9.-]+(:[1-9][0-9]{0,4})?(/([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-F]{2})+)*$", var.dpop.public_base_url)) &&
      !can(regex("^https://[^/]*:443(/|$)", var.dpop.public_base_url)) &&
      try(tonumber(regex("^https://[^/:]*:([0-9]+)", var.dpop.public_base_url)[0]) <= 65535, true) &&
      !can(regex("/\\.{1,2}(/|$)", var.dpop.public_base_url)) &&
      !can(regex("%(2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])", var.dpop.public_base_url)),
    false)
    error_message = "dpop.public_base_url must be an https URL with a lower-case host, an optional port other than 443 and an optional path, with no userinfo, query, fragment, empty segment, trailing slash or dot segment, and normalised per RFC 3986 §6.2.2-6.2.3 (upper-case percent-encoding, no percent-encoded letters, digits or -._~), e.g. \"https://cdn.example.com/api\"."
  }

  validation {
    condition     = var.dpop == null || alltrue([for h in coalesce(try(var.dpop.allowed_hosts, null), ["x"]) : can(regex("^[a-z0-9.-]+(:[0-9]{1,5})?$", h))])
    error_message = "dpop.allowed_hosts must be lower-case host names, optionally with :port (no scheme, path or upper case)."
  }
}

variable "clock_skew_seconds" {
  description = "Tolerated clock skew for exp and nbf, in seconds (0-300)."
  type        = number
  default     = 30

  validation {
    condition     = var.clock_skew_seconds >= 0 && var.clock_skew_seconds <= 300 && floor(var.clock_skew_seconds) == var.clock_skew_seconds
    error_message = "clock_skew_seconds must be a whole number between 0 and 300."
  }
}

variable "verified_token_cache_size" {
  description = "Most verified access tokens one function container remembers (VERIFIED_TOKEN_CACHE_SIZE, 0-10000; 0 turns the cache off), so a repeated token costs no signature check; expiry, revocation, the route and a DPoP proof are still checked on every request. Each entry holds at most about 21 KB (a token of the largest accepted size) and about 1.5 KB for a typical token: the default 1000 holds at most about 21 MB. See docs/authorizer.md, \"Verified-token cache\"."
  type        = number
  default     = 1000

  validation {
    condition     = var.verified_token_cache_size >= 0 && var.verified_token_cache_size <= 10000 && floor(var.verified_token_cache_size) == var.verified_token_cache_size
    error_message = "verified_token_cache_size must be a whole number between 0 and 10000."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the authorizer's metrics (POWERTOOLS_METRICS_NAMESPACE), the contract of docs/metrics.md, which its alarms read. null means name."
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

variable "log_level" {
  description = "Powertools log level of the function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

################################################################################
# Lambda
################################################################################

variable "artifacts_dir" {
  description = "Directory holding authorizer.zip from `npm run build`, or authorizer-<architecture>.zip from a downloaded release of `npm run package`; null means the dist/ directory of this repository. Ignored when artifacts_s3 is set."
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
    condition     = var.artifacts_s3 == null || alltrue([for k in keys(try(var.artifacts_s3.object_versions, {})) : contains(["authorizer", "manifest"], k)])
    error_message = "artifacts_s3.object_versions keys must be among authorizer, manifest."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the function: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_runtime" {
  description = "Node.js runtime of the function."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be a Node.js runtime such as nodejs22.x."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds."
  type        = number
  default     = 5

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 29
    error_message = "timeout must be between 1 and 29 seconds (API Gateway's integration limit)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

################################################################################
# Revocation
################################################################################

variable "revocation" {
  description = "Revocation checking (docs/revocation.md): the clients table and the in-container cache TTL (C) and stale window (W), in seconds (0-60 each). null keeps the authorizer free of AWS calls: no SDK, no network, no DynamoDB access."
  type = object({
    table_name        = string
    table_arn         = string
    cache_ttl_seconds = optional(number, 10)
    stale_seconds     = optional(number, 20)
  })
  default = null

  validation {
    condition = var.revocation == null || alltrue([
      for v in [try(var.revocation.cache_ttl_seconds, 0), try(var.revocation.stale_seconds, 0)] :
      v >= 0 && v <= 60 && floor(v) == v
    ])
    error_message = "revocation.cache_ttl_seconds and revocation.stale_seconds must be whole numbers between 0 and 60."
  }
}

################################################################################
# Usage plans
################################################################################

variable "usage_plans" {
  description = "Return each client's API key value (the usage_key attribute, read with the revocation state) as usageIdentifierKey on every Allow, for API Gateway usage plans (docs/usage-plans.md). Needs revocation. The API must have api_key_source = \"AUTHORIZER\" and its metered methods api_key_required = true."
  type        = bool
  default     = false
}

################################################################################
# Monitoring (docs/operations.md)
################################################################################

variable "monitoring" {
  description = "CloudWatch alarms of the authorizer, on unless enabled = false: its Lambda errors and throttles and, with revocation, failed revocation-state reads. alarm_topic_arn: SNS topic told when an alarm enters ALARM and when it returns to OK (null: alarms notify nobody). runbook_url: the URL of docs/operations.md of the version you deploy, which every alarm description links with its section's anchor (null: the repository path docs/operations.md). thresholds: counts per 5 minutes that alarm, whole numbers of at least 1. The root module sets this from its own monitoring input."
  type = object({
    enabled         = optional(bool, true)
    alarm_topic_arn = optional(string)
    runbook_url     = optional(string)
    thresholds = optional(object({
      errors                   = optional(number, 1)
      throttles                = optional(number, 1)
      revocation_read_failures = optional(number, 1)
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

  validation {
    condition     = alltrue([for t in values(var.monitoring.thresholds) : t >= 1 && floor(t) == t])
    error_message = "monitoring.thresholds (errors, throttles, revocation_read_failures) must be whole numbers of at least 1: each is a count per 5 minutes that alarms, and 0 would alarm on every period."
  }
}

################################################################################
# DPoP proof window (RFC 9449 §4.3, docs/dpop.md)
################################################################################

# The bounds come from functions/shared/limits.ts (DPOP_IAT_PAST_SECONDS, DPOP_IAT_FUTURE_SECONDS);
# test/terraform/limits.test.ts checks that they agree.
variable "dpop_iat_past_seconds" {
  description = "How old a DPoP proof's iat may be, in seconds (5-300); with dpop_iat_future_seconds also how long a proof's dpopjti# entry is kept. Used with dpop only."
  type        = number
  default     = 60

  validation {
    condition     = var.dpop_iat_past_seconds >= 5 && var.dpop_iat_past_seconds <= 300 && floor(var.dpop_iat_past_seconds) == var.dpop_iat_past_seconds
    error_message = "dpop_iat_past_seconds must be a whole number between 5 and 300."
  }
}

variable "dpop_iat_future_seconds" {
  description = "How far ahead of the function's clock a DPoP proof's iat may be, in seconds (0-60). Used with dpop only."
  type        = number
  default     = 5

  validation {
    condition     = var.dpop_iat_future_seconds >= 0 && var.dpop_iat_future_seconds <= 60 && floor(var.dpop_iat_future_seconds) == var.dpop_iat_future_seconds
    error_message = "dpop_iat_future_seconds must be a whole number between 0 and 60."
  }
}

# RFC 9449 §4.3 step 5: a proof's alg must be "acceptable per local policy". The names come from
# functions/shared/dpop-algorithms.json, the proof verifier's own list.
variable "dpop_algorithms" {
  description = "The JWS algorithms a DPoP proof may use at the authorizer (DPOP_ALGORITHMS), a non-empty subset of functions/shared/dpop-algorithms.json (ES256, PS256, RS256); null means all of them. The API's 401 challenge DPoP algs=\"...\" lists the same algorithms (RFC 9449 §7.1). The FAPI 2.0 profile takes [\"ES256\", \"PS256\"] (the root module sets this with security_profile = \"fapi2\"). Used with dpop only."
  type        = list(string)
  default     = null

  validation {
    condition     = var.dpop_algorithms == null || try(length(var.dpop_algorithms) > 0 && length(setsubtract(var.dpop_algorithms, jsondecode(file("${path.module}/../../functions/shared/dpop-algorithms.json")))) == 0, false)
    error_message = "dpop_algorithms must be null or a non-empty list of ES256, PS256 and RS256 (the algorithms of functions/shared/dpop-algorithms.json)."
  }
}

################################################################################
# Multi-Region (docs/multi-region.md)
################################################################################

variable "service_regions" {
  description = "Every Region the service is deployed to, this module's own included (the root module passes multi_region's Regions). With more than one, the function gets SERVICE_REGIONS (it reads its own Region's table only). Default [] (single-Region)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.service_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))]) && length(distinct(var.service_regions)) == length(var.service_regions)
    error_message = "service_regions must hold distinct Region names such as eu-west-1 (functions/shared/regions.ts reads the same list from SERVICE_REGIONS)."
  }

  # The module's own Region must be one of them; read from the provider (Terraform >= 1.9 lets a
  # validation refer to other objects of the module).
  validation {
    condition     = length(var.service_regions) == 0 || contains(var.service_regions, data.aws_region.current.id)
    error_message = "service_regions must list this module's own Region (the provider's) when it lists any."
  }

  # The multi-Region caps the function enforces at cold start (functions/shared/regions.ts), so a
  # plan fails where the function would fail at every cold start.
  validation {
    condition     = length(var.service_regions) < 2 || var.dpop_iat_past_seconds <= 60
    error_message = "dpop_iat_past_seconds must be at most 60 when service_regions lists more than one Region: each Region keeps its own used DPoP proof ids, so a proof can be used once per Region within this window (docs/multi-region.md)."
  }
}
