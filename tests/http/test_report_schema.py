"""The JSON report's published schema (validators/reports/gate-report.schema.json) holds for real
reports: runs of the gate against the local endpoint, one per kind of outcome, each validated as is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.http.harness import ROOT, WallEndpoint, closed_port_url, job, run_gate, states
from validators.version import SCHEMA_VERSION, __version__

pytestmark = pytest.mark.http

SCHEMA_PATH = ROOT / "validators" / "reports" / "gate-report.schema.json"
ERROR_STATES = [
    {"at": 0, "state": "CREATING"},
    {"at": 0.1, "state": "ERROR", "error": {"code": "SYNC_PROCESSING_ERROR", "message": "1 of 2 failed."}},
]
RESOURCES = [
    {
        "resourceType": "ENTITY",
        "externalId": "asset-7",
        "resourceId": "entity-7",
        "state": "ERROR",
        "error": {"code": "PROCESSING_ERROR", "message": "property 'Flow' has data type STRUCT"},
    }
]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_reports_of_every_kind_of_run_validate(
    endpoint: WallEndpoint, validator: Draft202012Validator, tmp_path: Path
) -> None:
    ep = endpoint(
        {
            "workspaces": [{"workspaceId": w} for w in ("ok-1", "bad-1", "slow-1")],
            "syncJobs": [
                job("ok-1", states((0, "CREATING"), (0.1, "ACTIVE"))),
                job("bad-1", ERROR_STATES, resources=RESOURCES),
                job("slow-1", states((0, "CREATING"))),
            ],
        }
    )
    blocker = tmp_path / "file"
    blocker.write_text("")
    runs = {
        "mixed": run_gate(ep.url, "--workspace-id", "ok-1", "--workspace-id", "bad-1",
                          "--workspace-id", "slow-1", "--workspace-id", "gone-1", "--timeout", "1.5",
                          "--output", "json"),
        "active, report not written": run_gate(ep.url, "--workspace-id", "ok-1", "--output", "json",
                                               "--junit-xml", str(blocker / "x.xml")),
        "unreachable": run_gate(closed_port_url(), "--workspace-id", "ok-1", "--timeout", "0.5",
                                "--output", "json"),
    }  # fmt: skip
    outcomes = set()
    for name, run in runs.items():
        document = run.document
        assert errors(validator, document) == [], name
        assert document["exitCode"] == run.code, name
        assert (document["schemaVersion"], document["version"]) == (SCHEMA_VERSION, __version__)
        outcomes |= {j["outcome"] for j in document["jobs"]}
    assert outcomes == {"active", "error", "timeout", "not_found", "unreachable"}
    assert runs["active, report not written"].document["reportErrors"]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.pop("schemaVersion"), "'schemaVersion' is a required property"),
        (lambda d: d.update(exitCode=2), "2 is not one of"),
        (lambda d: d["jobs"][0].pop("arn"), "'arn' is a required property"),
        (lambda d: d["jobs"][0].update(outcome="fine"), "'fine' is not one of"),
        (lambda d: d["jobs"][0].update(error={"code": "X"}), "is not valid under any of the given schemas"),
    ],
)
def test_the_schema_refuses_documents_that_break_the_contract(
    validator: Draft202012Validator, change: Any, complaint: str
) -> None:
    document = {
        "schemaVersion": 1, "version": "0.3.0", "outcome": "active", "exitCode": 0, "elapsedSeconds": 1.0,
        "jobs": [{"workspaceId": "plant-a", "syncSource": "SITEWISE", "region": "eu-west-1",
                  "outcome": "active", "state": "ACTIVE", "error": None, "arn": "arn:x", "polls": 1,
                  "elapsedSeconds": 0.5, "resourceErrors": []}],
        "reportErrors": [],
    }  # fmt: skip
    assert errors(validator, document) == []
    change(document)
    found = errors(validator, document)
    assert any(complaint in e for e in found), found
