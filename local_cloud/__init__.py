"""An offline cloud for the real Pulumi engine: test-double provider plugins for `aws` and `aws-native`.

The real providers cannot run here (pulumi-aws needs AWS, pulumi-aws-native needs Cloud Control), so
`make demo-pulumi` and the end-to-end tests serve these to the real Pulumi CLI instead, as the plugins
`pulumi-resource-aws` and `pulumi-resource-aws-native` (`local_cloud.plugins` writes the shims). They
implement exactly what this project's program uses:

- aws-native `iottwinmaker:Workspace` and `iottwinmaker:SyncJob`: created, read and deleted on the local
  TwinMaker endpoint through boto3, so the gate then polls a job the deployment really created there;
- aws IAM roles and role policies, and the S3 bucket with its hardening resources: recorded in a JSON
  file (`LOCAL_CLOUD_STATE`) with realistic IDs and ARNs; the invokes `getCallerIdentity`,
  `getPartition` and `getRegion` answer like AWS.

They are test doubles, documented and tested as such (`tests/local_cloud/`), never shipped as providers:
the package is not part of the distribution's runtime API and nothing in `validators/` imports it.
"""
