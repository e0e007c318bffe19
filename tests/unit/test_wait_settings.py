"""The wait settings' one table: the policy's defaults, the core's rules in the setting's own names, and
every edge that shows a setting to people (the CLI's help and variables, action.yml, docs/gate.md)
saying what the table says."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from tests.unit.test_cli import FakeWaiter, run_cli
from validators.cli.parser import ENV_OPTIONS, build_parser, flag
from validators.wait_settings import SETTINGS, PolicyError, Unit, WaitPolicy, setting

ROOT = Path(__file__).resolve().parents[2]
POLICY_ROWS = [row for row in SETTINGS if row.policy]


def test_the_policy_defaults_are_the_tables() -> None:
    policy = WaitPolicy()
    assert {row.name: getattr(policy, row.name) for row in POLICY_ROWS} == {
        "timeout": 1800.0,
        "min_interval": 2.0,
        "max_interval": 30.0,
        "not_found_grace": 120.0,
        "unreachable_after": 120.0,
        "check_resources": False,
        "max_concurrency": 32,
        "max_rps": 10.0,
    }
    assert {f.name for f in dataclasses.fields(WaitPolicy)} >= {row.name for row in POLICY_ROWS}
    assert setting("heartbeat").default == 30.0 and not setting("heartbeat").policy


def test_an_unknown_setting_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        setting("timeout_seconds")


@pytest.mark.parametrize(
    ("values", "core", "cli"),
    [
        ({"timeout": -1}, "timeout must be zero or more seconds", "--timeout must be zero or more seconds"),
        (
            {"min_interval": 0},
            "min_interval must be more than zero seconds",
            "--min-interval must be more than zero seconds",
        ),
        (
            {"min_interval": 40, "max_interval": 30},
            "min_interval must not be above max_interval",
            "--min-interval must not be above --max-interval",
        ),
        (
            {"max_concurrency": 0},
            "max_concurrency must be at least 1",
            "--max-concurrency must be at least 1",
        ),
        ({"max_rps": float("nan")}, "max_rps must be more than zero", "--max-rps must be more than zero"),
        ({"jitter": 1.0}, "jitter must be in [0, 1)", "--jitter must be in [0, 1)"),
    ],
)
def test_the_core_names_the_setting_and_each_edge_words_it(
    values: dict[str, float], core: str, cli: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        WaitPolicy(**values)  # type: ignore[arg-type]
    assert str(caught.value) == core
    assert caught.value.worded(flag) == cli


def test_zero_is_a_timeout_but_not_an_interval() -> None:
    assert WaitPolicy(timeout=0, not_found_grace=0).timeout == 0
    with pytest.raises(PolicyError, match="unreachable_after must be more than zero seconds"):
        WaitPolicy(unreachable_after=0)


def test_the_cli_help_gives_each_setting_its_meaning_default_and_variable() -> None:
    wait = build_parser()._subparsers._group_actions[0].choices["wait"]  # type: ignore[union-attr]
    helps = {action.option_strings[0]: action.help for action in wait._actions if action.option_strings}
    for row in SETTINGS:
        text = helps[flag(row.name)]
        assert text is not None
        assert text.startswith(f"{row.meaning} (default {row.default_text()}; env TWINMAKER_GATE_"), row.name
        assert f"e.g. {flag(row.name)}" in text


def test_the_variables_default_to_the_table() -> None:
    defaults = {option.dest: option.default for option in ENV_OPTIONS}
    assert all(defaults[row.name] == row.default for row in SETTINGS)


def test_a_setting_out_of_range_is_a_usage_error_in_the_clis_words() -> None:
    code, _out, err, _ = run_cli(
        ["wait", "--workspace-id", "ok1", "--min-interval", "40", "--max-interval", "30"], FakeWaiter()
    )
    assert code == 2
    assert err.strip().endswith("error: --min-interval must not be above --max-interval")


def test_the_docs_table_is_the_settings_table() -> None:
    text = (ROOT / "docs" / "gate.md").read_text()
    waiting = text[text.index("## Waiting") :]
    rows = re.findall(r"^\| `(--[a-z-]+)` \| ([^|]+) \| ([^|]+) \| (.+) \|$", waiting, re.MULTILINE)
    assert rows == [(flag(r.name), r.default_text(), r.unit.value, r.meaning) for r in SETTINGS]


def test_each_action_input_says_what_its_setting_means_and_its_default() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    env = next(step["env"] for step in action["runs"]["steps"] if step.get("id") == "gate")
    for row in SETTINGS:
        name = row.name.replace("_", "-")
        assert env[f"TWINMAKER_GATE_{row.name.upper()}"] == f"${{{{ inputs.{name} }}}}"
        description = action["inputs"][name]["description"]
        meaning = row.meaning[0].upper() + row.meaning[1:]
        assert description.startswith(f"{meaning} (gate default {row.default_text()})."), name
        assert action["inputs"][name]["default"] == ""  # empty: the gate's own default applies
        if row.unit is Unit.SWITCH:
            assert '"true" or "false"' in description
