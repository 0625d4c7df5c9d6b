# Outputs of the lambda-function submodule.

output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function (integration and authorizer URIs)."
  value       = aws_lambda_function.this.invoke_arn
}

output "source_code_hash" {
  description = "Base64 SHA-256 of the deployment zip as configured, or null when the zip is missing."
  value       = aws_lambda_function.this.source_code_hash
}

output "timeout" {
  description = "Timeout of the function in seconds, as configured."
  value       = aws_lambda_function.this.timeout
}

output "environment_variables" {
  description = "Environment variables of the function, as configured on it."
  value       = try(aws_lambda_function.this.environment[0].variables, {})
}

output "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for the function, as configured; -1 when unreserved."
  value       = aws_lambda_function.this.reserved_concurrent_executions
}

output "role_arn" {
  description = "ARN of the execution role. Depends on the role only (not its policy), so callers may name it in key policies that the role policy refers to."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "role_policy" {
  description = "Inline least-privilege policy attached to the execution role."
  value       = aws_iam_role_policy.this.policy
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group without the :* suffix, built from names so it is known at plan time (grant logs:CreateLogStream and logs:PutLogEvents on \"<arn>:*\")."
  value       = local.log_group_arn
}
