"""`make plugin-tarball`'s archive: the name `pulumi plugin install --file` expects, one executable shim
inside, and that shim starts the plugin (its port on the first stdout line), with any Python path."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from validators.pulumi.tarball import EXECUTABLE, build, shim_text
from validators.version import __version__

pytestmark = pytest.mark.http


def test_the_tarball_holds_one_executable_shim_that_starts_the_plugin(tmp_path: Path) -> None:
    path = build(tmp_path / "dist")
    assert path.name == f"pulumi-resource-twinmaker-sync-gate-v{__version__}-linux-amd64.tar.gz"
    with tarfile.open(path) as archive:
        [member] = archive.getmembers()
        assert member.name == EXECUTABLE and member.mode & 0o111
        archive.extractall(tmp_path / "plugin", filter="data")
    shim = tmp_path / "plugin" / EXECUTABLE
    process = subprocess.Popen([str(shim), "127.0.0.1:1"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip().isdigit()  # serving: the engine's handshake
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]


def test_the_shim_quotes_any_interpreter_path(tmp_path: Path) -> None:
    odd = tmp_path / 'a "dir" with $HOME and `x`'
    odd.mkdir()
    python = odd / "python"
    python.symlink_to(sys.executable)
    shim = tmp_path / EXECUTABLE
    shim.write_text(shim_text(str(python)))
    shim.chmod(0o755)
    done = subprocess.run(["/bin/sh", "-n", str(shim)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # The default interpreter is that exact path (the shell expands nothing in it).
    probe = shim.read_text().replace(
        "-m twinmaker_sync_gate.pulumi.server", "-c 'import sys; print(sys.argv[0])'"
    )
    shim.write_text(probe)
    done = subprocess.run(
        [str(shim)], capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"}
    )
    assert done.returncode == 0, done.stderr
