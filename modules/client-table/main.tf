# DynamoDB table of OAuth clients: partition key client_id, on-demand capacity, PITR and encryption always on.

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

  tags = var.tags
}
