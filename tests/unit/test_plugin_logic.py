"""The SyncJobGate's pure rules: Check (defaults, one line per bad input, unknowns kept), Diff (what
replaces, what updates), outputs from a verdict, the reasons and the status lines; and the schema file
the plugin answers GetSchema with, kept equal to the one table it is built from."""

from __future__ import annotations

import itertools
import json

import pytest

from validators.model import (
    JobResult,
    Outcome,
    Reason,
    ResourceError,
    ServiceError,
    StateChange,
    Target,
    Waiting,
)
from validators.pulumi import logic, spec
from validators.pulumi.schema import SCHEMA_FILE, build_schema, schema_json
from validators.pulumi.values import UNKNOWN, from_plain, map_to_plain
from validators.reports.pulumi import status_text
from validators.wait_settings import WaitPolicy

TARGET = Target("plant-a", "SITEWISE", "eu-west-1")


def test_check_applies_the_defaults_of_the_gate_and_turns_durations_into_seconds() -> None:
    checked, failures = logic.check_inputs({"workspaceId": "plant-a", "timeout": "45m", "notFoundGrace": 30})
    assert failures == []
    assert checked == {
        "workspaceId": "plant-a",
        "syncSource": "SITEWISE",
        "timeout": 2700.0,
        "checkResources": False,
        "notFoundGrace": 30.0,
    }
    defaults, _ = logic.check_inputs({"workspaceId": "plant-a"})
    assert (
        defaults["timeout"] == WaitPolicy().timeout
        and defaults["notFoundGrace"] == WaitPolicy().not_found_grace
    )


@pytest.mark.parametrize(
    ("news", "prop", "words"),
    [
        ({}, "workspaceId", "workspaceId: required"),
        ({"workspaceId": "-bad"}, "workspaceId", "'-bad' is not a workspace ID"),
        ({"workspaceId": "w" * 129}, "workspaceId", "at most 128"),
        ({"workspaceId": "ok1", "syncSource": "sitewise"}, "syncSource", "sync sources are upper case"),
        ({"workspaceId": "ok1", "region": "EU-WEST-1"}, "region", "is not an AWS region name"),
        ({"workspaceId": "ok1", "timeout": "soon"}, "timeout", "timeout: expected a duration"),
        ({"workspaceId": "ok1", "timeout": -5.0}, "timeout", "must be zero or more seconds"),
        ({"workspaceId": "ok1", "notFoundGrace": True}, "notFoundGrace", "expected seconds or a duration"),
        ({"workspaceId": "ok1", "checkResources": "yes"}, "checkResources", "expected true or false"),
        ({"workspaceId": "ok1", "syncJobArn": 3.0}, "syncJobArn", "expected a string"),
        ({"workspaceId": "ok1", "workspaceID": "x"}, "workspaceID", "not an input of SyncJobGate"),
    ],
)
def test_check_names_each_bad_input_in_one_line(news: dict, prop: str, words: str) -> None:
    _, failures = logic.check_inputs(news)
    assert [f.property for f in failures] == [prop]
    assert words in failures[0].reason and "\n" not in failures[0].reason


def test_check_keeps_unknown_values_for_later() -> None:
    checked, failures = logic.check_inputs({"workspaceId": UNKNOWN, "syncJobArn": UNKNOWN})
    assert failures == [] and checked["workspaceId"] is UNKNOWN and checked["syncJobArn"] is UNKNOWN


OLD = {
    "workspaceId": "plant-a",
    "syncSource": "SITEWISE",
    "timeout": 1800.0,
    "syncJobArn": "arn:1",
    "outcome": "error",
}


@pytest.mark.parametrize(
    ("change", "changed", "replaces"),
    [
        ({}, (), ()),
        ({"timeout": 60.0}, ("timeout",), ()),
        ({"checkResources": True}, ("checkResources",), ()),
        ({"syncJobArn": "arn:2"}, ("syncJobArn",), ("syncJobArn",)),
        ({"syncJobArn": UNKNOWN}, ("syncJobArn",), ("syncJobArn",)),  # a job being replaced
        ({"workspaceId": "plant-b"}, ("workspaceId",), ("workspaceId",)),
        ({"region": "eu-west-1"}, ("region",), ("region",)),
    ],
)
def test_diff_replaces_on_the_jobs_identity_and_updates_the_rest(
    change: dict, changed: tuple, replaces: tuple
) -> None:
    news = {k: v for k, v in OLD.items() if k != "outcome"} | change
    result = logic.diff_inputs(OLD, news, frozenset())
    assert (result.changed, result.replaces) == (changed, replaces)


def test_diff_leaves_out_ignored_inputs() -> None:
    news = {k: v for k, v in OLD.items() if k != "outcome"} | {"timeout": 5.0}
    assert logic.diff_inputs(OLD, news, frozenset({"timeout"})).changed == ()


FAILED = JobResult(
    TARGET,
    Outcome.ERROR,
    "ERROR",
    error=ServiceError("SYNC_PROCESSING_ERROR", "1 of 2 failed"),
    polls=3,
    elapsed_seconds=12.3456,
    resource_errors=(ResourceError("ENTITY", "asset-1", "a1", "PROCESSING_ERROR", "bad"),),
    region="eu-west-1",
)


def test_outputs_carry_the_inputs_then_the_verdict() -> None:
    outputs = logic.verdict_outputs({"workspaceId": "plant-a", "timeout": 60.0}, FAILED)
    assert outputs == {
        "workspaceId": "plant-a",
        "timeout": 60.0,
        "outcome": "error",
        "state": "ERROR",
        "errorCode": "SYNC_PROCESSING_ERROR",
        "errorMessage": "1 of 2 failed",
        "resourceErrors": [
            {
                "resourceType": "ENTITY",
                "externalId": "asset-1",
                "resourceId": "a1",
                "code": "PROCESSING_ERROR",
                "message": "bad",
            }
        ],
        "elapsedSeconds": 12.346,
        "polls": 3,
    }
    assert logic.passed(FAILED) is False
    assert logic.passed(JobResult(TARGET, Outcome.ACTIVE, "ACTIVE")) is True


def test_the_reasons_are_the_stack_gates_words_with_the_recheck_advice_instead_of_replace() -> None:
    (reason,) = logic.failure_reasons(FAILED, check_resources=True)
    assert reason.splitlines() == [
        "TwinMaker sync job plant-a/SITEWISE in eu-west-1 ended in ERROR (state ERROR, after 12s).",
        "  Service error SYNC_PROCESSING_ERROR: 1 of 2 failed",
        "  Resources in ERROR (1):",
        "    - ENTITY asset-1 (id a1): PROCESSING_ERROR: bad",
        "  Inspect: twinmaker-gate wait --workspace-id plant-a --sync-source SITEWISE --region eu-west-1"
        " --check-resources",
        "  The sync job stays in ERROR; fix the cause, then re-create the job with `pulumi up --replace "
        "'<URN of the SyncJob>'`: a gate given the job's `syncJobArn` is replaced with it and waits again.",
    ]


@pytest.mark.parametrize(
    ("state", "polls", "reason", "text"),
    [
        ("CREATING", 1, None, "CREATING (12s, 1 poll)"),
        ("CREATING", 4, None, "CREATING (12s, 4 polls)"),
        (None, 2, Reason(Waiting.NOT_VISIBLE_YET), "not visible yet (12s, 2 polls)"),
        (
            "CREATING",
            5,
            Reason(Waiting.RETRYING, "ThrottlingException"),
            "CREATING (12s, 5 polls, retrying after ThrottlingException)",
        ),
    ],
)
def test_status_lines_say_the_state_the_time_and_the_polls(state, polls, reason, text) -> None:
    change = StateChange(TARGET, state, None, 12.4, polls, reason)
    assert status_text(change) == text


def test_the_engines_custom_timeout_wins_over_the_timeout_input() -> None:
    inputs = logic.gate_inputs({"workspaceId": "plant-a", "timeout": 600.0, "checkResources": True})
    run = WaitPolicy(max_rps=3)
    assert inputs.policy(run).timeout == 600.0
    assert inputs.policy(run, engine_timeout=90.0).timeout == 90.0
    assert (inputs.policy(run).check_resources, inputs.policy(run).max_rps) == (True, 3)


def test_gate_id_names_the_job_in_its_region() -> None:
    assert (
        logic.gate_id(logic.gate_inputs({"workspaceId": "plant-a"}), "us-east-1")
        == "plant-a/SITEWISE@us-east-1"
    )


def test_values_round_trip_and_ints_travel_as_floats() -> None:
    value = {"a": [1, "x", True, None], "b": {"c": 2.5}}
    assert map_to_plain({"v": from_plain(value)}) == {"v": {"a": [1.0, "x", True, None], "b": {"c": 2.5}}}


def test_the_committed_schema_is_the_one_built_from_the_table() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_json(), (
        "validators/pulumi/schema.json is stale: run `python -m validators.pulumi.schema --write`"
    )


def test_the_schema_describes_every_property_and_the_config() -> None:
    schema = build_schema()
    resource = schema["resources"][spec.RESOURCE_TOKEN]
    assert set(resource["inputProperties"]) == {p.name for p in spec.INPUTS}
    assert set(resource["properties"]) == {p.name for p in (*spec.INPUTS, *spec.VERDICT_OUTPUTS)}
    assert resource["requiredInputs"] == ["workspaceId"]
    described = [
        *resource["properties"].values(),
        *schema["config"]["variables"].values(),
        *schema["types"][spec.RESOURCE_ERROR_TOKEN]["properties"].values(),
    ]
    assert all(p["description"] for p in described)
    assert schema["config"]["variables"]["maxRps"]["default"] == WaitPolicy().max_rps
    assert resource["properties"]["syncSource"]["default"] == "SITEWISE"
    json.dumps(schema)  # plain JSON


def test_the_reference_doc_carries_every_description_of_the_schema() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "plugin.md").read_text(encoding="utf-8")
    schema = build_schema()
    declared = {
        **schema["resources"][spec.RESOURCE_TOKEN]["inputProperties"],
        **schema["resources"][spec.RESOURCE_TOKEN]["properties"],
        **schema["config"]["variables"],
    }

    def shown(value: object) -> str:  # as a person writes it: SITEWISE, false, 10
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return value if isinstance(value, str) else json.dumps(value)

    def table(header: str) -> list[str]:  # the rows of the table under `| header |`
        lines = doc.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |")) + 2
        return list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))

    for header, props in (("input", spec.INPUTS), ("output", spec.VERDICT_OUTPUTS), ("config", spec.CONFIG)):
        rows = table(header)
        for prop in props:
            default = declared[prop.name].get("default") if header != "output" else None
            said = f" Default `{shown(default)}`." if default is not None else ""
            row = next(line for line in rows if line.startswith(f"| `{prop.name}` |"))
            assert row.endswith(f"| {prop.description}{said} |"), (prop.name, row)


def test_an_error_reaches_the_gates_row_as_its_first_line_without_the_sdks_traceback() -> None:
    from validators.pulumi.server import first_line

    wrapped = Exception(
        "TwinMaker sync job plant-a/SITEWISE: the gate was cancelled before a verdict:\n"
        '  File ".../server.py", line 77, in wrapper\n'
    )
    assert (
        first_line(wrapped) == "TwinMaker sync job plant-a/SITEWISE: the gate was cancelled before a verdict"
    )
    assert first_line(Exception("")) == "Exception"
    # The local-cloud doubles are served by the same servicer: a double's error reads the same way.
    double = Exception('creating X: ConflictException: exists:\n  File "server.py", line 77, in wrapper\n')
    assert first_line(double) == "creating X: ConflictException: exists"


def test_every_public_pulumi_name_resolves_and_nothing_else_does() -> None:
    import validators.pulumi as faces

    assert sorted(faces.__all__) == ["GatedJob", "Provider", "SyncJobGate", "SyncJobGateArgs", "gate_stack"]
    for name in faces.__all__:
        assert getattr(faces, name).__name__ == name
    with pytest.raises(AttributeError, match="has no attribute 'logic_'"):
        _ = faces.logic_


def test_a_gate_run_that_cannot_start_is_worded_for_the_resource() -> None:
    from validators.aws_settings import GateConfigError
    from validators.pulumi.provider import config_problem

    missing = GateConfigError("no region for plant-a/SITEWISE: pass --region ...", setting="region")
    assert config_problem(missing, "plant-a/SITEWISE") == (
        "no region for plant-a/SITEWISE: set the gate's `region` input, the provider's "
        "`twinmaker-sync-gate:region`, or AWS_REGION in the environment of `pulumi up`"
    )
    assert config_problem(GateConfigError("AWS_PROFILE=x: unknown"), "the gates") == "AWS_PROFILE=x: unknown"


def test_the_plugin_without_the_pulumi_sdk_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    import validators.pulumi as faces

    monkeypatch.setitem(sys.modules, "validators.pulumi.server", None)  # as if `pulumi` were missing
    with pytest.raises(SystemExit) as exited:
        faces.plugin_main()
    assert exited.value.code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("pulumi-resource-twinmaker-sync-gate: ")
    assert "install the gate with its Pulumi extra" in line
