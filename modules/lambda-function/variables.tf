# Inputs of the lambda-function submodule (private: called by token-endpoint and authorizer).

################################################################################
# General
################################################################################

variable "function_name" {
  description = "Name of the function; also the name of its execution role and, as /aws/lambda/<function_name>, of its log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  default     = {}
}

################################################################################
# IAM
################################################################################

variable "role_description" {
  description = "Description of the execution role."
  type        = string
  default     = null
}

variable "policy_json" {
  description = "JSON of the caller's least-privilege aws_iam_policy_document, attached inline as <function_name>-least-privilege. Grant log writes on log_group_arn yourself; nothing is added."
  type        = string
}

################################################################################
# Lambda
################################################################################

variable "description" {
  description = "Description of the function."
  type        = string
  default     = null
}

variable "filename" {
  description = "Path of the deployment zip from `npm run build`; a missing file fails the plan with a message naming artifacts_dir, artifacts_s3 and the build. Ignored when artifacts_s3 is set."
  type        = string
  default     = null
}

variable "artifact_name" {
  description = "Name of the function in a release from `npm run package` (token, authorizer): the zip is <artifact_name>-<architecture>.zip. Used with artifacts_s3."
  type        = string
  default     = null
}

variable "artifacts_s3" {
  description = "Take the zip from a release published with `npm run publish-artifacts` instead of filename: s3://<bucket>/<key_prefix>/<artifact_name>-<architecture>.zip, checked at plan time against <key_prefix>/manifest.json. object_versions pins S3 object versions by artifact name or \"manifest\"."
  type = object({
    bucket          = string
    key_prefix      = string
    object_versions = optional(map(string), {})
  })
  default = null
}

variable "runtime" {
  description = "Lambda runtime identifier."
  type        = string
  default     = "nodejs22.x"
}

variable "architecture" {
  description = "Instruction set of the function: arm64 or x86_64 (must match the build)."
  type        = string
  default     = "arm64"
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 128
}

variable "timeout" {
  description = "Timeout of the function in seconds."
  type        = number
  default     = 3
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for the function, which are also its maximum; null leaves it unreserved (the provider's -1), sharing the account's pool. 0 would stop every invocation."
  type        = number
  default     = null
}

variable "environment_variables" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "preconditions" {
  description = "Caller-specific checks enforced as preconditions of the function, so they stop a plan (or an apply, when only known then) before the function is created or changed."
  type = list(object({
    condition     = bool
    error_message = string
  }))
  default = []
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 30
}
