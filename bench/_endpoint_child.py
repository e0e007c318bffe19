"""The local endpoint in its own process, with a tiny control channel for the fleet benchmark.

`python -m bench._endpoint_child SCENARIO.json` serves the scenario (the same `twinmaker_local.Endpoint`
that `python -m twinmaker_local` runs) and prints one JSON line: the URL and the clock instant the
scenario's sync jobs were created at (epoch seconds; their timelines count from it). Then each line on
stdin is a command, answered with one JSON line on stdout: `stats` (the endpoint's counters) or `reset`.
EOF on stdin stops it. Its own process, so the gate's peak RSS is measured without the endpoint's.
"""

from __future__ import annotations

import json
import sys
import time

from twinmaker_local import Endpoint, load_scenario


class _StartClock:
    """Wall time, except that it reads one fixed instant until `release()`: every sync job the scenario
    creates gets exactly the same creation time, so each transition is known to the millisecond."""

    def __init__(self) -> None:
        self.frozen: float | None = time.time()

    def __call__(self) -> float:
        return time.time() if self.frozen is None else self.frozen

    def release(self) -> None:
        self.frozen = None


def main(argv: list[str]) -> int:
    scenario = load_scenario(argv[0])
    clock = _StartClock()
    # The request-rate quota counts real seconds (time.monotonic), as the endpoint does by default.
    endpoint = Endpoint(scenario, "127.0.0.1", 0, clock=clock, rate_clock=time.monotonic)
    created = clock()
    clock.release()
    endpoint.start()
    print(json.dumps({"url": endpoint.url, "created": created}), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                print(json.dumps(endpoint.stats.snapshot()), flush=True)
            elif command == "reset":
                endpoint.stats.reset()
                print("{}", flush=True)
    finally:
        endpoint.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
