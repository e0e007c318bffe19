"""Advisory stack checks: workspaces without a sync job, resources without tags."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .reporting import Findings
from .stack_model import BUCKETS, MANAGED_POLICY, ROLE, SYNC_JOB, WORKSPACE, Res, StackModel
from .values import is_unknown, known_str

TAGGABLE_TYPES: Final = (*BUCKETS, ROLE, MANAGED_POLICY, WORKSPACE, SYNC_JOB)
"""Types of this stack's shape that accept `tags` (settings resources such as RolePolicy do not)."""


def check_workspaces_have_sync_jobs(model: StackModel, config: Mapping[str, Any]) -> Findings:
    """Every Workspace is the target of at least one SyncJob (else nothing syncs and nothing is gated)."""
    findings = Findings()
    jobs = model.of_type(SYNC_JOB)
    for ws in model.of_type(WORKSPACE):
        if any(ws in model.follow(job, "workspaceId", [WORKSPACE], ("workspaceId",)).targets for job in jobs):
            continue
        if any(is_unknown(job.get("workspaceId")) and not job.deps.get("workspaceId") for job in jobs):
            findings.cannot_verify(
                f"{ws.label}: some SyncJob's workspaceId is not known until apply.", ws.urn
            )
            continue
        workspace_id = known_str(ws.get("workspaceId")) or "<workspace id>"
        findings.violation(
            f"{ws.label} has no SyncJob: nothing mirrors SiteWise assets into it and the gate has no job to "
            f"wait for. Add aws_native.iottwinmaker.SyncJob(workspace_id='{workspace_id}', "
            "sync_source='SITEWISE', sync_role=<sync role arn>), or disable this policy for this stack.",
            ws.urn,
        )
    return findings


def check_tags(model: StackModel, config: Mapping[str, Any]) -> Findings:
    """Taggable resources carry non-empty tags (and the configured `requiredTagKeys`)."""
    findings = Findings()
    types = [str(t) for t in config.get("taggableTypes") or TAGGABLE_TYPES]
    required = [str(k) for k in config.get("requiredTagKeys") or ()]
    for res in model.of_type(*types):
        tags = _effective_tags(res)
        if tags is None:
            findings.cannot_verify(f"{res.label}: its tags are not known until apply.", res.urn)
            continue
        if not tags:
            findings.violation(
                f"{res.label} has no tags: set tags (for example project, owner, environment) on the "
                "resource, or defaultTags on the aws provider.",
                res.urn,
            )
            continue
        missing = [k for k in required if k not in tags]
        if missing:
            findings.violation(
                f"{res.label} lacks the required tag keys {', '.join(missing)}: add them.", res.urn
            )
    return findings


def _effective_tags(res: Res) -> dict[str, Any] | None:
    """`tags`, plus pulumi-aws `tagsAll` and the provider's `defaultTags` when known; None if unknown."""
    merged: dict[str, Any] = {}
    default_tags = res.provider.get("defaultTags")
    if isinstance(default_tags, str):
        # Provider configuration travels JSON-encoded, as in the provider's state.
        try:
            default_tags = json.loads(default_tags)
        except json.JSONDecodeError:
            default_tags = None
    for source in (
        default_tags.get("tags") if isinstance(default_tags, Mapping) else None,
        res.get("tagsAll"),
        res.get("tags"),
    ):
        if isinstance(source, Mapping):
            merged.update(source)
    if not merged and is_unknown(res.get("tags")):
        return None
    return merged
