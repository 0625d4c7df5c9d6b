# Outputs of the replay-watch submodule.

output "function_name" {
  description = "Name of the replay watcher function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the replay watcher function."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the function's execution role (it may read table_stream_arn and write its own log group, nothing else)."
  value       = module.function.role_arn
}

output "role_policy" {
  description = "The role's inline least-privilege policy (JSON)."
  value       = module.function.role_policy
}

output "log_group_name" {
  description = "Name of the function's log group, where each detection is a WARN line jti_used_in_two_regions."
  value       = module.function.log_group_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping from the stream to the function."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "filter_patterns" {
  description = "The event source mapping's filter patterns (JSON), one per single-use key prefix (jti#, dpopjti#)."
  value       = local.filter_patterns
}

output "metrics_namespace" {
  description = "CloudWatch namespace of JtiUsedInTwoRegions (POWERTOOLS_METRICS_NAMESPACE; docs/metrics.md)."
  value       = local.metrics_namespace
}

output "alarm_arns" {
  description = "ARN of the alarm by key (jti_used_in_two_regions); {} with monitoring.enabled = false. docs/operations.md has its section."
  value       = { for a in aws_cloudwatch_metric_alarm.jti_used_in_two_regions : "jti_used_in_two_regions" => a.arn }
}
