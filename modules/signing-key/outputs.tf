# Outputs of the signing-key submodule.

output "key_arns" {
  description = "Map of key name to KMS key ARN."
  value       = { for k in var.key_names : k => local.key_arns[k] }
}

output "alias_names" {
  description = "Map of key name to KMS alias name."
  value       = { for k in var.key_names : k => aws_kms_alias.this[k].name }
}

output "public_keys_pem" {
  description = "Map of key name to the key's public key in PEM (SPKI) format."
  value       = { for k in var.key_names : k => data.aws_kms_public_key.this[k].public_key_pem }
}

output "multi_region_key_names" {
  description = "The key names whose keys are multi-Region primary keys (multi_region_key_names); every key in replica mode."
  value       = local.replica ? var.key_names : [for k in var.key_names : k if contains(var.multi_region_key_names, k)]
}

output "key_policy_json" {
  description = "The key policy every signing key carries (JSON), replicas included."
  value       = data.aws_iam_policy_document.key_policy.json
}

output "key_administrators" {
  description = "ARNs that may manage the keys and change their key policy (key_administrators, or the principal that applied Terraform)."
  value       = local.key_administrators
}
