"""Checks on one resource at a time: the sync job's source and the TwinMaker roles' trust policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .iam_documents import (
    DocumentError,
    Match,
    condition_entries,
    condition_values,
    parse_document,
    principal_services,
)
from .reporting import Findings
from .stack_model import Res
from .sync_role_requirements import SUPPORTED_SYNC_SOURCES
from .values import is_unknown

TWINMAKER_SERVICE: Final = "iottwinmaker.amazonaws.com"
CONFUSED_DEPUTY_KEYS: Final = ("aws:SourceAccount", "aws:SourceArn")
TRUST_FIX: Final = (
    'add "Condition": {"StringEquals": {"aws:SourceAccount": "<account-id>"}, '
    '"ArnLike": {"aws:SourceArn": "arn:aws:iottwinmaker:<region>:<account-id>:workspace/*"}} '
    "to every statement that trusts iottwinmaker.amazonaws.com"
)


def check_sync_source(job: Res, config: Mapping[str, Any]) -> Findings:
    """The job's `syncSource` is one the service supports; anything else fails CreateSyncJob at once."""
    findings = Findings()
    supported = [str(s) for s in config.get("supportedSyncSources") or SUPPORTED_SYNC_SOURCES]
    source = job.get("syncSource")
    choices = ", ".join(supported)
    if is_unknown(source):
        findings.cannot_verify(
            f"{job.label}: syncSource is not known until apply; it must be one of: {choices}."
        )
    elif source not in supported:
        shown = "no syncSource" if source in (None, "") else f"syncSource {source!r}"
        findings.violation(
            f"{job.label} has {shown}, which IoT TwinMaker does not support: the sync job would fail "
            f"at once. Set syncSource to one of: {choices}."
        )
    return findings


def check_trust_policy(role: Res, config: Mapping[str, Any]) -> Findings:
    """Every statement of `role`'s trust policy that trusts TwinMaker carries a confused-deputy condition."""
    findings = Findings()
    keys = [str(k) for k in config.get("conditionKeys") or CONFUSED_DEPUTY_KEYS]
    try:
        doc = parse_document(role.get("assumeRolePolicy"), f"the trust policy of {role.label}")
    except DocumentError as exc:
        findings.violation(f"{exc}: fix the assumeRolePolicy document.")
        return findings
    if doc.statements is None:
        findings.cannot_verify(f"{doc.source} is {doc.opaque_reason}; checked again during the update.")
        return findings
    lacking, unsure = [], []
    for st in doc.statements:
        services = principal_services(st.principal)
        if st.is_effect("Allow") is Match.NO or services == []:
            continue
        if services is None or any(is_unknown(s) for s in services):
            unsure.append(f"{st.label} (principal not known)")
            continue
        if not any(str(s).lower() == TWINMAKER_SERVICE for s in services):
            continue
        verdict = _has_confused_deputy_condition(st.condition, keys)
        if verdict is Match.NO:
            lacking.append(st.label)
        elif verdict is Match.MAYBE:
            unsure.append(f"{st.label} (condition not known)")
    wanted = " or ".join(keys)
    if lacking:
        findings.violation(
            f"{role.label} trusts {TWINMAKER_SERVICE} without an {wanted} condition in "
            f"{', '.join(lacking)}, so another account's workspace could make the service assume it "
            f"(confused deputy). Fix: {TRUST_FIX}."
        )
    if unsure:
        findings.cannot_verify(
            f"{role.label}: cannot verify the {wanted} condition in {', '.join(unsure)} yet."
        )
    return findings


def _has_confused_deputy_condition(condition: Any, keys: list[str]) -> Match:
    """YES when a positive operator pins one of `keys` to something narrower than "*"."""
    entries = condition_entries(condition)
    if entries is None:
        return Match.MAYBE
    wanted = {k.lower() for k in keys}
    for operator, key, value in entries:
        # Negated operators and ...IfExists pass when the key is absent or different: no protection.
        op = operator.lower()
        if key.lower() not in wanted or "not" in op or op.endswith("ifexists") or op == "null":
            continue
        values = condition_values(value)
        # A value only known at apply (an account ID from an invoke) still shows the intent.
        if any(is_unknown(v) or (isinstance(v, str) and v.strip("*") != "") for v in values):
            return Match.YES
    return Match.NO
