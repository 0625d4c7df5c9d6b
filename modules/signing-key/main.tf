# Asymmetric KMS signing keys (one per key name), their aliases, key policy and public keys.

data "aws_caller_identity" "current" {}

# The principal that applies Terraform, as a long-lived ARN: for an assumed-role session
# (arn:aws:sts::<account>:assumed-role/<role>/<session>) issuer_arn is the role's IAM ARN with
# its path (the provider reads it with iam:GetRole); any other ARN passes through unchanged.
data "aws_iam_session_context" "current" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  # PS256 (RSASSA-PSS) uses the same RSA_2048 keys as RS256 ("Asymmetric key specs", RSA key specs
  # for signing and verification, https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html),
  # so switching between them keeps the keys and their price.
  key_spec = {
    ES256 = "ECC_NIST_P256"
    RS256 = "RSA_2048"
    PS256 = "RSA_2048"
  }
  # The KMS SigningAlgorithm each JWS alg uses; functions/token/adapters/signer-kms.ts sends the
  # same (KMS_SIGNING_ALGORITHM), and test/terraform/iam-policies.test.ts checks they agree.
  signing_algorithm = {
    ES256 = "ECDSA_SHA_256"
    RS256 = "RSASSA_PKCS1_V1_5_SHA_256"
    PS256 = "RSASSA_PSS_SHA_256"
  }

  # A session ARN would stop matching when the session ends (and aws:PrincipalArn of a role
  # session is the role ARN, never the session ARN), so the default is the role, not the session.
  key_administrators = var.key_administrators != null ? var.key_administrators : [data.aws_iam_session_context.current.issuer_arn]
}

################################################################################
# Key policy
################################################################################

# Who is trusted (docs/threat-model.md): the key administrators, who alone can change this policy,
# and the token function's role, which alone can sign. The account root is deliberately absent:
# a statement naming the account would "enable IAM policies" ("Default key policy",
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html), so any IAM
# principal with broad kms:* permissions could then CreateGrant or PutKeyPolicy. Without it, IAM
# policies alone cannot allow anything on these keys: "Unless the key policy explicitly allows it,
# you cannot use IAM policies to allow access to a KMS key" ("Key policies in AWS KMS",
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
#
# Resource "*" in a key policy means "this key". Actions are exact (no wildcards), so a new KMS
# action is never granted by accident. Conditions use kms:SigningAlgorithm and kms:MessageType
# ("AWS KMS condition keys", https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html)
# and aws:PrincipalArn, which for a role session is the role's ARN ("AWS global condition context
# keys", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
#
# moto 5 enforces only Deny statements, and only for DescribeKey (moto/kms/policy_validator.py):
# no Deny below may match kms:DescribeKey, or moto (not AWS) would refuse every DescribeKey.
data "aws_iam_policy_document" "key_policy" {
  # Everything Terraform and an operator need to manage the keys, and nothing that uses them:
  # no Sign, no CreateGrant. PutKeyPolicy is here so the lockout safety check passes: CreateKey
  # and PutKeyPolicy refuse a policy that would not let the caller put the policy again unless
  # BypassPolicyLockoutSafetyCheck is set, which this module never sets ("Default key policy",
  # above; "PutKeyPolicy", https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html).
  # ListGrants and RevokeGrant let an administrator find and remove a grant in an incident.
  statement {
    sid    = "AllowKeyAdministratorsToManageKeys"
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
      "kms:GetPublicKey",
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
      identifiers = local.key_administrators
    }
  }

  # Sign only with this key's algorithm and only over the raw message, so KMS computes the hash
  # itself (RAW) and the role cannot have KMS sign a digest it chose (DIGEST).
  statement {
    sid       = "AllowTokenFunctionToSign"
    effect    = "Allow"
    actions   = ["kms:Sign"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.signer_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "kms:SigningAlgorithm"
      values   = [local.signing_algorithm[var.algorithm]]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:MessageType"
      values   = ["RAW"]
    }
  }

  # A separate statement: GetPublicKey requests carry no kms:SigningAlgorithm, so the conditions
  # above would never match them.
  statement {
    sid       = "AllowTokenFunctionToReadPublicKey"
    effect    = "Allow"
    actions   = ["kms:GetPublicKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.signer_role_arns
    }
  }

  # Belt and braces for the statement above: even if a later policy edit or a grant allowed Sign,
  # nobody but the signer roles could. An explicit deny in a key policy overrides any allow,
  # grants included: a principal has a permission only if it is "explicitly allowed, and never
  # denied, in a key policy, IAM policy, or grant" ("Key policies in AWS KMS", above). A request
  # without aws:PrincipalArn (none is expected) matches ArnNotEquals and is denied too.
  statement {
    sid       = "DenySigningByAnyoneElse"
    effect    = "Deny"
    actions   = ["kms:Sign"]
    resources = ["*"]

    # "Principal": "*": every caller, AWS service principals included.
    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.signer_role_arns
    }
  }

  # A grant is the other way to give Sign outside this policy ("Grants in AWS KMS",
  # https://docs.aws.amazon.com/kms/latest/developerguide/grants.html). No AWS service uses these
  # keys on anyone's behalf, so no grant is needed at all: CreateGrant is denied to everyone,
  # unconditionally. Narrower alternatives were rejected: a kms:GrantOperations condition
  # ("Controlling access to grants", https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html)
  # is multivalued and easy to get wrong (ForAnyValue vs ForAllValues), and an exception for
  # kms:GrantIsForAWSResource would let any principal with access to an integrated service
  # create grants through it.
  statement {
    sid       = "DenyGrantCreation"
    effect    = "Deny"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    # "Principal": "*": every caller, AWS service principals included.
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  # Only the named administrators may replace this policy or change the keys' state, whatever any
  # other statement (or a future edit that re-enables IAM policies) says. Naming the account root in
  # key_administrators would otherwise hand these actions to every IAM principal whose policy
  # allows them ("Key policies in AWS KMS": a key policy statement naming the account lets IAM
  # policies allow access; https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
  # With this deny, naming root means the root user itself; IAM principals keep only the read-only
  # Describe/Get/List actions of the statement above. No deny names kms:DescribeKey.
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

    # "Principal": "*": every caller, AWS service principals included.
    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = local.key_administrators
    }
  }
}

# The multi-Region primary keys' policy: the statements above, and ReplicateKey for the key
# administrators into the other service Regions only. Replicating a key takes kms:ReplicateKey in
# the key policy of the primary key, and kms:CreateKey in an IAM policy in the replica Region
# ("Controlling access to multi-Region keys",
# https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html; ReplicateKey,
# Required permissions, https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html):
# without this statement every secondary's aws_kms_replica_key fails with AccessDenied, as the
# account root (which would let IAM policies allow it) is not in the policy. The same page advises
# allowing principals "to replicate a multi-Region key only into AWS Regions that require them";
# the kms:ReplicaRegion condition key limits the Regions a key can be replicated to ("AWS KMS
# condition keys", kms:ReplicaRegion,
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html). A request without
# kms:ReplicaRegion fails StringEquals. Nobody may UpdatePrimaryRegion (DenyKeyManagementByOthers
# denies it to all but the administrators, and no statement allows it): moving the primary Region
# is done by changing the deployment, not by hand. Single-Region keys and replicas keep the policy
# above.
data "aws_iam_policy_document" "multi_region_key_policy" {
  count = length(var.replica_regions) > 0 && !local.replica && length(var.multi_region_key_names) > 0 ? 1 : 0

  source_policy_documents = [data.aws_iam_policy_document.key_policy.json]

  statement {
    sid       = "AllowKeyAdministratorsToReplicateKeys"
    effect    = "Allow"
    actions   = ["kms:ReplicateKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = local.key_administrators
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ReplicaRegion"
      values   = var.replica_regions
    }
  }
}

################################################################################
# Keys
################################################################################

locals {
  # Replica mode (a secondary Region of a multi-Region deployment): the keys are replicas of the
  # primary Region's multi-Region keys, not keys of their own.
  replica = length(var.primary_key_arns) > 0
}

# "You cannot change this value after you create the KMS key" (AWS KMS API Reference, CreateKey,
# MultiRegion, https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html): the
# provider would replace (delete) a key whose multi_region changes, so multi_region is ignored
# after creation (lifecycle below); a key is made multi-Region only when it is created, by naming
# it in multi_region_key_names; moving an existing deployment to multi-Region keys is a key
# rotation (docs/multi-region.md).
resource "aws_kms_key" "this" {
  for_each = local.replica ? toset([]) : toset(var.key_names)

  description              = "${var.name}: access token signing key ${each.key} (${var.algorithm})"
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = local.key_spec[var.algorithm]
  deletion_window_in_days  = var.deletion_window_in_days
  # A key named in multi_region_key_names carries the ReplicateKey statement (when there are
  # replica Regions). Named after it was created, the key stays single-Region (below) and the
  # statement grants nothing: "The KMS key must be a multi-Region primary key" (ReplicateKey, KeyId).
  policy = contains(var.multi_region_key_names, each.key) && length(data.aws_iam_policy_document.multi_region_key_policy) > 0 ? data.aws_iam_policy_document.multi_region_key_policy[0].json : data.aws_iam_policy_document.key_policy.json
  # Stated, not defaulted: the lockout safety check must stay on (see the key policy).
  bypass_policy_lockout_safety_check = false
  multi_region                       = contains(var.multi_region_key_names, each.key)

  tags = merge(var.tags, { SigningKeyName = each.key })

  # Naming an existing single-Region key in multi_region_key_names must not replace (delete) it:
  # multi_region is read from the key as created, the key stays single-Region, the
  # multi_region_key_names output reports it as such (a secondary then refuses it), and the check
  # below says why.
  lifecycle {
    ignore_changes = [multi_region]
  }
}

check "multi_region_keys_are_multi_region" {
  assert {
    condition     = alltrue([for k in var.multi_region_key_names : try(aws_kms_key.this[k].multi_region, true)])
    error_message = "multi_region_key_names names keys created single-Region (${join(", ", [for k in var.multi_region_key_names : k if !try(aws_kms_key.this[k].multi_region, true)])}): KMS fixes MultiRegion when a key is created, so they stay single-Region and no secondary Region can replicate them. Add a new key named in multi_region_key_names instead, make it active, and remove the old one after the longest token lifetime (docs/multi-region.md)."
  }
}

# A replica shares the primary's key ID, key material, key spec and key usage, so it signs with
# the same private key and publishes the same public key: one kid in every Region. Its key policy,
# tags, aliases and key state are its own ("A replica key is a fully-functional KMS key that can be
# used independently of its primary", AWS KMS API Reference, ReplicateKey,
# https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html).
#
# The replica's policy is given to ReplicateKey itself (Policy: "The key policy to attach to the
# KMS key", ReplicateKey), so the replica never carries KMS's default key policy ("If you do not
# specify a key policy, AWS KMS attaches the default key policy", ReplicateKey, Policy), which
# lets the account's IAM policies use the key (the token role's allows kms:Sign): neither when it
# is created nor when it is removed. A separate aws_kms_key_policy would leave such windows: the
# replica exists before PutKeyPolicy, and destroying that resource puts the default policy back
# before the replica's ScheduleKeyDeletion. The policy names this Region's token role
# (signer_role_arns) as the only signer; replicas get no ReplicateKey statement (only a primary
# key can be replicated, ReplicateKey, KeyId).
resource "aws_kms_replica_key" "this" {
  for_each = local.replica ? toset(var.key_names) : toset([])

  primary_key_arn         = var.primary_key_arns[each.key]
  description             = "${var.name}: access token signing key ${each.key} (${var.algorithm}), replica"
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key_policy.json
  # Stated, not defaulted, as for the primary keys.
  bypass_policy_lockout_safety_check = false

  tags = merge(var.tags, { SigningKeyName = each.key })
}

locals {
  key_ids  = local.replica ? { for k, key in aws_kms_replica_key.this : k => key.key_id } : { for k, key in aws_kms_key.this : k => key.key_id }
  key_arns = local.replica ? { for k, key in aws_kms_replica_key.this : k => key.arn } : { for k, key in aws_kms_key.this : k => key.arn }
}

resource "aws_kms_alias" "this" {
  for_each = toset(var.key_names)

  name          = "alias/${var.name}-${each.key}"
  target_key_id = local.key_ids[each.key]
}

# PEMs (SPKI) handed to authorizers, so verifying a token needs no call to KMS. Read through the
# alias, which names the same key: the provider refuses moto_server's multi-Region key ids
# (mrk-<uuid>, where AWS uses mrk-<32 hex digits>) as key_id, not alias ARNs. A replica's public
# key is the primary's.
data "aws_kms_public_key" "this" {
  for_each = toset(var.key_names)

  key_id = aws_kms_alias.this[each.key].arn
}
