# Clients as code (issue 26): modules/client's declaration item and API key, and the root module's validations of its clients input (mock provider, plan only). The wiring is applied in test/e2e/clients-as-code.test.ts; each field's validation is compared with the clients CLI's in client-validation.test.ts.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

run "the_declaration_holds_the_declared_fields_and_no_runtime_field" {
  command = plan

  module {
    source = "./modules/client"
  }

  variables {
    table_name        = "unit-test-clients"
    key               = "reports"
    name              = " Reports\t"
    scopes            = ["reports:read", "reports:read"]
    audiences         = ["https://api.example.com"]
    auth_method       = "client_secret_post"
    token_ttl_seconds = 600
    dpop_bound        = true
    enabled           = false
    terraform_address = "module.reports_client"
    usage_plan        = { name = "premium", id = "plan-premium" }
  }

  override_resource {
    target          = aws_api_gateway_api_key.this[0]
    override_during = plan
    values          = { id = "key-1", value = "v1234567890abcdefghij" }
  }

  assert {
    condition = jsondecode(aws_dynamodb_table_item.this.item) == {
      client_id                  = { S = "declared#${substr(sha256("unit-test-clients/reports"), 0, 32)}" }
      managed_by                 = { S = "terraform" }
      terraform_address          = { S = "module.reports_client" }
      name                       = { S = "Reports" }
      status                     = { S = "disabled" }
      scopes                     = { L = [{ S = "reports:read" }] }
      audiences                  = { L = [{ S = "https://api.example.com" }] }
      token_endpoint_auth_method = { S = "client_secret_post" }
      token_ttl_seconds          = { N = "600" }
      dpop_bound_access_tokens   = { BOOL = true }
      usage_plan                 = { S = "premium" }
      usage_key                  = { S = "v1234567890abcdefghij" }
      usage_key_id               = { S = "key-1" }
    }
    error_message = "The declaration holds exactly the declared fields: no secret, no tokens_not_before, no last use, no version."
  }

  assert {
    condition     = aws_api_gateway_api_key.this[0].name == output.client_id && aws_api_gateway_api_key.this[0].enabled == false && aws_api_gateway_usage_plan_key.this[0].usage_plan_id == "plan-premium"
    error_message = "The API key is named by client id, follows enabled, and is in the client's plan."
  }
}

run "rejects_clients_the_root_module_cannot_declare" {
  command = plan

  variables {
    usage_plans = { standard = { rate_limit = 10, burst_limit = 20 } }
    clients = {
      "bad key!" = { name = "A", scopes = ["a"] }
      one        = { name = "B", scopes = ["a"], client_id = "same", usage_plan = "gold" }
      two        = { name = "C", scopes = ["a"], client_id = "same" }
    }
  }

  expect_failures = [var.clients]
}
