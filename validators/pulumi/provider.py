"""The SyncJobGate provider: Pulumi's resource-provider interface over one gate run per process.

The engine starts one plugin process per provider configuration and calls it from many of its
workers at once: every SyncJobGate of an update is a `submit` on this process's one `GateRun` (one
boto3 session, one request budget per region: the config's `maxRps`), each with its own deadline,
grace and strictness. The waits run on the run's daemon threads; this asyncio code only awaits their
futures, so one process serves every gate of the update side by side.

- Configure: `supports_preview=False`, so the engine never calls Create or Update on preview, and
  Check and Diff never send a request: preview shows the verdict outputs as unknown.
- Create and Update wait for the verdict. `active` returns the outputs; any other verdict raises
  `GateInitError` (the servicer turns it into the `ErrorResourceInitFailed` detail): the engine records
  the gate with its outputs and init errors, fails the update naming the gate's row, and calls Update
  on it on the next `pulumi up`, which waits again.
- Read (refresh) reads the job once (`GateRun.look`: one GetSyncJob, plus the resource listing under
  `checkResources`), and reports a gate that does not pass now as init errors.
- Cancel (the engine's Ctrl-C) sets one event that ends every wait within a second; a cancelled Create
  fails without recording anything, so the state holds no pending operation.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..aws_settings import AwsSettings, GateConfigError
from ..executor import on_daemon_thread
from ..gate import GateRun
from ..model import JobResult, Outcome, StateChange
from ..names import check_region
from ..reports.pulumi import cancelled_message, status_text
from ..sanitize import safe_text
from ..wait_settings import WaitPolicy
from . import logic, spec
from .values import UNKNOWN, map_from_plain, map_to_plain

#: Sends one ephemeral status line to the engine for a resource: (urn, text).
StatusSink = Callable[[str, str], None]
#: Makes the run once the config is known (tests pass a run on a local endpoint).
RunFactory = Callable[[WaitPolicy, AwsSettings], GateRun]


class ProviderError(Exception):
    """A failure the engine shows on the gate's row, as one line; nothing is recorded."""


class GateInitError(Exception):
    """The gate exists but did not pass: the engine records it with `properties` and `reasons` (init
    errors) and fails the update (see `validators.pulumi.server`)."""

    def __init__(
        self, resource_id: str, properties: Mapping[str, Any], inputs: Mapping[str, Any], reasons: list[str]
    ) -> None:
        super().__init__(reasons[0] if reasons else "the gate did not pass")
        self.resource_id = resource_id
        self.properties = dict(properties)
        self.inputs = dict(inputs)
        self.reasons = reasons


def schema_text() -> str:
    """The package schema, as committed beside this module (`schema.json`)."""
    return resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")


def _max_rps(value: Any) -> float:
    """The config's `maxRps`: a positive number (stack config may send it as a string)."""
    if value is None or value is UNKNOWN:
        return spec.DEFAULT_MAX_RPS
    try:
        rps = float(value)
    except (TypeError, ValueError):
        rps = math.nan
    if isinstance(value, bool) or not math.isfinite(rps) or rps <= 0:
        raise ProviderError(f"{spec.PACKAGE}:{spec.MAX_RPS}: expected a positive number, got {value!r}")
    return rps


class GateProvider(Provider):
    """The `twinmaker-sync-gate` provider (see the module docstring)."""

    def __init__(self, *, status: StatusSink | None = None, make_run: RunFactory | None = None) -> None:
        self._status: StatusSink = status or (lambda urn, text: None)
        self._make_run: RunFactory = make_run or GateRun
        self._policy = WaitPolicy()
        self._aws = AwsSettings()
        self._run: GateRun | None = None
        self._run_lock = asyncio.Lock()
        #: Set by the engine's Cancel: every wait of this process ends within a second.
        self.cancelled = threading.Event()

    def set_status_sink(self, status: StatusSink) -> None:
        """Where ephemeral status lines go (the server wires it to the engine's Log)."""
        self._status = status

    # -- configuration --------------------------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=schema_text())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        config = map_to_plain(request.new_inputs)
        failures = []
        try:
            _max_rps(config.get(spec.MAX_RPS))
        except ProviderError as error:
            failures.append(CheckFailure(spec.MAX_RPS, str(error)))
        region = config.get(spec.REGION)
        if isinstance(region, str) and region and (problem := check_region(region)):
            failures.append(CheckFailure(spec.REGION, f"{spec.PACKAGE}:region: {region!r} {problem}"))
        return CheckResponse(inputs=request.new_inputs, failures=failures)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        config = map_to_plain(request.args)
        # Engines that send no `args` send the config as `variables`, keyed `PACKAGE:config:NAME`.
        for key, value in request.variables.items():
            config.setdefault(key.rsplit(":", 1)[-1], value)
        region = config.get(spec.REGION)
        self._policy = WaitPolicy(max_rps=_max_rps(config.get(spec.MAX_RPS)))
        self._aws = AwsSettings(region=region if isinstance(region, str) and region else None)
        # supports_preview=False: the engine calls neither Create nor Update on preview.
        return ConfigureResponse(accept_secrets=False, supports_preview=False)

    async def _gate_run(self) -> GateRun:
        """This process's one run, made at the first wait (opening boto3 takes a moment: on a thread)."""
        async with self._run_lock:
            if self._run is None:
                try:
                    self._run = await asyncio.wrap_future(
                        on_daemon_thread(lambda: self._make_run(self._policy, self._aws), name="gate-run")
                    )
                except GateConfigError as error:
                    raise ProviderError(config_problem(error, "the gates")) from None
            return self._run

    # -- check and diff: no requests ------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        checked, failures = logic.check_inputs(map_to_plain(request.new_inputs))
        return CheckResponse(
            inputs=map_from_plain(checked),
            failures=failures,
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        result = logic.diff_inputs(
            map_to_plain(request.old_state),
            map_to_plain(request.new_inputs),
            frozenset(request.ignore_changes),
        )
        return DiffResponse(
            changes=bool(result.changed),
            replaces=list(result.replaces),
            diffs=list(result.changed),
            detailed_diff={
                name: PropertyDiff(
                    PropertyDiffKind.UPDATE_REPLACE if name in result.replaces else PropertyDiffKind.UPDATE,
                    True,
                )
                for name in result.changed
            },
        )

    # -- the waits ------------------------------------------------------------------------------------

    async def _wait(
        self,
        urn: str,
        checked: Mapping[str, Any],
        policy_of: Callable[[logic.GateInputs], WaitPolicy],
        resource_id: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Wait for the gate's job; return (id, outputs) on `active`, raise `GateInitError` otherwise,
        `ProviderError` when cancelled or when the wait cannot start. `resource_id`: the gate's ID when
        it has one (Update), else one is made from the job's identity (Create)."""
        inputs = logic.gate_inputs(checked)
        run = await self._gate_run()
        resource_id = resource_id or logic.gate_id(inputs, run.pool.default_region)
        if self.cancelled.is_set():
            raise ProviderError(cancelled_message(inputs.target().label()))
        loop = asyncio.get_running_loop()

        def on_change(change: StateChange) -> None:
            # On a gate thread: the status goes out from the event loop.
            loop.call_soon_threadsafe(self._status, urn, status_text(change))

        future = run.submit(
            inputs.target(), policy=policy_of(inputs), on_change=on_change, cancel=self.cancelled
        )
        try:
            result = await asyncio.wrap_future(future)
        except GateConfigError as error:
            raise ProviderError(config_problem(error, inputs.target().label())) from None
        job = result.jobs[0]
        if job.outcome is Outcome.INTERRUPTED or self.cancelled.is_set():
            raise ProviderError(cancelled_message(inputs.target().label()))
        outputs = logic.verdict_outputs(checked, job)
        if not logic.passed(job):
            raise GateInitError(
                resource_id, outputs, checked, logic.failure_reasons(job, inputs.check_resources)
            )
        return resource_id, outputs

    async def create(self, request: CreateRequest) -> CreateResponse:
        checked = map_to_plain(request.properties)
        resource_id, outputs = await self._wait(
            request.urn, checked, lambda inputs: inputs.policy(self._policy, request.timeout)
        )
        return CreateResponse(resource_id=resource_id, properties=map_from_plain(outputs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        checked = map_to_plain(request.news)
        _, outputs = await self._wait(
            request.urn,
            checked,
            lambda inputs: inputs.policy(self._policy, request.timeout),
            resource_id=request.resource_id,
        )
        return UpdateResponse(properties=map_from_plain(outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """One look at the job (a zero deadline), no waiting; a gate that does not pass now is returned
        with init errors (the engine warns, keeps them in the state, and the next `up` checks it)."""
        old = map_to_plain(request.properties)
        checked = {p.name: old[p.name] for p in spec.INPUTS if p.name in old}
        if spec.WORKSPACE_ID not in checked:
            return ReadResponse(request.resource_id, request.properties, request.inputs)
        inputs = logic.gate_inputs(checked)
        run = await self._gate_run()
        future = run.submit(
            inputs.target(), policy=inputs.policy(self._policy), cancel=self.cancelled, once=True
        )
        try:
            job: JobResult = (await asyncio.wrap_future(future)).jobs[0]
        except GateConfigError as error:
            raise ProviderError(config_problem(error, inputs.target().label())) from None
        if job.outcome is Outcome.INTERRUPTED:
            raise ProviderError(cancelled_message(inputs.target().label()))
        outputs = logic.verdict_outputs(checked, job)
        # Only `active` passes, as in Create: a job still CREATING at this one look is `timeout` (the
        # CLI's word for `--timeout 0`) and keeps init errors, so the next `up` waits for it.
        if not logic.passed(job):
            raise GateInitError(
                request.resource_id,
                outputs,
                map_to_plain(request.inputs),
                logic.failure_reasons(job, inputs.check_resources),
            )
        return ReadResponse(request.resource_id, map_from_plain(outputs), request.inputs)

    async def delete(self, request: DeleteRequest) -> None:
        """The gate owns nothing in AWS: deleting it forgets it."""

    async def cancel(self) -> None:
        self.cancelled.set()


def config_problem(error: GateConfigError, what: str) -> str:
    """A run that cannot start, worded for a SyncJobGate (the CLI's words name its flags)."""
    if error.setting == "region":
        return (
            f"no region for {what}: set the gate's `region` input, the provider's "
            "`twinmaker-sync-gate:region`, or AWS_REGION in the environment of `pulumi up`"
        )
    return describe(error)


def describe(error: BaseException) -> str:
    """One line for an unexpected failure (never a traceback on the gate's row)."""
    return safe_text(str(error), 500) or type(error).__name__
