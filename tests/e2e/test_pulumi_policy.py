"""The policy pack on the real engine: `pulumi preview --policy-pack policy` loads `policy/` through the
engine, passes this project's example stack and blocks a broken program with the policy's message."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_cloud.plugins import PROJECT_ROOT
from tests.e2e.pulumi_harness import Deployment, deploy, dump, output_of

pytestmark = pytest.mark.e2e

__all__ = ["deploy"]

POLICY_PACK = PROJECT_ROOT / "policy"
BROKEN = Path(__file__).parent / "programs" / "broken_sync_role.py"


def test_the_example_stack_passes_the_pack(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active", "plant_b": "active"})
    done = d.preview("--policy-pack", d.cloud.policy_pack(POLICY_PACK))
    text = output_of(done)
    assert done.returncode == 0, dump(done)
    assert "twinmaker-sync-policies@v0.1.0" in text  # the engine loaded and ran the pack
    assert "[mandatory]" not in text


def test_a_sync_role_without_sitewise_read_is_blocked_at_preview(deploy) -> None:
    d: Deployment = deploy({"broken": "active"})
    done = d.cloud.run("preview", d.stack, "--policy-pack", d.cloud.policy_pack(POLICY_PACK), program=BROKEN)
    text = output_of(done)
    assert done.returncode != 0, dump(done)
    assert "twinmaker-sync-role-permissions" in text, dump(done)
    assert "would fail in CREATING" in text
    assert "iotsitewise:DescribeAsset" in text
    assert d.calls("CreateSyncJob") == 0
