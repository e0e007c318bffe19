"""Stack configuration: raw `twinmaker-sync:*` values in, frozen dataclasses out, or one clear error.

Parsing is a pure function of a key -> raw string lookup (what `pulumi.Config.get` returns), so it is
tested without the Pulumi runtime, and every error names the full key a user types in
`pulumi config set --path`, e.g. `twinmaker-sync:workspaces[1].id`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from validators.durations import DurationError, parse_duration
from validators.names import (
    DEFAULT_SYNC_SOURCE,
    SUPPORTED_SYNC_SOURCES,
    WORKSPACE_ID_MAX,
    WORKSPACE_ID_PATTERN,
    check_workspace_id,
)

NAMESPACE = "twinmaker-sync"

DEFAULT_GATE_TIMEOUT = 1800.0
#: The gate's request budget in the program: the CLI's `--max-rps` default.
DEFAULT_GATE_MAX_RPS = 10.0
#: `gateMode`: see `GateSettings.mode` (the same names as `validators.pulumi_stack_gate.GATE_MODES`).
GATE_MODES = ("stack", "hook", "resource")
_WORKSPACE_KEYS = frozenset({"id", "description", "syncSource", "tags"})
# AWS tag limits: keys up to 128 characters, values up to 256, no `aws:` prefix on keys.
_TAG_KEY_MAX = 128
_TAG_VALUE_MAX = 256
_DESCRIPTION_MAX = 512  # the workspace description limit in the service model


class ConfigError(pulumi.RunError):
    """A configuration value is missing or wrong. A `RunError` so Pulumi prints one line, no traceback."""


@dataclass(frozen=True)
class WorkspaceSpec:
    """One TwinMaker workspace and its sync job, as configured."""

    id: str
    description: str | None = None
    sync_source: str = DEFAULT_SYNC_SOURCE
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GateSettings:
    """How `pulumi up` gates each new sync job (the `gate*` keys)."""

    enabled: bool = True
    timeout: float = DEFAULT_GATE_TIMEOUT
    check_resources: bool = False
    #: "stack": the program awaits every job in one gate run (default); "hook": an after-create hook
    #: per SyncJob, which holds one of the engine's --parallel workers while it waits; "resource": a
    #: `SyncJobGate` per SyncJob (the twinmaker-sync-gate provider plugin), whose Create waits.
    mode: str = "stack"
    #: The one request budget of the program's gate run (requests per second), as `--max-rps`.
    max_rps: float = DEFAULT_GATE_MAX_RPS


@dataclass(frozen=True)
class StackSettings:
    """Everything the program reads from config."""

    workspaces: tuple[WorkspaceSpec, ...]
    gate: GateSettings = GateSettings()
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False  # `protect` on buckets and workspaces: pulumi refuses to delete them
    retain_on_delete: bool = False  # `retainOnDelete` on buckets and workspaces: kept in AWS on delete


Lookup = Callable[[str], str | None]


def key(name: str) -> str:
    """The full config key as users see it: `twinmaker-sync:name`."""
    return f"{NAMESPACE}:{name}"


def parse(get: Lookup) -> StackSettings:
    """Parse every key; raise `ConfigError` naming the first bad key."""
    return StackSettings(
        workspaces=_workspaces(get),
        gate=GateSettings(
            enabled=_bool(get, "gateEnabled", default=True),
            timeout=_timeout(get),
            check_resources=_bool(get, "gateCheckResources", default=False),
            mode=_choice(get, "gateMode", GATE_MODES, default="stack"),
            max_rps=_positive_number(get, "gateMaxRps", default=DEFAULT_GATE_MAX_RPS),
        ),
        tags=_tags(_json(get, "tags", default={}), key("tags")),
        protect=_bool(get, "protect", default=False),
        retain_on_delete=_bool(get, "retainOnDelete", default=False),
    )


def load(config: pulumi.Config | None = None) -> StackSettings:
    """Read the stack's config through Pulumi (the only impure part of this module)."""
    cfg = config or pulumi.Config(NAMESPACE)
    return parse(cfg.get)


def _json(get: Lookup, name: str, default: Any) -> Any:
    raw = get(name)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{key(name)}: not valid JSON ({exc.msg})") from None


def _bool(get: Lookup, name: str, default: bool) -> bool:
    raw = get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ConfigError(f"{key(name)}: expected true or false, got {raw!r}")


def _choice(get: Lookup, name: str, choices: tuple[str, ...], default: str) -> str:
    raw = get(name)
    if raw is None:
        return default
    if raw.strip() not in choices:
        raise ConfigError(f"{key(name)}: expected one of {', '.join(choices)}, got {raw!r}")
    return raw.strip()


def _positive_number(get: Lookup, name: str, default: float) -> float:
    raw = get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{key(name)}: expected a positive number, got {raw!r}")
    return value


def _timeout(get: Lookup) -> float:
    name = "gateTimeout"
    raw = get(name)
    if raw is None:
        return DEFAULT_GATE_TIMEOUT
    # The gate's own parser, so `30m` means here what it means to `twinmaker-gate --timeout 30m`.
    text = raw.strip()
    try:
        value = parse_duration(text[1:] if text.startswith("-") else text)
    except DurationError as exc:
        raise ConfigError(f"{key(name)}: {exc}, got {raw!r}") from None
    if text.startswith("-") or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{key(name)}: must be a positive duration, got {raw!r}")
    return value


def _workspaces(get: Lookup) -> tuple[WorkspaceSpec, ...]:
    name = key("workspaces")
    raw = _json(get, "workspaces", default=None)
    if raw is None:
        raise ConfigError(
            f"{name}: required; set at least one workspace, e.g. "
            f"`pulumi config set --path 'workspaces[0].id' plant-a`"
        )
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{name}: expected a non-empty list of workspaces")
    specs = tuple(_workspace(item, f"{name}[{i}]") for i, item in enumerate(raw))
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if spec.id in seen:
            raise ConfigError(
                f"{name}[{i}].id: duplicate workspace ID {spec.id!r} (also {name}[{seen[spec.id]}])"
            )
        seen[spec.id] = i
    return specs


def _workspace(item: object, where: str) -> WorkspaceSpec:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected an object with at least `id`")
    unknown = sorted(set(item) - _WORKSPACE_KEYS)
    if unknown:
        # A typo (`syncsource`) would otherwise silently fall back to a default.
        allowed = ", ".join(sorted(_WORKSPACE_KEYS))
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: {allowed})")
    return WorkspaceSpec(
        id=_workspace_id(item.get("id"), f"{where}.id"),
        description=_description(item.get("description"), f"{where}.description"),
        sync_source=_sync_source(item.get("syncSource", DEFAULT_SYNC_SOURCE), f"{where}.syncSource"),
        tags=_tags(item.get("tags", {}), f"{where}.tags"),
    )


def _workspace_id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: required, a workspace ID string")
    if check_workspace_id(value) is not None:
        raise ConfigError(
            f"{where}: {value!r} is not a valid workspace ID "
            f"(pattern {WORKSPACE_ID_PATTERN}, 1 to {WORKSPACE_ID_MAX} characters)"
        )
    return value


def _description(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _DESCRIPTION_MAX:
        raise ConfigError(f"{where}: expected a string of at most {_DESCRIPTION_MAX} characters")
    return value


def _sync_source(value: object, where: str) -> str:
    if value not in SUPPORTED_SYNC_SOURCES:
        supported = ", ".join(sorted(SUPPORTED_SYNC_SOURCES))
        raise ConfigError(f"{where}: unsupported sync source {value!r} (supported: {supported})")
    return str(value)


def _tags(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected an object of tag names to string values")
    tags: dict[str, str] = {}
    for name, tag_value in value.items():
        if not name or len(name) > _TAG_KEY_MAX or name.lower().startswith("aws:"):
            raise ConfigError(f"{where}: invalid tag key {name!r} (1 to 128 characters, no `aws:` prefix)")
        if not isinstance(tag_value, str) or len(tag_value) > _TAG_VALUE_MAX:
            raise ConfigError(f"{where}.{name}: expected a string of at most {_TAG_VALUE_MAX} characters")
        tags[name] = tag_value
    return tags


def resolve_region(aws_region: str | None, native_region: str | None) -> str | None:
    """The one region of the stack: `aws-native:region`, else `aws:region`; they must agree.

    The IAM documents are built from the `aws` provider's region while TwinMaker resources are created
    by `aws-native`: two regions would give roles that name a workspace in the wrong region.
    """
    if aws_region and native_region and aws_region != native_region:
        raise ConfigError(
            f"aws-native:region ({native_region}) and aws:region ({aws_region}) differ; "
            "set both to the region of the workspaces"
        )
    return native_region or aws_region or None
