# `terraform output -json | twinmaker-gate wait --terraform-outputs -` re-checks every job later.
output "sync_jobs" {
  description = "The gated sync jobs, in the shape `twinmaker-gate wait --terraform-outputs` reads."
  value       = module.sync_gate.sync_jobs
}
