"""The names the gate's inputs are made of (docs/gate.md, "Targets"), each written once.

- what the service accepts: the workspace-ID and sync-source patterns, the default sync source, and what
  an AWS region name looks like (with the checks that say why a value is not one);
- the keys of the outputs the gate reads: the Pulumi program's stack output `syncJobs` and the Terraform
  module's output `sync_jobs`.

The CLI's target readers (`validators.inputs`), the library (`model`, `gate`), the Pulumi entry points
and the Pulumi program (`twinmaker_infra.config`, `twinmaker_infra.outputs`) all import them from here. This
module imports nothing of the project, so it costs nothing wherever it is imported.
"""

from __future__ import annotations

import re

#: The sync source of a target that names none (the only one TwinMaker supports today, `CreateSyncJob`).
DEFAULT_SYNC_SOURCE = "SITEWISE"

#: The service's pattern for a workspace ID (`GetSyncJob` / `CreateWorkspace` `workspaceId`), matched in
#: full, 1 to `WORKSPACE_ID_MAX` characters. The pattern itself needs at least two characters.
WORKSPACE_ID_PATTERN = r"[a-zA-Z_0-9][a-zA-Z_\-0-9]*[a-zA-Z0-9]+"
WORKSPACE_ID_MAX = 128
#: The service's pattern for a sync source (`syncSource`), matched in full.
SYNC_SOURCE_PATTERN = r"[a-zA-Z_0-9]+"
#: The sync sources TwinMaker supports (CreateSyncJob: "SITEWISE" is the only one). Anything else that
#: matches the pattern is polled until the deadline without ever existing, so the CLI refuses it up
#: front, as the Pulumi program's config (`twinmaker_infra.config`) and the policy pack refuse it.
SUPPORTED_SYNC_SOURCES = frozenset({DEFAULT_SYNC_SOURCE})
#: An AWS region name: a partition prefix, one or more words, a number. Lenient on purpose, so that
#: `us-gov-west-1`, `cn-north-1`, `us-isob-east-1` and `eusc-de-east-1` pass, and typos such as
#: `eu-west`, `EU-WEST-1` or `eu_west_1` do not.
REGION_PATTERN = r"[a-z]{2,8}(?:-[a-z]+)+-[0-9]{1,3}"

# re.ASCII: `[0-9]` is already ASCII, but be explicit that no Unicode look-alike ever matches.
_WORKSPACE_ID = re.compile(WORKSPACE_ID_PATTERN, re.ASCII)
_SYNC_SOURCE = re.compile(SYNC_SOURCE_PATTERN, re.ASCII)
_REGION = re.compile(REGION_PATTERN, re.ASCII)


def check_workspace_id(value: str) -> str | None:
    """Why `value` is not a valid workspace ID, or None when it is."""
    if not value:
        return "must not be empty"
    if len(value) > WORKSPACE_ID_MAX:
        return f"is {len(value)} characters long, at most {WORKSPACE_ID_MAX} are allowed"
    if not _WORKSPACE_ID.fullmatch(value):
        return (
            f"is not a workspace ID (letters, digits, '_' and '-', "
            f"not starting with '-', ending with a letter or digit: {WORKSPACE_ID_PATTERN})"
        )
    return None


def check_sync_source(value: str) -> str | None:
    """Why `value` is not a supported sync source, or None when it is."""
    allowed = ", ".join(sorted(SUPPORTED_SYNC_SOURCES))
    if not _SYNC_SOURCE.fullmatch(value):
        return f"is not a sync source (letters, digits and '_' only); allowed values: {allowed}"
    if value not in SUPPORTED_SYNC_SOURCES:
        upper = " (sync sources are upper case)" if value.upper() in SUPPORTED_SYNC_SOURCES else ""
        return f"is not a sync source the service supports{upper}; allowed values: {allowed}"
    return None


def check_region(value: str) -> str | None:
    """Why `value` is not a region name, or None when it is."""
    if not _REGION.fullmatch(value):
        return "is not an AWS region name (such as eu-west-1)"
    return None


# -- the Pulumi program's stack output `syncJobs`: a list of {workspaceId, syncSource, region, arn} ----
SYNC_JOBS = "syncJobs"
JOB_WORKSPACE_ID = "workspaceId"
JOB_SYNC_SOURCE = "syncSource"
JOB_REGION = "region"
JOB_ARN = "arn"

# -- the Terraform module's output `sync_jobs`: its `value` is a list of {workspace_id, sync_source, region}
TF_SYNC_JOBS = "sync_jobs"
TF_WORKSPACE_ID = "workspace_id"
TF_SYNC_SOURCE = "sync_source"
TF_REGION = "region"
