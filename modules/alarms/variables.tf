# Inputs of the alarms submodule (private: called by the root module and modules/authorizer, which validate and default every threshold).

################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of the alarm names: <name>-<alarm>, e.g. orders-auth-token-errors."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' own metrics (POWERTOOLS_METRICS_NAMESPACE; docs/metrics.md)."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm enters ALARM and when it returns to OK (the SNS topic of monitoring.alarm_topic_arn); [] creates alarms that notify nobody."
  type        = list(string)
  default     = []
}

variable "runbook_url" {
  description = "Where docs/operations.md is read: every alarm description ends with \"Runbook: <runbook_url>#<alarm>\", the section of that alarm."
  type        = string
}

variable "tags" {
  description = "Tags for every alarm."
  type        = map(string)
  default     = {}
}

################################################################################
# What to watch: each part is null or its function (or API) and thresholds
################################################################################

variable "token" {
  description = "The token function: its name (also the service dimension of its metrics), timeout in seconds and thresholds. *_static_threshold null means an anomaly detection alarm with *_band_width standard deviations. null creates no token alarms."
  type = object({
    function_name                   = string
    timeout_seconds                 = number
    errors                          = number
    throttles                       = number
    duration_percent                = number
    kms_throttles                   = number
    dynamodb_throttles              = number
    invalid_client_band_width       = number
    invalid_client_static_threshold = optional(number)
    tokens_issued_band_width        = number
    tokens_issued_static_threshold  = optional(number)
  })
  default = null
}

variable "api" {
  description = "The REST API and stage that serve the token endpoint, with the 5XXError count that alarms. null creates no API alarm."
  type = object({
    name       = string
    stage      = string
    errors_5xx = number
  })
  default = null
}

variable "authorizer" {
  description = "The authorizer function: its name (also the service dimension of its metrics), whether it reads revocation state, and thresholds. null creates no authorizer alarms."
  type = object({
    function_name            = string
    revocation               = bool
    errors                   = number
    throttles                = number
    revocation_read_failures = number
  })
  default = null
}
