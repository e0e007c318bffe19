"""The package schema of `twinmaker-sync-gate`, built from `validators.pulumi.spec`.

`schema.json` beside this module is this function's output, committed (package data) so that the
plugin answers GetSchema with it, `pulumi package add` / `gen-sdk` and YAML read it, and reviewers see
it; `python -m validators.pulumi.schema --write` regenerates it, and a test keeps the two equal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..version import __version__
from . import spec

SCHEMA_FILE = Path(__file__).with_name("schema.json")


def _type(prop: spec.Prop) -> dict[str, Any]:
    if prop.type == spec.DURATION:
        return {"oneOf": [{"type": "number"}, {"type": "string"}]}
    if prop.type == "resourceErrors":
        return {"type": "array", "items": {"$ref": f"#/types/{spec.RESOURCE_ERROR_TOKEN}"}}
    return {"type": prop.type}


def _property(prop: spec.Prop) -> dict[str, Any]:
    described: dict[str, Any] = {**_type(prop), "description": prop.description}
    # Schema defaults are only for simple types; a duration's default is in its description.
    if prop.default is not None and prop.type != spec.DURATION:
        described["default"] = prop.default
    if prop.replaces:
        described["replaceOnChanges"] = True
    return described


def build_schema(version: str = __version__) -> dict[str, Any]:
    """The whole package schema (Pulumi's package schema format)."""
    inputs = {p.name: _property(p) for p in spec.INPUTS}
    outputs = {**inputs, **{p.name: _property(p) for p in spec.VERDICT_OUTPUTS}}
    config = {p.name: _property(p) for p in spec.CONFIG}
    return {
        "name": spec.PACKAGE,
        "displayName": "TwinMaker sync gate",
        "version": version,
        "description": (
            "A deployment gate for AWS IoT TwinMaker sync jobs: a SyncJobGate waits in `pulumi up` "
            "until its sync job is ACTIVE, and fails the update (the gate recorded with init errors, "
            "checked again by the next `up`) when it is not."
        ),
        "keywords": ["aws", "iot", "twinmaker", "gate", "category/cloud"],
        "license": "Apache-2.0",
        "config": {"variables": config},
        "provider": {
            "description": f"The {spec.PACKAGE} provider: one request budget per region for its gates.",
            "inputProperties": config,
        },
        "types": {
            spec.RESOURCE_ERROR_TOKEN: {
                "type": "object",
                "description": "A sync resource (asset or model) in state ERROR.",
                "properties": {p.name: _property(p) for p in spec.RESOURCE_ERROR_FIELDS},
                "required": [p.name for p in spec.RESOURCE_ERROR_FIELDS],
            }
        },
        "resources": {
            spec.RESOURCE_TOKEN: {
                "description": (
                    "Waits in `pulumi up` (Create, and Update on a changed or failed gate) until the "
                    "TwinMaker sync job is ACTIVE. Any other verdict fails the update: the gate is "
                    "recorded with its outputs and the reasons (code, message, failing assets), and the "
                    "next `pulumi up` checks it again. Preview sends no request; refresh reads the job once."
                ),
                "inputProperties": inputs,
                "requiredInputs": [p.name for p in spec.INPUTS if p.required],
                "properties": outputs,
                "required": [spec.WORKSPACE_ID, spec.SYNC_SOURCE, spec.OUTCOME, spec.RESOURCE_ERRORS],
            }
        },
    }


def schema_json() -> str:
    """The schema as the committed file holds it (sorted keys, two-space indent, final newline)."""
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """`--write` regenerates schema.json; no argument prints it."""
    if argv == ["--write"]:
        SCHEMA_FILE.write_text(schema_json(), encoding="utf-8")
        return 0
    sys.stdout.write(schema_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
