# Multi-Region (issue 27, docs/multi-region.md): what moto_server cannot show, planned against the mock provider. The global table's replica blocks (moto has no replicas), each replica key's policy naming only its own Region's token role (moto does not evaluate key policies), the primary/secondary wiring, the key rotation to multi-Region keys, and every validation of multi_region.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

################################################################################
# Primary: global table, multi-Region keys, config#regions, replication alarms
################################################################################

run "primary_owns_the_global_table_the_multi_region_keys_and_the_regions_item" {
  command = plan

  variables {
    issuer       = "https://auth.example.com"
    multi_region = { regions = ["us-east-1", "eu-west-1", "ap-southeast-2"], role = "primary" }
    # Mid-rotation from a single-Region key (docs/multi-region.md): the new key is multi-Region.
    signing_keys              = ["2024-01", "mr-2025"]
    active_signing_key        = "mr-2025"
    multi_region_signing_keys = ["mr-2025"]
    dpop_nonces               = true
    monitoring                = { alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms" }
  }

  assert {
    condition     = join(",", local.table_replica_regions) == "eu-west-1,ap-southeast-2" && length(module.client_table) == 1 && output.client_table_name == "unit-test-clients"
    error_message = "The primary's table is the global table, with a replica in every other Region."
  }

  assert {
    condition     = join(",", output.service_regions) == "us-east-1,eu-west-1,ap-southeast-2" && output.control_region == "us-east-1"
    error_message = "SERVICE_REGIONS lists every Region; the primary is the control Region."
  }

  assert {
    condition     = join(",", module.signing_key.multi_region_key_names) == "mr-2025" && join(",", output.multi_region_primary.single_region_keys) == "2024-01" && join(",", keys(output.multi_region_primary.signing_key_arns)) == "mr-2025" && join(",", output.multi_region_primary.signing_keys) == "2024-01,mr-2025" && output.multi_region_primary.active_signing_key == "mr-2025" && length(local.public_keys_pem) == 2
    error_message = "During the rotation both keys are trusted and published; the primary reports the single-Region key, which a secondary refuses until it is removed."
  }

  assert {
    condition = jsondecode(aws_dynamodb_table_item.regions[0].item) == {
      client_id      = { S = "config#regions" }
      regions        = { L = [{ S = "us-east-1" }, { S = "eu-west-1" }, { S = "ap-southeast-2" }] }
      control_region = { S = "us-east-1" }
    } && aws_dynamodb_table_item.regions[0].table_name == "unit-test-clients"
    error_message = "config#regions names every Region and the control Region, for the clients CLI."
  }

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.replication_latency)) == toset(["eu-west-1", "ap-southeast-2"]) && alltrue([
      for region, a in aws_cloudwatch_metric_alarm.replication_latency :
      a.namespace == "AWS/DynamoDB" && a.metric_name == "ReplicationLatency" && a.dimensions.TableName == "unit-test-clients" && a.dimensions.ReceivingRegion == region && length(a.dimensions) == 2 && a.threshold == 60000 && join(",", a.alarm_actions) == "arn:aws:sns:us-east-1:123456789012:alarms"
    ])
    error_message = "The primary alarms on the replication lag to each replica Region."
  }

  assert {
    condition     = output.multi_region_primary.name == "unit-test" && output.multi_region_primary.issuer == "https://auth.example.com" && output.multi_region_primary.audience == "unit-test" && output.multi_region_primary.region == "us-east-1" && output.multi_region_primary.signing_algorithm == "RS256"
    error_message = "multi_region_primary hands the secondaries what they must share."
  }
  assert {
    condition     = length(module.replay_watch) == 1 && length(module.replay_watch[0].alarm_arns) == 1
    error_message = "The primary runs its replay watcher on its table's stream, and reports each replica's stream to the secondaries."
  }
}

run "single_region_deployments_keep_one_table_and_single_region_keys" {
  command = plan

  assert {
    condition     = length(local.table_replica_regions) == 0 && length(output.service_regions) == 0 && length(aws_dynamodb_table_item.regions) == 0 && length(aws_cloudwatch_metric_alarm.replication_latency) == 0 && output.multi_region_primary == null && length(module.signing_key.multi_region_key_names) == 0 && length(terraform_data.multi_region) == 0
    error_message = "Without multi_region nothing changes: no replicas, no regions item, no multi-Region keys."
  }
}

################################################################################
# The table, the keys and the nonce key, module by module
################################################################################

run "client_table_replicas_have_pitr_and_the_table_streams_new_and_old_images" {
  command = plan

  module {
    source = "./modules/client-table"
  }

  variables {
    name            = "unit-test-clients"
    replica_regions = ["eu-west-1", "ap-southeast-2"]
  }

  assert {
    condition     = toset([for r in aws_dynamodb_table.this.replica : r.region_name]) == toset(["eu-west-1", "ap-southeast-2"]) && alltrue([for r in aws_dynamodb_table.this.replica : r.point_in_time_recovery && r.propagate_tags])
    error_message = "One replica per other Region, each with point-in-time recovery and the table's tags."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES" && aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this.point_in_time_recovery[0].enabled
    error_message = "Replication reads a stream of new and old images; on-demand capacity; PITR on the table too."
  }
}

run "client_table_without_replicas_has_no_stream" {
  command = plan

  module {
    source = "./modules/client-table"
  }

  variables {
    name = "unit-test-clients"
  }

  assert {
    condition     = length(aws_dynamodb_table.this.replica) == 0 && aws_dynamodb_table.this.stream_enabled != true
    error_message = "A single-Region table gets no replica and no stream."
  }
}

run "client_table_replicas_need_a_key_of_their_region_with_a_customer_managed_key" {
  command = plan

  module {
    source = "./modules/client-table"
  }

  variables {
    name            = "unit-test-clients"
    kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
    replica_regions = ["eu-west-1"]
  }

  expect_failures = [var.replica_kms_key_arns]
}

# Moving to multi-Region keys is a rotation: the old key stays as it is (never replaced), the new
# one is created multi-Region next to it, and both are published until the old one is removed.
run "a_new_multi_region_key_is_added_next_to_the_old_key" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names              = ["2024-01", "mr-2025"]
    multi_region_key_names = ["mr-2025"]
    replica_regions        = ["eu-west-1", "ap-southeast-2"]
    signer_role_arns       = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }

  # The mock renders every policy document alike: the statement blocks are checked here, the
  # rendered JSON and its evaluation in test/terraform/iam-policies.test.ts.
  assert {
    condition = length(data.aws_iam_policy_document.multi_region_key_policy) == 1 && alltrue([for s in data.aws_iam_policy_document.multi_region_key_policy[0].statement : (
      s.sid == "AllowKeyAdministratorsToReplicateKeys" && s.effect == "Allow" && s.actions == toset(["kms:ReplicateKey"]) && one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:user/terraform-test"]) && one(s.condition).test == "StringEquals" && one(s.condition).variable == "kms:ReplicaRegion" && one(s.condition).values == tolist(["eu-west-1", "ap-southeast-2"])
    )])
    error_message = "The multi-Region keys' policy adds kms:ReplicateKey for the key administrators, into the listed Regions only."
  }

  assert {
    condition     = aws_kms_key.this["2024-01"].multi_region == false && aws_kms_key.this["mr-2025"].multi_region == true && length(aws_kms_replica_key.this) == 0 && join(",", output.multi_region_key_names) == "mr-2025" && length(data.aws_kms_public_key.this) == 2
    error_message = "Only the named key is multi-Region; the old key keeps multi_region = false, so it is not replaced, and both keys are published."
  }
}

# Each Region's replica has its own policy: this Region's token role alone may sign (moto stores
# key policies but does not evaluate them, so this is where the statements are checked).
run "a_replica_key_lets_only_its_regions_token_role_sign" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names        = ["mr-2025"]
    primary_key_arns = { "mr-2025" = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab" }
    signer_role_arns = ["arn:aws:iam::123456789012:role/unit-test-2-token"]
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_kms_replica_key.this["mr-2025"].primary_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab" && aws_kms_replica_key.this["mr-2025"].bypass_policy_lockout_safety_check == false
    error_message = "Replica mode replicates the primary's key and creates none of its own."
  }

  # Given to ReplicateKey itself: never the default key policy, at creation or at removal.
  assert {
    condition     = aws_kms_replica_key.this["mr-2025"].policy == data.aws_iam_policy_document.key_policy.json && length(data.aws_iam_policy_document.multi_region_key_policy) == 0
    error_message = "The replica's policy is this module's document, passed inline to aws_kms_replica_key, without the primary keys' ReplicateKey statement."
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : (
      s.sid == "AllowTokenFunctionToSign" ? one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/unit-test-2-token"]) :
      s.sid == "DenySigningByAnyoneElse" ? join(",", one(s.condition).values) == "arn:aws:iam::123456789012:role/unit-test-2-token" && one(s.condition).test == "ArnNotEquals" && one(s.condition).variable == "aws:PrincipalArn" :
      !contains(s.actions, "kms:Sign") || s.effect == "Deny"
    )])
    error_message = "Only this Region's token role may sign with the replica, and everybody else is denied."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.key_policy.statement : s if s.sid == "DenyGrantCreation" || s.sid == "DenyKeyManagementByOthers"]) == 2
    error_message = "The replica keeps the hardened statements of the primary keys."
  }
}

run "the_nonce_key_is_multi_region_in_the_primary_and_replicated_in_a_secondary" {
  command = plan

  module {
    source = "./modules/dpop-nonce-key"
  }

  variables {
    mac_role_arns      = ["arn:aws:iam::123456789012:role/unit-test-2-token"]
    key_administrators = ["arn:aws:iam::123456789012:user/terraform-test"]
    primary_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/mrk-00000000000000000000000000000001"
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_kms_replica_key.this[0].primary_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/mrk-00000000000000000000000000000001" && aws_kms_replica_key.this[0].policy == data.aws_iam_policy_document.key_policy.json && length(data.aws_iam_policy_document.multi_region_key_policy) == 0
    error_message = "A secondary replicates the primary's nonce key, with this module's policy passed inline to aws_kms_replica_key."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key_policy.statement : one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/unit-test-2-token"]) if s.sid == "AllowTokenFunctionToGenerateMac"]) && contains([for s in data.aws_iam_policy_document.key_policy.statement : s.sid], "AllowTokenFunctionToGenerateMac")
    error_message = "Only this Region's token role may make a MAC with the replica."
  }
}

# An existing single-Region key named in multi_region_key_names later is not replaced (deleted):
# multi_region is ignored after creation, the key stays single-Region, the output (from which the
# root computes single_region_keys, refused by a secondary) does not list it, and a check says why.
run "an_existing_single_region_key_is_created" {
  command   = apply
  state_key = "m3"

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names        = ["2024-01"]
    signer_role_arns = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }
}

run "naming_an_existing_key_multi_region_keeps_it_single_region" {
  command   = plan
  state_key = "m3"

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names              = ["2024-01"]
    multi_region_key_names = ["2024-01"]
    replica_regions        = ["eu-west-1"]
    signer_role_arns       = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }

  expect_failures = [check.multi_region_keys_are_multi_region]

  # A replacement would plan an unknown ARN; the key keeps its ARN and multi_region = false.
  assert {
    condition     = aws_kms_key.this["2024-01"].arn == run.an_existing_single_region_key_is_created.key_arns["2024-01"] && aws_kms_key.this["2024-01"].multi_region == false
    error_message = "The existing key is kept as it is (same ARN, single-Region), not replaced."
  }

  assert {
    condition     = length(output.multi_region_key_names) == 0
    error_message = "The key is reported as single-Region, so a secondary refuses it."
  }
}
