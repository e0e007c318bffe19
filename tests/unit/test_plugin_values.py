"""PropertyValue maps <-> plain data (`validators.pulumi.values`, which the gate plugin and the
local-cloud doubles share): what a plugin sends the engine is what the wire can carry."""

from __future__ import annotations

import pytest
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from validators.pulumi.values import UNKNOWN, from_plain, map_from_plain, map_to_plain, to_plain


def test_round_trip_of_nested_data_turns_ints_into_floats() -> None:
    data = {"a": 1, "b": [True, "x", {"c": None}], "d": {"e": 2.5}}
    assert map_to_plain(map_from_plain(data)) == {"a": 1.0, "b": [True, "x", {"c": None}], "d": {"e": 2.5}}
    assert isinstance(to_plain(from_plain(3)), float)


def test_computed_values_read_as_unknown_and_go_back_as_computed() -> None:
    assert to_plain(PropertyValue.computed()) is UNKNOWN
    # (Computed.__eq__ in the SDK refers to a name that does not exist: compare by type.)
    assert isinstance(from_plain(UNKNOWN).value, Computed)


def test_absent_properties_are_dropped_from_maps() -> None:
    assert map_from_plain({"kept": "x", "absent": None}) == {"kept": PropertyValue("x")}


def test_values_the_wire_cannot_carry_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot send a bytes"):
        from_plain(b"raw")
