# KMS HMAC key of the stateless DPoP server nonces (RFC 9449 §8, docs/dpop.md): the token function derives each time window's nonce with GenerateMac, so every container gets the same nonce without holding a secret.

locals {
  # The one MAC algorithm the token function asks for (functions/token/adapters/nonce-mac-kms.ts,
  # NONCE_MAC_ALGORITHM); an HMAC_256 key supports HMAC_SHA_256 ("Key spec reference", HMAC key
  # specs, https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html).
  mac_algorithm = "HMAC_SHA_256"
}

################################################################################
# Key policy
################################################################################

# The signing keys' policy (modules/signing-key), for an HMAC key: the administrators manage it and
# alone can change the policy; the token role alone can call GenerateMac, with HMAC_SHA_256 only
# (kms:MacAlgorithm, "Controlling access to HMAC KMS keys",
# https://docs.aws.amazon.com/kms/latest/developerguide/hmac-authz.html; "AWS KMS condition keys",
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html). Nobody may call
# VerifyMac: a nonce is checked by deriving it again, never by asking KMS. The account root is
# absent, so IAM policies alone cannot allow anything on the key ("Key policies in AWS KMS",
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
#
# moto 5 enforces only Deny statements, and only for DescribeKey: no Deny below names it.
data "aws_iam_policy_document" "key_policy" {
  statement {
    sid    = "AllowKeyAdministratorsToManageKey"
    effect = "Allow"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:EnableKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListGrants",
      "kms:ListKeyPolicies",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:RevokeGrant",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.key_administrators
    }
  }

  statement {
    sid       = "AllowTokenFunctionToGenerateMac"
    effect    = "Allow"
    actions   = ["kms:GenerateMac"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.mac_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "kms:MacAlgorithm"
      values   = [local.mac_algorithm]
    }
  }

  # Whatever a later edit or a grant allows: nobody but the token role makes or checks a MAC with
  # this key. "Principal": "*" covers AWS service principals too; a request without
  # aws:PrincipalArn matches ArnNotEquals and is denied.
  statement {
    sid       = "DenyMacsByAnyoneElse"
    effect    = "Deny"
    actions   = ["kms:GenerateMac", "kms:VerifyMac"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.mac_role_arns
    }
  }

  # No grants at all ("Grants in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/grants.html):
  # no AWS service uses this key on anyone's behalf.
  statement {
    sid       = "DenyGrantCreation"
    effect    = "Deny"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  statement {
    sid    = "DenyKeyManagementByOthers"
    effect = "Deny"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DisableKey",
      "kms:EnableKey",
      "kms:PutKeyPolicy",
      "kms:ReplicateKey",
      "kms:RevokeGrant",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
      "kms:UpdatePrimaryRegion",
    ]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.key_administrators
    }
  }
}

# The multi-Region primary key's policy: the statements above, and ReplicateKey for the key
# administrators into replica_regions only (kms:ReplicaRegion). modules/signing-key gives the
# reasons and the AWS pages (multi-region-keys-auth, API_ReplicateKey, conditions-kms): without it
# no secondary can replicate the key, as the account root is not in the policy.
data "aws_iam_policy_document" "multi_region_key_policy" {
  count = var.multi_region && length(var.replica_regions) > 0 ? 1 : 0

  source_policy_documents = [data.aws_iam_policy_document.key_policy.json]

  statement {
    sid       = "AllowKeyAdministratorsToReplicateKey"
    effect    = "Allow"
    actions   = ["kms:ReplicateKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.key_administrators
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ReplicaRegion"
      values   = var.replica_regions
    }
  }
}

################################################################################
# Key
################################################################################

# "HMAC KMS keys are symmetric keys that you use to generate and verify HMACs within AWS KMS [...]
# They can also be used as secure Key Derivation Functions (KDFs), especially in applications that
# require deterministic keys" ("HMAC keys in AWS KMS",
# https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html): the nonce of a window is such a
# deterministic derivation. Key usage GENERATE_VERIFY_MAC with an HMAC key spec.
resource "aws_kms_key" "this" {
  count = var.primary_key_arn == null ? 1 : 0

  description                        = "${var.name}: DPoP server nonce key (HMAC_256)"
  key_usage                          = "GENERATE_VERIFY_MAC"
  customer_master_key_spec           = "HMAC_256"
  deletion_window_in_days            = var.deletion_window_in_days
  policy                             = length(data.aws_iam_policy_document.multi_region_key_policy) > 0 ? data.aws_iam_policy_document.multi_region_key_policy[0].json : data.aws_iam_policy_document.key_policy.json
  bypass_policy_lockout_safety_check = false
  # Multi-Region (docs/multi-region.md): a nonce minted in one Region must verify in every other,
  # so every Region derives it from the same key material: a multi-Region key and its replicas
  # ("Because these KMS keys have the same key ID, key material, and other metadata, you can use
  # them interchangeably", AWS KMS API Reference, ReplicateKey,
  # https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html). Turning it on
  # replaces the key; that only makes clients fetch a new nonce.
  multi_region = var.multi_region

  tags = var.tags
}

# Replica mode, in a secondary Region: the primary Region's nonce key, with this module's policy
# given to ReplicateKey itself (modules/signing-key explains why: never KMS's default policy, at
# creation or at removal), so only this Region's token role can make a MAC with it.
resource "aws_kms_replica_key" "this" {
  count = var.primary_key_arn == null ? 0 : 1

  primary_key_arn                    = var.primary_key_arn
  description                        = "${var.name}: DPoP server nonce key (HMAC_256), replica"
  deletion_window_in_days            = var.deletion_window_in_days
  policy                             = data.aws_iam_policy_document.key_policy.json
  bypass_policy_lockout_safety_check = false

  tags = var.tags
}

locals {
  key_id  = var.primary_key_arn == null ? aws_kms_key.this[0].key_id : aws_kms_replica_key.this[0].key_id
  key_arn = var.primary_key_arn == null ? aws_kms_key.this[0].arn : aws_kms_replica_key.this[0].arn
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-dpop-nonce"
  target_key_id = local.key_id
}

# The key became count-indexed with replica mode (issue 27): existing state moves, not replaced.
moved {
  from = aws_kms_key.this
  to   = aws_kms_key.this[0]
}
