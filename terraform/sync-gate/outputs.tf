output "sync_jobs" {
  description = <<-EOT
    The gated jobs, one object per job (`workspace_id`, `sync_source`, `region`, `arn`), in the shape
    `twinmaker-gate wait --terraform-outputs` reads when the root module re-exports it as `sync_jobs`:
    `terraform output -json | twinmaker-gate wait --terraform-outputs -`. Known only after every gate
    has passed, so whatever depends on it waits for the gate.
  EOT
  value       = [for key in sort(keys(terraform_data.gate)) : terraform_data.gate[key].output]
}
