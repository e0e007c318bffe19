"""Package schemas for the doubles: what they answer to GetSchema, so a Pulumi YAML program type-checks.

A YAML program asks each provider for its package schema (the engine's GetSchema) and checks every
resource's type token, property names and value types and every invoke's arguments and results
against it before anything is registered. The doubles declare, for the resources and functions they
serve, the properties they take and return (a subset of the real provider's schema, with the real
names, types and tokens: `tests/local_cloud/test_schema.py` holds them to the installed SDKs), and
`package_schema` writes them in the schema's JSON form (the "Pulumi package schema" of the docs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: One property's type in the schema's JSON form: `{"type": "string"}`, `{"$ref": "#/types/..."}`...
TypeSpec = dict[str, Any]

STRING: TypeSpec = {"type": "string"}
BOOLEAN: TypeSpec = {"type": "boolean"}
INTEGER: TypeSpec = {"type": "integer"}
NUMBER: TypeSpec = {"type": "number"}
STRING_MAP: TypeSpec = {"type": "object", "additionalProperties": STRING}


def array(items: TypeSpec) -> TypeSpec:
    """A list of `items`."""
    return {"type": "array", "items": items}


def ref(token: str) -> TypeSpec:
    """A reference to the object type `token` of the same package (declared in its `types`)."""
    return {"$ref": f"#/types/{token}"}


def _described(entry: dict[str, Any], description: str) -> dict[str, Any]:
    """`entry` with its `description`, when it has one (the schema leaves an empty one out)."""
    return {**entry, "description": description} if description else entry


@dataclass(frozen=True)
class ObjectShape:
    """Properties (name -> type) and which of them are required."""

    properties: Mapping[str, TypeSpec]
    required: frozenset[str] = frozenset()
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        """`{"type": "object", "properties": ..., "required": [...]}` (the schema's object type)."""
        shape: dict[str, Any] = {"type": "object", "properties": dict(self.properties)}
        if self.required:
            shape["required"] = sorted(self.required)
        return _described(shape, self.description)


@dataclass(frozen=True)
class ResourceSchema:
    """A resource type: its inputs (what a program may set) and outputs (what it may read)."""

    inputs: ObjectShape
    outputs: ObjectShape
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        """The schema's resource entry: `inputProperties`/`requiredInputs` and `properties`/`required`."""
        resource = {
            "inputProperties": dict(self.inputs.properties),
            "requiredInputs": sorted(self.inputs.required),
            "properties": dict(self.outputs.properties),
            "required": sorted(self.outputs.required),
            "type": "object",
        }
        return _described(resource, self.description)


@dataclass(frozen=True)
class FunctionSchema:
    """An invoke: its arguments and its result."""

    inputs: ObjectShape
    outputs: ObjectShape

    def as_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs.as_json(), "outputs": self.outputs.as_json()}


@dataclass(frozen=True)
class PackageSchema:
    """What one double declares: resources, functions and object types, by their full tokens."""

    name: str
    resources: Mapping[str, ResourceSchema]
    functions: Mapping[str, FunctionSchema] = field(default_factory=dict)
    types: Mapping[str, ObjectShape] = field(default_factory=dict)
    config: Mapping[str, TypeSpec] = field(default_factory=dict)
    description: str = ""

    def as_json(self, version: str) -> dict[str, Any]:
        """The package schema document at `version` (the plugin's: the engine checks they agree)."""
        return {
            "name": self.name,
            "version": version,
            "description": self.description,
            "config": {"variables": dict(self.config)},
            # The provider resource itself takes the same settings as the package's config.
            "provider": {"inputProperties": dict(self.config), "type": "object"},
            "resources": {token: r.as_json() for token, r in self.resources.items()},
            "functions": {token: f.as_json() for token, f in self.functions.items()},
            "types": {token: t.as_json() for token, t in self.types.items()},
        }


def shape(required: Mapping[str, TypeSpec], optional: Mapping[str, TypeSpec] | None = None) -> ObjectShape:
    """An object shape from its required and its optional properties."""
    return ObjectShape({**required, **(optional or {})}, frozenset(required))


def echoing(inputs: ObjectShape, computed: Mapping[str, TypeSpec] | None = None) -> ResourceSchema:
    """A resource as the AWS providers declare it: its outputs are its inputs echoed back (required ones
    stay required) plus what the cloud computes (always set)."""
    extra = computed or {}
    return ResourceSchema(
        inputs, ObjectShape({**inputs.properties, **extra}, inputs.required | frozenset(extra))
    )
