# service_regions of modules/token-endpoint and modules/authorizer (docs/multi-region.md): SERVICE_REGIONS only with more than one Region, the token role's PutItem of revoked# items in the other Regions' tables and nothing more, and the validations (terraform test, mock provider; its Region is us-east-1).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name        = "unit-test"
  rest_api_id = "api1234567"
  issuer      = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
  audience    = "unit-test"

  root_resource_id       = "root123456"
  execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
  table_name             = "unit-test-clients"
  table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
  signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/a"]
  active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
}

run "token_endpoint_in_three_regions" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    revocation      = true
    service_regions = ["eu-west-1", "us-east-1", "ap-southeast-2"]
  }

  assert {
    condition     = module.function.environment_variables["SERVICE_REGIONS"] == "eu-west-1,us-east-1,ap-southeast-2"
    error_message = "SERVICE_REGIONS must list every Region, in order."
  }

  assert {
    condition = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "WriteRevokedTokensInOtherRegions"]) == 1 && alltrue([
      for s in data.aws_iam_policy_document.this.statement : toset(s.resources) == toset([
        "arn:aws:dynamodb:eu-west-1:123456789012:table/unit-test-clients",
        "arn:aws:dynamodb:ap-southeast-2:123456789012:table/unit-test-clients",
      ]) if s.sid == "WriteRevokedTokensInOtherRegions"
    ])
    error_message = "The fan-out statement must name the same-named table of each other Region, and not the own one."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement : (
        toset(s.actions) == toset(["dynamodb:PutItem"]) &&
        anytrue([for c in s.condition : c.variable == "dynamodb:LeadingKeys" && c.test == "ForAllValues:StringLike" && toset(c.values) == toset(["revoked#*"])]) &&
        anytrue([for c in s.condition : c.variable == "dynamodb:LeadingKeys" && c.test == "Null" && toset(c.values) == toset(["false"])])
      ) if s.sid == "WriteRevokedTokensInOtherRegions"
    ])
    error_message = "The fan-out statement may only PutItem revoked# items, with the key required."
  }
}

run "token_endpoint_in_one_region" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    revocation      = true
    service_regions = ["us-east-1"]
  }

  assert {
    condition     = !contains(keys(module.function.environment_variables), "SERVICE_REGIONS")
    error_message = "One Region is a single-Region deployment: no SERVICE_REGIONS."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "WriteRevokedTokensInOtherRegions"]) == 0
    error_message = "No cross-Region statement in one Region."
  }
}

run "token_endpoint_without_revocation_writes_nowhere_else" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    service_regions = ["eu-west-1", "us-east-1"]
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "WriteRevokedTokensInOtherRegions"]) == 0
    error_message = "Without revocation the token role writes no revoked# item anywhere."
  }
}

run "authorizer_gets_service_regions" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    service_regions = ["us-east-1", "eu-west-1"]
  }

  assert {
    condition     = module.function.environment_variables["SERVICE_REGIONS"] == "us-east-1,eu-west-1"
    error_message = "The authorizer must get SERVICE_REGIONS too."
  }
}

run "rejects_a_list_without_the_own_region" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    service_regions = ["eu-west-1", "ap-south-1"]
  }

  expect_failures = [var.service_regions]
}

run "rejects_names_that_are_not_regions_and_repeats" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    service_regions = ["us-east-1", "Europe", "us-east-1"]
  }

  expect_failures = [var.service_regions]
}

# The multi-Region caps of functions/shared/regions.ts: refused in the plan, not at every cold start.
run "token_endpoint_refuses_a_long_dpop_window_in_several_regions" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    service_regions       = ["eu-west-1", "us-east-1"]
    dpop_iat_past_seconds = 61
  }

  expect_failures = [var.service_regions]
}

run "token_endpoint_refuses_a_wide_clock_skew_in_several_regions" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    service_regions    = ["eu-west-1", "us-east-1"]
    clock_skew_seconds = 31
  }

  expect_failures = [var.service_regions]
}

run "token_endpoint_accepts_the_multi_region_maxima" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    service_regions       = ["eu-west-1", "us-east-1"]
    dpop_iat_past_seconds = 60
    clock_skew_seconds    = 30
  }

  assert {
    condition     = module.function.environment_variables["CLOCK_SKEW_SECONDS"] == "30"
    error_message = "The multi-Region maximum skew must be accepted."
  }
}

run "authorizer_refuses_a_long_dpop_window_in_several_regions" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    public_keys_pem       = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    service_regions       = ["eu-west-1", "us-east-1"]
    dpop_iat_past_seconds = 61
  }

  expect_failures = [var.service_regions]
}
