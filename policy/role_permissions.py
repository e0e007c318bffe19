"""Every permission document that applies to an IAM role, whichever way the program attached it.

Users write their own programs, so a role's permissions may come from any mix of:
- `inlinePolicies` on the Role itself;
- `aws:iam/rolePolicy:RolePolicy` resources naming the role (filtered by an
  `aws:iam/rolePoliciesExclusive` for the role, which would delete the inline policies it does not list);
- managed policies attached by `managedPolicyArns` on the Role, `aws:iam/rolePolicyAttachment`, or
  `aws:iam/rolePolicyAttachmentsExclusive`, read from the `aws:iam/policy:Policy` in the stack.

A managed policy that is not in the stack (an AWS-managed ARN, or one from another stack) cannot be
read here: it becomes an opaque document, so the verdict on a missing action is "cannot verify" rather
than a wrong "lacks".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .iam_documents import Document, DocumentError, parse_document
from .stack_model import (
    MANAGED_POLICY,
    ROLE,
    ROLE_POLICIES_EXCLUSIVE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
    Res,
    StackModel,
)
from .values import is_unknown, known_str

_ROLE_KEYS = ("name", "id", "arn")


@dataclass
class RolePermissions:
    """The documents that apply to one role, and the ones that could not be parsed."""

    documents: list[Document] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    def add(self, value: Any, source: str) -> None:
        """Parse `value` as a document from `source`; remember a malformed one instead of raising."""
        try:
            self.documents.append(parse_document(value, source))
        except DocumentError as exc:
            self.malformed.append(str(exc))


def role_permissions(model: StackModel, role: Res) -> RolePermissions:
    """Collect the documents of `role` from the role itself and from the resources that refer to it."""
    perms = RolePermissions()
    _inline(role, perms)
    _role_policies(model, role, perms)
    _attached(model, role, perms)
    _unattributed(model, perms)
    return perms


def _unattributed(model: StackModel, perms: RolePermissions) -> None:
    """Policies whose role cannot be told (unknown reference, no dependency) might belong to any role."""
    for types, prop in (
        ([ROLE_POLICY], "role"),
        ([ROLE_POLICY_ATTACHMENT], "role"),
        ([ROLE_POLICY_ATTACHMENTS_EXCLUSIVE], "roleName"),
    ):
        for source in model.of_type(*types):
            link = model.follow(source, prop, [ROLE], _ROLE_KEYS)
            if not link.targets and link.unknown:
                perms.documents.append(
                    Document(source.label, None, "the role it applies to is not known until apply")
                )


def _inline(role: Res, perms: RolePermissions) -> None:
    inline = role.get("inlinePolicies")
    if is_unknown(inline):
        perms.documents.append(Document(f"inline policies of {role.label}", None, "not known until apply"))
        return
    for i, entry in enumerate(inline or []):
        if is_unknown(entry):
            perms.documents.append(
                Document(f"inline policy {i} of {role.label}", None, "not known until apply")
            )
            continue
        # `[{}]` is how pulumi-aws spells "no inline policies": skip entries without a document.
        policy = entry.get("policy") if isinstance(entry, dict) else None
        if policy in (None, ""):
            continue
        name = known_str(entry.get("name")) or str(i)
        perms.add(policy, f"inline policy '{name}' of {role.label}")


def _role_policies(model: StackModel, role: Res, perms: RolePermissions) -> None:
    allowed_names: set[str] | None = None
    for exclusive in model.referring(role, [ROLE_POLICIES_EXCLUSIVE], "roleName", _ROLE_KEYS):
        names = exclusive.get("policyNames")
        if isinstance(names, list) and not any(is_unknown(n) for n in names):
            allowed_names = (allowed_names or set()) | {str(n) for n in names}
    for rp in model.referring(role, [ROLE_POLICY], "role", _ROLE_KEYS):
        name = known_str(rp.get("name"))
        if allowed_names is not None and name is not None and name not in allowed_names:
            continue  # the exclusive resource would delete this inline policy
        perms.add(rp.get("policy"), rp.label)


def _attached(model: StackModel, role: Res, perms: RolePermissions) -> None:
    references: list[tuple[Res, str]] = [(role, "managedPolicyArns")]
    references += [
        (a, "policyArn") for a in model.referring(role, [ROLE_POLICY_ATTACHMENT], "role", _ROLE_KEYS)
    ]
    references += [
        (a, "policyArns")
        for a in model.referring(role, [ROLE_POLICY_ATTACHMENTS_EXCLUSIVE], "roleName", _ROLE_KEYS)
    ]
    seen: list[Res] = []
    for source, prop in references:
        if is_unknown(source.get(prop)) and not source.deps.get(prop):
            perms.documents.append(
                Document(
                    f"{prop} of {source.label}", None, "the attached policy ARNs are not known until apply"
                )
            )
            continue
        link = model.follow(source, prop, [MANAGED_POLICY], ("arn",))
        for policy in link.targets:
            if policy not in seen:
                seen.append(policy)
                perms.add(policy.get("policy"), policy.label)
        for value in link.unresolved:
            if is_unknown(value):
                reason = "its ARN is not known until apply"
                perms.documents.append(Document(f"a policy attached by {source.label}", None, reason))
            else:
                reason = "it is not defined in this stack, so the policy pack cannot read it"
                perms.documents.append(Document(f"managed policy {value}", None, reason))
