"""What both doubles share: a table of resource kinds and invokes, and the engine-facing semantics.

A `ResourceKind` says what the real provider would: which inputs force a replacement, which property is
auto-named, and how create/read/update/delete reach the (local) cloud. `TableProvider` turns that table
into the SDK's provider interface, with the real providers' behaviour where it matters to this project:

- `configure` answers `supports_preview=False`, so the engine never calls `create` during preview;
- `check` auto-names (Pulumi's `<name>-<7 hex>`) only when neither the name nor its prefix is set;
- `diff` reports a replacement when a force-new input changes or is unknown, an update otherwise;
- errors of the cloud surface as provider errors: the engine prints them against the resource's URN;
- `get_schema` answers the double's package schema (`local_cloud.schema`), so a Pulumi YAML program
  type-checks against it, at the version of the SDK package the double stands in for.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

# The SDK's request and response types, as the gate's provider (`validators.pulumi.provider`) imports
# them too: two providers of one interface, kept apart because they share no behaviour (these doubles
# play AWS; the gate waits on it).
from pulumi.provider.experimental.provider import (
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
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from local_cloud import naming
from local_cloud.schema import PackageSchema
from local_cloud.server import plugin_version
from validators.pulumi.values import UNKNOWN, map_from_plain, map_to_plain

Props = dict[str, Any]
#: create(name, inputs) -> (id, outputs); blocking, run on a worker thread.
CreateFn = Callable[[str, Props], tuple[str, Props]]
#: read(id, old outputs) -> outputs, or None when the resource is gone.
ReadFn = Callable[[str, Props], Props | None]
#: update(id, old outputs, new inputs) -> outputs.
UpdateFn = Callable[[str, Props, Props], Props]
DeleteFn = Callable[[str, Props], None]
InvokeFn = Callable[[Props], Props]


class ProviderError(Exception):
    """A failure the engine shows the user as the resource's error (one line, the cloud's reason)."""


@dataclass(frozen=True)
class ResourceKind:
    """One resource type of a provider, as the engine sees it."""

    token: str  # e.g. "aws:iam/role:Role"
    create: CreateFn
    delete: DeleteFn
    read: ReadFn | None = None
    update: UpdateFn | None = None
    #: Inputs whose change (or unknown value) forces a replacement, as in the real provider's schema.
    replace_on_change: frozenset[str] = frozenset()
    #: Every input forces a replacement (aws-native SyncJob: all properties are create-only).
    replace_on_any_change: bool = False
    #: (name property, prefix property): auto-named at check when both are absent.
    auto_name: tuple[str, str | None] | None = None
    #: Inputs that exist only as outputs (never compared by diff).
    output_only: frozenset[str] = field(default_factory=frozenset)


def _name_from_urn(urn: str) -> str:
    return urn.rsplit("::", maxsplit=1)[-1]


class TableProvider(Provider):
    """A provider whose resources and invokes are given as tables (see the module docstring)."""

    #: The Python SDK package of the provider this double stands in for: its `pulumi-plugin.json`
    #: names the version the engine asks for (and the schema's version).
    sdk_package: str = ""

    def __init__(
        self, kinds: list[ResourceKind], invokes: Mapping[str, InvokeFn], schema: PackageSchema
    ) -> None:
        self._kinds = {kind.token: kind for kind in kinds}
        self._invokes = dict(invokes)
        self.schema = schema
        self.config: Props = {}

    @property
    def resource_tokens(self) -> list[str]:
        """The resource types this double serves."""
        return sorted(self._kinds)

    @property
    def function_tokens(self) -> list[str]:
        """The invokes this double serves."""
        return sorted(self._invokes)

    def version(self) -> str:
        """The plugin's version: the one the installed SDK package declares."""
        return plugin_version(self.sdk_package)

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        # The engine (and a YAML program's type checker) may ask for any version; the double has one.
        del request
        return GetSchemaResponse(schema=json.dumps(self.schema.as_json(self.version())))

    def _kind(self, urn: str) -> ResourceKind:
        token = urn.split("::")[-2].rsplit("$", maxsplit=1)[-1]
        kind = self._kinds.get(token)
        if kind is None:
            raise ProviderError(f"the local cloud does not implement {token} (only {sorted(self._kinds)})")
        return kind

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        # The region and friends arrive as provider config; unknown ones are kept as given.
        self.config = {k: v for k, v in map_to_plain(request.args).items() if v is not UNKNOWN}
        # supports_preview=False: the engine then never calls create() during `pulumi preview`.
        return ConfigureResponse(accept_secrets=False, supports_preview=False)

    def configured_region(self, package: str) -> str:
        """The provider's region as the real providers take it: `PACKAGE:region` in the stack config,
        else AWS_REGION / AWS_DEFAULT_REGION."""
        configured = self.config.get("region")
        if isinstance(configured, str) and configured:
            return configured
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            raise ProviderError(f"missing required configuration key {package}:region (or AWS_REGION)")
        return region

    async def check(self, request: CheckRequest) -> CheckResponse:
        kind = self._kind(request.urn)
        inputs = dict(request.new_inputs)
        if kind.auto_name is not None:
            name_key, prefix_key = kind.auto_name
            if name_key not in inputs and (prefix_key is None or prefix_key not in inputs):
                old = request.old_inputs.get(name_key)
                inputs[name_key] = (
                    old
                    if old is not None
                    else PropertyValue(naming.auto_name(_name_from_urn(request.urn), request.random_seed))
                )
        return CheckResponse(inputs=inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        kind = self._kind(request.urn)
        old = map_to_plain(request.old_state)
        new = map_to_plain(request.new_inputs)
        changed = [
            key
            for key in sorted(set(new) | _input_keys(old))
            if key not in request.ignore_changes
            and key not in kind.output_only
            and (new.get(key) is UNKNOWN or new.get(key) != old.get(key))
        ]
        replaces = [k for k in changed if kind.replace_on_any_change or k in kind.replace_on_change]
        detailed = {
            k: PropertyDiff(
                PropertyDiffKind.UPDATE_REPLACE if k in replaces else PropertyDiffKind.UPDATE, True
            )
            for k in changed
        }
        return DiffResponse(
            changes=bool(changed),
            replaces=replaces,
            diffs=changed,
            detailed_diff=detailed,
            # Names are unique in AWS: a replacement with the same name must delete first.
            delete_before_replace=bool(replaces) and kind.auto_name is None,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        kind = self._kind(request.urn)
        inputs = map_to_plain(request.properties)
        resource_id, outputs = await _call(kind.create, _name_from_urn(request.urn), inputs)
        outputs = {**outputs, INPUTS_KEY: sorted(inputs)}
        return CreateResponse(resource_id=resource_id, properties=map_from_plain(outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        kind = self._kind(request.urn)
        old = map_to_plain(request.properties)
        if kind.read is None:
            return ReadResponse(request.resource_id, request.properties, request.inputs)
        outputs = await _call(kind.read, request.resource_id, old)
        if outputs is None:
            return ReadResponse(resource_id=None)  # gone: refresh removes it from the state
        outputs = {**outputs, INPUTS_KEY: old.get(INPUTS_KEY, [])}
        return ReadResponse(request.resource_id, map_from_plain(outputs), request.inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        kind = self._kind(request.urn)
        if kind.update is None:
            raise ProviderError(f"{kind.token} cannot be updated in place by the local cloud")
        old = map_to_plain(request.olds)
        new = map_to_plain(request.news)
        outputs = await _call(kind.update, request.resource_id, old, new)
        return UpdateResponse(properties=map_from_plain({**outputs, INPUTS_KEY: sorted(new)}))

    async def delete(self, request: DeleteRequest) -> None:
        kind = self._kind(request.urn)
        await _call(kind.delete, request.resource_id, map_to_plain(request.properties))

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        function = self._invokes.get(request.tok)
        if function is None:
            raise ProviderError(f"the local cloud does not implement {request.tok}")
        result = await _call(function, map_to_plain(request.args))
        return InvokeResponse(return_value=map_from_plain(result))


#: Outputs list the input names they were made from, so diff can tell an input that was removed
#: from an output the cloud computed (the real providers keep inputs in state for the same reason).
INPUTS_KEY = "__localCloudInputs"


def _input_keys(outputs: Props) -> set[str]:
    keys = outputs.get(INPUTS_KEY)
    return set(keys) if isinstance(keys, list) else set()


async def _call(function: Callable[..., Any], *args: Any) -> Any:
    # The cloud calls block (boto3, file I/O); the provider server is asyncio, and the engine sends
    # many requests at once: each runs on a worker thread.
    result: Awaitable[Any] = asyncio.to_thread(function, *args)
    try:
        return await result
    except ProviderError:
        raise
    except Exception as error:
        raise ProviderError(str(error)) from error
