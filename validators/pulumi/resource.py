"""The SyncJobGate resource for Python programs: `SyncJobGate("name", SyncJobGateArgs(...), opts=...)`.

What `pulumi package gen-sdk` would generate from the schema, written by hand (the Python language host
that generates it is not available here): the resource class with typed inputs and its outputs as
properties, and the `Provider` resource for the plugin's config. The plugin itself is the console
script `pulumi-resource-twinmaker-sync-gate` of this distribution (see docs/plugin.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from ..version import __version__
from . import spec


def _with_version(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """The plugin version the engine must load: this distribution's (unless the program names one)."""
    opts = opts or pulumi.ResourceOptions()
    return (
        opts
        if opts.version
        else pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=__version__))
    )


@dataclass(frozen=True)
class SyncJobGateArgs:
    """The gate's inputs (the schema's descriptions are in `validators.pulumi.spec`)."""

    workspace_id: pulumi.Input[str]
    sync_source: pulumi.Input[str] | None = None
    region: pulumi.Input[str] | None = None
    #: The job's `arn` output: a replaced job gets a new gate (and the gate waits for the job).
    sync_job_arn: pulumi.Input[str] | None = None
    #: Seconds or a duration (`30m`); `customTimeouts.create` wins when set.
    timeout: pulumi.Input[float | str] | None = None
    check_resources: pulumi.Input[bool] | None = None
    not_found_grace: pulumi.Input[float | str] | None = None

    def to_props(self) -> dict[str, Any]:
        """The inputs under their wire names; absent ones left out (the plugin applies the defaults)."""
        values = {
            spec.WORKSPACE_ID: self.workspace_id,
            spec.SYNC_SOURCE: self.sync_source,
            spec.REGION: self.region,
            spec.SYNC_JOB_ARN: self.sync_job_arn,
            spec.TIMEOUT: self.timeout,
            spec.CHECK_RESOURCES: self.check_resources,
            spec.NOT_FOUND_GRACE: self.not_found_grace,
        }
        return {name: value for name, value in values.items() if value is not None}


class SyncJobGate(pulumi.CustomResource):
    """Waits in `pulumi up` until a TwinMaker sync job is ACTIVE; any other verdict fails the update
    (the gate is recorded with its reasons and checked again by the next `up`)."""

    workspace_id: pulumi.Output[str]
    sync_source: pulumi.Output[str]
    region: pulumi.Output[str | None]
    sync_job_arn: pulumi.Output[str | None]
    timeout: pulumi.Output[float]
    check_resources: pulumi.Output[bool]
    not_found_grace: pulumi.Output[float]
    outcome: pulumi.Output[str]
    state: pulumi.Output[str | None]
    error_code: pulumi.Output[str | None]
    error_message: pulumi.Output[str | None]
    resource_errors: pulumi.Output[list[dict[str, str]]]
    elapsed_seconds: pulumi.Output[float]
    polls: pulumi.Output[int]

    def __init__(
        self, resource_name: str, args: SyncJobGateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Python names, as generated SDKs pass them: every input and output becomes an attribute; the
        # engine sees the schema's camelCase names (`translate_input_property`).
        given = args.to_props()
        props: dict[str, Any] = {_SNAKE[name]: given.get(name) for name in _ALL}
        super().__init__(spec.RESOURCE_TOKEN, resource_name, props, _with_version(opts))

    # The engine's property names are camelCase; the attributes above are the Python names.
    def translate_output_property(self, prop: str) -> str:
        return _SNAKE.get(prop, prop)

    def translate_input_property(self, prop: str) -> str:
        return _CAMEL.get(prop, prop)


class Provider(pulumi.ProviderResource):
    """The `twinmaker-sync-gate` provider with explicit config: `max_rps` (the request budget per region
    of its gates) and `region`. Pass it as `opts=ResourceOptions(provider=...)` to each SyncJobGate."""

    def __init__(
        self,
        resource_name: str,
        *,
        max_rps: pulumi.Input[float] | None = None,
        region: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {spec.MAX_RPS: max_rps, spec.REGION: region}
        super().__init__(
            spec.PACKAGE,
            resource_name,
            {k: v for k, v in props.items() if v is not None},
            _with_version(opts),
        )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


_ALL = [p.name for p in (*spec.INPUTS, *spec.VERDICT_OUTPUTS)]
_SNAKE = {name: _snake(name) for name in _ALL}
_CAMEL = {_snake(name): name for name in _ALL}
