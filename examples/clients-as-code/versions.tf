# Version constraints of the clients-as-code example.
terraform {
  # Import blocks with for_each (adopting a client the CLI created) need 1.7; the module needs 1.9.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
