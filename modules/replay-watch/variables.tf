# Inputs of the replay-watch submodule: the replay watcher of one Region of a multi-Region deployment (the root module adds it when multi_region lists more than one Region).

################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of the resource names; the function and its role are called <name>-replay-watch."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,51}$", var.name))
    error_message = "name must be 1-51 characters of letters, digits, '_' and '-' (it prefixes the function and role names, which take \"-replay-watch\" and stay within 64 characters)."
  }
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  default     = {}
}

################################################################################
# What to watch
################################################################################

variable "table_stream_arn" {
  description = "ARN of the DynamoDB stream of this Region's clients table replica, whose view type must be NEW_AND_OLD_IMAGES (the stream_arn of the global table's aws_dynamodb_table in its own Region, or of the aws_dynamodb_table data source in a replica's Region): arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>. The role may read this stream and nothing else."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}/stream/[^/\\s]+$", var.table_stream_arn))
    error_message = "table_stream_arn must be the ARN of a DynamoDB stream: arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>."
  }
}

variable "service_regions" {
  description = "Every Region of the service, this one included (the root module's list). The watcher exists only in a multi-Region deployment: fewer than two Regions is refused."
  type        = list(string)

  validation {
    condition     = length(distinct(var.service_regions)) >= 2 && alltrue([for r in var.service_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "service_regions must list at least two distinct Region names such as [\"eu-west-1\", \"us-east-1\"]: the replay watcher is for multi-Region deployments only."
  }
}

variable "batch_size" {
  description = "Most stream records per invocation (1-10000, Lambda's limit for DynamoDB streams)."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number between 1 and 10000."
  }
}

variable "maximum_retry_attempts" {
  description = "How often Lambda retries a batch whose invocation failed (a crash or a timeout; the function itself never fails on a record) before it moves on, 0-10000. Bounded so that one bad batch cannot hold back later detections until the stream's 24-hour retention."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number between 0 and 10000 (-1, infinite, is not allowed: a failing batch would block the shard)."
  }
}

variable "maximum_record_age_seconds" {
  description = "Oldest record Lambda still sends, in seconds (60-604800); older ones are skipped. The default, one hour, keeps a backlog after an outage from delaying fresh detections for long."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_record_age_seconds >= 60 && var.maximum_record_age_seconds <= 604800 && floor(var.maximum_record_age_seconds) == var.maximum_record_age_seconds
    error_message = "maximum_record_age_seconds must be a whole number between 60 and 604800."
  }
}

################################################################################
# Logging and metrics
################################################################################

variable "metrics_namespace" {
  description = "CloudWatch namespace of JtiUsedInTwoRegions (POWERTOOLS_METRICS_NAMESPACE), which the alarm reads: the root module's, so every metric of the service is in one namespace. null means name."
  type        = string
  default     = null

  # As modules/authorizer: printable ASCII, never a namespace of AWS services.
  validation {
    condition     = var.metrics_namespace == null || try(can(regex("^[\\x20-\\x7E]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/"), false)
    error_message = "metrics_namespace must be 1-255 printable ASCII characters and must not start with \"AWS/\" (the namespaces of AWS services)."
  }
}

variable "log_level" {
  description = "Powertools log level of the function (each detection is logged at WARN, a record it cannot read at ERROR)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

################################################################################
# Lambda
################################################################################

variable "artifacts_dir" {
  description = "Directory holding replay-watch.zip from `npm run build`, or replay-watch-<architecture>.zip from a downloaded release of `npm run package`; null means the dist/ directory of this repository. Ignored when artifacts_s3 is set."
  type        = string
  default     = null
}

variable "artifacts_s3" {
  description = "Take the zip from a release in S3 (published by `npm run publish-artifacts`) instead of artifacts_dir: bucket (in the function's Region), key_prefix (<prefix>/<version>, holding replay-watch-<architecture>.zip and manifest.json) and optional object_versions by function name (replay-watch; token and authorizer are ignored) or \"manifest\". The zip's SHA-256 is checked against the manifest at plan time."
  type = object({
    bucket          = string
    key_prefix      = string
    object_versions = optional(map(string), {})
  })
  default = null

  validation {
    condition     = var.artifacts_s3 == null || (try(length(var.artifacts_s3.bucket) > 0, false) && try(length(trim(var.artifacts_s3.key_prefix, "/")) > 0, false))
    error_message = "artifacts_s3 needs a bucket and a non-empty key_prefix such as \"apigw-m2m-auth/0.2.0\"."
  }

  # The release's map, as the root module passes it to every function: other functions' keys are
  # allowed (and ignored here).
  validation {
    condition     = var.artifacts_s3 == null || alltrue([for k in keys(try(var.artifacts_s3.object_versions, {})) : contains(["token", "authorizer", "replay-watch", "manifest"], k)])
    error_message = "artifacts_s3.object_versions keys must be among token, authorizer, replay-watch, manifest."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the function: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_runtime" {
  description = "Node.js runtime of the function."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be a Node.js runtime such as nodejs22.x."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds (1-60): a batch is inspected in memory, with no AWS call."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 60 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number between 1 and 60 seconds."
  }
}

################################################################################
# Monitoring (docs/operations.md)
################################################################################

variable "monitoring" {
  description = "The alarm on JtiUsedInTwoRegions (any detection in 5 minutes), on unless enabled = false. alarm_topic_arn: SNS topic told when it enters ALARM and when it returns to OK (null: it notifies nobody). runbook_url: the URL of docs/operations.md of the version you deploy, which the alarm description links with #jti-used-in-two-regions (null: the repository path docs/operations.md). The root module sets this from its own monitoring input."
  type = object({
    enabled         = optional(bool, true)
    alarm_topic_arn = optional(string)
    runbook_url     = optional(string)
  })
  default  = {}
  nullable = false

  # As modules/authorizer: an SNS topic ARN, and a runbook URL without a fragment.
  validation {
    condition     = var.monitoring.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", coalesce(var.monitoring.alarm_topic_arn, "-")))
    error_message = "monitoring.alarm_topic_arn must be the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<topic>), or null for an alarm that notifies nobody."
  }

  validation {
    condition     = var.monitoring.runbook_url == null || can(regex("^https?://[^\\s#]{1,500}$", coalesce(var.monitoring.runbook_url, "-")))
    error_message = "monitoring.runbook_url must be an http(s) URL of docs/operations.md without a #fragment (the alarm adds its own), at most 500 characters; or null for the repository path."
  }
}
