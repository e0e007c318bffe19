# Per workspace, as the Pulumi program's TwinMakerWorkspace component: a hardened bucket, the workspace
# role, the workspace, the sync role and the SiteWise sync job; then the gate on every sync job.

locals {
  tags = { for id, ws in var.workspaces : id => merge(var.tags, ws.tags, { workspace = id }) }
}

resource "aws_s3_bucket" "workspace" {
  for_each = var.workspaces

  # Bucket names are lower case without `_`; S3 allows 37 characters in a prefix.
  bucket_prefix = "${replace(substr("twinmaker-${replace(lower(each.key), "/[^a-z0-9-]/", "-")}", 0, 36), "/-+$/", "")}-"
  # Never delete a bucket that still holds workspace data: destroy fails instead.
  force_destroy = false
  tags          = local.tags[each.key]
}

resource "aws_s3_bucket_public_access_block" "workspace" {
  for_each = var.workspaces

  bucket                  = aws_s3_bucket.workspace[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "workspace" {
  for_each = var.workspaces

  bucket = aws_s3_bucket.workspace[each.key].id
  rule {
    # ACLs off: access is decided by IAM and the bucket policy alone.
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "workspace" {
  for_each = var.workspaces

  bucket = aws_s3_bucket.workspace[each.key].id
  rule {
    # SSE-KMS with the AWS managed key: no key policy for TwinMaker to need; bucket keys cut KMS calls.
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "workspace" {
  for_each = var.workspaces

  bucket = aws_s3_bucket.workspace[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "workspace" {
  for_each = var.workspaces

  bucket = aws_s3_bucket.workspace[each.key].id
  policy = data.aws_iam_policy_document.bucket_tls_only[each.key].json
  # S3 rejects a bucket policy while the public access block is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.workspace]
}

resource "awscc_iottwinmaker_workspace" "this" {
  for_each = var.workspaces

  workspace_id = each.key
  description  = each.value.description
  role         = aws_iam_role.workspace[each.key].arn
  s3_location  = aws_s3_bucket.workspace[each.key].arn
  tags         = local.tags[each.key]

  # The service checks the role and writes to the bucket at create time: wait for the role's
  # permissions and for the bucket to be locked down first.
  depends_on = [
    aws_iam_role_policy.workspace,
    aws_s3_bucket_public_access_block.workspace,
    aws_s3_bucket_ownership_controls.workspace,
    aws_s3_bucket_server_side_encryption_configuration.workspace,
    aws_s3_bucket_versioning.workspace,
    aws_s3_bucket_policy.workspace,
  ]
}

resource "awscc_iottwinmaker_sync_job" "this" {
  for_each = var.workspaces

  workspace_id = awscc_iottwinmaker_workspace.this[each.key].workspace_id
  sync_source  = each.value.sync_source
  sync_role    = aws_iam_role.sync[each.key].arn
  tags         = local.tags[each.key]

  # The role ARN alone does not wait for its inline policy: without this the job can start before it
  # may read SiteWise, and fail in CREATING.
  depends_on = [aws_iam_role_policy.sync]
}

# `apply` fails, naming the job, the service's error code and the failing assets, when a sync job ends
# in ERROR; a replaced sync job (every input forces replacement) is gated again, because its `arn` is
# unknown until the new job exists.
module "sync_gate" {
  source = "../../sync-gate"

  sync_jobs = [
    for id, job in awscc_iottwinmaker_sync_job.this : {
      workspace_id = job.workspace_id
      sync_source  = job.sync_source
      region       = local.region
      arn          = job.arn
    }
  ]
  gate_options = var.gate_options
}
