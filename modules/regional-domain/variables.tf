# Inputs of the regional-domain submodule: the shared custom domain in one Region of a multi-Region deployment.

variable "domain_name" {
  description = "The custom domain every Region serves (the issuer's host), for example auth.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name such as auth.example.com (no scheme, port or path)."
  }
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate for domain_name in this module's Region (a Regional custom domain needs a certificate in its own Region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) in this module's Region."
  }
}

variable "rest_api_id" {
  description = "Id of this Region's REST API (the root module's rest_api_id output)."
  type        = string
}

variable "stage_name" {
  description = "Stage mapped at the root of the domain (the root module's stage_name output)."
  type        = string
}

variable "zone_id" {
  description = "Id of the Route 53 hosted zone that holds domain_name."
  type        = string
}

variable "routing" {
  description = "Route 53 routing of this Region's record: \"latency\" (the default: every healthy Region serves, each caller gets the one of lowest latency), or failover: \"failover_primary\" for the Region that serves while healthy and \"failover_secondary\" for the one that takes over. Use the same kind in every Region."
  type        = string
  default     = "latency"
  nullable    = false

  validation {
    condition     = contains(["latency", "failover_primary", "failover_secondary"], var.routing)
    error_message = "routing must be \"latency\", \"failover_primary\" or \"failover_secondary\"."
  }
}

variable "health_check" {
  description = "The Route 53 health check of this Region: path (below the stage, default the JWKS, /.well-known/jwks.json), request_interval (10 or 30 s), failure_threshold (1-10 consecutive failures), regions (the checkers' locations, null for Route 53's default), alarm ({ name }: a CloudWatch alarm of this Region whose ALARM state also makes the Region unhealthy, such as the root module's api_5xx_errors alarm; null for none)."
  type = object({
    path              = optional(string, "/.well-known/jwks.json")
    request_interval  = optional(number, 30)
    failure_threshold = optional(number, 3)
    regions           = optional(list(string))
    alarm = optional(object({
      name = string
    }))
  })
  default  = {}
  nullable = false

  validation {
    condition     = startswith(var.health_check.path, "/") && contains([10, 30], var.health_check.request_interval) && var.health_check.failure_threshold >= 1 && var.health_check.failure_threshold <= 10 && floor(var.health_check.failure_threshold) == var.health_check.failure_threshold
    error_message = "health_check: path must start with /, request_interval must be 10 or 30 (seconds) and failure_threshold a whole number from 1 to 10 (Route 53's limits)."
  }
}

variable "tags" {
  description = "Tags for the domain name and the health checks."
  type        = map(string)
  default     = {}
}
