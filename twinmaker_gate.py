"""`twinmaker-gate` and `python -m twinmaker_gate`: the gate under a name that nothing else owns.

The gate lives in the package `validators`, a name a popular PyPI distribution also uses. This module
imports it and, if a different `validators` is found first, says so in one line (exit 2) instead of
an ImportError traceback.
"""

from __future__ import annotations

import importlib.util
import os
import sys


def main() -> None:
    """Console-script entry point: run the gate's CLI, named as it was invoked."""
    try:
        from validators.cli import console_main  # noqa: PLC0415 - the import is what is being checked
    except ImportError:
        from validators.shadow import explain  # noqa: PLC0415

        spec = importlib.util.find_spec("validators")
        location = spec.origin if spec is not None and spec.origin else "not found"
        prog = os.path.basename(sys.argv[0]) or "twinmaker-gate"
        print(f"{prog}: error: {explain(location)}", file=sys.stderr)  # noqa: T201
        sys.exit(2)
    console_main()


if __name__ == "__main__":
    sys.argv[0] = "python -m twinmaker_gate"
    main()
