variable "region" {
  description = "The region of the workspaces, their sync jobs and the gate."
  type        = string
  default     = "eu-west-1"
}

variable "workspaces" {
  description = "TwinMaker workspaces by ID, each with its SiteWise sync job (as the Pulumi program's `workspaces`)."
  type = map(object({
    description = optional(string)
    sync_source = optional(string, "SITEWISE")
    tags        = optional(map(string), {})
  }))
  default = {
    "plant-a-press-line" = { description = "Press line, plant A" }
    "plant-b-paint-shop" = { description = "Paint shop, plant B" }
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { project = "twinmaker-sync" }
}

variable "gate_options" {
  description = "Extra `twinmaker-gate wait` arguments (see terraform/sync-gate)."
  type        = list(string)
  default     = ["--timeout", "30m", "--check-resources"]
}
