# Multi-Region, active-active (issue 27, docs/multi-region.md): this instance's role, the clients table of each Region, the config#regions item, and what the primary hands to the secondaries.

locals {
  multi_region = var.multi_region != null
  mr_primary   = local.multi_region && try(var.multi_region.role == "primary", false)
  mr_secondary = local.multi_region && try(var.multi_region.role == "secondary", false)
  global_table = local.multi_region && try(var.multi_region.table_replication == "global_table", false)

  # Every Region of the service, own included ([] single-Region): the functions' SERVICE_REGIONS
  # (functions/shared/regions.ts), through modules/token-endpoint and modules/authorizer.
  service_regions = local.multi_region ? var.multi_region.regions : []
  # What the function modules get: the same list, or none when it leaves out this Region. That
  # mistake is refused here, by terraform_data.multi_region, with a message about multi_region;
  # the modules' own checks would repeat it in terms of their inputs.
  function_service_regions = contains(local.service_regions, local.region) ? local.service_regions : []
  # Admin writes go to the control Region, the primary's (docs/multi-region.md).
  control_region = local.mr_secondary ? var.multi_region.primary.region : local.region

  # The primary owns the global table and a replica in every other Region. A secondary with a
  # global table has no table of its own: it uses the replica, which has the same name ("All
  # replicas in a global table share the same table name, primary key schema, and item data",
  # "How DynamoDB global tables work",
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html)
  # and the ARN the primary reports for this Region. That ARN is known only once the primary has
  # created the replica, so everything here that names it (IAM policies, functions) is created
  # after it. With table_replication = "none" each Region has its own plain table of that name.
  own_table = !(local.mr_secondary && local.global_table)
  # The primary's view of the others: where its table has replicas and its keys may be replicated.
  replica_regions       = local.mr_primary ? [for r in var.multi_region.regions : r if r != local.region] : []
  table_replica_regions = local.global_table ? local.replica_regions : []
  table_name            = local.own_table ? module.client_table[0].table_name : var.multi_region.primary.table_name
  table_arn             = local.own_table ? module.client_table[0].table_arn : var.multi_region.primary.table_arns[local.region]
}

# What a plan can only check once the Region is known (data.aws_region): the variables' own
# validations cannot read it.
resource "terraform_data" "multi_region" {
  count = local.multi_region ? 1 : 0

  input = { region = local.region, role = var.multi_region.role }

  lifecycle {
    precondition {
      condition     = contains(var.multi_region.regions, local.region)
      error_message = "multi_region.regions must include this instance's own Region (${local.region}): list every Region of the service."
    }

    precondition {
      condition     = !local.mr_secondary || try(var.multi_region.primary.region != local.region, false)
      error_message = "A multi_region secondary must run in another Region than its primary (${try(var.multi_region.primary.region, "-")}): give this module instance the provider of its own Region."
    }

    precondition {
      condition     = !local.mr_secondary || !local.global_table || contains(keys(try(var.multi_region.primary.table_arns, {})), local.region)
      error_message = "multi_region.primary.table_arns has no replica in ${local.region}: add this Region to the primary's multi_region.regions and apply the primary first."
    }

    precondition {
      condition     = !local.mr_secondary || local.dpop_nonces == try(var.multi_region.primary.dpop_nonce_key_arn != null, false)
      error_message = "DPoP nonces must be on in every Region or in none (dpop_nonces or security_profile here; multi_region.primary.dpop_nonce_key_arn in the primary): a Region without them would accept proofs the others refuse."
    }
  }
}

# Where the clients CLI learns the Regions and the control Region (docs/multi-region.md): one
# reserved item, written in every table Terraform owns. With a global table that is the primary's
# alone, and replication copies it; with table_replication = "none" every Region writes its own.
resource "aws_dynamodb_table_item" "regions" {
  count = local.multi_region && local.own_table ? 1 : 0

  table_name = local.table_name
  hash_key   = "client_id"

  item = jsonencode({
    client_id      = { S = "config#regions" }
    regions        = { L = [for r in var.multi_region.regions : { S = r }] }
    control_region = { S = local.control_region }
  })
}

# Replication lag of each replica: "ReplicationLatency is expressed in milliseconds and is emitted
# for every source- and destination-Region pair" ("Monitoring global tables",
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html),
# under the dimensions TableName and ReceivingRegion ("DynamoDB metrics and dimensions",
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html), in the
# source Region. The primary alarms when replication to a Region averages over 60 s for 5 minutes:
# client changes made in the control Region then reach that Region late (docs/multi-region.md).
resource "aws_cloudwatch_metric_alarm" "replication_latency" {
  for_each = var.monitoring.enabled ? toset(local.table_replica_regions) : toset([])

  alarm_name          = "${var.name}-replication-latency-${each.key}"
  alarm_description   = "Replication of the clients table to ${each.key} averages over 60 s. Runbook: ${coalesce(var.monitoring.runbook_url, "docs/operations.md")}#replication-latency"
  namespace           = "AWS/DynamoDB"
  metric_name         = "ReplicationLatency"
  dimensions          = { TableName = local.table_name, ReceivingRegion = each.key }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  threshold           = 60000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = compact([var.monitoring.alarm_topic_arn])
  ok_actions          = compact([var.monitoring.alarm_topic_arn])

  tags = local.tags
}

# The after-the-fact cross-Region replay detector (docs/multi-region.md, "The after-the-fact
# detector"): a function on this Region's stream of the global table. Only with a global table:
# with table_replication = "none" (emulators) nothing replicates, so nothing could be detected.
module "replay_watch" {
  source = "./modules/replay-watch"
  count  = local.global_table && length(local.function_service_regions) > 1 ? 1 : 0

  name = var.name
  # The primary's own table or this Region's replica (the primary reports each replica's stream).
  table_stream_arn  = local.mr_primary ? module.client_table[0].stream_arns[local.region] : var.multi_region.primary.table_stream_arns[local.region]
  service_regions   = local.function_service_regions
  metrics_namespace = local.metrics_namespace
  monitoring = {
    enabled         = var.monitoring.enabled
    alarm_topic_arn = var.monitoring.alarm_topic_arn
    runbook_url     = var.monitoring.runbook_url
  }

  log_level           = var.log_level
  log_retention_days  = var.log_retention_days
  artifacts_dir       = local.artifacts_dir
  artifacts_s3        = local.artifacts_s3["replay-watch"]
  lambda_architecture = var.lambda_architecture
  lambda_runtime      = var.lambda_runtime

  tags = local.tags
}
