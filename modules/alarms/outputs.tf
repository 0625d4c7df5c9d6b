# Outputs of the alarms submodule.

output "alarm_arns" {
  description = "ARN of each alarm, by key (token_errors, api_5xx_errors, authorizer_errors, ...); the key with hyphens is the alarm's section of docs/operations.md."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn }
}

output "alarm_names" {
  description = "Name of each alarm, by key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }
}
