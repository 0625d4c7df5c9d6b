# Outputs of the dpop-nonce-key submodule.

output "key_arn" {
  description = "ARN of the HMAC key (the token function's DPOP_NONCE_KEY_ID)."
  value       = local.key_arn
}

output "alias_name" {
  description = "Alias of the HMAC key."
  value       = aws_kms_alias.this.name
}

output "key_policy_json" {
  description = "The key policy of the HMAC key (JSON); a multi-Region primary key with replica_regions also lets the key administrators ReplicateKey into those Regions."
  value       = try(data.aws_iam_policy_document.multi_region_key_policy[0].json, data.aws_iam_policy_document.key_policy.json)
}
