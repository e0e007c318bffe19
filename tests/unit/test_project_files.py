"""Files a user or a packager reads: the licence matches the package metadata, the changelog's top entry
is the version the gate reports, and the schema ships with the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from validators.version import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_the_license_file_is_the_apache_2_text_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text


def test_the_changelog_leads_with_the_version_the_gate_reports() -> None:
    """Its first release entry is the gate's version; an `[Unreleased]` section may come before it."""
    sections = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    releases = [name for name in sections if name != "Unreleased"]
    assert sections.index(releases[0]) <= 1
    assert releases[0] == __version__
