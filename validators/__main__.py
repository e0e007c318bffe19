"""`python -m validators wait ...`: the only place that turns the CLI's result into a process exit."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while still importing (boto3 takes a moment): no traceback
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main(prog=f"python -m {__package__}"))
