terraform {
  # terraform_data (Terraform 1.4), optional() object attributes with defaults (1.3) and validation
  # messages built from the variable's value (1.6 here: tested on OpenTofu 1.12, see tools/tofu/go.mod).
  # No required_providers: terraform_data and local-exec are built in (terraform.io/builtin/terraform),
  # so `init` downloads nothing for this module.
  required_version = ">= 1.6"
}
