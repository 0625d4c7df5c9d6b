# Outputs of the signing-key submodule.

output "key_arns" {
  description = "Map of key name to KMS key ARN."
  value       = { for k in var.key_names : k => aws_kms_key.this[k].arn }
}

output "alias_names" {
  description = "Map of key name to KMS alias name."
  value       = { for k in var.key_names : k => aws_kms_alias.this[k].name }
}

output "public_keys_pem" {
  description = "Map of key name to the key's public key in PEM (SPKI) format."
  value       = { for k in var.key_names : k => data.aws_kms_public_key.this[k].public_key_pem }
}

output "key_policy_json" {
  description = "The key policy every signing key carries (JSON)."
  value       = data.aws_iam_policy_document.key_policy.json
}

output "key_administrators" {
  description = "ARNs that may manage the keys and change their key policy (key_administrators, or the principal that applied Terraform)."
  value       = local.key_administrators
}
