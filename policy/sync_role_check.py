"""Stack check: each sync job's role can do what the sync needs, on that job's workspace.

This predicts the most common CREATING -> ERROR of a sync job: its role lacks a SiteWise read action or
a TwinMaker write action on the workspace. The role is found from SyncJob `syncRole`, the workspace from
`workspaceId`; the role's documents come from `role_permissions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .iam_documents import Access, evaluate
from .reporting import Findings
from .role_permissions import role_permissions
from .stack_model import ROLE, SYNC_JOB, WORKSPACE, Res, StackModel
from .sync_role_requirements import REQUIRED_ACTIONS, resources_for
from .values import known_str

SCOPE_HINT: Final = (
    "grant them in a policy of the role (inline, aws.iam.RolePolicy or an attached aws.iam.Policy): "
    "iotsitewise:DescribeAsset on arn:aws:iotsitewise:<region>:<account>:asset/*, DescribeAssetModel on "
    '...:asset-model/*, ListAssets and ListAssetModels on "*"; the iottwinmaker actions on '
    "arn:aws:iottwinmaker:<region>:<account>:workspace/{workspace} and .../workspace/{workspace}/*"
)


def check_sync_roles(model: StackModel, config: Mapping[str, Any]) -> Findings:
    """For every SyncJob: would its role's permissions let the job leave CREATING?"""
    findings = Findings()
    for job in model.of_type(SYNC_JOB):
        role_link = model.follow(job, "syncRole", [ROLE], ("arn", "name", "id"))
        if not role_link.targets:
            _role_not_found(job, role_link.unresolved, findings)
            continue
        workspace_id, region, account = _workspace_of(model, job)
        if workspace_id is None:
            reason = "workspaceId is not known until apply, so the role's scoping cannot be checked"
            findings.cannot_verify(f"{job.label}: {reason}.", job.urn)
            continue
        for role in role_link.targets:
            scope = JobScope(job, workspace_id, region, account or _account_of(role))
            _check_role(model, scope, role, findings)
    return findings


@dataclass(frozen=True)
class JobScope:
    """A sync job and where it writes: the workspace ID and, when known, its region and account."""

    job: Res
    workspace_id: str
    region: str | None
    account: str | None


def _role_not_found(job: Res, unresolved: list[Any], findings: Findings) -> None:
    arn = next((known_str(v) for v in unresolved if known_str(v)), None)
    if arn is not None:
        findings.cannot_verify(
            f"{job.label}: its sync role {arn} is not defined in this stack, so the policy pack cannot read "
            "its permissions; define the role in the stack or check it by hand.",
            job.urn,
        )
    else:
        findings.cannot_verify(
            f"{job.label}: cannot tell which role syncRole refers to until apply.", job.urn
        )


def _workspace_of(model: StackModel, job: Res) -> tuple[str | None, str | None, str | None]:
    """The job's workspace ID, and region/account from the workspace's ARN when known."""
    workspace_id = known_str(job.get("workspaceId"))
    region = account = None
    for ws in model.follow(job, "workspaceId", [WORKSPACE], ("workspaceId",)).targets:
        workspace_id = workspace_id or known_str(ws.get("workspaceId"))
        parts = (known_str(ws.get("arn")) or "").split(":")
        if len(parts) >= 6:
            region, account = parts[3] or None, parts[4] or None
    return workspace_id, region, account


def _account_of(role: Res) -> str | None:
    parts = (known_str(role.get("arn")) or "").split(":")
    return (parts[4] or None) if len(parts) >= 6 else None


def _check_role(model: StackModel, scope: JobScope, role: Res, findings: Findings) -> None:
    job, workspace_id = scope.job, scope.workspace_id
    perms = role_permissions(model, role)
    for problem in perms.malformed:
        findings.violation(f"{job.label}: {problem}; IAM would reject it. Fix the document.", job.urn)
    verdicts = {
        req.action: evaluate(
            perms.documents, req.action, resources_for(req, workspace_id, scope.region, scope.account)
        )
        for req in REQUIRED_ACTIONS
    }
    lacking = [a for a, v in verdicts.items() if v in (Access.MISSING, Access.DENIED)]
    denied = [a for a, v in verdicts.items() if v is Access.DENIED]
    unsure = [a for a, v in verdicts.items() if v is Access.UNKNOWN]
    role_name = role.physical_name
    if lacking:
        message = f"{job.label} would fail in CREATING: role {role_name} lacks {', '.join(lacking)}"
        message += f" (needed to sync into workspace '{workspace_id}')."
        if denied:
            message += f" An explicit Deny in the role's policies blocks {', '.join(denied)}: remove it."
        message += " Fix: " + SCOPE_HINT.format(workspace=workspace_id) + "."
        findings.violation(message, job.urn)
    if unsure:
        opaque = "; ".join(f"{d.source}: {d.opaque_reason}" for d in perms.documents if d.statements is None)
        findings.cannot_verify(
            f"{job.label}: cannot verify yet that role {role_name} grants {', '.join(unsure)} "
            f"on workspace '{workspace_id}' ({opaque or 'some statements are not known until apply'}).",
            job.urn,
        )
