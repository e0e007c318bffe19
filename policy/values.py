"""Plain values out of the policy SDK's property proxies, with unknowns made explicit.

During `pulumi preview` some properties are not known yet (an ARN that AWS assigns, a JSON document
built with `Output.json_dumps` from such an ARN). The SDK hands them over as sentinel strings wrapped in
proxies that raise `UnknownValueError` on access, which would abort a whole policy at the first unknown.
The pack converts properties once into plain dicts/lists with `UNKNOWN` in place of each sentinel, so
every policy can check what is known and say precisely what is not (see `reporting.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)
from pulumi_policy.secret import Secret

# Imported by name (not looked up by a pattern), so a sentinel the SDK renames fails at import.
_SENTINELS: Final = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class _Unknown:
    """A value that cannot be known before the update runs (one shared instance: `UNKNOWN`)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown until apply>"

    def __bool__(self) -> bool:
        # An unknown is never "set and truthy": callers must test `is UNKNOWN` before truthiness.
        return False


UNKNOWN: Final = _Unknown()


def is_unknown(value: object) -> bool:
    """True for `UNKNOWN` and for a raw SDK sentinel string."""
    return value is UNKNOWN or (isinstance(value, str) and value in _SENTINELS)


def _raw_target(value: Any) -> Any:
    """The wrapped dict/list of an SDK proxy, read the way the SDK's own serializer does."""
    try:
        return value["__target"]
    except (KeyError, IndexError, TypeError):
        return value


def plain(value: Any) -> Any:
    """`value` as plain dicts, lists and scalars; unknown sentinels become `UNKNOWN`, secrets their value."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Secret):
        return plain(value.value)
    if isinstance(value, Mapping):
        target = value if isinstance(value, dict) else _raw_target(value)
        return {str(k): plain(target[k]) for k in target}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        target = value if isinstance(value, list | tuple) else _raw_target(value)
        return [plain(item) for item in target]
    return value


def known_str(value: object) -> str | None:
    """`value` if it is a known, non-empty string, else None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None
