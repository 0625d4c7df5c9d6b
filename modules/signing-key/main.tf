# Asymmetric KMS signing keys (one per key name), their aliases, key policy and public keys.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  key_spec = {
    ES256 = "ECC_NIST_P256"
    RS256 = "RSA_2048"
  }
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

################################################################################
# Key policy
################################################################################

# The account administers the keys but is deliberately not granted kms:Sign, so no IAM
# policy in the account can grant signing: only the principals named below may sign.
# Resource "*" in a key policy means "this key".
data "aws_iam_policy_document" "key_policy" {
  statement {
    sid       = "AllowAccountToAdministerKey"
    effect    = "Allow"
    actions   = ["kms:CancelKeyDeletion", "kms:Create*", "kms:Delete*", "kms:Describe*", "kms:Disable*", "kms:Enable*", "kms:Get*", "kms:List*", "kms:Put*", "kms:Revoke*", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:Update*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  statement {
    sid       = "AllowTokenFunctionToSign"
    effect    = "Allow"
    actions   = ["kms:GetPublicKey", "kms:Sign"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.signer_role_arns
    }
  }
}

################################################################################
# Keys
################################################################################

resource "aws_kms_key" "this" {
  for_each = toset(var.key_names)

  description              = "${var.name}: access token signing key ${each.key} (${var.algorithm})"
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = local.key_spec[var.algorithm]
  deletion_window_in_days  = var.deletion_window_in_days
  policy                   = data.aws_iam_policy_document.key_policy.json

  tags = merge(var.tags, { SigningKeyName = each.key })
}

resource "aws_kms_alias" "this" {
  for_each = toset(var.key_names)

  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

# PEMs (SPKI) handed to authorizers, so verifying a token needs no call to KMS.
data "aws_kms_public_key" "this" {
  for_each = toset(var.key_names)

  key_id = aws_kms_key.this[each.key].arn
}
