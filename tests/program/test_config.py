"""Config parsing: defaults, the example stack, and one clear message naming the key for every error."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from tests.program.harness import load_program, stack_config
from twinmaker_infra.config import (
    GATE_SETTINGS,
    ConfigError,
    GateSettings,
    WorkspaceSpec,
    parse,
    resolve_region,
)
from validators.durations import format_duration, parse_duration
from validators.wait_settings import Unit, setting

pytestmark = pytest.mark.program
ROOT = Path(__file__).resolve().parents[2]


def lookup(**values: Any) -> Any:
    """A `pulumi.Config.get` stand-in: key -> raw string, objects as JSON."""
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    return raw.get


def error_of(**values: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        parse(lookup(**values))
    return str(caught.value)


def test_defaults_apply_when_only_workspaces_are_set() -> None:
    settings = parse(lookup(workspaces=[{"id": "plant-a"}]))
    assert settings.workspaces == (WorkspaceSpec(id="plant-a"),)
    assert settings.gate == GateSettings(enabled=True, timeout=1800.0, check_resources=False)
    assert settings.tags == {}
    assert (settings.protect, settings.retain_on_delete) == (False, False)


def test_every_key_is_read() -> None:
    settings = parse(
        lookup(
            workspaces=[{"id": "a1", "description": "d", "syncSource": "SITEWISE", "tags": {"k": "v"}}],
            tags={"owner": "me"},
            gateEnabled="false",
            gateTimeout="60",
            gateCheckResources="true",
            protect="true",
            retainOnDelete="true",
        )
    )
    assert settings.workspaces == (WorkspaceSpec("a1", "d", "SITEWISE", {"k": "v"}),)
    assert settings.gate == GateSettings(enabled=False, timeout=60.0, check_resources=True)
    assert settings.tags == {"owner": "me"}
    assert (settings.protect, settings.retain_on_delete) == (True, True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "twinmaker-sync:workspaces: required; set at least one workspace"),
        ({"workspaces": []}, "twinmaker-sync:workspaces: expected a non-empty list of workspaces"),
        ({"workspaces": {"id": "a1"}}, "twinmaker-sync:workspaces: expected a non-empty list of workspaces"),
        ({"workspaces": "[oops"}, "twinmaker-sync:workspaces: not valid JSON"),
        ({"workspaces": ["a1"]}, "twinmaker-sync:workspaces[0]: expected an object with at least `id`"),
        ({"workspaces": [{"description": "x"}]}, "twinmaker-sync:workspaces[0].id: required"),
        (
            {"workspaces": [{"id": "ok-1"}, {"id": "bad id"}]},
            "twinmaker-sync:workspaces[1].id: 'bad id' is not a valid workspace ID",
        ),
        ({"workspaces": [{"id": "a"}]}, "twinmaker-sync:workspaces[0].id: 'a' is not a valid workspace ID"),
        ({"workspaces": [{"id": "ends-"}]}, "twinmaker-sync:workspaces[0].id: 'ends-' is not a valid"),
        ({"workspaces": [{"id": "a" * 129}]}, "twinmaker-sync:workspaces[0].id: 'aaaa"),
        (
            {"workspaces": [{"id": "a1"}, {"id": "b2"}, {"id": "a1"}]},
            "twinmaker-sync:workspaces[2].id: duplicate workspace ID 'a1' "
            "(also twinmaker-sync:workspaces[0])",
        ),
        (
            {"workspaces": [{"id": "a1", "syncSource": "OPCUA"}]},
            "twinmaker-sync:workspaces[0].syncSource: unsupported sync source 'OPCUA' (supported: SITEWISE)",
        ),
        (
            {"workspaces": [{"id": "a1", "syncsource": "SITEWISE"}]},
            "twinmaker-sync:workspaces[0].syncsource: unknown key",
        ),
        (
            {"workspaces": [{"id": "a1", "tags": ["x"]}]},
            "twinmaker-sync:workspaces[0].tags: expected an object",
        ),
        (
            {"workspaces": [{"id": "a1", "tags": {"k": 1}}]},
            "twinmaker-sync:workspaces[0].tags.k: expected a string",
        ),
        (
            {"workspaces": [{"id": "a1"}], "tags": {"aws:x": "v"}},
            "twinmaker-sync:tags: invalid tag key 'aws:x'",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateTimeout": "soon"},
            "twinmaker-sync:gateTimeout: expected a duration (such as 90, 90s, 30m, 1h or 1h30m)",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateTimeout": "-5"},
            "twinmaker-sync:gateTimeout must be zero or more seconds, got '-5'",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateMaxRps": "0"},
            "twinmaker-sync:gateMaxRps must be more than zero, got '0'",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateMaxRps": "fast"},
            "twinmaker-sync:gateMaxRps: expected a number, got 'fast'",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateTimeout": "inf"},
            "twinmaker-sync:gateTimeout: expected a duration",
        ),
        (
            {"workspaces": [{"id": "a1"}], "gateEnabled": "yes"},
            "twinmaker-sync:gateEnabled: expected true or false",
        ),
        ({"workspaces": [{"id": "a1"}], "protect": "1"}, "twinmaker-sync:protect: expected true or false"),
    ],
)
def test_config_error_names_the_key(values: dict[str, Any], message: str) -> None:
    assert error_of(**values).startswith(message)


def test_workspace_id_limits_follow_the_service_pattern() -> None:
    assert parse(lookup(workspaces=[{"id": "a" * 128}])).workspaces[0].id == "a" * 128
    assert parse(lookup(workspaces=[{"id": "_x-Y_9"}])).workspaces[0].id == "_x-Y_9"


def test_regions_must_agree() -> None:
    assert resolve_region("eu-west-1", "eu-west-1") == "eu-west-1"
    assert resolve_region(None, "eu-west-1") == "eu-west-1"
    assert resolve_region("eu-west-1", None) == "eu-west-1"
    assert resolve_region(None, None) is None
    with pytest.raises(
        ConfigError, match=r"aws-native:region \(us-east-1\) and aws:region \(eu-west-1\) differ"
    ):
        resolve_region("eu-west-1", "us-east-1")


def test_program_stops_at_start_with_the_config_error() -> None:
    """Through the real program: the error surfaces as a `RunError` (one line, no traceback in `up`)."""
    with pytest.raises(ConfigError, match=r"twinmaker-sync:workspaces\[1\]\.id: duplicate"):
        load_program(stack_config(workspaces=[{"id": "a1"}, {"id": "a1"}]))


def test_pulumi_yaml_declares_every_key_with_a_description() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "twinmaker-sync"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    declared = project["config"]
    assert set(declared) == {
        "workspaces",
        "tags",
        "gateEnabled",
        "gateTimeout",
        "gateCheckResources",
        "gateMode",
        "gateMaxRps",
        "protect",
        "retainOnDelete",
    }
    assert all(entry.get("description") for entry in declared.values())
    assert "default" not in declared["workspaces"]  # required: the CLI refuses a stack without it
    # The declared defaults are the parser's defaults.
    defaults = parse(lookup(workspaces=[{"id": "a1"}]))
    assert declared["gateEnabled"]["default"] is defaults.gate.enabled
    # Untyped on purpose: `type: integer` would make the Pulumi CLI refuse "30m".
    assert "type" not in declared["gateTimeout"]
    assert parse_duration(declared["gateTimeout"]["default"]) == defaults.gate.timeout
    assert declared["gateCheckResources"]["default"] is defaults.gate.check_resources
    assert declared["gateMode"]["default"] == defaults.gate.mode
    assert float(declared["gateMaxRps"]["default"]) == defaults.gate.max_rps
    assert "type" not in declared["gateMaxRps"]  # Pulumi config types have no decimal number
    for name, core in GATE_SETTINGS.items():
        # Each gate key says what the gate's setting means, in the setting's own words, with its default.
        row = setting(core)
        assert row.meaning in " ".join(declared[name]["description"].split()), name
        raw_default = str(declared[name]["default"]).lower()
        if row.unit is Unit.SECONDS:
            assert parse_duration(raw_default) == row.default, name
        elif row.unit is Unit.SWITCH:
            assert raw_default == str(bool(row.default)).lower(), name
        else:
            assert float(raw_default) == row.default, name
    assert declared["protect"]["default"] is defaults.protect
    assert declared["retainOnDelete"]["default"] is defaults.retain_on_delete
    assert declared["tags"]["default"] == defaults.tags


def test_example_stack_parses_with_two_workspaces() -> None:
    example = yaml.safe_load((ROOT / "Pulumi.example.yaml").read_text())["config"]
    raw = {
        k.split(":", 1)[1]: v if isinstance(v, str) else json.dumps(v)
        for k, v in example.items()
        if k.startswith("twinmaker-sync:")
    }
    settings = parse(raw.get)
    assert [w.id for w in settings.workspaces] == ["plant-a", "plant_b"]
    assert resolve_region(example["aws:region"], example["aws-native:region"]) == "eu-west-1"


@pytest.mark.parametrize(
    ("raw", "seconds"), [("0", 0), ("1800", 1800), ("30m", 1800), ("1h30m", 5400), ("90s", 90)]
)
def test_gate_timeout_takes_seconds_or_a_duration(raw: str, seconds: float) -> None:
    assert parse(lookup(workspaces=[{"id": "a1"}], gateTimeout=raw)).gate.timeout == seconds


def test_the_docs_config_table_gives_each_keys_default_as_the_program_has_it() -> None:
    """docs/pulumi.md's table of config keys says what `parse` does when a key is not set."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "pulumi.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", text, re.MULTILINE))
    defaults = parse(lookup(workspaces=[{"id": "a1"}]))
    shown = {
        "gateEnabled": str(defaults.gate.enabled).lower(),
        "gateMode": defaults.gate.mode,
        "gateMaxRps": f"{defaults.gate.max_rps:g}",
        "gateTimeout": format_duration(defaults.gate.timeout),
        "gateCheckResources": str(defaults.gate.check_resources).lower(),
        "protect": str(defaults.protect).lower(),
        "retainOnDelete": str(defaults.retain_on_delete).lower(),
    }
    for key, value in shown.items():
        assert rows[key].strip() == f"`{value}`", key
    assert rows["workspaces"].strip() == "required"
