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
