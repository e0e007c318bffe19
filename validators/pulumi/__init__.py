"""The gate's Pulumi faces, side by side:

- `SyncJobGate`, `SyncJobGateArgs`, `Provider` (`resource`): the resource any Python program declares,
  one per sync job; its Create waits in the `twinmaker-sync-gate` provider plugin, served by the console
  script `pulumi-resource-twinmaker-sync-gate` (`server`, over `provider` and the pure rules in `logic`,
  all from the one table in `spec`; the package schema in `schema`, committed as `schema.json`);
- `gate_stack`, `GatedJob` (`stack_gate`): the stack-level gate, one gate run for every sync job of a
  Python program, awaited by the program itself; `wait` is how both Pulumi entry points of a program
  wait off its event loop.

docs/plugin.md and docs/pulumi.md are the references. Installed, this package is
`twinmaker_sync_gate.pulumi`. Names are imported on first use, so `import ...pulumi.spec` costs neither
the Pulumi SDK nor boto3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .resource import Provider, SyncJobGate, SyncJobGateArgs
    from .stack_gate import GatedJob, gate_stack

#: Each public name and the module that defines it.
_HOMES = {
    "Provider": "resource",
    "SyncJobGate": "resource",
    "SyncJobGateArgs": "resource",
    "GatedJob": "stack_gate",
    "gate_stack": "stack_gate",
}
__all__ = ["GatedJob", "Provider", "SyncJobGate", "SyncJobGateArgs", "gate_stack"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
