"""`python -m bench [schedule|fleet|startup ...] [options]`: run benchmarks, print their tables.

Without a name, all three run in order (about 6 minutes on 2 CPUs, nearly all of it the fleet's five
real-time runs). The tables are the ones in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from bench import fleet, poll_schedule, startup
from bench.common import machine

NAMES = ("schedule", "fleet", "startup")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(NAMES)} (default: all)")
    parser.add_argument("--seeds", type=int, default=20, help="schedule: jitter seeds (default 20)")
    parser.add_argument("--jobs", type=int, default=1000, help="fleet: sync jobs (default 1000)")
    parser.add_argument("--quota", type=float, default=50.0, help="fleet: endpoint quota, req/s (default 50)")
    parser.add_argument(
        "--window", type=float, default=60.0, help="fleet: transitions within S s (default 60)"
    )
    parser.add_argument("--seed", type=int, default=1, help="fleet: seed of the transitions (default 1)")
    parser.add_argument(
        "--max-rps", type=float, default=None, help="fleet: the gate's --max-rps (default: the quota)"
    )
    parser.add_argument("--gate-only", action="store_true", help="fleet: only the gate at the quota")
    parser.add_argument(
        "--rows",
        nargs="+",
        choices=fleet.ROWS,
        default=None,
        metavar="ROW",
        help=f"fleet: only these rows, of {', '.join(fleet.ROWS)} (default: all)",
    )
    parser.add_argument(
        "--error-rate",
        type=float,
        default=0.3,
        help="fleet, row 5xx: share of requests answered 500/503 (default 0.3)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="fleet: the gate's --timeout (default max(300, 5 x window))",
    )
    parser.add_argument("--runs", type=int, default=7, help="startup: runs per command (default 7)")
    args = parser.parse_args(argv)
    names = args.names or list(NAMES)
    if unknown := sorted(set(names) - set(NAMES)):
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    started = time.perf_counter()
    print(f"# python -m bench {' '.join(sys.argv[1:]) if argv is None else ' '.join(argv)}".rstrip())
    print(f"Machine: {machine()}")
    print()
    if "schedule" in names:
        poll_schedule.main(args.seeds)
    if "fleet" in names:
        spec = fleet.FleetSpec(
            jobs=args.jobs,
            quota=args.quota,
            window=args.window,
            seed=args.seed,
            gate_max_rps=args.quota if args.max_rps is None else args.max_rps,
            over_quota_rps=(2 * args.quota,),
            error_rate=args.error_rate,
            gate_timeout=args.timeout,
            rows=("quota",) if args.gate_only else tuple(args.rows or fleet.ROWS),
        )
        fleet.main(spec)
    if "startup" in names:
        startup.main(args.runs)
    print(f"(all of it: {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
