# Inputs of the dpop-nonce-key submodule: the KMS HMAC key of the stateless DPoP server nonces.

variable "name" {
  description = "Prefix of the key's alias (alias/<name>-dpop-nonce) and description."
  type        = string
}

variable "mac_role_arns" {
  description = "ARNs of the IAM roles that may call kms:GenerateMac (HMAC_SHA_256 only) on the key: the token function's role. Nobody else can make or check a MAC with it."
  type        = list(string)

  validation {
    condition     = length(var.mac_role_arns) > 0
    error_message = "mac_role_arns must name at least one role."
  }
}

variable "key_administrators" {
  description = "IAM ARNs (roles, users, or an account's root user) that may manage the key and change its key policy; nobody else can, and no administrator can make a MAC or create grants. The root module passes the signing keys' administrators. Must include the principal that applies Terraform, or KMS refuses the policy (lockout safety check)."
  type        = list(string)

  # The root module passes the signing keys' administrators, already checked there (the default
  # is the caller's long-lived ARN); a session ARN would stop matching when the session ends.
  validation {
    condition     = length(var.key_administrators) > 0 && alltrue([for a in var.key_administrators : can(regex("^arn:aws[a-z-]*:", a)) && !strcontains(a, ":assumed-role/")])
    error_message = "key_administrators must name at least one principal ARN, and no assumed-role session ARN (arn:aws:sts::<account>:assumed-role/...): name the role (arn:aws:iam::<account>:role/<path><name>)."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before KMS deletes the key once it is removed (7-30 days). Deleting it only makes clients fetch a new nonce."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "multi_region" {
  description = "Create the key as a multi-Region primary key, which secondary Regions replicate (primary_key_arn there), so a nonce handed out in one Region is accepted in every other (docs/multi-region.md). Changing it replaces the key, which only makes clients fetch a new nonce."
  type        = bool
  default     = false
  nullable    = false
}

variable "replica_regions" {
  description = "With multi_region: the Regions the key may be replicated to, the other service Regions. The key administrators may call kms:ReplicateKey on the key into these Regions only (kms:ReplicaRegion); [] (the default) lets nobody replicate it."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "Each replica_regions entry must be an AWS Region name, such as us-east-1."
  }
}

variable "primary_key_arn" {
  description = "Replica mode, in a secondary Region: the ARN of the primary Region's multi-Region nonce key; the module then creates its replica in this Region with this module's key policy. null (the default) creates a key of its own."
  type        = string
  default     = null

  validation {
    condition     = var.primary_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/mrk-", coalesce(var.primary_key_arn, "-")))
    error_message = "primary_key_arn must be the ARN of a multi-Region primary key (arn:aws:kms:<region>:<account>:key/mrk-...), or null."
  }

  validation {
    condition     = var.primary_key_arn == null || !var.multi_region
    error_message = "primary_key_arn (replica mode) and multi_region (a primary key) exclude each other."
  }
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
}
