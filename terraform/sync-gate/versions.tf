terraform {
  # terraform_data needs Terraform 1.4 (every OpenTofu has it); optional() attributes with defaults
  # need 1.3 and validation messages built from the value 1.2. Tested on OpenTofu 1.12.6
  # (tools/tofu/go.mod, `make e2e`); no Terraform binary can be had here to test it.
  # No required_providers: terraform_data and local-exec are built in (terraform.io/builtin/terraform),
  # so `init` downloads nothing for this module.
  required_version = ">= 1.4"
}
