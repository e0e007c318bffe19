"""A deployment gate for AWS IoT TwinMaker sync jobs.

Pure decision (`decision`, `schedule`, `ratelimit`, with the settings in `wait_settings`) -> loop
(`loop`) -> boto3 adapter (`aws`) -> the library's front door (`gate`: `GateRun`, `wait_for_sync_jobs`).
Edges: target readers (`inputs`), reports (`reports/`, one module per audience, `reports/pulumi` for
what `pulumi up` shows), and the gate's faces: `cli/` (the command line, also what Terraform's module
runs) and `pulumi/` (the stack gate, the SyncJobGate provider plugin and its resource class).
Installed, this package is `twinmaker_sync_gate`; its modules import each other relatively.

The names below are imported on first use (PEP 562), so `python -m validators` and `import validators.x`
do not pay for boto3 before they need it, and a Ctrl-C during start-up lands where the CLI handles it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .aws_settings import AwsSettings, GateConfigError
    from .gate import wait_for_sync_jobs
    from .model import (
        ExitStatus,
        JobResult,
        Outcome,
        ResourceError,
        RunResult,
        ServiceError,
        Target,
    )
    from .wait_settings import PolicyError, WaitPolicy

__all__ = [
    "AwsSettings",
    "ExitStatus",
    "GateConfigError",
    "JobResult",
    "Outcome",
    "PolicyError",
    "ResourceError",
    "RunResult",
    "ServiceError",
    "Target",
    "WaitPolicy",
    "wait_for_sync_jobs",
]

#: Where `__getattr__` looks for a public name, lightest first: only `wait_for_sync_jobs` needs boto3.
_MODULES = (".aws_settings", ".model", ".wait_settings", ".gate")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module in _MODULES:
            found = importlib.import_module(module, __name__)
            if hasattr(found, name):
                return getattr(found, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
