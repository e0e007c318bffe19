"""Early, honest answers, through the CLI against the local endpoint: a typo'd workspace, an
unsupported sync source, an endpoint nothing reaches, missing credentials, a bad AWS_PROFILE, and a report
that could not be written. Each is answered in seconds, not after the grace or the timeout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.http.harness import WallEndpoint, closed_port_url, job_scenario, run_gate, states

pytestmark = pytest.mark.http


def test_a_job_whose_workspace_does_not_exist_is_not_found_at_once(endpoint: WallEndpoint) -> None:
    ep = endpoint(job_scenario("plant-a", states((0, "ACTIVE"))))
    started = time.monotonic()

    # A grace of a minute would be used in full if the gate did not ask about the workspace.
    run = run_gate(ep.url, "--workspace-id", "plant-typo", "--not-found-grace", "60", "--output", "json")

    assert run.code == 4
    assert time.monotonic() - started < 10
    got = run.job("plant-typo")
    assert got["outcome"] == "not_found"
    assert got["error"] == {"code": "ResourceNotFoundException", "message": "workspace plant-typo not found"}
    assert ep.stats.by_operation["GetWorkspace"] == 1  # one look, not one per poll
    assert "=> not_found: ResourceNotFoundException: workspace plant-typo not found" in run.stderr


def test_a_job_not_visible_yet_in_an_existing_workspace_still_gets_the_grace(endpoint: WallEndpoint) -> None:
    ep = endpoint(job_scenario("plant-d", states((0, "CREATING"), (0.5, "ACTIVE")), notFound=[[0, 0.4]]))

    run = run_gate(ep.url, "--workspace-id", "plant-d", "--not-found-grace", "3", "--output", "json")

    assert run.code == 0 and run.job("plant-d")["outcome"] == "active"
    assert ep.stats.by_operation["GetWorkspace"] == 1


@pytest.mark.parametrize("source", ["sitewise", "IOT_CORE"])
def test_an_unsupported_sync_source_is_a_usage_error_naming_the_allowed_values(
    endpoint: WallEndpoint, source: str
) -> None:
    ep = endpoint(job_scenario("plant-a"))

    run = run_gate(ep.url, "--workspace-id", "plant-a", "--sync-source", source)

    assert run.code == 2
    assert run.stderr.count("\n") == 1
    assert f'--sync-source "{source}" is not a sync source the service supports' in run.stderr
    assert run.stderr.rstrip().endswith("allowed values: SITEWISE")
    assert ep.stats.total == 0


def test_an_endpoint_nothing_reaches_is_unreachable_long_before_the_timeout(aws_env: None) -> None:
    started = time.monotonic()

    run = run_gate(
        closed_port_url(), "--workspace-id", "plant-a", "--timeout", "10m", "--unreachable-after", "1s"
    )

    assert run.code == 4
    assert time.monotonic() - started < 15
    summary = run.stdout
    assert "unreachable" in summary and "EndpointConnectionError" in summary
    assert "no request reached the service for" in summary
    for what in ("region (us-east-1)", "endpoint URL", "VPC endpoint", "proxy"):
        assert what in summary, what


def test_missing_credentials_say_what_was_tried_and_where_to_look(
    endpoint: WallEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    ep = endpoint(job_scenario("plant-a"))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    run = run_gate(ep.url, "--workspace-id", "plant-a", "--output", "json")

    assert run.code == 4
    got = run.job("plant-a")
    assert got["outcome"] == "denied" and got["error"]["code"] == "NoCredentialsError"
    message = got["error"]["message"]
    assert message.startswith("no AWS credentials found for no profile (AWS_PROFILE is not set). Locally, ")
    for source in ("environment variables", "web identity", "the config file", "EC2 instance metadata"):
        assert source in message, source
    assert "set AWS_PROFILE" in message and "OIDC" in message
    assert ep.stats.total == 0


def test_a_bad_aws_profile_variable_is_not_blamed_on_a_profile_flag(
    endpoint: WallEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    ep = endpoint(job_scenario("plant-a"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")

    run = run_gate(ep.url, "--workspace-id", "plant-a")

    assert run.code == 2
    assert "--profile" not in run.stderr
    assert "AWS_PROFILE" in run.stderr and "no-such-profile" in run.stderr
    assert ep.stats.total == 0


def test_an_unwritten_report_never_leaves_a_summary_that_reads_as_a_pass(
    endpoint: WallEndpoint, tmp_path: Path
) -> None:
    ep = endpoint(job_scenario("plant-a"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    run = run_gate(ep.url, "--workspace-id", "plant-a", "--junit-xml", str(blocker / "gate.xml"))

    assert run.code == 4
    last = run.stdout.splitlines()[-1]
    assert last.startswith("result: report_not_written (every job active, but a report could not be written)")
    assert "exit code 4" in last
