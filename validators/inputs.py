"""Where targets come from: `--workspace-id` flags, Pulumi outputs, Terraform outputs.

Every reader either returns targets that the service would accept or raises `InputError` with one line
that names the option (and file) and says what is wrong, so the CLI can print it and exit 2 before any
AWS request. Values from files are quoted through `clean_text`, so a hostile file cannot forge lines.

Shared rules for the outputs files:
- optional fields (`syncSource`/`sync_source`, `region`) may be absent or `null`: both mean "not given"
  (Terraform writes `null` for an optional object attribute that is not set);
- other keys in an item (such as `arn`) are ignored;
- a top-level JSON list is taken as the output's own value, which is what
  `pulumi stack output --json syncJobs` and `terraform output -json sync_jobs` print;
- an output that holds no sync job is an error, since a gate with nothing to check proves nothing.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Sequence
from typing import TextIO

from . import names
from .model import Target
from .names import DEFAULT_SYNC_SOURCE, check_region, check_sync_source, check_workspace_id
from .sanitize import clean_text

#: Largest outputs file read (bytes; characters for stdin): real ones are a few kB.
MAX_INPUT_BYTES = 16 * 1024 * 1024

#: (workspace ID, sync source, region) keys of one item of each outputs file.
_PULUMI_FIELDS = (names.JOB_WORKSPACE_ID, names.JOB_SYNC_SOURCE, names.JOB_REGION)
_TERRAFORM_FIELDS = (names.TF_WORKSPACE_ID, names.TF_SYNC_SOURCE, names.TF_REGION)
# `pulumi stack output --json` without `--show-secrets` prints a secret as this string.
_PULUMI_SECRET = "[secret]"  # noqa: S105 (a placeholder Pulumi prints, not a password)


class InputError(ValueError):
    """Bad input: `message` is one user-facing line naming the option/file and what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _quote(value: object) -> str:
    """A value as people see it in a message: strings quoted and cleaned, others as JSON types."""
    if isinstance(value, str):
        return f'"{clean_text(value, 80)}"'
    return _json_type(value)


def _json_type(value: object) -> str:
    """The JSON type name of a parsed value, for "must be a string, got a number"-style messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _origin(option: str, source: str) -> str:
    """`--pulumi-outputs plan.json` / `--pulumi-outputs (stdin)`: the prefix of every file message."""
    shown = "(stdin)" if source == "-" else clean_text(source, 200)
    return f"{option} {shown}"


def targets_from_flags(workspace_ids: Sequence[str], sync_source: str) -> list[Target]:
    """One target per `--workspace-id`, all with `--sync-source` and the run's default region.

    Rule: each ID must fully match the service's pattern `[a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+` and be
    1 to 128 characters (so a one-character ID, which the pattern cannot match, is refused as the
    service would refuse it); the sync source must be one the service supports
    (`names.SUPPORTED_SYNC_SOURCES`). The sync source is checked
    even when no ID is given, since the option was still mistyped.
    Duplicates are kept (the gate drops them once regions are resolved).
    """
    problem = check_sync_source(sync_source)
    if problem:
        raise InputError(f"--sync-source {_quote(sync_source)} {problem}")
    targets: list[Target] = []
    for workspace_id in workspace_ids:
        problem = check_workspace_id(workspace_id)
        if problem:
            raise InputError(f"--workspace-id {_quote(workspace_id)} {problem}")
        targets.append(Target(workspace_id=workspace_id, sync_source=sync_source))
    return targets


def _parse_json(text: str, origin: str, what: str) -> object:
    """Parse `text`, or raise one line that says where the JSON breaks."""
    if not text.strip():
        raise InputError(f"{origin}: is empty; expected the JSON that `{what}` prints")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{origin}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            f"expected the JSON that `{what}` prints"
        ) from None
    except RecursionError:
        raise InputError(f"{origin}: is nested too deeply to be outputs JSON") from None


def _secret_hint(value: object, where: str, origin: str) -> None:
    """Pulumi hides secrets as "[secret]" unless asked: say so instead of "not a workspace ID"."""
    if value == _PULUMI_SECRET:
        raise InputError(f'{origin}: {where} is "[secret]"; run `pulumi stack output --json --show-secrets`')


def _entries(value: object, where: str, origin: str, *, maps: bool) -> list[tuple[str, object]]:
    """(path shown in messages, item) for each item of a list, or of a `for_each` map when `maps`."""
    entries: list[tuple[str, object]]
    if maps and isinstance(value, dict):
        entries = [(f'{where}["{clean_text(str(k), 80)}"]', item) for k, item in value.items()]
        if not entries:
            raise InputError(f"{origin}: {where} is an empty map; there is no sync job to wait for")
    elif isinstance(value, list):
        entries = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
        if not entries:
            raise InputError(f"{origin}: {where} is an empty list; there is no sync job to wait for")
    else:
        shape = "a list (or a for_each map) of objects" if maps else "a list of objects"
        raise InputError(f"{origin}: {where} must be {shape}, got {_json_type(value)}")
    return entries


def _items(
    value: object,
    where: str,
    origin: str,
    fields: tuple[str, str, str],
    secrets: bool,
    *,
    maps: bool = False,
) -> list[Target]:
    """Targets from the list of objects `value` (found at `where`), whose keys are `fields`:
    (workspace ID, sync source, region). With `maps`, a map of such objects (Terraform's `for_each`
    shape, keyed by anything) is taken too, in its key order. Raises `InputError` on the first bad
    item."""
    if secrets:
        _secret_hint(value, where, origin)
    id_key, source_key, region_key = fields
    targets: list[Target] = []
    for at, item in _entries(value, where, origin, maps=maps):
        if secrets:
            _secret_hint(item, at, origin)
        if not isinstance(item, dict):
            raise InputError(f"{origin}: {at} must be an object, got {_json_type(item)}")
        workspace_id = _string_field(item, at, id_key, origin, secrets)
        if workspace_id is None:
            raise InputError(f"{origin}: {at} has no {id_key}")
        problem = check_workspace_id(workspace_id)
        if problem:
            raise InputError(f"{origin}: {at}.{id_key} {_quote(workspace_id)} {problem}")
        sync_source = _string_field(item, at, source_key, origin, secrets) or DEFAULT_SYNC_SOURCE
        problem = check_sync_source(sync_source)
        if problem:
            raise InputError(f"{origin}: {at}.{source_key} {_quote(sync_source)} {problem}")
        region = _string_field(item, at, region_key, origin, secrets)
        if region is not None:
            problem = check_region(region)
            if problem:
                raise InputError(f"{origin}: {at}.{region_key} {_quote(region)} {problem}")
        targets.append(Target(workspace_id=workspace_id, sync_source=sync_source, region=region))
    return targets


def _string_field(item: dict[str, object], at: str, key: str, origin: str, secrets: bool) -> str | None:
    """`item[key]` as a string; absent or null is None; any other non-string is an `InputError`."""
    value = item.get(key)
    if value is None:
        return None
    if secrets:
        _secret_hint(value, f"{at}.{key}", origin)
    if not isinstance(value, str):
        raise InputError(f"{origin}: {at}.{key} must be a string, got {_json_type(value)}")
    return value


def read_pulumi_outputs(text: str, source: str = "-") -> list[Target]:
    """Targets from the JSON that `pulumi stack output --json` prints: the stack output `syncJobs`.

    `syncJobs` is a list of objects with `workspaceId` (required), `syncSource` (default SITEWISE) and
    `region` (default: the run's region); `source` is the file name shown in messages (`-` is stdin).
    A value shown as "[secret]" (output printed without `--show-secrets`) gets a message saying so.
    """
    origin = _origin("--pulumi-outputs", source)
    document = _parse_json(text, origin, "pulumi stack output --json")
    jobs = (
        document if isinstance(document, list) else _output(document, origin, names.SYNC_JOBS, "stack output")
    )
    return _items(jobs, names.SYNC_JOBS, origin, _PULUMI_FIELDS, True)


def read_terraform_outputs(text: str, source: str = "-") -> list[Target]:
    """Targets from the JSON that `terraform output -json` prints: the output `sync_jobs`.

    `sync_jobs` is `{"sensitive": ..., "type": ..., "value": ...}`; `value` is a list of objects with
    `workspace_id` (required), `sync_source` (default SITEWISE) and `region` (default: the run's region),
    or a map of such objects (an output built with `for k, job in ... : k => {...}` over a `for_each`
    resource). `source` is the file name shown in messages (`-` is stdin). The output's own value
    (`terraform output -json sync_jobs`: a list, or a map whose values all have `workspace_id`) is
    taken as well.
    """
    origin = _origin("--terraform-outputs", source)
    document = _parse_json(text, origin, "terraform output -json")
    if isinstance(document, list):
        return _items(document, names.TF_SYNC_JOBS, origin, _TERRAFORM_FIELDS, False)
    if isinstance(document, dict) and names.TF_SYNC_JOBS not in document and _is_job_map(document):
        return _items(document, names.TF_SYNC_JOBS, origin, _TERRAFORM_FIELDS, False, maps=True)
    output = _output(document, origin, names.TF_SYNC_JOBS, "output")
    if not isinstance(output, dict) or "value" not in output:
        raise InputError(
            f"{origin}: {names.TF_SYNC_JOBS} must be an object with a "
            '"value", as `terraform output -json` prints it'
        )
    return _items(output["value"], f"{names.TF_SYNC_JOBS}.value", origin, _TERRAFORM_FIELDS, False, maps=True)


def _is_job_map(document: dict[str, object]) -> bool:
    """A `for_each` map printed on its own: not empty, every value an object with `workspace_id` (a
    full `terraform output -json` document has objects with `value` instead)."""
    return bool(document) and all(
        isinstance(v, dict) and names.TF_WORKSPACE_ID in v for v in document.values()
    )


def _output(document: object, origin: str, name: str, kind: str) -> object:
    """The output `name` of an outputs document (a JSON object of `kind`s, such as stack outputs)."""
    if not isinstance(document, dict):
        raise InputError(f"{origin}: must be a JSON object of {kind}s, got {_json_type(document)}")
    if name not in document:
        raise InputError(f"{origin}: has no {kind} {name}{_available(document)}")
    return document[name]


def _available(document: dict[str, object]) -> str:
    """`(outputs: a, b)`: what the file does have, so a renamed output is easy to spot."""
    if not document:
        return " (it has no outputs at all)"
    names = sorted(document)
    shown = ", ".join(clean_text(n, 40) for n in names[:10])
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    return f" (outputs: {shown}{more})"


def read_source(path: str, stdin: TextIO, *, option: str | None = None) -> str:
    """The text of an outputs file: `-` reads `stdin`, any other `path` is read as UTF-8.

    A missing, unreadable (directory, permissions), non-UTF-8 or oversized (> `MAX_INPUT_BYTES`) file is an
    `InputError` whose message starts with `option` (when given) and the path. A UTF-8 byte order mark,
    which some Windows tools write, is dropped.
    """
    origin = _origin(option, path) if option else ("(stdin)" if path == "-" else clean_text(path, 200))
    if path == "-":
        try:
            text = stdin.read(MAX_INPUT_BYTES + 1)
        except UnicodeDecodeError as exc:
            raise InputError(f"{origin}: is not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise InputError(f"{origin}: cannot be read ({exc.strerror or exc})") from None
        if len(text) > MAX_INPUT_BYTES:
            raise InputError(f"{origin}: is larger than {MAX_INPUT_BYTES} bytes")
        return text.removeprefix("\ufeff")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{origin}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{origin}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{origin}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{origin}: is larger than {MAX_INPUT_BYTES} bytes")
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)
        raise InputError(
            f"{origin}: is not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})"
        ) from None
