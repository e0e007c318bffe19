"""`python -m validators wait ...`: the only place that turns the CLI's result into a process exit."""

import sys

from validators.cli import main

if __name__ == "__main__":
    sys.exit(main())
