# The root module the Terraform e2e tests apply (tests/e2e/test_terraform_*.py): terraform/sync-gate
# gating stand-ins for sync jobs, against the local TwinMaker endpoint. The tests give the state path at
# `init` (-backend-config) and the inputs as a var file, and keep TF_DATA_DIR in a temporary directory,
# so nothing is written here.

terraform {
  backend "local" {}
}

variable "jobs" {
  description = "The sync jobs, by name: what the stand-ins below represent."
  type = map(object({
    workspace_id = string
    sync_source  = optional(string)
    region       = optional(string)
    sync_role    = optional(string, "arn:aws:iam::123456789012:role/sync")
  }))
}

variable "gate_options" {
  type    = list(string)
  default = []
}

variable "gate_command" {
  type    = string
  default = "twinmaker-gate"
}

# Stands in for awscc_iottwinmaker_sync_job (no provider can be downloaded here) where it matters to
# the gate: every input forces replacement, and the ARN (`output`) is unknown until the new job exists.
# The tests create the jobs themselves on the local endpoint.
resource "terraform_data" "sync_job" {
  for_each = var.jobs

  triggers_replace = each.value.sync_role
  input            = "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/${each.value.workspace_id}/sync-job/${coalesce(each.value.sync_source, "SITEWISE")}"
}

module "gate" {
  source = "../../../terraform/sync-gate"

  sync_jobs = [
    for name, job in var.jobs : {
      workspace_id = job.workspace_id
      sync_source  = job.sync_source
      region       = job.region
      arn          = terraform_data.sync_job[name].output
    }
  ]
  gate_options = var.gate_options
  gate_command = var.gate_command
}

output "sync_jobs" {
  value = module.gate.sync_jobs
}
