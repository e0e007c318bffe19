"""Checking values against botocore shapes: requests on the way in, responses in the tests.

Two walks over the same model constraints (required, type, min/max, pattern, enum, union):

* `validate_input` finds what the service would reject and words it the way AWS (Coral) does:
  ``1 validation error detected: Value 'a b' at 'workspaceId' failed to satisfy constraint: ...``.
* `validate_output` checks a response body *as sent on the wire* (rest-json: timestamps are epoch
  numbers) and also flags members the model does not know, so the endpoint cannot drift from the model.

The model's patterns are Java regular expressions matched against the whole value; `java_pattern`
translates the few Java-only constructs the model uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

# Unicode "separator" (Z) code points, listed because Python's `re` has no \p{Z}.
_UNICODE_Z = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


@lru_cache(maxsize=256)
def java_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a model pattern for Python, to be used with `fullmatch` (Java's `matches`).

    Python's `re` lacks `\\p{...}`: `\\p{Z}` becomes the explicit separator set, `\\p{L}` and `\\p{N}` become
    `\\w` (letters, digits and `_`; in this model they only occur together with `_`, so nothing changes).
    """
    translated = pattern.replace(r"\p{Z}", _UNICODE_Z).replace(r"\p{L}", r"\w").replace(r"\p{N}", r"\w")
    return re.compile(translated)


def _quote(value: Any) -> str:
    if value is None:
        return "null"
    text = java_text(value)
    if len(text) > 64:  # keep error messages readable when a client sends something huge
        text = text[:61] + "..."
    return f"'{text}'"


def java_text(value: Any) -> str:
    """A value as AWS's (Java) validation messages print it: `{state=ERROR}`, `[a, b]`, `true`.

    The service is written in Java and its messages show values with Java's `toString`: maps and
    structures as `{key=value, ...}`, lists as `[a, b]`, booleans in lower case; never Python's repr.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_text(k)}={java_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(java_text(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------------------------------------- input


def validate_input(shape: Shape, value: Any) -> list[str]:
    """Every constraint `value` breaks, as Coral-style clauses (`Value ... at 'path' failed to ...`)."""
    return list(_walk_input(shape, value, ""))


def validation_message(problems: list[str]) -> str:
    """The ValidationException message AWS builds from its list of broken constraints."""
    noun = "error" if len(problems) == 1 else "errors"
    return f"{len(problems)} validation {noun} detected: " + "; ".join(problems)


def _fail(value: Any, path: str, constraint: str) -> str:
    return f"Value {_quote(value)} at '{path}' failed to satisfy constraint: Member must {constraint}"


def _walk_input(shape: Shape, value: Any, path: str) -> Iterator[str]:
    check = _INPUT_CHECKS.get(shape.type_name)
    if check is not None:
        yield from check(shape, value, path)


def _input_structure(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, StructureShape)
    if not isinstance(value, dict):
        yield _fail(value, path, "be a structure")
        return
    for name in shape.required_members:
        if value.get(name) is None:
            yield _fail(None, _join(path, name), "not be null")
    if shape.is_tagged_union and sum(v is not None for v in value.values()) != 1:
        yield _fail(value, path, "have exactly one member set (it is a union)")
    for name, member_value in value.items():
        member = shape.members.get(name)
        if member is not None and member_value is not None:
            yield from _walk_input(member, member_value, _join(path, name))


# One walker per kind of shape, as botocore's validator has: list and map are alike on purpose.
def _input_list(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, ListShape)
    if not isinstance(value, list):
        yield _fail(value, path, "be a list")
        return
    yield from _check_size(shape, value, path)
    for i, item in enumerate(value, start=1):  # Coral numbers list members from 1
        yield from _walk_input(shape.member, item, f"{path}.{i}.member")


def _input_map(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, MapShape)
    if not isinstance(value, dict):
        yield _fail(value, path, "be a map")
        return
    yield from _check_size(shape, value, path)
    for key, item in value.items():
        yield from _walk_input(shape.key, key, f"{path}.key")
        yield from _walk_input(shape.value, item, f"{path}.{key}.member")


def _input_string(shape: Shape, value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, str):
        yield _fail(value, path, "be a string")
        return
    yield from _check_size(shape, value, path)
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        yield _fail(value, path, f"satisfy enum value set: [{', '.join(enum)}]")
    pattern = shape.metadata.get("pattern")
    if pattern is not None and not java_pattern(pattern).fullmatch(value):
        yield _fail(value, path, f"satisfy regular expression pattern: {pattern}")


def _input_integer(shape: Shape, value: Any, path: str) -> Iterator[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        yield _fail(value, path, "be an integer")
        return
    if "min" in shape.metadata and value < shape.metadata["min"]:
        yield _fail(value, path, f"have value greater than or equal to {shape.metadata['min']}")
    if "max" in shape.metadata and value > shape.metadata["max"]:
        yield _fail(value, path, f"have value less than or equal to {shape.metadata['max']}")


def _input_boolean(shape: Shape, value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, bool):
        yield _fail(value, path, "be a boolean")


_Check = Callable[[Shape, Any, str], Iterator[str]]
_INPUT_CHECKS: dict[str, _Check] = {
    "structure": _input_structure,
    "list": _input_list,
    "map": _input_map,
    "string": _input_string,
    "integer": _input_integer,
    "long": _input_integer,
    "boolean": _input_boolean,
}


def _check_size(shape: Shape, value: Any, path: str) -> Iterator[str]:
    size = len(value)
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    word = "length" if shape.type_name == "string" else "size"
    if low is not None and size < low:
        yield _fail(value, path, f"have {word} greater than or equal to {low}")
    if high is not None and size > high:
        yield _fail(value, path, f"have {word} less than or equal to {high}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --------------------------------------------------------------------------------------------- output


def validate_output(shape: Shape, value: Any, path: str = "$") -> list[str]:
    """Every way the wire-format `value` breaks `shape` (`path: problem`); empty when it conforms.

    Unlike input checking this also rejects members the model does not define, booleans posing as
    numbers, and timestamps that are not epoch-second numbers (the rest-json default).
    """
    return list(_walk_output(shape, value, path))


_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (int, float),
    "blob": (str,),
}


def _walk_output(shape: Shape, value: Any, path: str) -> Iterator[str]:
    check = _OUTPUT_CHECKS.get(shape.type_name, _output_scalar)
    yield from check(shape, value, path)


def _output_structure(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, StructureShape)
    if not isinstance(value, dict):
        yield f"{path}: expected an object for {shape.name}, got {type(value).__name__}"
        return
    for name in shape.required_members:
        if value.get(name) is None:
            yield f"{path}.{name}: required by {shape.name} but missing"
    if shape.is_tagged_union and len(value) != 1:
        yield f"{path}: union {shape.name} must have exactly one member, has {len(value)}"
    for name, member_value in value.items():
        member = shape.members.get(name)
        if member is None:
            yield f"{path}.{name}: not a member of {shape.name}"
        elif member_value is not None:
            yield from _walk_output(member, member_value, f"{path}.{name}")


def _output_list(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, ListShape)
    if not isinstance(value, list):
        yield f"{path}: expected a list, got {type(value).__name__}"
        return
    yield from (f"{path}: {p}" for p in _size_problems(shape, value))
    for i, item in enumerate(value):
        yield from _walk_output(shape.member, item, f"{path}[{i}]")


def _output_map(shape: Shape, value: Any, path: str) -> Iterator[str]:
    assert isinstance(shape, MapShape)
    if not isinstance(value, dict):
        yield f"{path}: expected an object (map), got {type(value).__name__}"
        return
    yield from (f"{path}: {p}" for p in _size_problems(shape, value))
    for key, item in value.items():
        yield from _walk_output(shape.key, key, f"{path}<key {key!r}>")
        yield from _walk_output(shape.value, item, f"{path}[{key!r}]")


def _output_scalar(shape: Shape, value: Any, path: str) -> Iterator[str]:
    kind = shape.type_name
    expected = _SCALARS.get(kind)
    if expected is None:
        yield f"{path}: shape type {kind} is not supported by this validator"
        return
    if not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool)):
        yield f"{path}: expected {kind} ({shape.name}), got {type(value).__name__} {_quote(value)}"
        return
    if kind == "string":
        yield from (f"{path}: {p}" for p in _size_problems(shape, value))
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            yield f"{path}: {_quote(value)} is not one of {shape.name} {enum}"
        pattern = shape.metadata.get("pattern")
        if pattern is not None and not java_pattern(pattern).fullmatch(str(value)):
            yield f"{path}: {_quote(value)} does not match {shape.name} pattern {pattern}"
    elif kind in ("integer", "long"):
        if "min" in shape.metadata and value < shape.metadata["min"]:
            yield f"{path}: {value} below minimum {shape.metadata['min']}"
        if "max" in shape.metadata and value > shape.metadata["max"]:
            yield f"{path}: {value} above maximum {shape.metadata['max']}"


_OUTPUT_CHECKS: dict[str, _Check] = {
    "structure": _output_structure,
    "list": _output_list,
    "map": _output_map,
}


def _size_problems(shape: Shape, value: Any) -> Iterator[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        yield f"length {len(value)} below minimum {low} of {shape.name}"
    if high is not None and len(value) > high:
        yield f"length {len(value)} above maximum {high} of {shape.name}"
