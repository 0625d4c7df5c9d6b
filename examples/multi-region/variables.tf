# Inputs of the multi-region example.

variable "name" {
  description = "Prefix of the primary Region's resource names; the secondary's is name-2 (IAM role names are global). The clients table is <name>-clients in both."
  type        = string
  default     = "oauth-mr"
}

variable "primary_region" {
  description = "The primary (control) Region."
  type        = string
  default     = "eu-west-1"
}

variable "secondary_region" {
  description = "The secondary Region."
  type        = string
  default     = "us-east-1"
}

variable "zone_name" {
  description = "The Route 53 hosted zone the example creates."
  type        = string
  default     = "example.com"
}

variable "domain_name" {
  description = "The shared custom domain of both Regions: the issuer is https://<domain_name>."
  type        = string
  default     = "auth.example.com"
}

variable "audience" {
  description = "Default audience of tokens, the same in both Regions."
  type        = string
  default     = "demo-api"
}

variable "routing" {
  description = "\"latency\" (both Regions serve, each caller gets the nearer healthy one) or \"failover\" (the primary serves while healthy, then the secondary)."
  type        = string
  default     = "latency"

  validation {
    condition     = contains(["latency", "failover"], var.routing)
    error_message = "routing must be \"latency\" or \"failover\"."
  }
}

variable "alarm_health_checks" {
  description = "Also make a Region unhealthy while its API's 5xx alarm is in ALARM (a Route 53 health check on the CloudWatch alarm, combined with the HTTPS check)."
  type        = bool
  default     = true
}

variable "validate_certificates" {
  description = "Validate the ACM certificates through DNS records in the zone and wait until they are issued. Off by default: it needs a zone the internet resolves (and an emulator never issues certificates); without it the certificates stay pending validation until you validate them yourself."
  type        = bool
  default     = false
}

variable "table_replication" {
  description = "\"global_table\" (production: the clients table replicates between the Regions) or \"none\" (emulators without global tables, such as moto_server: each Region has its own table and nothing replicates)."
  type        = string
  default     = "global_table"
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
