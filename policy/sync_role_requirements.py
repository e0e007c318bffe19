"""What a SiteWise sync job's role must be allowed to do: the one place the pack defines it.

Source: AWS IoT TwinMaker User Guide, "Asset synchronization with AWS IoT SiteWise" > "Using a custom
workspace" (https://docs.aws.amazon.com/iot-twinmaker/latest/guide/tm-sw-asset-sync-use.html). Its
prerequisites list the SiteWise read actions and TwinMaker write actions, and its role template scopes
them as below; AWS's own service-linked role policy `AWSIoTTwinMakerServiceRolePolicy` grants the same
fourteen actions. A role that lacks one of them makes the sync job fail in CREATING, minutes after
`pulumi up` returned, which is what the gate would otherwise be waiting to discover.

`iotsitewise:ListAssociatedAssets` and `iottwinmaker:GetWorkspace` are not in AWS's list, so they are
not required here (granting them is harmless).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SUPPORTED_SYNC_SOURCES: Final = ("SITEWISE",)
"""Values of SyncJob `syncSource` the service accepts today (CreateSyncJob fails at once otherwise).
Written here, not imported from the gate's `validators.names`: the pack runs in a virtualenv of its own
with only its requirements (pulumi, pulumi-policy). A test keeps the two equal."""

PROBE_ID: Final = "sync-probe"
"""Stand-in for an asset, asset model, entity or component type ID when checking resource scoping."""


@dataclass(frozen=True)
class RequiredAction:
    """An action the sync role needs, and the resources (ARN templates) it must be allowed on.

    Templates use `{region}`, `{account}` (`?` when unknown: any pattern matches there), `{workspace}`
    and `{probe}`. A resource of exactly "*" stands for actions without resource-level permissions,
    which only `"Resource": "*"` grants.
    """

    action: str
    resources: tuple[str, ...]


_ASSET = "arn:aws:iotsitewise:{region}:{account}:asset/{probe}"
_ASSET_MODEL = "arn:aws:iotsitewise:{region}:{account}:asset-model/{probe}"
# The docs' template allows TwinMaker actions on the workspace and everything under it.
_WORKSPACE = "arn:aws:iottwinmaker:{region}:{account}:workspace/{workspace}"
_WS_ENTITY = _WORKSPACE + "/entity/{probe}"
_WS_COMPONENT_TYPE = _WORKSPACE + "/component-type/{probe}"

SITEWISE_READ: Final = (
    RequiredAction("iotsitewise:DescribeAsset", (_ASSET,)),
    RequiredAction("iotsitewise:DescribeAssetModel", (_ASSET_MODEL,)),
    RequiredAction("iotsitewise:ListAssets", ("*",)),
    RequiredAction("iotsitewise:ListAssetModels", ("*",)),
)
"""SiteWise read access: the job lists and describes the assets and models it mirrors."""

TWINMAKER_WRITE: Final = tuple(
    RequiredAction(f"iottwinmaker:{verb}", (_WORKSPACE, child))
    for verb, child in (
        ("CreateEntity", _WS_ENTITY),
        ("UpdateEntity", _WS_ENTITY),
        ("DeleteEntity", _WS_ENTITY),
        ("GetEntity", _WS_ENTITY),
        ("ListEntities", _WS_ENTITY),
        ("CreateComponentType", _WS_COMPONENT_TYPE),
        ("UpdateComponentType", _WS_COMPONENT_TYPE),
        ("DeleteComponentType", _WS_COMPONENT_TYPE),
        ("GetComponentType", _WS_COMPONENT_TYPE),
        ("ListComponentTypes", _WS_COMPONENT_TYPE),
    )
)
"""TwinMaker entity and component-type write access on the job's workspace and its children."""

REQUIRED_ACTIONS: Final = SITEWISE_READ + TWINMAKER_WRITE


def resources_for(
    required: RequiredAction, workspace_id: str, region: str | None, account: str | None
) -> list[str]:
    """The concrete probe ARNs for one required action and one workspace."""
    return [
        template.format(region=region or "?", account=account or "?", workspace=workspace_id, probe=PROBE_ID)
        for template in required.resources
    ]
