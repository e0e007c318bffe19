"""Every policy of the twinmaker-sync policy pack, in `POLICIES`.

Importing this module has no side effects (no server, no I/O): tests and other packs use it directly.
Each policy is a thin adapter: it turns the SDK's arguments into the pack's plain model, runs one check
from a sibling module, and reports the findings (see `reporting.py` for how unknowns are reported).

Enforcement levels are defaults: `pulumi preview --policy-pack policy --policy-pack-config
policy-config.json` with `{"<policy name>": "advisory"}` or `{"<policy name>": {"enforcementLevel":
"disabled", ...}}` changes them per stack (docs/policy-pack.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .bucket_check import check_workspace_buckets
from .hygiene_checks import TAGGABLE_TYPES, check_tags, check_workspaces_have_sync_jobs
from .reporting import FAIL_ON_UNKNOWN, FAIL_ON_UNKNOWN_SCHEMA, Findings
from .resource_checks import CONFUSED_DEPUTY_KEYS, check_sync_source, check_trust_policy
from .stack_model import ROLE, SYNC_JOB, Res, StackModel, from_validation_args
from .sync_role_check import check_sync_roles
from .sync_role_requirements import SUPPORTED_SYNC_SOURCES

# Names, one constant each (tests and the pack's config refer to them); like stack_model's type names.
SYNC_SOURCE_SUPPORTED: Final = "twinmaker-sync-source-supported"
ROLE_TRUST_CONFUSED_DEPUTY: Final = "twinmaker-role-trust-confused-deputy"
SYNC_ROLE_PERMISSIONS: Final = "twinmaker-sync-role-permissions"
WORKSPACE_BUCKET_SECURE: Final = "twinmaker-workspace-bucket-secure"
WORKSPACE_HAS_SYNC_JOB: Final = "twinmaker-workspace-has-sync-job"
RESOURCES_TAGGED: Final = "twinmaker-resources-tagged"

_STRING_LIST: Final = {"type": "array", "items": {"type": "string"}}


def _schema(**properties: dict[str, Any]) -> PolicyConfigSchema:
    """A config schema with the pack-wide `failOnUnknown` switch plus `properties`."""
    return PolicyConfigSchema(properties={FAIL_ON_UNKNOWN: FAIL_ON_UNKNOWN_SCHEMA, **properties})


def _on_resource(type_token: str, check: Callable[[Res, Mapping[str, Any]], Findings]) -> Any:
    """A resource validation that runs `check` on resources of `type_token` only."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != type_token:
            return
        config = args.get_config()
        check(from_validation_args(args), config).report(report_violation, config)

    return validate


def _on_stack(check: Callable[[StackModel, Mapping[str, Any]], Findings]) -> Any:
    """A stack validation that runs `check` on the whole stack."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = args.get_config()
        check(StackModel.from_policy_resources(args.resources), config).report(report_violation, config)

    return validate


# One declaration per policy, pulumi_policy's own objects: alike by shape on purpose (the duplicate
# finder pairs them), each read on its own.
POLICIES: Final[list[Policy]] = [
    ResourceValidationPolicy(
        name=SYNC_SOURCE_SUPPORTED,
        description="A TwinMaker SyncJob's syncSource is one the service supports (SITEWISE).",
        validate=_on_resource(SYNC_JOB, check_sync_source),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=_schema(
            supportedSyncSources={
                **_STRING_LIST,
                "default": list(SUPPORTED_SYNC_SOURCES),
                "description": "syncSource values to accept (extend when AWS adds sources).",
            }
        ),
        remediation_steps="Set syncSource to SITEWISE.",
    ),
    ResourceValidationPolicy(
        name=ROLE_TRUST_CONFUSED_DEPUTY,
        description=(
            "Every IAM role trusted by iottwinmaker.amazonaws.com has an aws:SourceAccount or aws:SourceArn "
            "condition on each statement that trusts the service (confused-deputy protection)."
        ),
        validate=_on_resource(ROLE, check_trust_policy),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=_schema(
            conditionKeys={
                **_STRING_LIST,
                "default": list(CONFUSED_DEPUTY_KEYS),
                "description": "Condition keys of which at least one must pin each trusting statement.",
            }
        ),
        remediation_steps="Add a StringEquals aws:SourceAccount and/or ArnLike aws:SourceArn condition.",
    ),
    StackValidationPolicy(
        name=SYNC_ROLE_PERMISSIONS,
        description=(
            "Every TwinMaker SyncJob's role grants the SiteWise read actions and the TwinMaker entity and "
            "component-type write actions on the job's workspace; otherwise the job fails in CREATING."
        ),
        validate=_on_stack(check_sync_roles),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=_schema(),
        remediation_steps="Grant the listed actions to the sync role, scoped to the job's workspace.",
    ),
    StackValidationPolicy(
        name=WORKSPACE_BUCKET_SECURE,
        description=(
            "Every TwinMaker workspace's S3 bucket blocks public access (all four flags), has server-side "
            "encryption configured, and denies requests without TLS (aws:SecureTransport false)."
        ),
        validate=_on_stack(check_workspace_buckets),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=_schema(),
        remediation_steps=(
            "Add BucketPublicAccessBlock, BucketServerSideEncryptionConfiguration and a BucketPolicy with a "
            "Deny on aws:SecureTransport false for the workspace's bucket."
        ),
    ),
    StackValidationPolicy(
        name=WORKSPACE_HAS_SYNC_JOB,
        description="Every TwinMaker workspace has a SyncJob (advisory).",
        validate=_on_stack(check_workspaces_have_sync_jobs),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=_schema(),
    ),
    StackValidationPolicy(
        name=RESOURCES_TAGGED,
        description="Taggable resources of the TwinMaker stack carry non-empty tags (advisory).",
        validate=_on_stack(check_tags),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=_schema(
            requiredTagKeys={
                **_STRING_LIST,
                "default": [],
                "description": "Tag keys every resource must have.",
            },
            taggableTypes={
                **_STRING_LIST,
                "default": list(TAGGABLE_TYPES),
                "description": "Resource type tokens that must carry tags.",
            },
        ),
    ),
]
"""All policies of the pack, resource policies first."""
