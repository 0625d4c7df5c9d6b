# Outputs of the client-table submodule.

output "table_name" {
  description = "Name of the clients table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the clients table."
  value       = aws_dynamodb_table.this.arn
}
