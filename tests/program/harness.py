"""Run the Pulumi program under Pulumi's mocks and keep everything it registered, for assertions.

The Pulumi runtime is process-global state (settings, config, the root stack resource). `load_program`
resets all of it before each run, so one run never sees another's resources, config or exports; test
modules load the program once per configuration (module-scoped fixtures), which keeps them fast.
Hooks never run under mocks: what is checked is how they are bound (`RegisterResourceRequest.hooks`).
"""

from __future__ import annotations

import importlib
import json
import runpy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from validators.model import JobResult, Outcome, RunResult, Target
from validators.pulumi import stack_gate

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "__main__.py"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
PARTITION = "aws"
PROJECT = "twinmaker-sync"
STACK = "test"


class FakeAws(pulumi.runtime.Mocks):
    """Provider answers: stable IDs and ARNs derived from the logical name, inputs echoed as outputs."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        name = args.name
        if args.typ == "aws:s3/bucket:Bucket":
            bucket = f"{state.get('bucketPrefix', name)}0123abcd"
            state.update(bucket=bucket, arn=f"arn:aws:s3:::{bucket}")
            return bucket, state
        if args.typ == "aws:iam/role:Role":
            role = f"{state.get('namePrefix', name)}0123abcd"
            state.update(name=role, arn=f"arn:aws:iam::{ACCOUNT}:role/{role}")
            return role, state
        if args.typ == "aws-native:iottwinmaker:Workspace":
            state["arn"] = f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{state['workspaceId']}"
            return state["workspaceId"], state
        if args.typ == "aws-native:iottwinmaker:SyncJob":
            ws = state["workspaceId"]
            state.update(
                arn=f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{ws}/sync-job/{state['syncSource']}",
                state="CREATING",
            )
            return f"{ws}|{state['syncSource']}", state
        if args.typ == "twinmaker-sync-gate:index:SyncJobGate":
            # The plugin's verdict, as its Create returns it for a job that became ACTIVE.
            state.update(outcome="active", state="ACTIVE", resourceErrors=[], polls=1, elapsedSeconds=1.0)
            return f"{state['workspaceId']}/{state.get('syncSource', 'SITEWISE')}", state
        return f"{name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
                "userId": "AIDA",
                "id": ACCOUNT,
            }
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": PARTITION, "dnsSuffix": "amazonaws.com", "id": PARTITION}
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        raise NotImplementedError(args.token)


@dataclass
class Registration:
    """One `RegisterResource` request as the program sent it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    hooks: list[str]  # the resource hooks bound on it, of any phase (the program binds none)
    protect: bool
    retain_on_delete: bool
    provider: str = ""  # the provider reference (`URN::ID`), when one was given
    custom_timeouts: tuple[str, str] = ("", "")  # (create, update), as the program set them
    version: str = ""  # the plugin version the engine is asked to load


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that also keeps each request's parent, dependencies, options and hook bindings,
    and the names of the resource hooks the program registers."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.hook_names: list[str] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            hooks = request.hooks
            self.registrations.append(
                Registration(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    custom=request.custom,
                    inputs=pulumi.runtime.rpc.deserialize_properties(request.object),
                    dependencies=list(request.dependencies),
                    property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                    hooks=[
                        *hooks.after_create,
                        *hooks.before_create,
                        *hooks.before_update,
                        *hooks.after_update,
                        *hooks.before_delete,
                        *hooks.after_delete,
                    ],
                    protect=request.protect,
                    retain_on_delete=request.retainOnDelete,
                    provider=request.provider,
                    custom_timeouts=(request.customTimeouts.create, request.customTimeouts.update),
                    version=request.version,
                )
            )
        return response

    def RegisterResourceHook(self, request: Any) -> Any:
        self.hook_names.append(request.name)
        return super().RegisterResourceHook(request)


@dataclass
class ProgramRun:
    """What one run of the program registered and exported."""

    registrations: list[Registration]
    hook_names: list[str]
    outputs: dict[str, Any]
    namespace: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def one(self, type_: str, name: str) -> Registration:
        found = [r for r in self.registrations if r.type == type_ and r.name == name]
        assert len(found) == 1, f"expected one {type_} named {name}, got {[r.urn for r in found]}"
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        return next(r for r in self.registrations if r.urn == urn)

    def policy(self, type_: str, name: str, key: str = "policy") -> dict[str, Any]:
        document = self.one(type_, name).inputs[key]
        return json.loads(document) if isinstance(document, str) else document


def stack_config(**keys: Any) -> dict[str, str]:
    """Config as the CLI passes it: `namespace:key` to a string (objects and lists as JSON)."""
    config = {"aws:region": REGION, "aws-native:region": REGION}
    for key, value in keys.items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        config[full] = value if isinstance(value, str) else json.dumps(value)
    return config


def _all_active(targets: Sequence[Target], policy: Any = None, **_options: Any) -> RunResult:
    """The stack gate's waiter under mocks: every job ACTIVE at once (mocks have no service to poll);
    the real waits are proven on the engine (tests/e2e)."""
    GATED.extend(targets)
    GATE_POLICIES.append(policy)
    return RunResult(tuple(JobResult(t, Outcome.ACTIVE, "ACTIVE", polls=1) for t in targets), 0.0)


#: The targets the stack-level gate was asked to wait for, in the last `load_program`.
GATED: list[Target] = []
#: The wait policy of each of those waits.
GATE_POLICIES: list[Any] = []


def load_program(config: dict[str, str], main: Path = MAIN, waiter: Any = None) -> ProgramRun:
    """Reset the runtime, install the mocks and config, run the program (`__main__.py`, or another
    program file) once, return what it did. `waiter`: the stack gate's, instead of all ACTIVE."""
    GATED.clear()
    GATE_POLICIES.clear()
    # The repository's program imports the gate by its folder's name, a user's program by the installed
    # name: two module trees of the same code, each stack gate waiting on the scripted waiter.
    for gate_module in (stack_gate, importlib.import_module("twinmaker_sync_gate.pulumi.stack_gate")):
        gate_module.shared_waiter = lambda: waiter or _all_active
    set_root_resource(None)  # type: ignore[arg-type]  # a fresh root stack for this run
    mocks = FakeAws()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config)
    namespace: dict[str, Any] = {}

    def program() -> None:
        namespace.update(runpy.run_path(str(main), run_name="__main__"))

    _sync_await(run_pulumi_func(program))
    stack = pulumi.runtime.get_root_resource()
    outputs = _sync_await(pulumi.Output.from_input(dict(stack.outputs)).future())  # type: ignore[union-attr]
    return ProgramRun(monitor.registrations, monitor.hook_names, outputs, namespace)
