"""`python -m twinmaker_local --scenario FILE [--port 0] [--host 127.0.0.1] [--seed N]`.

Prints the endpoint's URL on the first line of stdout (flushed, so a parent process can read it and
connect), then serves until SIGINT or SIGTERM and exits 0. A bad scenario or option is one line on
stderr and exit code 2. Requests are served in the region they are signed for; `GET URL/_local/stats`
(or `twinmaker_local.read_stats(URL)`) returns the request counters as JSON.

The scenario's clock starts when the endpoint starts: its sync jobs are created then, and their
timelines run from that moment, whether or not a request comes. (Only `python -m twinmaker_local.demo`
holds its clock until the gate's first request, so its story is the same on every machine.)
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from twinmaker_local.faults import parse_fault
from twinmaker_local.scenario import ScenarioError, load_scenario
from twinmaker_local.server import Endpoint


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m twinmaker_local",
        allow_abbrev=False,  # a prefix accepted today could never become another option's
        description="A local AWS IoT TwinMaker endpoint (workspaces, sync jobs) driven by a scenario file.",
        epilog="example: python -m twinmaker_local --scenario demo --time-scale 4 --throttle-rps 20; "
        "clients need AWS_DISABLE_HOST_PREFIX_INJECTION=true (see docs/endpoint.md); "
        "counters: GET URL/_local/stats",
    )
    p.add_argument("--scenario", help="scenario JSON file, or the name of a bundled one (e.g. demo)")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    p.add_argument("--seed", type=int, help="seed for fault randomness (default: the scenario's, else 0)")
    p.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="run timelines this many times faster; they start when the endpoint does",
    )
    faults = p.add_argument_group("faults (added after the scenario's own)")
    faults.add_argument("--throttle-rps", type=float, help="request quota per second: beyond it, 429")
    faults.add_argument("--throttle-burst", type=float, help="requests allowed at once (default: the rate)")
    faults.add_argument(
        "--error-rate", type=float, help="fraction of requests answered 500 or 503 (half each)"
    )
    faults.add_argument("--latency", type=float, help="seconds added to every response")
    faults.add_argument("--jitter", type=float, default=0.0, help="plus up to this many random seconds")
    faults.add_argument(
        "--drop-rate", type=float, help="fraction of requests whose connection is closed unanswered"
    )
    p.add_argument("--log-level", default="WARNING", help="logging level for the server (default WARNING)")
    return p


def fault_rules(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The scenario-format fault rules the command-line flags ask for, in a fixed order."""
    rules: list[dict[str, Any]] = []
    if args.latency is not None:
        rules.append({"kind": "latency", "seconds": args.latency, "jitter": args.jitter})
    if args.drop_rate is not None:
        rules.append({"kind": "drop", "probability": args.drop_rate})
    if args.throttle_rps is not None:
        rule: dict[str, Any] = {"kind": "throttle", "ratePerSecond": args.throttle_rps}
        if args.throttle_burst is not None:
            rule["burst"] = args.throttle_burst
        rules.append(rule)
    if args.error_rate is not None:
        # Two rules drawn one after the other: P(500) = r/2, P(503) = (1 - r/2) * r/(2 - r) = r/2.
        r = args.error_rate
        rules.append({"kind": "error", "status": 500, "probability": r / 2})
        rules.append({"kind": "error", "status": 503, "probability": r / (2 - r) if r < 2 else 1.0})
    return rules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the endpoint until SIGINT/SIGTERM; 0 on a clean stop, 2 on a bad scenario or option."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        scenario = load_scenario(args.scenario)
        extra = [parse_fault(rule, f"--{rule['kind']} option") for rule in fault_rules(args)]
        scenario = dataclasses.replace(scenario, faults=(*scenario.faults, *extra))
        endpoint = Endpoint(scenario, args.host, args.port, seed=args.seed, time_scale=args.time_scale)
    except (ScenarioError, ValueError, OSError) as exc:
        print(f"twinmaker_local: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    endpoint.start()
    print(endpoint.url, flush=True)
    try:
        while not done.wait(0.2):
            pass
    finally:
        endpoint.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
