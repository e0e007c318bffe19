"""The gate under test, alone in its own process, so its peak RSS is the gate's and nothing else's.

`python -m bench._gate_child ARG...` runs `validators.cli.main(ARG...)` in-process (the same path as
`python -m validators wait`), with the JSON report captured and the per-change lines discarded, then
prints one JSON line: the CLI's exit code, its wall time, its start instant (epoch seconds, for the
benchmark's lower bound), this process's peak RSS and the CLI's JSON report.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time


def main(argv: list[str]) -> int:
    from validators.cli import main as cli_main

    stdout = io.StringIO()
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        started_epoch = time.time()
        started = time.perf_counter()
        code = cli_main(argv, stdin=io.StringIO(), stdout=stdout, stderr=devnull, environ=os.environ)
        wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = json.loads(stdout.getvalue()) if stdout.getvalue().strip() else None
    result = {
        "exitCode": code,
        "wall": wall,
        "startedEpoch": started_epoch,
        "peakRssMiB": peak_kib / 1024,
        "report": report,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
