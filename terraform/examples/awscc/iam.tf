# The same IAM documents as the Pulumi program (twinmaker_infra/iam.py), statement by statement, with
# the same Sids: tests/terraform/test_awscc_example_iam.py checks that both grant the same actions.

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  sitewise   = "arn:${local.partition}:iotsitewise:${local.region}:${local.account_id}"
  # Known before anything exists, so the trust policies can name the workspace they serve.
  workspace_arns = {
    for id, _ in var.workspaces : id => "arn:${local.partition}:iottwinmaker:${local.region}:${local.account_id}:workspace/${id}"
  }
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

# Who may assume a workspace or sync role: TwinMaker only, and only for this workspace.
# aws:SourceAccount and aws:SourceArn stop the confused deputy; the `/*` form covers the sync job.
data "aws_iam_policy_document" "twinmaker_trust" {
  for_each = var.workspaces

  statement {
    sid     = "TwinMakerAssumeForThisWorkspace"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["iottwinmaker.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.workspace_arns[each.key], "${local.workspace_arns[each.key]}/*"]
    }
  }
}

# The workspace role: its own bucket and its objects, nothing else.
data "aws_iam_policy_document" "workspace_role" {
  for_each = var.workspaces

  statement {
    sid       = "ReadWorkspaceBucket"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:ListBucket"]
    resources = [aws_s3_bucket.workspace[each.key].arn]
  }
  statement {
    sid       = "ReadWriteWorkspaceObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.workspace[each.key].arn}/*"]
  }
  # Delete only the marker object the service writes when a workspace is created.
  statement {
    sid       = "DeleteWorkspaceMarker"
    effect    = "Allow"
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.workspace[each.key].arn}/DO_NOT_DELETE_WORKSPACE_*"]
  }
}

# The sync role: read SiteWise assets and models, write into this workspace only.
data "aws_iam_policy_document" "sync_role" {
  for_each = var.workspaces

  statement {
    sid = "SiteWiseAssetRead"
    actions = [
      "iotsitewise:DescribeAsset",
      "iotsitewise:DescribeAssetCompositeModel",
      "iotsitewise:ListAssetProperties",
      "iotsitewise:ListAssociatedAssets",
    ]
    resources = ["${local.sitewise}:asset/*"]
  }
  statement {
    sid = "SiteWiseAssetModelRead"
    actions = [
      "iotsitewise:DescribeAssetModel",
      "iotsitewise:ListAssetModelCompositeModels",
      "iotsitewise:ListAssetModelProperties",
    ]
    resources = ["${local.sitewise}:asset-model/*"]
  }
  # ListAssetModels has no resource type, and an unfiltered ListAssets (how the sync job lists) is
  # authorised against `*` too: `*` is the only form these accept.
  statement {
    sid       = "SiteWiseList"
    actions   = ["iotsitewise:ListAssetModels", "iotsitewise:ListAssets"]
    resources = ["*"]
  }
  statement {
    sid = "TwinMakerSyncIntoThisWorkspace"
    actions = [
      "iottwinmaker:CreateComponentType",
      "iottwinmaker:CreateEntity",
      "iottwinmaker:DeleteComponentType",
      "iottwinmaker:DeleteEntity",
      "iottwinmaker:GetComponentType",
      "iottwinmaker:GetEntity",
      "iottwinmaker:GetWorkspace",
      "iottwinmaker:ListComponentTypes",
      "iottwinmaker:ListEntities",
      "iottwinmaker:UpdateComponentType",
      "iottwinmaker:UpdateEntity",
    ]
    resources = [local.workspace_arns[each.key], "${local.workspace_arns[each.key]}/*"]
  }
}

# The bucket's resource policy: refuse every request that is not over TLS.
data "aws_iam_policy_document" "bucket_tls_only" {
  for_each = var.workspaces

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_s3_bucket.workspace[each.key].arn, "${aws_s3_bucket.workspace[each.key].arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role" "workspace" {
  for_each = var.workspaces

  # IAM allows 38 characters in a name_prefix; the workspace ID is cut to fit.
  name_prefix        = "${substr("tm-${each.key}", 0, 34)}-ws-"
  description        = "TwinMaker workspace ${each.key}: its S3 bucket only"
  assume_role_policy = data.aws_iam_policy_document.twinmaker_trust[each.key].json
  tags               = merge(var.tags, each.value.tags, { workspace = each.key })
}

resource "aws_iam_role_policy" "workspace" {
  for_each = var.workspaces

  role   = aws_iam_role.workspace[each.key].id
  policy = data.aws_iam_policy_document.workspace_role[each.key].json
}

resource "aws_iam_role" "sync" {
  for_each = var.workspaces

  name_prefix        = "${substr("tm-${each.key}", 0, 32)}-sync-"
  description        = "TwinMaker SiteWise sync into workspace ${each.key}"
  assume_role_policy = data.aws_iam_policy_document.twinmaker_trust[each.key].json
  tags               = merge(var.tags, each.value.tags, { workspace = each.key })
}

resource "aws_iam_role_policy" "sync" {
  for_each = var.workspaces

  role   = aws_iam_role.sync[each.key].id
  policy = data.aws_iam_policy_document.sync_role[each.key].json
}
