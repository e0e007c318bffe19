"""A deployment gate for AWS IoT TwinMaker sync jobs.

Pure decision (`decision`, `schedule`, `ratelimit`) -> loop (`loop`) -> boto3 adapter (`aws`); edges:
target readers (`inputs`), reports (`reports/`), the Pulumi hook (`pulumi_hook`) and the CLI (`cli`).

The names below are imported on first use (PEP 562), so `python -m validators` and `import validators.x`
do not pay for boto3 before they need it, and a Ctrl-C during start-up lands where the CLI handles it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from validators.aws_settings import AwsSettings, GateConfigError
    from validators.gate import wait_for_sync_jobs
    from validators.model import (
        ExitStatus,
        JobResult,
        Outcome,
        ResourceError,
        RunResult,
        ServiceError,
        Target,
    )
    from validators.policy import PolicyError, WaitPolicy

#: Marks this package as the gate's (`validators.shadow`): a PyPI distribution shares the name.
__twinmaker_gate__ = True

_EXPORTS = {
    "AwsSettings": "validators.aws_settings",
    "ExitStatus": "validators.model",
    "GateConfigError": "validators.aws_settings",
    "JobResult": "validators.model",
    "Outcome": "validators.model",
    "PolicyError": "validators.policy",
    "ResourceError": "validators.model",
    "RunResult": "validators.model",
    "ServiceError": "validators.model",
    "Target": "validators.model",
    "WaitPolicy": "validators.policy",
    "wait_for_sync_jobs": "validators.gate",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'validators' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
