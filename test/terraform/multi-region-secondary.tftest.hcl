# Multi-Region (issue 27, docs/multi-region.md): a secondary Region's instance, planned against the mock provider (its Region is the mock's us-east-1, its primary's eu-west-1), and the validations of multi_region with their messages.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name        = "unit-test-2"
  issuer      = "https://auth.example.com"
  audience    = "unit-test"
  dpop_nonces = true
  multi_region = {
    regions = ["eu-west-1", "us-east-1"]
    role    = "secondary"
    primary = {
      name               = "unit-test"
      region             = "eu-west-1"
      regions            = ["eu-west-1", "us-east-1"]
      issuer             = "https://auth.example.com"
      audience           = "unit-test"
      table_name         = "unit-test-clients"
      table_arns         = { "eu-west-1" = "arn:aws:dynamodb:eu-west-1:123456789012:table/unit-test-clients", "us-east-1" = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients" }
      table_stream_arns  = { "eu-west-1" = "arn:aws:dynamodb:eu-west-1:123456789012:table/unit-test-clients/stream/2026-01-01T00:00:00.000", "us-east-1" = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients/stream/2026-01-01T00:00:00.001" }
      signing_keys       = ["mr-2025"]
      active_signing_key = "mr-2025"
      signing_key_arns   = { "mr-2025" = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab" }
      single_region_keys = []
      signing_algorithm  = "RS256"
      dpop_nonce_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-00000000000000000000000000000001"
      security_profile   = "none"
      revocation_check   = true
    }
  }
}

run "a_secondary_uses_the_replica_of_the_primarys_table_and_replicates_its_keys" {
  command = plan

  assert {
    condition     = length(module.client_table) == 0 && output.client_table_name == "unit-test-clients" && output.client_table_arn == "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    error_message = "With a global table, a secondary has no table of its own: it uses its Region's replica (same name, the ARN the primary reports)."
  }

  assert {
    condition     = join(",", local.signing_key_names) == "mr-2025" && local.active_signing_key == "mr-2025" && join(",", keys(output.signing_key_arns)) == "mr-2025" && join(",", module.signing_key.multi_region_key_names) == "mr-2025"
    error_message = "A secondary replicates the primary's keys and signs with the primary's active key."
  }

  assert {
    condition     = length(aws_dynamodb_table_item.regions) == 0 && output.control_region == "eu-west-1" && join(",", output.service_regions) == "eu-west-1,us-east-1" && output.multi_region_primary == null && output.issuer == "https://auth.example.com"
    error_message = "The regions item replicates from the primary; admin writes go to the primary's Region; one issuer."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.replication_latency) == 0
    error_message = "Replication lag alarms live in the primary, where DynamoDB publishes ReplicationLatency."
  }

  assert {
    condition     = length(module.dpop_nonce_key) == 1
    error_message = "With nonces on, the secondary replicates the primary's nonce key."
  }

  assert {
    condition     = length(module.replay_watch) == 1 && module.replay_watch[0].function_name == "unit-test-2-replay-watch" && length(module.replay_watch[0].alarm_arns) == 1
    error_message = "With a global table, the secondary runs its replay watcher, with its alarm."
  }
}

run "without_replication_a_secondary_has_its_own_table_of_the_same_name" {
  command = plan

  variables {
    multi_region = merge(var.multi_region, { table_replication = "none" })
  }

  assert {
    condition     = module.client_table[0].table_name == "unit-test-clients" && length(local.table_replica_regions) == 0 && jsondecode(aws_dynamodb_table_item.regions[0].item).control_region.S == "eu-west-1"
    error_message = "table_replication = \"none\": a plain table of the primary's name, with its own config#regions item."
  }

  assert {
    condition     = length(module.replay_watch) == 0
    error_message = "Without replication nothing can be detected: no replay watcher."
  }
}

################################################################################
# Validations: each refused with a message naming the variable
################################################################################

run "refuses_one_region" {
  command = plan

  variables {
    multi_region = { regions = ["us-east-1"], role = "primary" }
  }

  expect_failures = [var.multi_region]
}

run "refuses_an_unknown_role_and_replication" {
  command = plan

  variables {
    multi_region = { regions = ["us-east-1", "eu-west-1"], role = "tertiary", table_replication = "streams" }
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_secondary_without_its_primary" {
  command = plan

  variables {
    multi_region = { regions = ["eu-west-1", "us-east-1"], role = "secondary" }
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_secondary_with_the_primarys_name" {
  command = plan

  variables {
    name = "unit-test"
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_secondary_before_the_rotation_to_multi_region_keys_is_finished" {
  command = plan

  variables {
    multi_region = merge(var.multi_region, { primary = merge(var.multi_region.primary, { single_region_keys = ["2024-01"] }) })
  }

  expect_failures = [var.multi_region]
}

run "refuses_another_issuer_than_the_primarys" {
  command = plan

  variables {
    issuer = "https://auth-us.example.com"
  }

  expect_failures = [var.multi_region]
}

run "refuses_multi_region_without_issuer" {
  command = plan

  variables {
    issuer                    = null
    multi_region              = { regions = ["us-east-1", "eu-west-1"], role = "primary" }
    multi_region_signing_keys = ["primary"]
  }

  expect_failures = [var.multi_region]
}

run "refuses_usage_plans" {
  command = plan

  variables {
    revocation_check = true
    usage_plans      = { standard = { rate_limit = 10, burst_limit = 20 } }
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_primary_without_multi_region_signing_keys" {
  command = plan

  variables {
    multi_region = { regions = ["us-east-1", "eu-west-1"], role = "primary" }
  }

  expect_failures = [var.multi_region_signing_keys]
}

run "refuses_a_dpop_window_over_60_seconds" {
  command = plan

  variables {
    dpop_iat_past_seconds = 61
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_deployment_whose_own_region_is_not_listed" {
  command = plan

  variables {
    multi_region              = { regions = ["eu-west-1", "ap-southeast-2"], role = "primary" }
    multi_region_signing_keys = ["primary"]
  }

  expect_failures = [terraform_data.multi_region]
}

run "refuses_another_security_profile_than_the_primarys" {
  command = plan

  # The primary runs the FAPI 2.0 profile; this Region would accept client secrets and Bearer
  # tokens under the same issuer.
  variables {
    multi_region = merge(var.multi_region, { primary = merge(var.multi_region.primary, { security_profile = "fapi2" }) })
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_secondary_without_revocation_checks" {
  command = plan

  variables {
    revocation_check = false
  }

  expect_failures = [var.multi_region]
}

run "refuses_a_secondary_without_the_primarys_dpop_nonces" {
  command = plan

  variables {
    dpop_nonces = false
  }

  expect_failures = [terraform_data.multi_region]
}
