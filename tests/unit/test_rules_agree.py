"""The service's rules that must be written more than once, because the place that needs them cannot
import `validators.names` (Terraform's HCL, the policy pack's own virtualenv) or must not (the local
endpoint, a test double of the service), say the same as `validators.names`."""

from __future__ import annotations

import re
from pathlib import Path

from policy.sync_role_requirements import SUPPORTED_SYNC_SOURCES as PACK_SOURCES
from twinmaker_local.spec import SUPPORTED_SYNC_SOURCES as ENDPOINT_SOURCES
from validators.names import (
    DEFAULT_SYNC_SOURCE,
    REGION_PATTERN,
    SUPPORTED_SYNC_SOURCES,
    WORKSPACE_ID_MAX,
    WORKSPACE_ID_PATTERN,
)

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = (ROOT / "terraform" / "sync-gate" / "variables.tf").read_text()


def test_the_supported_sync_sources_are_the_same_everywhere() -> None:
    assert set(PACK_SOURCES) == set(ENDPOINT_SOURCES) == SUPPORTED_SYNC_SOURCES == {DEFAULT_SYNC_SOURCE}
    assert f'optional(string, "{DEFAULT_SYNC_SOURCE}")' in VARIABLES
    assert re.findall(r'job\.sync_source (?:==|!=) "([A-Z_]+)"', VARIABLES) == [DEFAULT_SYNC_SOURCE] * 2
    assert f"(the only one is {DEFAULT_SYNC_SOURCE})" in VARIABLES


def test_the_terraform_modules_patterns_are_the_gates() -> None:
    # HCL strings escape a backslash as `\\`; Terraform's regex() matches anywhere, hence the anchors.
    patterns = {p.replace("\\\\", "\\") for p in re.findall(r'regex\("\^(.+?)\$"', VARIABLES)}
    assert patterns == {WORKSPACE_ID_PATTERN, REGION_PATTERN.replace("(?:", "(")}
    assert f"<= {WORKSPACE_ID_MAX}])" in VARIABLES
