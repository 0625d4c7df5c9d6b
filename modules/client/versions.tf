# Provider and Terraform version constraints of the client submodule.
terraform {
  # Validation that reads other variables (auth_method with public_keys) needs 1.9.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
