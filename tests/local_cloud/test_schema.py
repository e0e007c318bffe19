"""The doubles' package schemas: they declare exactly what the doubles serve, with the real provider's
tokens, property names and required inputs (read from the installed Python SDKs' own metadata, where
each property carries its wire name), and every type they reference is declared."""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from typing import Any

import pytest
from pulumi.provider.experimental.provider import GetSchemaRequest

from local_cloud.aws import AwsDouble
from local_cloud.aws_native import AwsNativeDouble
from local_cloud.provider import TableProvider
from local_cloud.schema import ObjectShape
from local_cloud.server import plugin_version
from local_cloud.store import Store
from tests.local_cloud.conftest import run

SDKS = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}


@pytest.fixture(params=["aws", "aws-native"])
def double(request: pytest.FixtureRequest) -> TableProvider:
    return AwsDouble(Store(None)) if request.param == "aws" else AwsNativeDouble()


def wire_names(cls: type) -> dict[str, str]:
    """Python attribute name -> the property's name on the wire (`@pulumi.getter(name=...)`)."""
    return {
        attr: value.fget._pulumi_name
        for attr, value in vars(cls).items()
        if isinstance(value, property) and hasattr(value.fget, "_pulumi_name")
    }


def required_params(cls: type) -> set[str]:
    """The wire names of the `__init__` keyword parameters without a default (required inputs)."""
    names = wire_names(cls)
    return {
        names[p.name]
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }


def sdk_module(token: str) -> Any:
    """`aws:s3/bucket:Bucket` -> pulumi_aws.s3; `aws-native:iottwinmaker:SyncJob` -> ...iottwinmaker."""
    package, module, _ = token.split(":")
    module = module.split("/")[0]
    return importlib.import_module(SDKS[package] + ("" if module == "index" else f".{module}"))


def resource_args(cls: type) -> type:
    """The resource's own Args class: the one defined in its module (`BucketVersioningArgs`, or
    `...InitArgs` where the SDK renamed it because a nested type of another resource has that name)."""
    module = sys.modules[cls.__module__]
    (args,) = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__ and value.__name__.endswith("Args")
    ]
    return args


def assert_shape_matches(shape: ObjectShape, args: type, what: str) -> None:
    declared = set(shape.properties)
    real = set(wire_names(args).values())
    assert declared <= real, f"{what}: not in the SDK: {sorted(declared - real)}"
    assert set(shape.required) == required_params(args) & declared, f"{what}: required differ"
    assert required_params(args) <= declared, f"{what}: a required input is not declared"


def test_the_schema_declares_exactly_the_types_and_invokes_the_double_serves(double: TableProvider) -> None:
    assert set(double.schema.resources) == set(double.resource_tokens)
    assert set(double.schema.functions) == set(double.function_tokens)


def test_resource_inputs_and_outputs_are_the_real_providers(double: TableProvider) -> None:
    for token, resource in double.schema.resources.items():
        cls = getattr(sdk_module(token), token.rsplit(":", 1)[1])
        args = resource_args(cls)
        assert_shape_matches(resource.inputs, args, f"{token} inputs")
        outputs = set(resource.outputs.properties)
        assert outputs <= set(wire_names(cls).values()), f"{token}: {outputs - set(wire_names(cls).values())}"
        assert set(resource.inputs.properties) <= outputs  # inputs are echoed in the state


def test_object_types_are_the_real_providers(double: TableProvider) -> None:
    for token, shape in double.schema.types.items():
        inputs = importlib.import_module(sdk_module(token).__name__ + "._inputs")
        assert_shape_matches(shape, getattr(inputs, token.rsplit(":", 1)[1] + "Args"), token)


def test_invoke_arguments_and_results_are_the_real_providers(double: TableProvider) -> None:
    for token, function in double.schema.functions.items():
        name = token.rsplit(":", 1)[1]
        module = sdk_module(token)
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
        parameters = set(inspect.signature(getattr(module, snake)).parameters) - {"opts"}
        assert set(function.inputs.properties) == parameters, token
        result = getattr(module, name[0].upper() + name[1:] + "Result")
        assert set(function.outputs.properties) <= set(wire_names(result).values()), token


def test_get_schema_answers_the_package_at_the_sdks_version_with_every_reference_declared(
    double: TableProvider,
) -> None:
    document = json.loads(run(double.get_schema(GetSchemaRequest(version=0))).schema)
    assert document["name"] == double.schema.name
    assert document["version"] == plugin_version(SDKS[double.schema.name])
    for token, resource in double.schema.resources.items():
        assert document["resources"][token]["requiredInputs"] == sorted(resource.inputs.required)
    refs = {
        value.removeprefix("#/types/")
        for value in _walk(document)
        if isinstance(value, str) and value.startswith("#/types/")
    }
    assert refs <= set(document["types"]), refs - set(document["types"])


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    else:
        yield value
