"""Serves the twinmaker-sync policy pack to the Pulumi CLI: `pulumi preview --policy-pack policy`.

This file only builds the `PolicyPack`; the policies live in `policies.py`. The CLI runs it by path
(`runpy` on this directory), not as a package member, so the pack is imported by its directory name
from the parent directory: its modules then use the same package-relative imports as in the tests.
"""

import importlib
import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

_PACK_DIR = Path(__file__).resolve().parent
if str(_PACK_DIR.parent) not in sys.path:
    sys.path.insert(0, str(_PACK_DIR.parent))
POLICIES = importlib.import_module(f"{_PACK_DIR.name}.policies").POLICIES

PolicyPack(name="twinmaker-sync-policies", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
