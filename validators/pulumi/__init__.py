"""The gate's Pulumi faces: the `twinmaker-sync-gate` provider plugin and its `SyncJobGate` resource.

- `SyncJobGate`, `SyncJobGateArgs`, `Provider`: the resource for any Python program (`resource`);
- the plugin, served by the console script `pulumi-resource-twinmaker-sync-gate` (`server`, over the
  provider in `provider` and the pure rules in `logic`, from the one table in `spec`);
- the package schema (`schema`, committed as `schema.json`).

docs/plugin.md is the reference. Names are imported on first use, so `import validators.pulumi.spec`
costs neither the Pulumi SDK nor boto3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from validators.pulumi.resource import Provider, SyncJobGate, SyncJobGateArgs

__all__ = ["Provider", "SyncJobGate", "SyncJobGateArgs"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("validators.pulumi.resource"), name)
    raise AttributeError(f"module 'validators.pulumi' has no attribute {name!r}")
