# Outputs of the client-table submodule.

output "table_name" {
  description = "Name of the clients table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the clients table."
  value       = aws_dynamodb_table.this.arn
}

output "table_arns" {
  description = "ARN of the table in each Region, by Region name: the table's own and each replica's (one entry without replicas)."
  value       = merge({ (data.aws_region.current.id) = aws_dynamodb_table.this.arn }, { for r in aws_dynamodb_table.this.replica : r.region_name => r.arn })
}

output "stream_arns" {
  description = "ARN of the stream of the table in each Region, by Region name (the table's own and each replica's); empty without replicas, which have no stream here."
  value       = length(var.replica_regions) == 0 ? {} : merge({ (data.aws_region.current.id) = aws_dynamodb_table.this.stream_arn }, { for r in aws_dynamodb_table.this.replica : r.region_name => r.stream_arn })
}
