"""The executables the Pulumi engine looks for, as small shims that run the doubles.

The engine finds a provider plugin as `pulumi-resource-NAME` on `$PATH` (an "ambient" plugin: no
version check unless `PULUMI_IGNORE_AMBIENT_PLUGINS` is set, and a warning on every run) or installed
in `$PULUMI_HOME/plugins` (`pulumi plugin install resource NAME VERSION --file SHIM`, what
`local_cloud.engine` does, at the version the installed SDK package asks for), and, when no `pulumi-language-python`
host exists, a Python policy pack as `pulumi-analyzer-policy-python` (the engine's own fallback for
runtimes without a language plugin: it passes the engine address and the pack directory, and the
stack's config in the environment). Each shim runs this project's virtualenv Python with the project
root on `PYTHONPATH`, so nothing of `local_cloud` has to be installed as a package.
"""

from __future__ import annotations

import shlex
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

# What the engine's legacy policy shim did: drop `-virtualenv=DIR` (using that venv's Python when it
# has one) and run the Python SDK's policy-pack runner, `python -m pulumi.policy ENGINE_ADDR DIR`.
_POLICY_SHIM = """#!/bin/sh
# Runs a Python policy pack for the Pulumi engine (no pulumi-language-python host is built here).
python={python}
for arg do
  shift
  case $arg in
    -virtualenv=*) venv="${{arg#*=}}"; [ -x "$venv/bin/python" ] && python="$venv/bin/python" ;;
    -*=*) ;;
    *) set -- "$@" "$arg" ;;
  esac
done
PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}}
export PYTHONPATH
exec "$python" -u -m pulumi.policy "$@"
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


def write_policy_shim(directory: Path, python: str | None = None) -> Path:
    """Writes `pulumi-analyzer-policy-python` into `directory` (put it on PATH); returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pulumi-analyzer-policy-python"
    interpreter = shlex.quote(python or sys.executable)
    _write_executable(path, _POLICY_SHIM.format(root=shlex.quote(str(PROJECT_ROOT)), python=interpreter))
    return path


def write_shims(directory: Path, python: str | None = None) -> Path:
    """Writes every shim into `directory` (put it first on PATH for ambient plugins); returns it."""
    write_provider_shims(directory, python)
    write_policy_shim(directory, python)
    return directory
