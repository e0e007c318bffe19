"""What `pip install` of this repository puts into a user's environment: one import name of its own.

The wheel is built from the checkout as a user's pip builds it, its file list is read, and it is
installed into a fresh virtual environment beside PyPI's unrelated `validators` distribution (the name
of this repository's folder): both import, neither hides the other. The fresh environment borrows the
gate's dependencies (boto3, the Pulumi SDK) from the project's own `.venv` through a path entry, so
only the two distributions under test are installed, from the package index like any user's.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from validators.version import __version__

ROOT = Path(__file__).resolve().parents[2]
NAME = "twinmaker_sync_gate"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob(f"{NAME}-{__version__}-*.whl")
    return built


def test_the_wheel_ships_the_gate_alone_under_its_own_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {NAME, f"{NAME}-{__version__}.dist-info"}
    for shipped in (
        "py.typed",
        "reports/gate-report.schema.json",
        "pulumi/schema.json",
        "cli/__init__.py",
        "pulumi/server.py",
        "pulumi/stack_gate.py",
    ):
        assert f"{NAME}/{shipped}" in names
    entry_points = zipfile.ZipFile(wheel).read(f"{NAME}-{__version__}.dist-info/entry_points.txt").decode()
    assert f"twinmaker-gate = {NAME}.cli:console_main" in entry_points
    assert f"pulumi-resource-twinmaker-sync-gate = {NAME}.pulumi:plugin_main" in entry_points


def test_it_installs_beside_pypis_validators_and_both_import(wheel: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
    subprocess.run([*pip, "validators"], check=True, capture_output=True)  # PyPI's, first
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The gate's dependencies from the project's venv, after the fresh site-packages (a plain path
    # entry: the project's editable install of the gate is not activated there).
    (Path(site) / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = (
        "import validators, twinmaker_sync_gate\n"
        "from twinmaker_sync_gate.pulumi import SyncJobGate, gate_stack\n"
        "assert validators.email('ops@example.com') is True\n"
        "assert twinmaker_sync_gate.WaitPolicy().timeout == 1800\n"
        "print(validators.__file__); print(twinmaker_sync_gate.__file__); print(SyncJobGate.__module__)\n"
    )
    done = subprocess.run(
        [str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    theirs, ours, resource_module = done.stdout.splitlines()
    assert theirs.startswith(site) and ours.startswith(site)
    assert resource_module == f"{NAME}.pulumi.resource"
    version = subprocess.run(
        [str(fresh / "bin" / "twinmaker-gate"), "--version"], check=True, capture_output=True, text=True
    )
    assert version.stdout.strip() == f"twinmaker-gate {__version__}"
    assert (fresh / "bin" / "pulumi-resource-twinmaker-sync-gate").is_file()
