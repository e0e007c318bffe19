"""A deliberately broken program for the policy pack's e2e test: the sync role may write into the
TwinMaker workspace but not read SiteWise, so the job would fail in CREATING minutes after `up`.
`twinmaker-sync-role-permissions` must block it at `pulumi preview`."""

import json

import pulumi_aws as aws
import pulumi_aws_native as aws_native

ACCOUNT = "123456789012"
WORKSPACE_ARN = f"arn:aws:iottwinmaker:us-east-1:{ACCOUNT}:workspace/broken"

trust = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "iottwinmaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
)
role = aws.iam.Role("broken-sync-role", assume_role_policy=trust, tags={"owner": "e2e"})
policy = aws.iam.RolePolicy(
    "broken-sync-role-policy",
    role=role.id,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "iottwinmaker:*Entity",
                        "iottwinmaker:*Entities",
                        "iottwinmaker:*ComponentType*",
                    ],
                    "Resource": [WORKSPACE_ARN, f"{WORKSPACE_ARN}/*"],
                }
            ],
        }
    ),
)
aws_native.iottwinmaker.SyncJob(
    "broken-sync-job",
    workspace_id="broken",
    sync_source="SITEWISE",
    sync_role=role.arn,
    tags={"owner": "e2e"},
)
