locals {
  # One gate per job, keyed by the job's identity ("plant-a/SITEWISE", or "eu-west-1/plant-a/SITEWISE"
  # when the job names its region). The key is what `apply` prints for each gate and what a user
  # passes to `-replace` to gate one job again. Grouping (`...`) then taking the first keeps a
  # duplicate from becoming a "Duplicate object key" error here: the variable's validation names it.
  grouped = {
    for job in var.sync_jobs :
    "${job.region == null ? "" : "${job.region}/"}${job.workspace_id}/${job.sync_source}" => job...
  }
  jobs = { for key, same in local.grouped : key => same[0] }
}

# One terraform_data per job rather than one for the whole set:
# - `apply` shows a line per job (`...gate["plant-b/SITEWISE"]: Creation complete`) and, when a job
#   fails, the error is attached to that job's resource, with that job's gate output only;
# - replacing one job re-gates that job alone, and a failed gate taints only its own resource, so the
#   next `apply` re-checks just the job that failed;
# - the gates of different jobs run in parallel (up to `-parallelism`, default 10).
# The cost: one gate process per job, each with its own request budget (`--max-rps`, default 10/s).
# With many jobs, lower `-parallelism` or pass a smaller `--max-rps` in gate_options.
resource "terraform_data" "gate" {
  for_each = local.jobs

  # The job's identity: when any of it changes (or is unknown at plan time, as the ARN of a job being
  # replaced is), this resource is replaced and its creation-time provisioner gates the job again.
  # gate_options and gate_command are deliberately not here: retuning the gate re-gates nothing.
  triggers_replace = {
    workspace_id = each.value.workspace_id
    sync_source  = each.value.sync_source
    region       = each.value.region
    arn          = each.value.arn
  }

  # Becomes `output` once the gate has passed: the module's `sync_jobs` output is read from it, so
  # anything that depends on that output waits for the gate.
  input = each.value

  provisioner "local-exec" {
    # No shell: `interpreter` is the argv of the gate itself and `command` its last argument, so every
    # ID and option reaches the gate as one literal argument and nothing is ever parsed as shell syntax
    # (no quoting to get wrong, no /bin/sh or cmd.exe in between). The job's own region comes after
    # gate_options, so it wins over a `--region` there (argparse keeps an option's last value).
    interpreter = concat(
      [var.gate_command, "wait"],
      var.gate_options,
      ["--sync-source=${each.value.sync_source}"],
      each.value.region == null ? [] : ["--region=${each.value.region}"],
    )
    command = "--workspace-id=${each.value.workspace_id}"
    # A creation-time provisioner that fails (any gate verdict but active exits non-zero) fails the
    # apply and leaves this resource tainted, so the next apply gates the job again.
  }
}
