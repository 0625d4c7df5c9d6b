# Private building block of token-endpoint and authorizer: a zip-packaged Lambda with its execution role, the caller's inline least-privilege policy and a log group with retention.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Built from names rather than resource attributes so the callers' IAM policies are fully known at plan time.
  # data.aws_region.current.id is the region name in provider 5.x and 6.x (`name` is deprecated in 6.x).
  log_group_name = "/aws/lambda/${var.function_name}"
  log_group_arn  = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"
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

  filename = var.filename
  # Guarded so a missing zip reaches the precondition below instead of a file() error.
  source_code_hash = fileexists(var.filename) ? filebase64sha256(var.filename) : null

  environment {
    variables = var.environment_variables
  }

  tags = var.tags

  # The log group must exist first, or Lambda creates one without retention.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = fileexists(var.filename)
      error_message = "${var.filename} does not exist: run `npm run build` (or set artifacts_dir to the directory holding ${basename(var.filename)})."
    }

    precondition {
      condition     = alltrue([for c in var.preconditions : c.condition])
      error_message = join(" ", [for c in var.preconditions : c.error_message if !c.condition])
    }
  }
}
