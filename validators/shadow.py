"""Is the `validators` package that Python imported this gate's?

The gate's import name, `validators`, is also the name of a popular, unrelated PyPI distribution. Both
install into `site-packages/validators/`, so with the two in one environment the last installed wins
`__init__.py` (and a `validators/` folder earlier on `sys.path` hides ours completely). This gate's
`__init__.py` carries a marker; a package without it is someone else's, and the CLI says so in one line
instead of failing somewhere deep with an AttributeError.
"""

from __future__ import annotations

import sys
from types import ModuleType

#: The attribute this gate's `validators/__init__.py` sets.
MARKER = "__twinmaker_gate__"


def explain(location: str) -> str:
    """One line: what shadows the gate, and how to get out of it."""
    return (
        f"the `validators` package Python imported ({location}) is not this gate's: another package "
        "named `validators` shadows it (the PyPI package `validators`, or a `validators/` folder on "
        "sys.path, such as in the current directory, which `python -m` searches first). Install the gate "
        "in a virtual environment of its own (`pip uninstall validators` there if it is installed) and "
        "run the `twinmaker-gate` command, which does not search the current directory"
    )


def shadowing_problem(package: ModuleType | None = None) -> str | None:
    """None when `validators` (as imported, or `package`) is this gate's; else the explanation."""
    found = package if package is not None else sys.modules.get("validators")
    if found is None or getattr(found, MARKER, False):
        return None
    return explain(str(getattr(found, "__file__", None) or "no file"))
