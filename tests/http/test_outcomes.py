"""Every outcome of the table in docs/gate.md ("Outcomes and exit codes"), reached through the CLI
(`validators.cli.main` in this process) with real boto3 clients talking HTTP to the local endpoint: exit
code, JSON document, JUnit report, text.

Timelines run on the wall clock in fractions of a second; the gate polls every 0.05-0.2 s.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.http.harness import (
    WallEndpoint,
    closed_port_url,
    job,
    job_scenario,
    junit,
    junit_case,
    run_gate,
    states,
)
from twinmaker_local.faults import CONTROL_MESSAGE

pytestmark = pytest.mark.http

FAILING_RESOURCES: list[dict[str, Any]] = [
    {
        "resourceType": "ENTITY",
        "externalId": "asset-ok",
        "resourceId": "entity-ok",
        "state": "IN_SYNC",
    },
    {
        "resourceType": "ENTITY",
        "externalId": "asset-pump-7",
        "resourceId": "entity-pump-7",
        "state": "ERROR",
        "error": {"code": "PROCESSING_ERROR", "message": "property 'Flow' has data type STRUCT"},
    },
    {
        "resourceType": "COMPONENT_TYPE",
        "externalId": "model-robot",
        "resourceId": "ct-robot",
        "state": "ERROR",
        "error": {"code": "COMPOSITE_COMPONENT_FAILURE", "message": "composite model 'Arm' is gone"},
    },
]
ERROR_MESSAGE = "Sync job finished with errors: 2 of 3 resources failed to sync."
ERROR_STATES: list[dict[str, Any]] = [
    {"at": 0, "state": "CREATING"},
    {"at": 0.15, "state": "ERROR", "error": {"code": "SYNC_PROCESSING_ERROR", "message": ERROR_MESSAGE}},
]


# ------------------------------------------------------------------------------------------------ active


def test_job_that_turns_active_exits_0_with_the_active_document(endpoint: WallEndpoint) -> None:
    ep = endpoint(job_scenario("plant-a", states((0, "CREATING"), (0.4, "ACTIVE"))))

    run = run_gate(ep.url, "--workspace-id", "plant-a", "--max-interval", "0.1", "--output", "json")

    assert run.code == 0
    document = run.document
    assert (document["outcome"], document["exitCode"]) == ("active", 0)
    assert document["jobs"] == [
        {
            "workspaceId": "plant-a",
            "syncSource": "SITEWISE",
            "region": "us-east-1",
            "outcome": "active",
            "state": "ACTIVE",
            "error": None,
            "arn": ep.store.job_arn("plant-a", "SITEWISE"),
            "polls": document["jobs"][0]["polls"],
            "elapsedSeconds": document["jobs"][0]["elapsedSeconds"],
            "resourceErrors": [],
        }
    ]
    polls = document["jobs"][0]["polls"]
    assert polls >= 4  # CREATING for 0.4 s, polled every 0.05-0.1 s
    assert 0.4 <= document["jobs"][0]["elapsedSeconds"] < 3
    # People's lines go to stderr in JSON mode: one per state change, not one per poll.
    changes = [line for line in run.stderr.splitlines() if line.startswith("[")]
    assert len(changes) == 2
    assert changes[0].endswith("plant-a/SITEWISE: CREATING (1 poll)")
    assert changes[1].endswith(f"plant-a/SITEWISE: CREATING -> ACTIVE ({polls} polls) => active")


def test_text_output_prints_state_changes_then_the_summary(endpoint: WallEndpoint) -> None:
    ep = endpoint(job_scenario("plant-a", states((0, "CREATING"), (0.2, "ACTIVE"))))

    run = run_gate(ep.url, "--workspace-id", "plant-a")

    assert run.code == 0
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert "plant-a/SITEWISE: CREATING (1 poll)" in lines[0]
    assert "plant-a/SITEWISE: CREATING -> ACTIVE (" in lines[1] and lines[1].endswith("=> active")
    assert lines[2].split() == ["TARGET", "REGION", "OUTCOME", "STATE", "POLLS", "ELAPSED", "ERROR"]
    assert lines[3].split()[:4] == ["plant-a/SITEWISE", "us-east-1", "active", "ACTIVE"]
    assert lines[4].startswith("result: active, exit code 0, ")
    assert lines[4].endswith("(1 target: 1 active)")


# ------------------------------------------------------------------------------------------------- error


def test_error_state_reports_code_message_and_failing_assets(endpoint: WallEndpoint, tmp_path: Path) -> None:
    ep = endpoint(job_scenario("plant-b", ERROR_STATES, resources=FAILING_RESOURCES))
    report = tmp_path / "reports" / "gate.xml"
    report.parent.mkdir()

    as_json = run_gate(ep.url, "--workspace-id", "plant-b", "--output", "json", "--junit-xml", str(report))

    assert as_json.code == 1
    document = as_json.document
    assert (document["outcome"], document["exitCode"]) == ("error", 1)
    got = as_json.job("plant-b")
    assert (got["outcome"], got["state"]) == ("error", "ERROR")
    assert got["error"] == {"code": "SYNC_PROCESSING_ERROR", "message": ERROR_MESSAGE}
    assert got["resourceErrors"] == [
        {
            "resourceType": "ENTITY",
            "externalId": "asset-pump-7",
            "resourceId": "entity-pump-7",
            "code": "PROCESSING_ERROR",
            "message": "property 'Flow' has data type STRUCT",
        },
        {
            "resourceType": "COMPONENT_TYPE",
            "externalId": "model-robot",
            "resourceId": "ct-robot",
            "code": "COMPOSITE_COMPONENT_FAILURE",
            "message": "composite model 'Arm' is gone",
        },
    ]
    root = junit(report)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "1", "0")
    failure = junit_case(root, "plant-b/SITEWISE").find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message") == (f"error: SYNC_PROCESSING_ERROR: {ERROR_MESSAGE}; 2 resources in ERROR")
    body = failure.text or ""
    assert "ENTITY asset-pump-7 (id entity-pump-7): PROCESSING_ERROR: property 'Flow'" in body
    assert "COMPONENT_TYPE model-robot (id ct-robot): COMPOSITE_COMPONENT_FAILURE: composite" in body
    assert [p.name for p in report.parent.iterdir()] == ["gate.xml"]  # no temporary file left

    as_text = run_gate(ep.url, "--workspace-id", "plant-b")

    assert as_text.code == 1
    row = next(line for line in as_text.stdout.splitlines() if line.startswith("plant-b/SITEWISE  "))
    assert row.split()[:4] == ["plant-b/SITEWISE", "us-east-1", "error", "ERROR"]
    assert f"SYNC_PROCESSING_ERROR: {ERROR_MESSAGE}; 2 resources in ERROR" in row
    assert (
        "    ENTITY asset-pump-7 (id entity-pump-7): PROCESSING_ERROR: property 'Flow' has data type STRUCT"
        in as_text.stdout.splitlines()
    )
    assert as_text.stdout.splitlines()[-1].startswith("result: error, exit code 1, ")


# ----------------------------------------------------------------------------------------------- timeout


def test_job_still_creating_at_the_deadline_times_out_with_exit_3(
    endpoint: WallEndpoint, tmp_path: Path
) -> None:
    ep = endpoint(job_scenario("plant-c", states((0, "CREATING"), (0.1, "INITIALIZING"))))
    report = tmp_path / "gate.xml"

    started = time.monotonic()
    run = run_gate(ep.url, "--workspace-id", "plant-c", "--timeout", "0.6", "--output", "json",
                   "--junit-xml", str(report))  # fmt: skip
    took = time.monotonic() - started

    assert run.code == 3
    got = run.job("plant-c")
    assert (run.document["outcome"], got["outcome"], got["state"]) == ("timeout", "timeout", "INITIALIZING")
    assert got["error"] is None
    assert 0.6 <= got["elapsedSeconds"] < 1.5
    assert took < 3
    failure = junit_case(junit(report), "plant-c/SITEWISE").find("failure")
    assert failure is not None and failure.get("type") == "timeout"
    assert failure.get("message") == "timeout: still INITIALIZING at the deadline"


# --------------------------------------------------------------------------------------------- not found


def test_job_not_visible_within_the_grace_then_active_exits_0(endpoint: WallEndpoint) -> None:
    ep = endpoint(job_scenario("plant-d", states((0, "CREATING"), (0.4, "ACTIVE")), notFound=[[0, 0.3]]))

    run = run_gate(ep.url, "--workspace-id", "plant-d", "--not-found-grace", "2", "--output", "json")

    assert run.code == 0
    assert run.job("plant-d")["outcome"] == "active"
    assert "plant-d/SITEWISE: not visible yet (1 poll)" in run.stderr
    assert ep.stats.by_error["ResourceNotFoundException"] >= 1  # the grace was really used


def test_job_not_visible_beyond_the_grace_is_not_found_exit_4(endpoint: WallEndpoint, tmp_path: Path) -> None:
    ep = endpoint(
        job_scenario(
            "plant-e",
            states(
                (0, "ACTIVE"),
            ),
            notFound=[[0, 60]],
        )
    )
    report = tmp_path / "gate.xml"

    run = run_gate(ep.url, "--workspace-id", "plant-e", "--not-found-grace", "0.4", "--timeout", "10",
                   "--output", "json", "--junit-xml", str(report))  # fmt: skip

    assert run.code == 4
    got = run.job("plant-e")
    assert (run.document["outcome"], got["outcome"], got["state"]) == ("not_found", "not_found", None)
    assert got["error"] == {
        "code": "ResourceNotFoundException",
        "message": "Sync job for sync source SITEWISE in workspace plant-e not found.",
    }
    assert 0.4 <= got["elapsedSeconds"] < 1.5  # judged when the grace ends, not at the 10 s deadline
    assert got["polls"] >= 2
    error = junit_case(junit(report), "plant-e/SITEWISE").find("error")
    assert error is not None and error.get("type") == "not_found"


def test_workspace_without_a_sync_job_is_not_found_after_the_grace(endpoint: WallEndpoint) -> None:
    ep = endpoint({"workspaces": [{"workspaceId": "plant-f"}]})

    run = run_gate(ep.url, "--workspace-id", "plant-f", "--not-found-grace", "0.2")

    assert run.code == 4
    row = next(line for line in run.stdout.splitlines() if line.startswith("plant-f/SITEWISE  "))
    assert row.split()[:4] == ["plant-f/SITEWISE", "us-east-1", "not_found", "-"]
    assert "ResourceNotFoundException: Sync job for sync source SITEWISE in workspace plant-f" in row


# ------------------------------------------------------------------------------------------------ denied


def test_access_denied_on_the_workspace_is_denied_at_once(endpoint: WallEndpoint) -> None:
    scenario = {
        "workspaces": [{"workspaceId": "plant-g"}, {"workspaceId": "plant-h"}],
        "syncJobs": [
            job(
                "plant-g",
                states(
                    (0, "CREATING"),
                ),
            ),
            job(
                "plant-h",
                states(
                    (0, "ACTIVE"),
                ),
            ),
        ],
        "faults": [{"kind": "deny", "workspaces": ["plant-g"]}],
    }
    ep = endpoint(scenario)

    run = run_gate(ep.url, "--workspace-id", "plant-g", "--workspace-id", "plant-h", "--output", "json")

    assert run.code == 4
    assert run.document["outcome"] == "denied"
    denied = run.job("plant-g")
    assert (denied["outcome"], denied["state"], denied["polls"]) == ("denied", None, 1)
    assert denied["error"]["code"] == "AccessDeniedException"
    assert "is not authorized to perform: iottwinmaker:GetSyncJob on resource: " in denied["error"]["message"]
    assert ep.stats.by_error["AccessDeniedException"] == 1  # neither botocore nor the loop retried it
    assert run.job("plant-h")["outcome"] == "active"  # the other target is judged on its own


@pytest.mark.parametrize(
    ("kind", "code"),
    [("expired", "ExpiredTokenException"), ("unrecognized", "UnrecognizedClientException")],
)
def test_expired_or_unrecognised_credentials_are_denied_without_leaking_the_key(
    endpoint: WallEndpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, code: str
) -> None:
    key_id, secret = "AKIAZZTESTBADKEY0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET01"
    scenario = job_scenario(
        "plant-i",
        states(
            (0, "CREATING"),
        ),
    )
    scenario["credentials"] = {kind: [key_id]}
    ep = endpoint(scenario)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    report = tmp_path / "gate.xml"

    started = time.monotonic()
    run = run_gate(ep.url, "--workspace-id", "plant-i", "--output", "json", "--junit-xml", str(report))

    assert run.code == 4
    got = run.job("plant-i")
    assert (got["outcome"], got["polls"], got["error"]["code"]) == ("denied", 1, code)
    assert time.monotonic() - started < 2  # at once, not at the 5 s deadline
    for text in (run.stdout, run.stderr, report.read_text()):
        assert key_id not in text and secret not in text


# ----------------------------------------------------------------------------------------------- invalid


def test_validation_exception_from_the_service_is_invalid_exit_4(
    endpoint: WallEndpoint, tmp_path: Path
) -> None:
    # The CLI checks IDs against the service's own patterns, so no request it sends is invalid to the
    # endpoint's model checks; a service-side rule is what refuses it: here a scripted 4xx fault, sent
    # over the real wire as the service sends a ValidationException.
    scenario = job_scenario("plant-j", states((0, "CREATING")))
    scenario["faults"] = [
        {
            "kind": "error",
            "code": "ValidationException",
            "message": "The sync source SITEWISE is not enabled for workspace plant-j.",
            "operations": ["GetSyncJob"],
        }
    ]
    ep = endpoint(scenario)
    report = tmp_path / "gate.xml"

    run = run_gate(ep.url, "--workspace-id", "plant-j", "--output", "json", "--junit-xml", str(report))

    assert run.code == 4
    got = run.job("plant-j")
    assert (run.document["outcome"], got["outcome"], got["polls"]) == ("invalid", "invalid", 1)
    assert got["error"] == {
        "code": "ValidationException",
        "message": "The sync source SITEWISE is not enabled for workspace plant-j.",
    }
    assert ep.stats.by_status[400] == 1
    error = junit_case(junit(report), "plant-j/SITEWISE").find("error")
    assert error is not None and error.get("type") == "invalid"


# ------------------------------------------------------------------------ throttling and 5xx, then ACTIVE


def test_throttling_storm_over_many_targets_still_ends_active(endpoint: WallEndpoint) -> None:
    ids = [f"line-{n}" for n in range(8)]
    scenario = {
        "workspaces": [{"workspaceId": ws} for ws in ids],
        "syncJobs": [job(ws, states((0, "CREATING"), (0.2, "ACTIVE"))) for ws in ids],
        # The service lets 3 requests through at once and 6 per second after that: 8 targets polling
        # every 0.05 s are far over it.
        "faults": [{"kind": "throttle", "ratePerSecond": 6, "burst": 3, "operations": ["GetSyncJob"]}],
    }
    ep = endpoint(scenario)
    args = [arg for ws in ids for arg in ("--workspace-id", ws)]

    run = run_gate(ep.url, *args, "--max-rps", "100", "--timeout", "15", "--output", "json")

    assert run.code == 0, run.stderr
    assert [j["outcome"] for j in run.document["jobs"]] == ["active"] * 8
    assert ep.stats.throttled >= 3  # the storm happened, and did not decide anything by itself


def test_5xx_longer_than_botocore_retries_still_ends_active(endpoint: WallEndpoint) -> None:
    scenario = job_scenario("plant-k", states((0, "CREATING"), (0.1, "ACTIVE")))
    # As many 500s in a row as one call's attempts (botocore standard mode, 3 attempts): the first poll
    # fails as a whole and the loop has to poll again.
    scenario["faults"] = [{"kind": "error", "status": 500, "times": 3}]
    ep = endpoint(scenario)

    run = run_gate(ep.url, "--workspace-id", "plant-k", "--output", "json")

    assert run.code == 0
    got = run.job("plant-k")
    assert (got["outcome"], got["state"]) == ("active", "ACTIVE")
    assert got["polls"] >= 2
    assert ep.stats.by_status[500] == 3
    assert "plant-k/SITEWISE: retrying after InternalServerException (1 poll)" in run.stderr


def test_html_503_pages_are_retried_until_the_job_is_active(endpoint: WallEndpoint) -> None:
    scenario = job_scenario("plant-l", states((0, "CREATING"), (0.2, "ACTIVE")))
    scenario["faults"] = [{"kind": "error", "status": 503, "probability": 0.5}]
    scenario["seed"] = 3
    ep = endpoint(scenario)

    run = run_gate(ep.url, "--workspace-id", "plant-l", "--output", "json")

    assert run.code == 0
    assert run.job("plant-l")["outcome"] == "active"
    assert ep.stats.by_status[503] >= 1


# ------------------------------------------------------------------------------------------- unreachable


def test_nothing_listening_is_unreachable_at_the_deadline_exit_4(tmp_path: Path, aws_env: None) -> None:
    url = closed_port_url()
    report = tmp_path / "gate.xml"

    run = run_gate(url, "--workspace-id", "plant-m", "--timeout", "0.5", "--output", "json",
                   "--junit-xml", str(report))  # fmt: skip

    assert run.code == 4
    got = run.job("plant-m")
    assert (run.document["outcome"], got["outcome"], got["state"]) == ("unreachable", "unreachable", None)
    assert got["error"]["code"] == "EndpointConnectionError"
    assert url in got["error"]["message"]
    assert got["polls"] >= 2  # retried, never ended early by a connection error
    assert got["elapsedSeconds"] >= 0.5
    error = junit_case(junit(report), "plant-m/SITEWISE").find("error")
    assert error is not None and error.get("type") == "unreachable"


def test_5xx_throughout_is_unreachable_at_the_deadline_exit_4(endpoint: WallEndpoint) -> None:
    scenario = job_scenario(
        "plant-n",
        states(
            (0, "ACTIVE"),
        ),
    )
    scenario["faults"] = [{"kind": "error", "status": 500}]
    ep = endpoint(scenario)

    run = run_gate(ep.url, "--workspace-id", "plant-n", "--timeout", "0.6", "--output", "json")

    assert run.code == 4
    got = run.job("plant-n")
    assert (got["outcome"], got["state"]) == ("unreachable", None)
    assert got["error"]["code"] == "InternalServerException"
    assert got["polls"] >= 2
    assert got["elapsedSeconds"] >= 0.6
    assert ep.stats.by_status == {500: ep.stats.total}


# -------------------------------------------------------------------------------------- unexpected state


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("DELETING", None),
        ("PAUSED", {"code": "SYNC_PAUSED_BY_OPERATOR", "message": "paused for maintenance"}),
    ],
    ids=["deleting", "state-from-a-newer-api"],
)
def test_deleting_or_unknown_state_is_unexpected_state_exit_1(
    endpoint: WallEndpoint, tmp_path: Path, state: str, error: dict[str, str] | None
) -> None:
    step: dict[str, Any] = {"at": 0.1, "state": state}
    if error is not None:
        step["error"] = error
    ep = endpoint(job_scenario("plant-o", [{"at": 0, "state": "CREATING"}, step]))
    report = tmp_path / "gate.xml"

    run = run_gate(ep.url, "--workspace-id", "plant-o", "--output", "json", "--junit-xml", str(report))

    assert run.code == 1
    got = run.job("plant-o")
    assert (run.document["outcome"], got["outcome"], got["state"]) == (
        "unexpected_state",
        "unexpected_state",
        state,
    )
    assert got["error"] == error  # an unknown code passes through as sent
    lines = [line for line in run.stderr.splitlines() if line.startswith("[")]
    assert "plant-o/SITEWISE: CREATING (1 poll)" in lines[0]
    assert f"plant-o/SITEWISE: CREATING -> {state} (" in lines[-1] and "=> unexpected_state" in lines[-1]
    failure = junit_case(junit(report), "plant-o/SITEWISE").find("failure")
    assert failure is not None and failure.get("type") == "unexpected_state"


def test_job_deleted_while_waiting_is_unexpected_state(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        job_scenario(
            "plant-p",
            states(
                (0, "CREATING"),
            ),
        )
    )
    client_delete = ep.store.delete_sync_job
    client_delete({"workspaceId": "plant-p", "syncSource": "SITEWISE"})

    run = run_gate(ep.url, "--workspace-id", "plant-p", "--output", "json")

    assert run.code == 1
    assert (run.job("plant-p")["outcome"], run.job("plant-p")["state"]) == ("unexpected_state", "DELETING")


# ------------------------------------------------------------------------------------- resource errors


def test_check_resources_fails_an_active_job_with_resources_in_error(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        job_scenario("plant-q", states((0, "CREATING"), (0.1, "ACTIVE")), resources=FAILING_RESOURCES)
    )

    strict = run_gate(ep.url, "--workspace-id", "plant-q", "--check-resources", "--output", "json")
    lenient = run_gate(ep.url, "--workspace-id", "plant-q", "--output", "json")

    assert strict.code == 1
    got = strict.job("plant-q")
    assert (strict.document["outcome"], got["outcome"], got["state"]) == ("resource_errors",) * 2 + (
        "ACTIVE",
    )
    assert got["error"] is None
    assert [(r["externalId"], r["code"]) for r in got["resourceErrors"]] == [
        ("asset-pump-7", "PROCESSING_ERROR"),
        ("model-robot", "COMPOSITE_COMPONENT_FAILURE"),
    ]
    # Without --check-resources the same job passes: the gate only looks at the job's state.
    assert lenient.code == 0
    assert (lenient.job("plant-q")["outcome"], lenient.job("plant-q")["resourceErrors"]) == ("active", [])


def test_check_resources_passes_an_active_job_whose_resources_are_in_sync(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        job_scenario(
            "plant-r",
            states(
                (0, "ACTIVE"),
            ),
            resources=FAILING_RESOURCES[:1],
        )
    )

    run = run_gate(ep.url, "--workspace-id", "plant-r", "--check-resources", "--output", "json")

    assert run.code == 0
    assert run.job("plant-r")["outcome"] == "active"
    assert ep.stats.by_operation["ListSyncResources"] == 1  # it did look


# ------------------------------------------------------------------------------------- exit-code order


def test_run_exit_code_is_the_worst_target_by_the_contract_order(endpoint: WallEndpoint) -> None:
    scenario = {
        "workspaces": [{"workspaceId": ws} for ws in ("w-active", "w-timeout", "w-missing", "w-error")],
        "syncJobs": [
            job(
                "w-active",
                states(
                    (0, "ACTIVE"),
                ),
            ),
            job(
                "w-timeout",
                states(
                    (0, "CREATING"),
                ),
            ),
            job("w-error", ERROR_STATES),
        ],
    }
    ep = endpoint(scenario)
    targets = ["--workspace-id", "w-active", "--workspace-id", "w-timeout", "--workspace-id", "w-missing"]
    common = ["--timeout", "0.8", "--not-found-grace", "0.2", "--max-rps", "100", "--output", "json"]

    without_error = run_gate(ep.url, *targets, *common)
    with_error = run_gate(ep.url, *targets, "--workspace-id", "w-error", *common)

    assert [j["outcome"] for j in without_error.document["jobs"]] == ["active", "timeout", "not_found"]
    assert (without_error.code, without_error.document["outcome"]) == (4, "not_found")
    assert (with_error.code, with_error.document["outcome"]) == (1, "error")


# ---------------------------------------------------------------------------- what the service sends back


def test_control_characters_from_the_service_never_reach_the_output_raw(
    endpoint: WallEndpoint, tmp_path: Path
) -> None:
    scenario = job_scenario("plant-s", ERROR_STATES)
    # Every GetSyncJob answer carries an error message full of ANSI escapes, CR/LF, BEL and NUL.
    scenario["faults"] = [{"kind": "wrong-shape", "variant": "control-chars", "operations": ["GetSyncJob"]}]
    ep = endpoint(scenario)
    report = tmp_path / "gate.xml"

    as_text = run_gate(ep.url, "--workspace-id", "plant-s", "--junit-xml", str(report))
    as_json = run_gate(ep.url, "--workspace-id", "plant-s", "--output", "json")

    assert (as_text.code, as_json.code) == (1, 1)
    for text in (as_text.stdout, as_text.stderr, as_json.stdout, as_json.stderr, report.read_text()):
        assert not set(text) & {"\x1b", "\x07", "\x00", "\r"}, repr(text)
    assert "INJECTED LINE" not in [line.strip() for line in as_text.stdout.splitlines()]  # no forged line
    # JSON keeps the service's words exactly, escaped: a program reading it gets the message as sent.
    assert as_json.job("plant-s")["error"]["message"] == CONTROL_MESSAGE
