# Shared fake values for the hashicorp/aws mock provider used by the *.tftest.hcl files.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform-test"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    id   = "us-east-1"
    name = "us-east-1"
  }
}

# The provider validates policy JSON even under a mock, so the generated document must be a
# policy; tests assert on the statement blocks, which keep their configured values.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_kms_public_key" {
  defaults = {
    public_key_pem = "-----BEGIN PUBLIC KEY-----\nMOCK\n-----END PUBLIC KEY-----\n"
  }
}

mock_data "aws_api_gateway_resource" {
  defaults = {
    id = "rootres123"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
  }
}

mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "mockapi123"
    root_resource_id = "mockroot12"
  }
}

# The provider validates KMS key ids (UUIDs) even under a mock.
mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
    key_id = "00000000-0000-4000-8000-000000000000"
  }
}

# The mock caller is an IAM user, so the session context passes its ARN through.
mock_data "aws_iam_session_context" {
  defaults = {
    issuer_arn = "arn:aws:iam::123456789012:user/terraform-test"
  }
}

# modules/signing-key reads each public key through its alias, whose ARN the provider validates
# even under a mock.
mock_resource "aws_kms_alias" {
  defaults = {
    arn = "arn:aws:kms:us-east-1:123456789012:alias/mock"
  }
}
