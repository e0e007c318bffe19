"""A deployment gate for AWS IoT TwinMaker sync jobs.

Pure decision (`decision`, `schedule`, `ratelimit`) -> loop (`loop`) -> boto3 adapter (`aws`); edges:
target readers (`inputs`), reports (`reports/`), the Pulumi hook (`pulumi_hook`) and the CLI (`cli`).
"""

from validators.aws_settings import AwsSettings
from validators.gate import GateConfigError, wait_for_sync_jobs
from validators.model import ExitStatus, JobResult, Outcome, ResourceError, RunResult, ServiceError, Target
from validators.policy import PolicyError, WaitPolicy

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
