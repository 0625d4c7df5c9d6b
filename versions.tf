# Terraform and provider version constraints: only hashicorp/aws, 5.100 and later 5.x or 6.x.
terraform {
  # Cross-variable validation (authorizer TTL vs token TTL, active key vs key list) needs 1.9.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
