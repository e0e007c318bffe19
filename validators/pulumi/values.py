"""Pulumi `PropertyValue` maps to plain Python values and back, for the SyncJobGate provider (and the
repository's local-cloud test doubles, which speak the same wire).

The provider server speaks `PropertyValue`; the gate's rules (`validators.pulumi.logic`) work on plain
data. An unknown value (`Computed`, during preview) becomes `UNKNOWN`, which no known value equals;
secrets are unwrapped (the gate's inputs are names, never secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi.provider.experimental.property_value import Computed, PropertyValue


class _Unknown:
    """A value the engine does not know yet; never equal to a known value."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _Unknown()


def to_plain(value: PropertyValue) -> Any:
    """A `PropertyValue` as plain data: dicts, lists, str, float, bool, None (or `UNKNOWN`)."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple | list):
        return [to_plain(v) for v in inner]
    return inner


def map_to_plain(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """A property map as a plain dict (see `to_plain`)."""
    return {k: to_plain(v) for k, v in values.items()}


def from_plain(value: Any) -> PropertyValue:
    """Plain data as a `PropertyValue`. Ints become floats: the wire format has only doubles."""
    if value is UNKNOWN:
        return PropertyValue.computed()
    if isinstance(value, Mapping):
        return PropertyValue({str(k): from_plain(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([from_plain(v) for v in value])
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return PropertyValue(value)
    if isinstance(value, int):
        return PropertyValue(float(value))
    raise TypeError(f"cannot send a {type(value).__name__} to the engine: {value!r}")


def map_from_plain(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """A plain dict as a property map, without `None` values (an absent property)."""
    return {k: from_plain(v) for k, v in values.items() if v is not None}
