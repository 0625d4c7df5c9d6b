# Inputs of the signing-key submodule: asymmetric KMS keys that sign access tokens.

################################################################################
# Keys
################################################################################

variable "name" {
  description = "Prefix of the key aliases (alias/<name>-<key name>) and descriptions."
  type        = string
}

variable "key_names" {
  description = "One KMS key is created per name; every key is published in the JWKS and trusted by authorizers."
  type        = list(string)
  default     = ["primary"]

  validation {
    condition     = length(var.key_names) > 0 && length(var.key_names) == length(distinct(var.key_names))
    error_message = "key_names must list at least one key, without duplicates."
  }

  validation {
    condition     = alltrue([for k in var.key_names : can(regex("^[a-z0-9][a-z0-9-]{0,31}$", k))])
    error_message = "Each key name must be 1-32 characters of lowercase letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "algorithm" {
  description = "JWS algorithm the keys sign with: RS256 (RSA_2048 keys, the default), PS256 (the same RSA_2048 keys, RSASSA-PSS; the FAPI 2.0 profile's) or ES256 (ECC_NIST_P256 keys). The key policy lets the signer use this algorithm only."
  type        = string
  default     = "RS256"

  validation {
    condition     = contains(["ES256", "RS256", "PS256"], var.algorithm)
    error_message = "algorithm must be ES256, RS256 or PS256."
  }
}

variable "signer_role_arns" {
  description = "ARNs of the IAM roles that may call kms:Sign (with the keys' algorithm, over RAW messages) and kms:GetPublicKey on the keys: the token function's role. Nobody else can sign."
  type        = list(string)

  validation {
    condition     = length(var.signer_role_arns) > 0
    error_message = "signer_role_arns must name at least one role."
  }
}

variable "key_administrators" {
  description = "IAM ARNs (roles, users, or an account's root user) that may manage the keys and change their key policy; nobody else can, and no administrator can sign or create grants. Name roles by their role ARN (arn:aws:iam::<account>:role/<path><name>), not by a session ARN. null means the principal that applies Terraform (for an assumed role, that role). The list must include the principal that applies Terraform, or KMS refuses the policy (lockout safety check)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.key_administrators == null || try(length(var.key_administrators) > 0, false)
    error_message = "key_administrators must name at least one principal, or be null for the principal that applies Terraform."
  }

  # aws:PrincipalArn of a role session is the role ARN, so a session ARN would never match the
  # policy's conditions, and it expires with the session.
  validation {
    condition     = var.key_administrators == null || try(alltrue([for a in var.key_administrators : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+)$", a))]), false)
    error_message = "Each key_administrators entry must be an IAM role, user or root ARN (arn:aws:iam::<account>:role/<path><name>, :user/<name> or :root), not an assumed-role session ARN (arn:aws:sts::...)."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before KMS deletes a removed key (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

################################################################################
# Multi-Region (docs/multi-region.md)
################################################################################

variable "multi_region_key_names" {
  description = "Names of key_names whose keys are created as multi-Region primary keys, which secondary Regions replicate (primary_key_arns there). A key cannot become multi-Region later (the provider would replace it): add a new key, make it active, and remove the old one after the longest token lifetime (docs/multi-region.md)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for k in var.multi_region_key_names : contains(var.key_names, k)])
    error_message = "Each multi_region_key_names entry must be one of key_names."
  }
}

variable "replica_regions" {
  description = "The Regions the multi-Region keys (multi_region_key_names) may be replicated to: the other service Regions of a multi-Region deployment. The key administrators may call kms:ReplicateKey on those keys into these Regions only (kms:ReplicaRegion); [] (the default) lets nobody replicate them."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "Each replica_regions entry must be an AWS Region name, such as us-east-1."
  }
}

variable "primary_key_arns" {
  description = "Replica mode, in a secondary Region: the ARN of the multi-Region primary key of each key name of key_names, from the primary Region. Each becomes an aws_kms_replica_key with this module's key policy (only signer_role_arns of this Region may sign). {} (the default) creates keys of their own."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.primary_key_arns) == 0 || alltrue([for k in var.key_names : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/mrk-", lookup(var.primary_key_arns, k, "-")))])
    error_message = "primary_key_arns must give, for every key name of key_names, the ARN of a multi-Region primary key (arn:aws:kms:<region>:<account>:key/mrk-...)."
  }

  validation {
    condition     = length(var.primary_key_arns) == 0 || length(var.multi_region_key_names) == 0
    error_message = "primary_key_arns (replica mode) and multi_region_key_names (primary keys) exclude each other: a module instance either creates keys or replicates them."
  }
}

variable "tags" {
  description = "Tags for the keys."
  type        = map(string)
  default     = {}
}
