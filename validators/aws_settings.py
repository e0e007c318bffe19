"""Where and as whom the gate talks to AWS: the part of the configuration that picks a boto3 client."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AwsSettings:
    """Region, profile and endpoint for the run; `None` defers to botocore's usual environment lookup.

    With `endpoint_url` (or `AWS_ENDPOINT_URL_IOTTWINMAKER` / `AWS_ENDPOINT_URL`) the client does not
    prepend the model's `api.` host prefix, or no local endpoint could be reached.
    """

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    connect_timeout: float = 5.0  # seconds to open a connection
    read_timeout: float = 10.0  # seconds to wait for a response; bounds how far a run can overrun
    max_attempts: int = 3  # attempts per call, the first included (botocore standard mode's default)


class GateConfigError(ValueError):
    """The run cannot start as configured (no region, an unknown profile); one line for people, worded
    for the CLI. `setting` names what is missing (`region`), so another edge can say it its own way."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting
