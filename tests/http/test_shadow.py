"""Which `validators` package runs (`validators.shadow`), as real processes: `python -m validators` and
`python -m twinmaker_gate` name themselves as invoked, and a `validators` package that is not the
gate's is explained in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.http.harness import ROOT, assert_no_traceback, subprocess_env
from validators.version import __version__

pytestmark = pytest.mark.http


def run(args: list[str], cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=subprocess_env(**env),
        timeout=60, check=False,
    )  # fmt: skip
    assert_no_traceback(done.stdout, done.stderr)
    return done


@pytest.mark.parametrize(
    ("module", "name"),
    [("validators", "python -m validators"), ("twinmaker_gate", "python -m twinmaker_gate")],
)
def test_both_module_entry_points_name_themselves_and_print_the_version(module: str, name: str) -> None:
    done = run(["-m", module, "--version"])
    assert (done.returncode, done.stdout) == (0, f"{name} {__version__}\n")
    usage = run(["-m", module, "wait", "--help"]).stdout.splitlines()[0]
    assert usage.startswith(f"usage: {name} wait [-h] [--version]")


def test_a_foreign_validators_package_first_on_the_path_is_explained(tmp_path: Path) -> None:
    # What the PyPI distribution `validators` (or a validators/ folder in a user's repository) looks like
    # to Python: a package of that name with none of the gate's modules.
    foreign = tmp_path / "validators"
    foreign.mkdir()
    (foreign / "__init__.py").write_text("def email(value):\n    return '@' in value\n")

    # Run from tmp_path: `python -m` puts the current directory first on sys.path.
    done = run(
        ["-m", "twinmaker_gate", "wait", "--workspace-id", "plant-a"], cwd=tmp_path, PYTHONPATH=str(ROOT)
    )

    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    # Whether the import of the gate's modules fails outright or finds them through the editable
    # install's finder, the one line says the same.
    assert done.stderr.startswith("python -m twinmaker_gate")
    assert f"error: the `validators` package Python imported ({foreign}/__init__.py) is not this gate's" in (
        done.stderr
    )


def test_a_foreign_init_over_the_gates_modules_is_explained(tmp_path: Path) -> None:
    # Both distributions installed into one site-packages: the last one wrote validators/__init__.py.
    merged = tmp_path / "validators"
    merged.mkdir()
    for path in (ROOT / "validators").rglob("*.py"):
        if path.name != "__init__.py" or path.parent != ROOT / "validators":
            target = merged / path.relative_to(ROOT / "validators")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
    (merged / "__init__.py").write_text("def email(value):\n    return '@' in value\n")

    # Run from tmp_path: `python -m` puts the current directory first on sys.path.
    done = run(
        ["-m", "twinmaker_gate", "wait", "--workspace-id", "plant-a"], cwd=tmp_path, PYTHONPATH=str(ROOT)
    )

    assert done.returncode == 2
    assert "is not this gate's: another package named `validators` shadows it" in done.stderr


def test_a_gate_whose_modules_cannot_be_imported_is_explained_too() -> None:
    # sys.modules[name] = None makes `import name` fail, as it does when a foreign `validators` has no `cli`.
    code = (
        "import sys; sys.modules['validators.cli'] = None; sys.argv = ['twinmaker-gate']; "
        "import twinmaker_gate; twinmaker_gate.main()"
    )
    done = run(["-c", code])
    assert done.returncode == 2
    assert done.stderr.startswith("twinmaker-gate: error: the `validators` package Python imported (")
