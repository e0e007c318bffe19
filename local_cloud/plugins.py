"""The executables the Pulumi engine looks for, as small shims that run the doubles.

The engine finds a provider plugin as `pulumi-resource-NAME` on `$PATH` (an "ambient" plugin: no
version check unless `PULUMI_IGNORE_AMBIENT_PLUGINS` is set, and a warning on every run) or installed
in `$PULUMI_HOME/plugins` (`pulumi plugin install resource NAME VERSION --file SHIM`, what
`local_cloud.engine` does, at the version the installed SDK package asks for). A Python policy pack
runs through the language host, which is not built here (tools/README.md); the engine also launches
a pack given as an executable file, and `write_policy_pack_shim` writes one. Each shim runs this
project's virtualenv Python with the project root on `PYTHONPATH`, so nothing of `local_cloud` has to
be installed as a package.
"""

from __future__ import annotations

import shlex
import shutil
import stat
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PROVIDERS = {
    "pulumi-resource-aws": "local_cloud.aws",
    "pulumi-resource-aws-native": "local_cloud.aws_native",
}

_PROVIDER_SHIM = """#!/bin/sh
# Test double of the {name} plugin (the local cloud of this project's e2e tests): never a real provider.
PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}}
export PYTHONPATH
exec {python} -u -m {module} "$@"
"""

# A policy pack as a binary analyzer plugin. `pulumi preview --policy-pack PATH` launches PATH itself
# when it is an executable file (not a directory), with the engine's address as its one argument, and
# reads the PulumiPolicy.yaml beside it; this runs the Python SDK's policy-pack runner on the pack, as
# the language host's RunPlugin would: `python -m pulumi.policy ENGINE_ADDRESS PACK_DIR`.
_POLICY_SHIM = """#!/bin/sh
# Runs the Python policy pack in {pack} for the Pulumi engine (no pulumi-language-python host here).
PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}}
export PYTHONPATH
exec {python} -u -m pulumi.policy "$1" {pack}
"""


def _write_executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def write_provider_shims(directory: Path, python: str | None = None) -> dict[str, Path]:
    """Writes `pulumi-resource-aws` and `pulumi-resource-aws-native` into `directory`.

    Returns the plugin name (`aws`, `aws-native`) -> shim path, for `pulumi plugin install resource
    NAME VERSION --file PATH` (or put `directory` on PATH for ambient plugins).
    """
    directory.mkdir(parents=True, exist_ok=True)
    interpreter = shlex.quote(python or sys.executable)
    root = shlex.quote(str(PROJECT_ROOT))
    written = {}
    for name, module in PROVIDERS.items():
        path = directory / name
        _write_executable(
            path, _PROVIDER_SHIM.format(name=name, root=root, python=interpreter, module=module)
        )
        written[name.removeprefix("pulumi-resource-")] = path
    return written


def write_policy_pack_shim(pack_dir: Path, directory: Path, python: str | None = None) -> Path:
    """An executable in `directory` that runs the policy pack `pack_dir`: pass it to `--policy-pack`.

    `directory` also gets a copy of the pack's PulumiPolicy.yaml, which the engine reads beside it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pack_dir / "PulumiPolicy.yaml", directory / "PulumiPolicy.yaml")
    path = directory / "pulumi-analyzer-policy"
    interpreter = shlex.quote(python or sys.executable)
    root = shlex.quote(str(PROJECT_ROOT))
    _write_executable(
        path, _POLICY_SHIM.format(root=root, python=interpreter, pack=shlex.quote(str(pack_dir)))
    )
    return path


def write_shims(directory: Path, python: str | None = None) -> Path:
    """Writes the provider shims into `directory` (put it first on PATH for ambient plugins)."""
    write_provider_shims(directory, python)
    return directory
