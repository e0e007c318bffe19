variable "sync_jobs" {
  description = <<-EOT
    The sync jobs to gate: one object per job with `workspace_id`, `sync_source` (default SITEWISE) and
    `region` (default: the gate's region, from `gate_options` or the environment). Optional `arn`: pass
    the sync job resource's `arn` so that a job replaced in place (same workspace and source, e.g. a new
    sync role) is gated again: its ARN is unknown until the new job exists, which replaces the gate.
  EOT
  type = list(object({
    workspace_id = string
    sync_source  = optional(string, "SITEWISE")
    region       = optional(string)
    arn          = optional(string)
  }))
  nullable = false

  # One rule per problem, each naming the item and the value, worded like the gate CLI's messages
  # (validators/inputs.py), so `plan` says the same thing the gate would say at apply time.
  validation {
    condition     = length(var.sync_jobs) > 0
    error_message = "sync_jobs is an empty list; there is no sync job to gate."
  }
  validation {
    condition     = alltrue([for job in var.sync_jobs : job.workspace_id != null && job.workspace_id != ""])
    error_message = join("; ", [for i, job in var.sync_jobs : "sync_jobs[${i}].workspace_id must not be empty" if job.workspace_id == null || job.workspace_id == ""])
  }
  validation {
    condition     = alltrue([for job in var.sync_jobs : length(coalesce(job.workspace_id, "-")) <= 128])
    error_message = join("; ", [for i, job in var.sync_jobs : "sync_jobs[${i}].workspace_id is ${length(job.workspace_id)} characters long, at most 128 are allowed" if length(coalesce(job.workspace_id, "-")) > 128])
  }
  validation {
    # The service's pattern for a workspace ID, anchored (Terraform's regex() matches anywhere).
    condition     = alltrue([for job in var.sync_jobs : can(regex("^[a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+$", coalesce(job.workspace_id, "-")))])
    error_message = join("; ", [for i, job in var.sync_jobs : format("sync_jobs[%d].workspace_id %q is not a workspace ID (letters, digits, '_' and '-', not starting with '-', ending with a letter or digit: [a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+)", i, job.workspace_id) if job.workspace_id != null && job.workspace_id != "" && !can(regex("^[a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+$", coalesce(job.workspace_id, "-")))])
  }
  validation {
    # SITEWISE is the only sync source IoT TwinMaker offers; anything else fails CreateSyncJob.
    condition     = alltrue([for job in var.sync_jobs : job.sync_source == "SITEWISE"])
    error_message = join("; ", [for i, job in var.sync_jobs : format("sync_jobs[%d].sync_source %s is not a supported sync source (the only one is SITEWISE)", i, job.sync_source == null ? "null" : format("%q", job.sync_source)) if job.sync_source != "SITEWISE"])
  }
  validation {
    condition     = alltrue([for job in var.sync_jobs : job.region == null || can(regex("^[a-z]{2,8}(-[a-z]+)+-[0-9]{1,3}$", coalesce(job.region, "-")))])
    error_message = join("; ", [for i, job in var.sync_jobs : format("sync_jobs[%d].region %q is not an AWS region name (such as eu-west-1)", i, job.region) if job.region != null && !can(regex("^[a-z]{2,8}(-[a-z]+)+-[0-9]{1,3}$", coalesce(job.region, "-")))])
  }
  validation {
    # Each job becomes one gate resource keyed by its identity: the same job twice is a mistake to
    # report, not a "Duplicate object key" error from deep inside the module.
    condition     = length(distinct([for job in var.sync_jobs : [job.region, job.workspace_id, job.sync_source]])) == length(var.sync_jobs)
    error_message = join("; ", [for key, items in { for i, job in var.sync_jobs : "${job.region == null ? "" : "${job.region}/"}${job.workspace_id}/${job.sync_source}" => i... } : "sync_jobs lists the job ${key} more than once (items ${join(", ", items)}); list each job once" if length(items) > 1])
  }
}

variable "gate_options" {
  description = <<-EOT
    Extra arguments for `twinmaker-gate wait`, one list element per argument, e.g.
    ["--timeout", "30m", "--check-resources"] or ["--endpoint-url", "http://127.0.0.1:4566"].
    They are passed as they are, never through a shell.
  EOT
  type        = list(string)
  default     = []
  nullable    = false
}

variable "gate_command" {
  description = "The gate executable: a name on PATH or a path (e.g. \"/opt/venv/bin/twinmaker-gate\")."
  type        = string
  default     = "twinmaker-gate"
  nullable    = false

  validation {
    condition     = trimspace(var.gate_command) != ""
    error_message = "gate_command must not be empty; it is the gate executable, such as twinmaker-gate."
  }
}
