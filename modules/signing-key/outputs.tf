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

# From each key's multi_region as created (in state), not from multi_region_key_names: a key named
# there after it was created stays single-Region (lifecycle ignore_changes), and a secondary must
# refuse it.
output "multi_region_key_names" {
  description = "The key names whose keys are multi-Region primary keys, read from the keys as created (a key named in multi_region_key_names after its creation stays single-Region and is not listed); every key in replica mode."
  value       = local.replica ? var.key_names : [for k in var.key_names : k if aws_kms_key.this[k].multi_region]
}

output "key_policy_json" {
  description = "The key policy every signing key carries (JSON), replicas included; the multi-Region primary keys' adds the ReplicateKey statement (multi_region_key_policy_json)."
  value       = data.aws_iam_policy_document.key_policy.json
}

output "key_administrators" {
  description = "ARNs that may manage the keys and change their key policy (key_administrators, or the principal that applied Terraform)."
  value       = local.key_administrators
}

output "multi_region_key_policy_json" {
  description = "The key policy of the multi-Region primary keys (JSON): key_policy_json and kms:ReplicateKey for the key administrators into replica_regions. null without replica_regions or multi-Region keys."
  value       = try(data.aws_iam_policy_document.multi_region_key_policy[0].json, null)
}
