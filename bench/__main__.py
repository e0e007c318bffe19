"""`python -m bench [schedule|fleet|startup|deploy ...] [options]`: run benchmarks, print their tables.

Without a name, schedule, fleet and startup run in order (about 6 minutes on 2 CPUs, nearly all of it
the fleet's five real-time runs). `deploy` runs only when named: it needs the pinned Pulumi CLI
(`make pulumi`) and runs real `pulumi up`s for many minutes; its last line is `ratio=<wall/bound>`.
The tables are the ones in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import deploy, fleet, poll_schedule, startup
from bench.common import machine

NAMES = ("schedule", "fleet", "startup", "deploy")
#: What runs without a name: not `deploy`, which needs the Pulumi CLI built (`make pulumi`).
DEFAULT_NAMES = ("schedule", "fleet", "startup")


def _parallels(text: str) -> tuple[int | None, ...]:
    """`default,64` -> (None, 64): `default` is the CLI's own (--parallel not passed)."""
    values: list[int | None] = []
    for raw in text.split(","):
        item = raw.strip()
        if item == "default":
            values.append(None)
        elif item.isdigit() and int(item) > 0:
            values.append(int(item))
        else:
            raise argparse.ArgumentTypeError(f"expected default or a positive number, got {item!r}")
    return tuple(values)


def _designs(text: str) -> tuple[str, ...]:
    designs = tuple(d.strip() for d in text.split(",") if d.strip())
    if unknown := sorted(set(designs) - set(deploy.DESIGNS)):
        raise argparse.ArgumentTypeError(
            f"unknown design {', '.join(unknown)}; choose from {', '.join(deploy.DESIGNS)}"
        )
    return designs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0], allow_abbrev=False
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"any of {', '.join(NAMES)} (default: {', '.join(DEFAULT_NAMES)}; deploy needs `make pulumi`)",
    )
    parser.add_argument("--seeds", type=int, default=20, help="schedule: jitter seeds (default 20)")
    parser.add_argument("--jobs", type=int, default=1000, help="fleet: sync jobs (default 1000)")
    parser.add_argument("--quota", type=float, default=50.0, help="fleet: endpoint quota, req/s (default 50)")
    parser.add_argument(
        "--window",
        type=float,
        default=None,
        help="fleet: transitions within S s (default 60); deploy: jobs final within S s of their create "
        "(default 90)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="fleet, deploy: seed of the transitions (default 1)"
    )
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
    parser.add_argument("--workspaces", type=int, default=24, help="deploy: workspaces (default 24)")
    parser.add_argument(
        "--designs",
        type=_designs,
        default=deploy.DESIGNS,
        help=f"deploy: gate designs, comma-separated (default {','.join(deploy.DESIGNS)}; the gate-off row "
        "always runs)",
    )
    parser.add_argument(
        "--parallel",
        type=_parallels,
        default=(None, 64),
        help="deploy: the engine's --parallel values, comma-separated; `default` passes none "
        "(default: default,64)",
    )
    parser.add_argument(
        "--deploy-quota",
        type=float,
        default=20.0,
        help="deploy: the endpoint's GetSyncJob + ListSyncResources quota, req/s (default 20)",
    )
    parser.add_argument(
        "--gate-max-rps", type=float, default=10.0, help="deploy: twinmaker-sync:gateMaxRps (default 10)"
    )
    parser.add_argument(
        "--errors",
        type=int,
        default=None,
        help="deploy: jobs ending in ERROR (default 1 below 8 workspaces, else 2; 0 shows a design's "
        "full wall without fail-fast)",
    )
    parser.add_argument("--logs", type=Path, default=None, help="deploy: write each run's output to DIR")
    args = parser.parse_args(argv)
    names = args.names or list(DEFAULT_NAMES)
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
            window=60.0 if args.window is None else args.window,
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
    ratio = None
    if "deploy" in names:
        ratio = deploy.main(
            deploy.DeploySpec(
                workspaces=args.workspaces,
                window=90.0 if args.window is None else args.window,
                seed=args.seed,
                quota=args.deploy_quota,
                gate_max_rps=args.gate_max_rps,
                designs=args.designs,
                parallels=args.parallel,
                errors=args.errors,
                logs=args.logs,
            )
        )
    print(f"(all of it: {time.perf_counter() - started:.0f} s)")
    if ratio is not None:
        # The contract: the last line, for the default design at the engine's default --parallel.
        print(f"ratio={ratio:.2f}" if not math.isnan(ratio) else "ratio=nan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
