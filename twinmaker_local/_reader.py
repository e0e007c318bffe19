"""Typed, path-aware access to parsed JSON, so a bad scenario fails with one precise message.

Every accessor names the offending place (`demo.json: syncJobs[2].states[0].at: must be a number >= 0`)
and unknown keys are refused, because a misspelt key silently ignored is a scenario that lies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_MISSING: Any = object()


class ScenarioError(ValueError):
    """A scenario (file, dict or run-time addition) that cannot be used; the message says where and why."""


class Obj:
    """A JSON object at `path`; reading a key marks it known, `done()` refuses the others."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{path}: must be an object, not {_kind(value)}")
        self.value: Mapping[str, Any] = value
        self.path = path
        self._seen: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self._seen.add(key)
        if key in self.value:
            return self.value[key]
        if default is _MISSING:
            raise ScenarioError(f"{self.at(key)}: required")
        return default

    def has(self, key: str) -> bool:
        return key in self.value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and not isinstance(value, str):
            raise ScenarioError(f"{self.at(key)}: must be a string, not {_kind(value)}")
        return value

    def number(self, key: str, default: Any = _MISSING, minimum: float | None = 0.0) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(f"{self.at(key)}: must be a number, not {_kind(value)}")
        if minimum is not None and value < minimum:
            raise ScenarioError(f"{self.at(key)}: must be a number >= {minimum:g}, not {value}")
        return float(value)

    def integer(self, key: str, default: Any = _MISSING, minimum: int = 0) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ScenarioError(f"{self.at(key)}: must be an integer >= {minimum}, not {value!r}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and not isinstance(value, bool):
            raise ScenarioError(f"{self.at(key)}: must be true or false, not {_kind(value)}")
        return value

    def obj(self, key: str) -> Obj:
        return Obj(self.raw(key), self.at(key))

    def array(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and not isinstance(value, list):
            raise ScenarioError(f"{self.at(key)}: must be a list, not {_kind(value)}")
        return value

    def items(self, key: str) -> Iterator[tuple[str, Any]]:
        """Each element of the list at `key` (absent = empty) with its path."""
        for i, item in enumerate(self.array(key, [])):
            yield f"{self.at(key)}[{i}]", item

    def str_list(self, key: str) -> tuple[str, ...]:
        out = []
        for where, item in self.items(key):
            if not isinstance(item, str):
                raise ScenarioError(f"{where}: must be a string, not {_kind(item)}")
            out.append(item)
        return tuple(out)

    def done(self) -> None:
        """Refuse keys nobody asked for (typos), naming the ones that are allowed."""
        unknown = sorted(set(self.value) - self._seen)
        if unknown:
            allowed = ", ".join(sorted(self._seen))
            raise ScenarioError(f"{self.path or 'scenario'}: unknown key {unknown[0]!r} (allowed: {allowed})")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
