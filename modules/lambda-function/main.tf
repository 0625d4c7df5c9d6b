# Private building block of token-endpoint and authorizer: a zip-packaged Lambda with its execution role, the caller's inline least-privilege policy and a log group with retention.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Built from names rather than resource attributes so the callers' IAM policies are fully known at plan time.
  # data.aws_region.current.id is the region name in provider 5.x and 6.x (`name` is deprecated in 6.x).
  log_group_name = "/aws/lambda/${var.function_name}"
  log_group_arn  = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"

  from_s3      = var.artifacts_s3 != null
  s3_prefix    = local.from_s3 ? trim(var.artifacts_s3.key_prefix, "/") : ""
  s3_key       = local.from_s3 ? "${local.s3_prefix}/${var.artifact_name}-${var.architecture}.zip" : null
  manifest_key = local.from_s3 ? "${local.s3_prefix}/manifest.json" : null
  s3_versions  = local.from_s3 ? var.artifacts_s3.object_versions : {}
  # The manifest's entry for this function and architecture (null when the manifest lacks it).
  manifest_entry = local.from_s3 ? try(one([
    for a in jsondecode(data.aws_s3_object.manifest[0].body).artifacts : a
    if a.function == var.artifact_name && a.architecture == var.architecture
  ]), null) : null
}

################################################################################
# Code from S3 (a release of `npm run package`, uploaded by `npm run publish-artifacts`)
################################################################################

# Data sources with known arguments are read during plan, so a missing object stops the plan
# with the provider's error "reading S3 Bucket (<bucket>) Object (<key>): couldn't find
# resource", which names bucket and key (test/terraform/consumer.test.ts checks it).
# body is returned only for text/* and application/json objects; publish-artifacts stores the
# manifest as application/json ("Data Source: aws_s3_object", https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/s3_object).
data "aws_s3_object" "manifest" {
  count = local.from_s3 ? 1 : 0

  bucket     = var.artifacts_s3.bucket
  key        = local.manifest_key
  version_id = lookup(local.s3_versions, "manifest", null)

  lifecycle {
    postcondition {
      condition     = can(jsondecode(self.body).artifacts)
      error_message = "s3://${var.artifacts_s3.bucket}/${local.manifest_key} is not a manifest from `npm run package` stored as application/json (publish it with `npm run publish-artifacts`)."
    }
  }
}

# checksum_mode ENABLED makes S3 return the SHA-256 stored with the object at upload. For a
# single-part upload it is the base64 SHA-256 of the whole object, i.e. filebase64sha256 of the
# zip. For a multipart upload the value "may not be a direct checksum value of the full object"
# (a checksum of the parts' checksums), and an object uploaded without a SHA-256 has none: both
# fail the check, the safe side. "Checking object integrity in Amazon S3",
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
data "aws_s3_object" "code" {
  count = local.from_s3 ? 1 : 0

  bucket        = var.artifacts_s3.bucket
  key           = local.s3_key
  version_id    = lookup(local.s3_versions, coalesce(var.artifact_name, "-"), null)
  checksum_mode = "ENABLED"

  lifecycle {
    precondition {
      condition     = local.manifest_entry != null
      error_message = "s3://${var.artifacts_s3.bucket}/${local.manifest_key} lists no ${coalesce(var.artifact_name, "(artifact_name unset)")} zip for ${var.architecture}."
    }

    postcondition {
      condition     = self.checksum_sha256 == try(local.manifest_entry.filebase64sha256, "")
      error_message = "s3://${var.artifacts_s3.bucket}/${local.s3_key} has SHA-256 \"${coalesce(self.checksum_sha256, "(none stored)")}\" but ${local.manifest_key} says \"${try(local.manifest_entry.filebase64sha256, "")}\": the object is not the published zip (upload it with `npm run publish-artifacts`, which stores the SHA-256)."
    }
  }
}

################################################################################
# IAM
################################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.function_name
  description        = var.role_description
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

# The caller owns the document (its statements and sids); this module only attaches it.
resource "aws_iam_role_policy" "this" {
  name   = "${var.function_name}-least-privilege"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

################################################################################
# Lambda
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  handler       = "index.handler"
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  # "A value of 0 disables lambda from being triggered and -1 removes any concurrency limitations.
  # Defaults to Unreserved Concurrency Limits -1" ("Resource: aws_lambda_function",
  # reserved_concurrent_executions, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function),
  # so null keeps the function unreserved; the callers refuse 0.
  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename  = local.from_s3 ? null : var.filename
  s3_bucket = local.from_s3 ? var.artifacts_s3.bucket : null
  s3_key    = local.s3_key
  # Pinned only when the caller gives a version; otherwise Lambda takes the current object.
  s3_object_version = lookup(local.s3_versions, coalesce(var.artifact_name, "-"), null)
  # "Used to trigger updates": the base64 SHA-256 of the zip, so it changes only when the code
  # does ("Resource: aws_lambda_function", source_code_hash, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function).
  # From S3 it is the checked hash of the object; locally it is guarded so a missing zip reaches
  # the precondition below instead of a file() error.
  source_code_hash = local.from_s3 ? data.aws_s3_object.code[0].checksum_sha256 : (fileexists(var.filename) ? filebase64sha256(var.filename) : null)

  environment {
    variables = var.environment_variables
  }

  tags = var.tags

  # The log group must exist first, or Lambda creates one without retention.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]

  lifecycle {
    precondition {
      # From an infra repository the default path is inside .terraform/modules, where nothing may
      # be built (docs/deploy.md, "Use from your infra repo"), so the release's zips come first.
      condition     = local.from_s3 || fileexists(coalesce(var.filename, "/nonexistent"))
      error_message = "${coalesce(var.filename, "filename (unset)")} does not exist. Give the module the Lambda zips of the version you pinned: set artifacts_dir to a directory holding ${coalesce(var.artifact_name, "<function>")}-${var.architecture}.zip from the release (or ${basename(coalesce(var.filename, "the zip"))} from a build), or set artifacts_s3 to the release uploaded by `npm run publish-artifacts` (docs/deploy.md, \"Use from your infra repo\"). Only in a clone of this repository, run `npm run build` there; never build inside .terraform/modules."
    }

    precondition {
      condition     = alltrue([for c in var.preconditions : c.condition])
      error_message = join(" ", [for c in var.preconditions : c.error_message if !c.condition])
    }
  }
}
