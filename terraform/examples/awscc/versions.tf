terraform {
  # As terraform/sync-gate (terraform_data: Terraform 1.4; any OpenTofu).
  required_version = ">= 1.4"

  required_providers {
    # The AWS provider has no IoT TwinMaker resources; awscc (Cloud Control) has the workspace and the
    # sync job, as pulumi-aws-native does on the Pulumi side.
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.30, < 2.0"
    }
  }
}

provider "aws" {
  region = var.region
}

provider "awscc" {
  region = var.region
}
