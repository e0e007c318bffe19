"""The gate's Pulumi faces, side by side:

- `SyncJobGate`, `SyncJobGateArgs`, `Provider` (`resource`): the resource any Python program declares,
  one per sync job; its Create waits in the `twinmaker-sync-gate` provider plugin, served by the console
  script `pulumi-resource-twinmaker-sync-gate` (`server`, over `provider` and the pure rules in `logic`,
  all from the one table in `spec`; the package schema in `schema`, committed as `schema.json`);
- `gate_stack`, `GatedJob` (`stack_gate`): the stack-level gate, one gate run for every sync job of a
  Python program, awaited by the program itself (waiting through `wait`).

docs/plugin.md and docs/pulumi.md are the references. Installed, this package is
`twinmaker_sync_gate.pulumi`. Names are imported on first use, so `import ...pulumi.spec` costs neither
the Pulumi SDK nor boto3.
"""

from __future__ import annotations

import importlib
import sys
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


def plugin_main() -> None:
    """The console script `pulumi-resource-twinmaker-sync-gate`: serve the plugin (`server.main`), or,
    installed without the Pulumi SDK (the extra `[pulumi]`), say so in one line, exit 1."""
    try:
        from .server import main  # noqa: PLC0415 - the import is what may fail
    except ImportError as error:
        sys.stderr.write(
            f"pulumi-resource-twinmaker-sync-gate: {error}: install the gate with its Pulumi extra, "
            "`pip install 'twinmaker-sync-gate[pulumi] @ <path or git URL>'`\n"
        )
        sys.exit(1)
    main()
