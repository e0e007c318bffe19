"""Target readers: good input becomes targets; every kind of bad input is one exact, readable line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from validators.inputs import (
    MAX_INPUT_BYTES,
    InputError,
    read_pulumi_outputs,
    read_source,
    read_terraform_outputs,
    targets_from_flags,
)
from validators.model import Target

ID_RULE = (
    "is not a workspace ID (letters, digits, '_' and '-', not starting with '-', "
    r"ending with a letter or digit: [a-zA-Z_0-9][a-zA-Z_\-0-9]*[a-zA-Z0-9]+)"
)
SOURCE_RULE = "is not a sync source (letters, digits and '_' only); allowed values: SITEWISE"
UNSUPPORTED = "is not a sync source the service supports; allowed values: SITEWISE"
REGION_RULE = "is not an AWS region name (such as eu-west-1)"


# --- flags ---------------------------------------------------------------------------------------------


def test_flags_make_one_target_per_id_with_the_sync_source() -> None:
    assert targets_from_flags(["plant-a", "plant_b2"], "SITEWISE") == [
        Target("plant-a", "SITEWISE"),
        Target("plant_b2", "SITEWISE"),
    ]
    assert targets_from_flags(["_x9", "a" * 128], "SITEWISE") == [
        Target("_x9", "SITEWISE"),
        Target("a" * 128, "SITEWISE"),
    ]
    assert targets_from_flags([], "SITEWISE") == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("sitewise", '--sync-source "sitewise" is not a sync source the service supports '
         "(sync sources are upper case); allowed values: SITEWISE"),
        ("MY_SOURCE_2", f'--sync-source "MY_SOURCE_2" {UNSUPPORTED}'),
    ],
)  # fmt: skip
def test_a_sync_source_the_service_does_not_support_is_refused_with_the_allowed_values(
    source: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        targets_from_flags(["plant-a"], source)
    assert caught.value.message == message


def test_terraform_for_each_maps_are_targets_in_key_order() -> None:
    document = {
        "sync_jobs": {
            "sensitive": False,
            "type": ["map", ["object", {"workspace_id": "string", "region": "string"}]],
            "value": {
                "lyon": {"workspace_id": "plant-a", "region": "eu-west-3", "arn": "arn:x"},
                "turin": {"workspace_id": "plant-b", "sync_source": "SITEWISE", "region": None},
            },
        }
    }
    expected = [Target("plant-a", "SITEWISE", "eu-west-3"), Target("plant-b", "SITEWISE", None)]
    assert read_terraform_outputs(json.dumps(document)) == expected
    # `terraform output -json sync_jobs` prints the map on its own: the same targets.
    assert read_terraform_outputs(json.dumps(document["sync_jobs"]["value"])) == expected


@pytest.mark.parametrize(
    ("ids", "source", "message"),
    [
        ([""], "SITEWISE", '--workspace-id "" must not be empty'),
        (
            ["a" * 129],
            "SITEWISE",
            f'--workspace-id "{"a" * 79}\u2026" is 129 characters long, at most 128 are allowed',
        ),
        (["bad id"], "SITEWISE", f'--workspace-id "bad id" {ID_RULE}'),
        (["-lead"], "SITEWISE", f'--workspace-id "-lead" {ID_RULE}'),
        (["trail-"], "SITEWISE", f'--workspace-id "trail-" {ID_RULE}'),
        (["trail_"], "SITEWISE", f'--workspace-id "trail_" {ID_RULE}'),
        (["a"], "SITEWISE", f'--workspace-id "a" {ID_RULE}'),
        (["plant\n"], "SITEWISE", f'--workspace-id "plant\u240a" {ID_RULE}'),
        (["pl\u0430nt"], "SITEWISE", f'--workspace-id "pl\u0430nt" {ID_RULE}'),
        (["ok-1", "x\x1b[2J"], "SITEWISE", f'--workspace-id "x\u241b[2J" {ID_RULE}'),
        (["plant-a"], "SITE-WISE", f'--sync-source "SITE-WISE" {SOURCE_RULE}'),
        ([], "", f'--sync-source "" {SOURCE_RULE}'),
    ],
)
def test_flags_refuse_bad_values_with_one_exact_line(ids: list[str], source: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        targets_from_flags(ids, source)
    assert caught.value.message == message
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


# --- Pulumi --------------------------------------------------------------------------------------------


def test_pulumi_outputs_become_targets_with_defaults_and_regions() -> None:
    text = json.dumps(
        {
            "bucketName": "b",
            "syncJobs": [
                {"workspaceId": "plant-a", "syncSource": "SITEWISE", "region": "eu-west-1", "arn": "arn:x"},
                {"workspaceId": "plant-b"},
                {"workspaceId": "plant-c", "syncSource": None, "region": None},
                {"workspaceId": "plant-d", "region": "us-gov-west-1"},
                {"workspaceId": "plant-e", "region": "cn-north-1"},
            ],
        }
    )
    assert read_pulumi_outputs(text, "out.json") == [
        Target("plant-a", "SITEWISE", "eu-west-1"),
        Target("plant-b", "SITEWISE", None),
        Target("plant-c", "SITEWISE", None),
        Target("plant-d", "SITEWISE", "us-gov-west-1"),
        Target("plant-e", "SITEWISE", "cn-north-1"),
    ]


def test_pulumi_output_of_one_name_is_the_list_itself() -> None:
    # `pulumi stack output --json syncJobs` prints just the value.
    assert read_pulumi_outputs('[{"workspaceId": "plant-a"}]') == [Target("plant-a")]


def test_pulumi_outputs_accept_a_utf8_bom_free_document_with_whitespace() -> None:
    assert read_pulumi_outputs('\n  {"syncJobs": [{"workspaceId": "p1"}]}\n') == [Target("p1")]


P = "--pulumi-outputs out.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"{P}: is empty; expected the JSON that `pulumi stack output --json` prints"),
        (
            "{\n  'syncJobs': []\n}",
            f"{P}: is not valid JSON (line 2, column 3: Expecting property name enclosed in double quotes); "
            "expected the JSON that `pulumi stack output --json` prints",
        ),
        ('"hello"', f"{P}: must be a JSON object of stack outputs, got a string"),
        ("{}", f"{P}: has no stack output syncJobs (it has no outputs at all)"),
        ('{"sync_jobs": [], "bucket": 1}', f"{P}: has no stack output syncJobs (outputs: bucket, sync_jobs)"),
        (
            '{"syncJobs": "[secret]"}',
            f'{P}: syncJobs is "[secret]"; run `pulumi stack output --json --show-secrets`',
        ),
        ('{"syncJobs": {"workspaceId": "a1"}}', f"{P}: syncJobs must be a list of objects, got an object"),
        ('{"syncJobs": null}', f"{P}: syncJobs must be a list of objects, got null"),
        ('{"syncJobs": []}', f"{P}: syncJobs is an empty list; there is no sync job to wait for"),
        ('{"syncJobs": ["plant-a"]}', f"{P}: syncJobs[0] must be an object, got a string"),
        ('{"syncJobs": [{"workspaceId": "a1"}, 7]}', f"{P}: syncJobs[1] must be an object, got a number"),
        ('{"syncJobs": [{"id": "plant-a"}]}', f"{P}: syncJobs[0] has no workspaceId"),
        ('{"syncJobs": [{"workspaceId": null}]}', f"{P}: syncJobs[0] has no workspaceId"),
        (
            '{"syncJobs": [{"workspaceId": 12}]}',
            f"{P}: syncJobs[0].workspaceId must be a string, got a number",
        ),
        (
            '{"syncJobs": [{"workspaceId": "[secret]"}]}',
            f'{P}: syncJobs[0].workspaceId is "[secret]"; run `pulumi stack output --json --show-secrets`',
        ),
        ('{"syncJobs": [{"workspaceId": "bad id"}]}', f'{P}: syncJobs[0].workspaceId "bad id" {ID_RULE}'),
        ('{"syncJobs": [{"workspaceId": ""}]}', f'{P}: syncJobs[0].workspaceId "" must not be empty'),
        (
            '{"syncJobs": [{"workspaceId": "a1", "syncSource": "site wise"}]}',
            f'{P}: syncJobs[0].syncSource "site wise" {SOURCE_RULE}',
        ),
        (
            '{"syncJobs": [{"workspaceId": "a1", "syncSource": true}]}',
            f"{P}: syncJobs[0].syncSource must be a string, got a boolean",
        ),
        (
            '{"syncJobs": [{"workspaceId": "a1", "region": "EU-WEST-1"}]}',
            f'{P}: syncJobs[0].region "EU-WEST-1" {REGION_RULE}',
        ),
        (
            '{"syncJobs": [{"workspaceId": "a1", "region": "eu-west"}]}',
            f'{P}: syncJobs[0].region "eu-west" {REGION_RULE}',
        ),
        ('{"syncJobs": [{"workspaceId": "a1", "region": ""}]}', f'{P}: syncJobs[0].region "" {REGION_RULE}'),
        (
            '{"syncJobs": [{"workspaceId": "a1", "region": ["eu-west-1"]}]}',
            f"{P}: syncJobs[0].region must be a string, got a list",
        ),
        ("[" * 100_000, f"{P}: is nested too deeply to be outputs JSON"),
    ],
)
def test_pulumi_outputs_refuse_bad_input_with_one_exact_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_pulumi_outputs(text, "out.json")
    assert caught.value.message == message
    assert "\n" not in caught.value.message


def test_pulumi_messages_name_stdin_when_the_source_is_a_dash() -> None:
    with pytest.raises(InputError, match=r"^--pulumi-outputs \(stdin\): is empty"):
        read_pulumi_outputs(" \n")


def test_hostile_file_names_and_keys_cannot_forge_lines() -> None:
    with pytest.raises(InputError) as caught:
        read_pulumi_outputs('{"a\\nERROR fake": 1}', "x\n::error::y")
    assert caught.value.message == (
        "--pulumi-outputs x\u240a::error::y: has no stack output syncJobs (outputs: a\u240aERROR fake)"
    )


# --- Terraform -----------------------------------------------------------------------------------------


def test_terraform_outputs_become_targets() -> None:
    text = json.dumps(
        {
            "sync_jobs": {
                "sensitive": False,
                "type": ["list", ["object", {"workspace_id": "string"}]],
                "value": [
                    {"workspace_id": "plant-a", "sync_source": "SITEWISE", "region": "eu-central-1"},
                    {"workspace_id": "plant-b", "sync_source": None, "region": None},
                ],
            },
            "other": {"sensitive": True, "type": "string", "value": "x"},
        }
    )
    assert read_terraform_outputs(text, "tf.json") == [
        Target("plant-a", "SITEWISE", "eu-central-1"),
        Target("plant-b", "SITEWISE", None),
    ]


def test_terraform_output_of_one_name_is_the_list_itself() -> None:
    # `terraform output -json sync_jobs` prints just the value.
    assert read_terraform_outputs('[{"workspace_id": "plant-a"}]') == [Target("plant-a")]


T = "--terraform-outputs tf.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"{T}: is empty; expected the JSON that `terraform output -json` prints"),
        (
            "nope",
            f"{T}: is not valid JSON (line 1, column 1: Expecting value); "
            "expected the JSON that `terraform output -json` prints",
        ),
        ("3", f"{T}: must be a JSON object of outputs, got a number"),
        ('{"syncJobs": {}}', f"{T}: has no output sync_jobs (outputs: syncJobs)"),
        (
            '{"sync_jobs": [{"workspace_id": "a1"}]}',
            f'{T}: sync_jobs must be an object with a "value", as `terraform output -json` prints it',
        ),
        (
            '{"sync_jobs": {"sensitive": false}}',
            f'{T}: sync_jobs must be an object with a "value", as `terraform output -json` prints it',
        ),
        (
            '{"sync_jobs": {"value": "x"}}',
            f"{T}: sync_jobs.value must be a list (or a for_each map) of objects, got a string",
        ),
        (
            '{"sync_jobs": {"value": {}}}',
            f"{T}: sync_jobs.value is an empty map; there is no sync job to wait for",
        ),
        (
            '{"sync_jobs": {"value": {"a": {"workspace_id": "a1", "sync_source": "IOT"}}}}',
            f'{T}: sync_jobs.value["a"].sync_source "IOT" {UNSUPPORTED}',
        ),
        (
            '{"sync_jobs": {"value": []}}',
            f"{T}: sync_jobs.value is an empty list; there is no sync job to wait for",
        ),
        ('{"sync_jobs": {"value": [{"workspaceId": "a1"}]}}', f"{T}: sync_jobs.value[0] has no workspace_id"),
        (
            '{"sync_jobs": {"value": [{"workspace_id": "a1", "sync_source": "x-y"}]}}',
            f'{T}: sync_jobs.value[0].sync_source "x-y" {SOURCE_RULE}',
        ),
        (
            '{"sync_jobs": {"value": [{"workspace_id": "a1", "region": "eu_west_1"}]}}',
            f'{T}: sync_jobs.value[0].region "eu_west_1" {REGION_RULE}',
        ),
        (
            '{"sync_jobs": {"value": [{"workspace_id": "[secret]"}]}}',
            f'{T}: sync_jobs.value[0].workspace_id "[secret]" {ID_RULE}',
        ),
    ],
)
def test_terraform_outputs_refuse_bad_input_with_one_exact_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_terraform_outputs(text, "tf.json")
    assert caught.value.message == message


# --- read_source ---------------------------------------------------------------------------------------


def test_read_source_reads_stdin_for_a_dash_and_files_otherwise(tmp_path: Path) -> None:
    assert read_source("-", io.StringIO("\ufeff{}")) == "{}"
    path = tmp_path / "out.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": "\xc3\xa9"}')
    assert read_source(str(path), io.StringIO("unused")) == '{"a": "\u00e9"}'


def test_read_source_errors_name_the_option_and_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(InputError) as caught:
        read_source(str(missing), io.StringIO(), option="--pulumi-outputs")
    assert caught.value.message == f"--pulumi-outputs {missing}: no such file"
    with pytest.raises(InputError) as caught:
        read_source(str(tmp_path), io.StringIO(), option="--terraform-outputs")
    assert caught.value.message == f"--terraform-outputs {tmp_path}: is a directory, not a file"
    with pytest.raises(InputError) as caught:
        read_source(str(missing), io.StringIO())
    assert caught.value.message == f"{missing}: no such file"


def test_read_source_refuses_non_utf8_and_oversized_input(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes("{}".encode("utf-16"))
    with pytest.raises(InputError) as caught:
        read_source(str(utf16), io.StringIO(), option="--pulumi-outputs")
    assert caught.value.message == f"--pulumi-outputs {utf16}: is not UTF-8 text (byte 0xff at offset 0)"

    bom_then_bad = tmp_path / "bad.json"
    bom_then_bad.write_bytes(b"\xef\xbb\xbf{\x80}")
    with pytest.raises(InputError) as caught:
        read_source(str(bom_then_bad), io.StringIO())
    assert caught.value.message == f"{bom_then_bad}: is not UTF-8 text (byte 0x80 at offset 4)"

    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_INPUT_BYTES + 1))
    with pytest.raises(InputError) as caught:
        read_source(str(big), io.StringIO(), option="--terraform-outputs")
    assert caught.value.message == f"--terraform-outputs {big}: is larger than {MAX_INPUT_BYTES} bytes"

    with pytest.raises(InputError) as caught:
        read_source("-", io.StringIO(" " * (MAX_INPUT_BYTES + 1)), option="--pulumi-outputs")
    assert caught.value.message == f"--pulumi-outputs (stdin): is larger than {MAX_INPUT_BYTES} bytes"


def test_read_source_turns_a_stdin_decoding_failure_into_one_line() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"{\xff}"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_source("-", stdin, option="--pulumi-outputs")
    assert caught.value.message == "--pulumi-outputs (stdin): is not UTF-8 text (invalid start byte)"


def test_read_source_reports_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(InputError) as caught:
        read_source("secret.json", io.StringIO(), option="--pulumi-outputs")
    assert caught.value.message == "--pulumi-outputs secret.json: permission denied"
