# Inputs of the token-endpoint submodule: the token Lambda and its REST routes.

################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of the resource names; the function and its role are called <name>-token."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,58}$", var.name))
    error_message = "name must be 1-58 characters of letters, digits, '_' and '-' (it prefixes the function and role names)."
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
  description = "Id of the REST API that receives /oauth2/token and /.well-known/* routes."
  type        = string
}

variable "root_resource_id" {
  description = "Id of the REST API's root (/) resource."
  type        = string
}

variable "execution_arn" {
  description = "Execution ARN of the REST API (arn:<partition>:execute-api:<region>:<account>:<api id>); Lambda permissions are scoped to its routes."
  type        = string
}

################################################################################
# Token service configuration (Lambda environment, see the team contract)
################################################################################

variable "issuer" {
  description = "Issuer URL (iss claim); the token endpoint is <issuer>/oauth2/token."
  type        = string
}

variable "audience" {
  description = "Default audience of issued tokens."
  type        = string
}

variable "token_ttl_seconds" {
  description = "Default lifetime of issued tokens in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.token_ttl_seconds >= 60 && var.token_ttl_seconds <= 86400 && floor(var.token_ttl_seconds) == var.token_ttl_seconds
    error_message = "token_ttl_seconds must be a whole number between 60 and 86400."
  }
}

variable "authorizer_result_ttl_seconds" {
  description = "Result cache TTL of the authorizer that accepts these tokens (0-3600 s). No token is issued with a shorter lifetime (a client's shorter token_ttl_seconds is raised to it), so a cached decision never outlives a token by more than the token's own lifetime; see docs/authorizer.md."
  type        = number
  default     = 0

  validation {
    condition     = var.authorizer_result_ttl_seconds >= 0 && var.authorizer_result_ttl_seconds <= 3600 && floor(var.authorizer_result_ttl_seconds) == var.authorizer_result_ttl_seconds
    error_message = "authorizer_result_ttl_seconds must be a whole number between 0 and 3600."
  }
}

variable "scopes_supported" {
  description = "Scopes advertised in the RFC 8414 metadata."
  type        = list(string)
  default     = []
}

variable "table_name" {
  description = "Name of the DynamoDB clients table."
  type        = string
}

variable "table_arn" {
  description = "ARN of the DynamoDB clients table (the only table the function may read)."
  type        = string
}

variable "signing_key_arns" {
  description = "ARNs of every trusted signing key, published in the JWKS; the function may sign with any of them."
  type        = list(string)

  validation {
    condition     = length(var.signing_key_arns) > 0
    error_message = "signing_key_arns must hold at least one key ARN."
  }
}

variable "active_signing_key_arn" {
  description = "ARN of the key that signs new tokens; must be one of signing_key_arns."
  type        = string

  validation {
    condition     = contains(var.signing_key_arns, var.active_signing_key_arn)
    error_message = "active_signing_key_arn must be one of signing_key_arns, or tokens would not verify against the JWKS."
  }
}

variable "signing_algorithm" {
  description = "RS256 (the default, for RSA_2048 keys), PS256 (RSASSA-PSS, for the same RSA keys) or ES256 (for ECC_NIST_P256 keys), matching the key spec of every key in signing_key_arns; the JWKS publishes the keys with it."
  type        = string
  default     = "RS256"

  validation {
    condition     = contains(["ES256", "RS256", "PS256"], var.signing_algorithm)
    error_message = "signing_algorithm must be ES256, RS256 or PS256."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's metrics (POWERTOOLS_METRICS_NAMESPACE), the contract of docs/metrics.md. null means name."
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
}

################################################################################
# Lambda
################################################################################

variable "artifacts_dir" {
  description = "Directory holding token.zip from `npm run build`, or token-<architecture>.zip from a downloaded release of `npm run package`. Ignored when artifacts_s3 is set."
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
    condition     = var.artifacts_s3 == null || alltrue([for k in keys(try(var.artifacts_s3.object_versions, {})) : contains(["token", "manifest"], k)])
    error_message = "artifacts_s3.object_versions keys must be among token, manifest."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the function: arm64 or x86_64 (must match the build's --arch)."
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
}

variable "memory_size" {
  description = "Memory of the function in MB; Lambda allots CPU in proportion, and argon2id verification is CPU bound."
  type        = number
  default     = 1024
}

variable "timeout" {
  description = "Timeout of the function in seconds: at least the AWS call budgets of one token request plus a local allowance, at most one second under API Gateway's 29 s integration timeout, so the function answers 503 itself (see docs/timeouts.md)."
  type        = number
  default     = 15

  # The bounds come from functions/shared/limits.ts (TOKEN_FUNCTION_TIMEOUT_SECONDS);
  # test/terraform/limits.test.ts checks that they agree.
  validation {
    condition     = var.timeout >= 13 && var.timeout <= 28 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 13 and 28."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for the token function, which are also its maximum (the root module's token_function_reserved_concurrency explains the trade-off); null (the default) leaves it unreserved."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null (unreserved) or a whole number of at least 1 (0 would stop the function from running)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 30
}

################################################################################
# Revocation
################################################################################

variable "revocation" {
  description = "Serve POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662), and let the function write revoked-token items (keys revoked#<jti> only) to the clients table."
  type        = bool
  default     = false
}

variable "clock_skew_seconds" {
  description = "The authorizer's clock skew (0-300 s): a revoked-token item is kept until the token's exp plus it."
  type        = number
  default     = 30

  validation {
    condition     = var.clock_skew_seconds >= 0 && var.clock_skew_seconds <= 300 && floor(var.clock_skew_seconds) == var.clock_skew_seconds
    error_message = "clock_skew_seconds must be a whole number between 0 and 300."
  }
}

variable "assertion_token_endpoint_audience" {
  description = "Also accept the token endpoint URL as a private_key_jwt assertion's aud, as RFC 7523 §3 allowed, for older client libraries. false (the default) accepts only the issuer identifier, as draft-ietf-oauth-rfc7523bis requires against audience injection (docs/private-key-jwt.md)."
  type        = bool
  default     = false
}

################################################################################
# DPoP (RFC 9449, docs/dpop.md)
################################################################################

# The bounds come from functions/shared/limits.ts (DPOP_IAT_PAST_SECONDS, DPOP_IAT_FUTURE_SECONDS);
# test/terraform/limits.test.ts checks that they agree.
variable "dpop_iat_past_seconds" {
  description = "How old a DPoP proof's iat may be, in seconds (5-300): the proof window of RFC 9449 §4.3, and with dpop_iat_future_seconds how long a proof's jti# replay entry is kept."
  type        = number
  default     = 60

  validation {
    condition     = var.dpop_iat_past_seconds >= 5 && var.dpop_iat_past_seconds <= 300 && floor(var.dpop_iat_past_seconds) == var.dpop_iat_past_seconds
    error_message = "dpop_iat_past_seconds must be a whole number between 5 and 300."
  }
}

variable "dpop_iat_future_seconds" {
  description = "How far ahead of the function's clock a DPoP proof's iat may be, in seconds (0-60), for clients whose clocks run fast."
  type        = number
  default     = 5

  validation {
    condition     = var.dpop_iat_future_seconds >= 0 && var.dpop_iat_future_seconds <= 60 && floor(var.dpop_iat_future_seconds) == var.dpop_iat_future_seconds
    error_message = "dpop_iat_future_seconds must be a whole number between 0 and 60."
  }
}

variable "dpop_nonce_key_arn" {
  description = "ARN of the KMS HMAC_256 key of the DPoP server nonces (RFC 9449 §8; modules/dpop-nonce-key): set, every DPoP token request needs a current nonce (400 use_dpop_nonce with a DPoP-Nonce header otherwise) and the function may call kms:GenerateMac with HMAC_SHA_256 on that key. null (the default) turns nonces off."
  type        = string
  default     = null

  validation {
    condition     = var.dpop_nonce_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.dpop_nonce_key_arn, "-")))
    error_message = "dpop_nonce_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or null to turn nonces off."
  }
}

################################################################################
# FAPI 2.0 Security Profile (docs/fapi.md)
################################################################################

variable "security_profile" {
  description = "\"none\" (the default) or \"fapi2\": the FAPI 2.0 Security Profile (docs/fapi.md). The function then accepts private_key_jwt only (PS256, ES256 or EdDSA assertions) and a DPoP proof (ES256 or PS256, with a server nonce) on every token request; it needs signing_algorithm PS256 or ES256, dpop_nonce_key_arn, and dpop_iat_future_seconds and clock_skew_seconds of 10-59."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "fapi2"], var.security_profile)
    error_message = "security_profile must be \"none\" or \"fapi2\"."
  }

  validation {
    condition     = var.security_profile != "fapi2" || (contains(["PS256", "ES256"], var.signing_algorithm) && var.dpop_nonce_key_arn != null && var.dpop_iat_future_seconds >= 10 && var.dpop_iat_future_seconds <= 59 && var.clock_skew_seconds >= 10 && var.clock_skew_seconds <= 59)
    error_message = "security_profile = \"fapi2\" needs signing_algorithm \"PS256\" or \"ES256\", dpop_nonce_key_arn set, and dpop_iat_future_seconds and clock_skew_seconds between 10 and 59."
  }
}

################################################################################
# Multi-Region (docs/multi-region.md)
################################################################################

variable "service_regions" {
  description = "Every Region the service is deployed to, this module's own included (the root module passes multi_region's Regions). With more than one, the function gets SERVICE_REGIONS and writes each RFC 7009 revocation (revoked#<jti> items) to the same-named clients table of every other Region too, and its role may PutItem revoked#* items there and nothing else. Default [] (single-Region)."
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

  validation {
    condition     = length(var.service_regions) < 2 || var.clock_skew_seconds <= 30
    error_message = "clock_skew_seconds must be at most 30 when service_regions lists more than one Region: the skew widens the window in which a client assertion can be used once per Region (docs/multi-region.md)."
  }
}
