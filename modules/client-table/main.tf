# DynamoDB table of OAuth clients: partition key client_id, on-demand capacity, PITR and encryption always on.

data "aws_region" "current" {}

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "client_id"

  attribute {
    name = "client_id"
    type = "S"
  }

  # Client records are credentials: keep a 35-day restore window and encrypt at rest with KMS.
  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  # Revoked-token items (`revoked#<jti>`) carry their token's expiry in expires_at. DynamoDB TTL
  # deletes them some time after it ("DynamoDB typically deletes expired items within two days of
  # expiration", API Reference, UpdateTimeToLive,
  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html), so
  # the list never grows without bound; readers compare the expiry themselves. Client records have
  # no expires_at and are never expired.
  dynamic "ttl" {
    for_each = var.ttl_enabled ? [1] : []

    content {
      attribute_name = "expires_at"
      enabled        = true
    }
  }

  deletion_protection_enabled = var.deletion_protection_enabled

  # Multi-Region (docs/multi-region.md): a global table, version 2019.11.21, whose replicas are
  # managed through UpdateTable and DescribeTable ("DynamoDB global tables versions",
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables.DetermineVersion.html).
  # Replication reads the table's stream of new and old images, which the provider's replica
  # example turns on the same way; on-demand capacity needs no replica capacity settings. The
  # replicas share the name, key schema, items and TTL setting; each replica's point-in-time
  # recovery and encryption key are its own, so both are set per replica. Replication is
  # eventual: "newly written items are usually propagated to all replica tables within a second",
  # concurrent writes to one item are resolved last writer wins, and there is no SLA on the lag
  # ("Overview of global tables", AWS Prescriptive Guidance,
  # https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html).
  # Provider 5.x has no multi-Region strong consistency (consistency_mode is 6.x).
  stream_enabled   = length(var.replica_regions) > 0 ? true : null
  stream_view_type = length(var.replica_regions) > 0 ? "NEW_AND_OLD_IMAGES" : null

  dynamic "replica" {
    for_each = var.replica_regions

    content {
      region_name            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
      kms_key_arn            = lookup(var.replica_kms_key_arns, replica.value, null)
    }
  }

  tags = var.tags
}
