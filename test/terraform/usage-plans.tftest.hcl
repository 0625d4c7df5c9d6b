# Usage plans (issue 14): the plans, their throttles and quotas, the CLI's config item, the authorizer's environment and IAM, and the validations (mock provider, plan only).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

run "no_plans_by_default_and_the_default_key_source" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_usage_plan.this) == 0 && length(aws_dynamodb_table_item.usage_plans) == 0
    error_message = "Without usage_plans the module creates no plan and no config item."
  }

  assert {
    condition     = aws_api_gateway_rest_api.this[0].api_key_source == "HEADER"
    error_message = "Without plans the API the module creates keeps API Gateway's default key source."
  }

  assert {
    condition     = module.authorizer.usage_plans == false && length(output.usage_plan_ids) == 0
    error_message = "The authorizer returns no usageIdentifierKey without plans."
  }
}

run "plans_become_usage_plans_on_the_stage" {
  command = plan

  variables {
    usage_plans = {
      bronze = { rate_limit = 2, burst_limit = 2, quota = { limit = 5, period = "DAY" } }
      gold = {
        rate_limit       = 100
        burst_limit      = 200
        quota            = { limit = 100000, period = "MONTH", offset = 3 }
        method_throttles = { "GET /orders/{id}" = { rate_limit = 10, burst_limit = 20 } }
      }
    }
    default_usage_plan = "bronze"
  }

  override_resource {
    target          = aws_api_gateway_rest_api.this[0]
    override_during = plan
    values = {
      id               = "newapi1234"
      root_resource_id = "newroot123"
    }
  }

  override_resource {
    target          = aws_api_gateway_usage_plan.this["bronze"]
    override_during = plan
    values          = { id = "plan-bronze" }
  }

  override_resource {
    target          = aws_api_gateway_usage_plan.this["gold"]
    override_during = plan
    values          = { id = "plan-gold" }
  }

  assert {
    condition = (
      aws_api_gateway_usage_plan.this["bronze"].name == "unit-test-bronze" &&
      aws_api_gateway_usage_plan.this["bronze"].throttle_settings[0].rate_limit == 2 &&
      aws_api_gateway_usage_plan.this["bronze"].throttle_settings[0].burst_limit == 2 &&
      aws_api_gateway_usage_plan.this["bronze"].quota_settings[0].limit == 5 &&
      aws_api_gateway_usage_plan.this["bronze"].quota_settings[0].period == "DAY" &&
      aws_api_gateway_usage_plan.this["bronze"].quota_settings[0].offset == 0
    )
    error_message = "A plan's rate, burst and quota map onto the usage plan."
  }

  assert {
    condition = (
      one(aws_api_gateway_usage_plan.this["gold"].api_stages).api_id == "newapi1234" &&
      one(aws_api_gateway_usage_plan.this["gold"].api_stages).stage == "v1" &&
      one(one(aws_api_gateway_usage_plan.this["gold"].api_stages).throttle).path == "/orders/{id}/GET" &&
      one(one(aws_api_gateway_usage_plan.this["gold"].api_stages).throttle).rate_limit == 10 &&
      one(one(aws_api_gateway_usage_plan.this["gold"].api_stages).throttle).burst_limit == 20 &&
      aws_api_gateway_usage_plan.this["gold"].quota_settings[0].offset == 3
    )
    error_message = "Plans apply to the module's stage, with per-method overrides keyed /<path>/<METHOD>."
  }

  assert {
    condition = (
      jsondecode(aws_dynamodb_table_item.usage_plans[0].item).client_id.S == "config#usage-plans" &&
      jsondecode(aws_dynamodb_table_item.usage_plans[0].item).default_plan.S == "bronze" &&
      jsondecode(aws_dynamodb_table_item.usage_plans[0].item).rest_api_id.S == "newapi1234" &&
      jsondecode(aws_dynamodb_table_item.usage_plans[0].item).plans.M.gold.S == "plan-gold" &&
      output.usage_plan_ids["bronze"] == "plan-bronze" &&
      aws_dynamodb_table_item.usage_plans[0].table_name == "unit-test-clients"
    )
    error_message = "The clients table holds the plan ids and the default plan for the CLI, under a reserved id."
  }

  assert {
    condition     = module.authorizer.usage_plans == true
    error_message = "With plans the authorizer returns usageIdentifierKey."
  }

  assert {
    condition     = aws_api_gateway_rest_api.this[0].api_key_source == "AUTHORIZER"
    error_message = "With plans the API the module creates takes API keys from the authorizer, never from x-api-key."
  }
}

run "plans_need_revocation" {
  command = plan

  variables {
    usage_plans      = { bronze = { rate_limit = 2, burst_limit = 2 } }
    revocation_check = false
  }

  expect_failures = [var.usage_plans]
}

run "default_plan_must_be_a_plan" {
  command = plan

  variables {
    usage_plans        = { bronze = { rate_limit = 2, burst_limit = 2 } }
    default_usage_plan = "silver"
  }

  expect_failures = [var.default_usage_plan]
}

run "plan_numbers_are_guarded" {
  command = plan

  variables {
    usage_plans = {
      "bad name" = { rate_limit = 0, burst_limit = 0.5, quota = { limit = 0, period = "YEAR" } }
      other      = { rate_limit = 1, burst_limit = 1, method_throttles = { "ANY /x" = { rate_limit = 1, burst_limit = 1 } } }
    }
  }

  expect_failures = [var.usage_plans]
}

run "quota_offset_stays_inside_the_period" {
  command = plan

  variables {
    usage_plans = { daily = { rate_limit = 1, burst_limit = 1, quota = { limit = 10, period = "DAY", offset = 1 } } }
  }

  expect_failures = [var.usage_plans]
}

run "authorizer_alone_returns_keys_only_with_revocation" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    rest_api_id     = "abc123"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    usage_plans     = true
    revocation = {
      table_name = "clients"
      table_arn  = "arn:aws:dynamodb:us-east-1:123456789012:table/clients"
    }
  }

  assert {
    condition     = module.function.environment_variables["USAGE_PLANS"] == "true" && module.function.environment_variables["REVOCATION_CHECK"] == "true"
    error_message = "The authorizer is told to return usageIdentifierKey."
  }

  assert {
    condition = contains(
      flatten([for c in data.aws_iam_policy_document.this.statement[0].condition : c.values if c.variable == "dynamodb:Attributes"]),
      "usage_key",
    )
    error_message = "The authorizer may read the usage_key attribute (and still no secret)."
  }
}
