# Inputs of the client submodule: one OAuth client declared in Terraform, validated with the clients CLI's rules and messages (test/terraform/client-validation.test.ts compares them).

################################################################################
# Where and who
################################################################################

variable "table_name" {
  description = "Name of the clients table (the root module's output client_table_name)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a valid DynamoDB table name: 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "key" {
  description = "Stable name of the client in your code (the key of the root module's clients map): 1-64 letters, digits, '_', '-' and '.', starting with a letter or digit. The client id is derived from it and the table name unless client_id is given, so renaming it makes a new client."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", var.key))
    error_message = "key must be 1-64 letters, digits, '_', '-' and '.', starting with a letter or digit, got ${jsonencode(var.key)}."
  }
}

variable "client_id" {
  description = "The client id. null derives one: the first 32 hex digits of SHA-256 of \"<table_name>/<key>\", the shape of the ids the clients CLI generates. Give the id of a client the CLI created to adopt it (docs/clients.md, \"Clients as code\")."
  type        = string
  default     = null

  # The CLI's parseClientId (scripts/lib/clients/validate.ts): `#` is reserved for the table's own items.
  validation {
    condition     = var.client_id == null || can(regex("^[\\x21\\x22\\x24-\\x7e]{1,128}$", var.client_id))
    error_message = "client ${jsonencode(var.key)}: client_id: ${jsonencode(var.client_id)} is not a valid client id (printable ASCII without spaces or #, at most 128 characters)"
  }
}

variable "terraform_address" {
  description = "Where the client is declared, as the clients CLI names it when it refuses to edit the client, e.g. module.orders_client. null names the key."
  type        = string
  default     = null
}

################################################################################
# Settings (what `clients create` sets)
################################################################################

# The CLI trims a name of JavaScript's white space (String.prototype.trim: \t \n \v \f \r, space,
# U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF); so does trim()
# here with the same characters, not trimspace(), whose set differs (U+0085, U+FEFF).
variable "name" {
  description = "Display name: 1-128 printable characters once surrounding white space is removed (the CLI's --name)."
  type        = string

  validation {
    condition     = trim(var.name, "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff") != ""
    error_message = "client ${jsonencode(var.key)}: name must not be empty"
  }

  validation {
    condition     = length(regexall("(?s).", trim(var.name, "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"))) <= 128
    error_message = "client ${jsonencode(var.key)}: name must be at most 128 characters"
  }

  # The CLI's NON_PRINTABLE, [\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]. Go's regexp has no \p{Cn}
  # (unassigned), so it is written as "in no general category".
  validation {
    condition     = !can(regex("[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]|[^\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{C}]", trim(var.name, "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")))
    error_message = "client ${jsonencode(var.key)}: name must contain printable characters only (no control characters)"
  }
}

variable "scopes" {
  description = "Allowed scopes, RFC 6749 §3.3 scope tokens (printable ASCII except space, '\"' and '\\'); at least one (the CLI's --scopes). A token holds any of them, or the subset it asks for."
  type        = list(string)

  validation {
    condition     = length(var.scopes) > 0
    error_message = "client ${jsonencode(var.key)}: scopes needs at least one scope, e.g. scopes = [\"orders:read\", \"orders:write\"]"
  }

  validation {
    condition     = alltrue([for s in var.scopes : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", s))])
    error_message = "client ${jsonencode(var.key)}: scopes: ${try(replace(replace(replace(jsonencode([for s in var.scopes : s if !can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", s))][0]), "\\u003c", "<"), "\\u003e", ">"), "\\u0026", "&"), "")} is not a valid scope (RFC 6749 §3.3 allows printable ASCII except space, \" and \\; separate scopes with single spaces)"
  }
}

variable "audiences" {
  description = "Allowed audiences, the first the default; each 1-1024 characters without white space or control characters (the CLI's --audience). Empty: the service's default audience."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.audiences : a != ""])
    error_message = "client ${jsonencode(var.key)}: audiences[${try(index(var.audiences, ""), 0)}] must not be empty"
  }

  # The CLI's [\s\p{Cc}]: JavaScript's \s is \p{Z}, U+FEFF and the C0 controls \t \n \v \f \r.
  validation {
    condition     = alltrue([for a in var.audiences : !can(regex("[\\p{Z}\\p{Cc}\\x{FEFF}]", a))])
    error_message = "client ${jsonencode(var.key)}: audiences[${try([for i, a in var.audiences : i if can(regex("[\\p{Z}\\p{Cc}\\x{FEFF}]", a))][0], 0)}] ${try(replace(replace(replace(jsonencode([for a in var.audiences : a if can(regex("[\\p{Z}\\p{Cc}\\x{FEFF}]", a))][0]), "\\u003c", "<"), "\\u003e", ">"), "\\u0026", "&"), "")} must not contain whitespace or control characters"
  }

  validation {
    condition     = alltrue([for a in var.audiences : length(regexall("(?s).", a)) <= 1024])
    error_message = "client ${jsonencode(var.key)}: audiences[${try([for i, a in var.audiences : i if length(regexall("(?s).", a)) > 1024][0], 0)}] must be at most 1024 characters"
  }
}

variable "token_ttl_seconds" {
  description = "The client's own access token lifetime in seconds, 60-86400 (TOKEN_TTL_SECONDS of functions/shared/limits.ts; the CLI's --token-ttl). null: the service's."
  type        = number
  default     = null

  validation {
    condition     = var.token_ttl_seconds == null || try(var.token_ttl_seconds >= 60 && var.token_ttl_seconds <= 86400 && floor(var.token_ttl_seconds) == var.token_ttl_seconds, false)
    error_message = "client ${jsonencode(var.key)}: token_ttl_seconds must be a whole number of seconds from 60 to 86400, got ${var.token_ttl_seconds == null ? "null" : tostring(var.token_ttl_seconds)}"
  }
}

variable "auth_method" {
  description = "How the client authenticates (the CLI's --auth): client_secret (a secret by HTTP Basic or in the body), client_secret_basic, client_secret_post, or private_key_jwt (signed assertions with public_keys, never a secret). null: private_key_jwt when public_keys are given, else client_secret. A secret is never set by Terraform: `clients rotate-secret` gives the client its first."
  type        = string
  default     = null

  validation {
    condition     = var.auth_method == null || contains(["client_secret", "client_secret_basic", "client_secret_post", "private_key_jwt"], coalesce(var.auth_method, "-"))
    error_message = "client ${jsonencode(var.key)}: auth_method must be one of client_secret, client_secret_basic, client_secret_post, private_key_jwt, got ${jsonencode(var.auth_method)}"
  }
}

variable "public_keys" {
  description = "private_key_jwt: the client's public keys, 1-5 in all, each a text as the CLI reads a key file: a public key PEM (SPKI, PKCS#1 or an X.509 certificate), a JWK or a JWKS (JSON), e.g. [file(\"orders.pem\")]. A key without kid gets its RFC 7638 thumbprint, without alg the default of its type. Checked with the CLI's rules at plan (main.tf's precondition; public-keys.tf) and again by the token function when it reads them."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.public_keys) == 0 || coalesce(var.auth_method, "private_key_jwt") == "private_key_jwt"
    error_message = "client ${jsonencode(var.key)}: public_keys are for auth_method private_key_jwt, not ${coalesce(var.auth_method, "private_key_jwt")}"
  }

  validation {
    condition     = length(var.public_keys) > 0 || coalesce(var.auth_method, "client_secret") != "private_key_jwt"
    error_message = "client ${jsonencode(var.key)}: auth_method private_key_jwt needs public_keys"
  }
}

variable "dpop_bound" {
  description = "RFC 9449 §5.2 dpop_bound_access_tokens: the client gets no token without a DPoP proof (the CLI's --dpop-bound)."
  type        = bool
  default     = false
}

variable "enabled" {
  description = "Whether the client may get tokens. `clients disable` (an incident action) disables it in the table; the next plan shows it, and an apply with enabled = true enables it again."
  type        = bool
  default     = true
}

################################################################################
# Usage plan (docs/usage-plans.md)
################################################################################

variable "usage_plan" {
  description = "The usage plan of the client's API key: its name (recorded for the CLI) and id (the root module's usage_plan_ids). null: no API key."
  type = object({
    name = string
    id   = string
  })
  default = null
}
