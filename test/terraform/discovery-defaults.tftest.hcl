# RS256 is the default everywhere (root, signing-key, token-endpoint) and the discovery routes are wired (terraform test, mock provider).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

run "root_module_defaults_to_rs256_and_outputs_the_discovery_url" {
  command = plan

  override_resource {
    target          = aws_api_gateway_rest_api.this[0]
    override_during = plan
    values = {
      id               = "newapi1234"
      root_resource_id = "newroot123"
    }
  }

  assert {
    condition     = var.signing_algorithm == null && output.signing_algorithm == "RS256"
    error_message = "signing_algorithm must default to RS256 (KMS RSA_2048) without a security profile."
  }

  assert {
    condition = (
      output.openid_configuration_url == "https://newapi1234.execute-api.us-east-1.amazonaws.com/v1/.well-known/openid-configuration" &&
      output.metadata_url == "https://newapi1234.execute-api.us-east-1.amazonaws.com/v1/.well-known/oauth-authorization-server"
    )
    error_message = "Both discovery URLs are relative to the issuer (the stage URL)."
  }
}

run "signing_keys_default_to_rsa_2048" {
  command = plan

  module {
    source = "./modules/signing-key"
  }

  variables {
    key_names        = ["2024-01"]
    signer_role_arns = ["arn:aws:iam::123456789012:role/unit-test-token"]
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.key_usage == "SIGN_VERIFY" && k.customer_master_key_spec == "RSA_2048"])
    error_message = "Without algorithm, keys are RSA_2048 (RS256)."
  }
}

run "token_endpoint_defaults_to_rs256_and_serves_openid_configuration" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    rest_api_id            = "api1234567"
    root_resource_id       = "root123456"
    execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                 = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience               = "unit-test"
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/a"]
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
  }

  assert {
    condition     = module.function.environment_variables["SIGNING_ALGORITHM"] == "RS256"
    error_message = "The token function signs RS256 unless told otherwise."
  }

  assert {
    condition = (
      aws_api_gateway_resource.openid_configuration.path_part == "openid-configuration" &&
      aws_api_gateway_method.this["openid_configuration"].http_method == "GET" &&
      aws_api_gateway_method.this["openid_configuration"].authorization == "NONE" &&
      aws_api_gateway_integration.this["openid_configuration"].type == "AWS_PROXY" &&
      aws_lambda_permission.api["openid_configuration"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/GET/.well-known/openid-configuration"
    )
    error_message = "GET /.well-known/openid-configuration must be a public route to the token function."
  }
}
