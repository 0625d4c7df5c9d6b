# Inputs of the complete example.

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "oauth-demo"
}

variable "artifacts_dir" {
  description = "Directory holding token.zip and authorizer.zip; null means the repository's dist/ (run `npm run build` first)."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Instruction set of the functions (must match `npm run build -- --arch`)."
  type        = string
  default     = "arm64"
}

variable "table_deletion_protection" {
  description = "Protect the clients table against deletion; off here so the example can be destroyed, keep it on in production."
  type        = bool
  default     = false
}

variable "usage_plans" {
  description = "Usage plans (tiers) by name; see the root module's usage_plans. Per-method overrides (method_throttles) work too; test/terraform/usage-plans.tftest.hcl covers them, since moto 5.2.1, which this example is applied to in tests, cannot destroy a plan stage that has them."
  type = map(object({
    rate_limit  = number
    burst_limit = number
    quota = optional(object({
      limit  = number
      period = string
      offset = optional(number, 0)
    }))
  }))
  default = {
    standard = { rate_limit = 100, burst_limit = 200, quota = { limit = 1000000, period = "MONTH" } }
    premium  = { rate_limit = 1000, burst_limit = 2000 }
  }
}

variable "default_usage_plan" {
  description = "Plan of clients created without --plan."
  type        = string
  default     = "standard"
}

variable "runbook_url" {
  description = "URL of docs/operations.md of the version you deploy, which the alarm descriptions link, e.g. \"https://github.com/<org>/apigw-m2m-auth/blob/v0.3.0/docs/operations.md\"; null links the repository path docs/operations.md."
  type        = string
  default     = null
}
