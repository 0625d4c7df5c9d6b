# Inputs of the client-table submodule: the DynamoDB table that holds OAuth client records.

################################################################################
# Table
################################################################################

variable "name" {
  description = "Name of the DynamoDB table."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be a valid DynamoDB table name: 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "deletion_protection_enabled" {
  description = "Protect the table against deletion (turn off only to tear down a test stack)."
  type        = bool
  default     = true
}

variable "ttl_enabled" {
  description = "Enable DynamoDB TTL on the expires_at attribute, which revoked-token and private_key_jwt replay-cache (jti#) items carry; the root module always turns it on."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for server-side encryption; null uses the AWS managed key (aws/dynamodb)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}

################################################################################
# Replicas (multi-Region, docs/multi-region.md)
################################################################################

variable "replica_regions" {
  description = "Regions of the global table's replicas, this table's own Region excluded; [] (the default) keeps a single-Region table. Each replica gets point-in-time recovery and the table's tags; the table gets a stream of new and old images, which replication needs."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))]) && length(var.replica_regions) == length(distinct(var.replica_regions))
    error_message = "replica_regions must list Region names (such as us-east-1), each once."
  }
}

variable "replica_kms_key_arns" {
  description = "Customer managed KMS key of each replica, by Region (a KMS key is Regional); a Region not listed uses the AWS managed key. Needed for every replica Region when kms_key_arn is set."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = var.kms_key_arn == null || alltrue([for r in var.replica_regions : contains(keys(var.replica_kms_key_arns), r)])
    error_message = "replica_kms_key_arns must give a KMS key ARN for every Region of replica_regions when kms_key_arn is set: a replica cannot use a key of another Region."
  }
}
