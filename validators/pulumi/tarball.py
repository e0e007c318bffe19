"""The plugin as a tarball for `pulumi plugin install resource twinmaker-sync-gate VERSION --file TARBALL`.

`make plugin-tarball` writes `dist/pulumi-resource-twinmaker-sync-gate-v<version>-linux-amd64.tar.gz`
(Pulumi's name for a plugin archive). Inside, one executable `pulumi-resource-twinmaker-sync-gate`: a
shell shim that runs the plugin with a Python that has this distribution installed - the one that
built the tarball, unless `TWINMAKER_SYNC_GATE_PYTHON` names another. The plugin is Python, so the
tarball carries no interpreter: it is for machines that have the distribution (a CI image, a venv).
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from ..version import __version__
from .spec import PACKAGE

EXECUTABLE = f"pulumi-resource-{PACKAGE}"

_SHIM = """#!/bin/sh
# The {package} Pulumi provider plugin, version {version}: runs it with a Python that has the
# twinmaker-sync-gate distribution (TWINMAKER_SYNC_GATE_PYTHON, else the one that built this file).
exec "${{TWINMAKER_SYNC_GATE_PYTHON:-{python}}}" -m twinmaker_sync_gate.pulumi.server "$@"
"""


def tarball_name(version: str = __version__) -> str:
    return f"{EXECUTABLE}-v{version}-linux-amd64.tar.gz"


def shim_text(python: str) -> str:
    """The executable's text: `python` is the default interpreter (quoted for the shell)."""
    quoted = "".join(f"\\{c}" if c in '\\"$`' else c for c in python)  # safe inside "..."
    return _SHIM.format(package=PACKAGE, version=__version__, python=quoted)


def build(directory: Path, python: str = sys.executable) -> Path:
    """Writes the tarball into `directory` (made if needed) and returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / tarball_name()
    data = shim_text(python).encode()
    info = tarfile.TarInfo(EXECUTABLE)
    info.size = len(data)
    info.mode = 0o755
    with tarfile.open(path, "w:gz") as archive:
        archive.addfile(info, io.BytesIO(data))
    return path


def main(argv: list[str]) -> int:
    """`python -m validators.pulumi.tarball [DIR]` (default `dist`): prints the tarball's path."""
    sys.stdout.write(f"{build(Path(argv[0] if argv else 'dist'))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
