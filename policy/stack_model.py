"""The stack as plain data, and the links between its resources that the stack policies follow.

A link (sync job -> role, role -> its policies, workspace -> bucket, bucket -> its settings) is found
two ways, because neither works alone:
- property dependencies: the engine records that SyncJob `syncRole` was computed from the role's
  output. This is the only link available at the first `pulumi preview`, when ARNs are still unknown;
- values: `syncRole` equals the role's `arn` (or names the role), `bucket` equals the bucket's name.
  This is what works when properties are known but dependencies are absent (literals, Pulumi mocks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_policy import PolicyResource, ResourceValidationArgs

from .values import is_unknown, known_str, plain

SYNC_JOB: Final = "aws-native:iottwinmaker:SyncJob"
WORKSPACE: Final = "aws-native:iottwinmaker:Workspace"
ROLE: Final = "aws:iam/role:Role"
ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICIES_EXCLUSIVE: Final = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"
ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: Final = (
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
)
MANAGED_POLICY: Final = "aws:iam/policy:Policy"
# pulumi-aws v7 names; the v6 `...V2` tokens still exist as deprecated aliases and mean the same.
BUCKETS: Final = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCKS: Final = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
SSE_CONFIGS: Final = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKET_POLICIES: Final = ("aws:s3/bucketPolicy:BucketPolicy",)


@dataclass(frozen=True, eq=False)
class Res:
    """One resource: type token, Pulumi name, URN, plain properties and property dependencies (URNs).

    Compared by identity: a `StackModel` holds each resource once.
    """

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    deps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    provider: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """A property (None when absent, `UNKNOWN` when not known yet)."""
        return self.props.get(key)

    @property
    def label(self) -> str:
        """How messages name the resource: its type's short name, Pulumi name and URN."""
        short = self.type.rsplit(":", 1)[-1]
        return f"{short} '{self.name}' ({self.urn})"

    @property
    def physical_name(self) -> str:
        """The AWS-side name when known (`name` or `bucket` property), else the Pulumi name."""
        return known_str(self.get("name")) or known_str(self.get("bucket")) or self.name


def from_policy_resource(resource: PolicyResource) -> Res:
    """A stack policy's resource as `Res` (outputs, or inputs where outputs are not known yet)."""
    deps = {k: tuple(r.urn for r in v) for k, v in (resource.property_dependencies or {}).items()}
    provider = plain(resource.provider.props) if resource.provider is not None else {}
    return Res(resource.resource_type, resource.name, resource.urn, plain(resource.props), deps, provider)


def from_validation_args(args: ResourceValidationArgs) -> Res:
    """A resource policy's subject as `Res` (its inputs)."""
    provider = plain(args.provider.props) if args.provider is not None else {}
    return Res(args.resource_type, args.name, args.urn, plain(args.props), {}, provider)


class Link:
    """Outcome of following a reference: the targets found, and whether the reference was unknown."""

    def __init__(self, targets: Sequence[Res], unresolved: Sequence[Any]) -> None:
        self.targets = list(targets)
        # References (values) that matched nothing in the stack; `UNKNOWN` among them means "cannot tell".
        self.unresolved = list(unresolved)

    @property
    def unknown(self) -> bool:
        """True when some reference could not be read and was not resolved by a dependency."""
        return any(is_unknown(v) for v in self.unresolved)


class StackModel:
    """All resources of a stack, with lookups by type and by reference."""

    def __init__(self, resources: Iterable[Res]) -> None:
        self.resources = list(resources)
        self._by_urn = {r.urn: r for r in self.resources}

    @classmethod
    def from_policy_resources(cls, resources: Iterable[PolicyResource]) -> StackModel:
        """Build from `StackValidationArgs.resources`."""
        return cls(from_policy_resource(r) for r in resources)

    def of_type(self, *types: str) -> list[Res]:
        """Resources whose type token is one of `types`, in stack order."""
        return [r for r in self.resources if r.type in types]

    def follow(self, source: Res, prop: str, types: Sequence[str], keys: Sequence[str]) -> Link:
        """Targets of `source.prop` among `types`: by property dependency, else by value.

        A value matches a target when it equals one of the target's `keys` properties; a role is also
        matched by `...:role/<path><name>` and a bucket by `arn:aws:s3:::<bucket>`, so references
        written as literal ARNs are still followed.
        """
        candidates = self.of_type(*types)
        by_dep = [t for t in candidates if t.urn in source.deps.get(prop, ())]
        raw = source.get(prop)
        values = raw if isinstance(raw, list) else [] if raw is None else [raw]
        found: list[Res] = list(by_dep)
        unresolved: list[Any] = []
        for value in values:
            hits = [t for t in candidates if _refers(value, t, keys)]
            found.extend(t for t in hits if t not in found)
            if not hits and not (is_unknown(value) and by_dep):
                unresolved.append(value)
        return Link(found, unresolved)

    def referring(self, target: Res, types: Sequence[str], prop: str, keys: Sequence[str]) -> list[Res]:
        """Resources of `types` whose `prop` refers to `target` (inverse of `follow`)."""
        return [
            r for r in self.of_type(*types) if target in self.follow(r, prop, [target.type], keys).targets
        ]


def _refers(value: Any, target: Res, keys: Sequence[str]) -> bool:
    text = known_str(value)
    if text is None:
        return False
    for key in keys:
        if text == known_str(target.get(key)):
            return True
    if target.type in BUCKETS and text == f"arn:aws:s3:::{known_str(target.get('bucket'))}":
        return True
    if target.type == ROLE and ":role/" in text:
        # arn:aws:iam::<account>:role/<path><name>: the name is the last path segment.
        return text.rsplit("/", 1)[-1] == known_str(target.get("name"))
    return False
