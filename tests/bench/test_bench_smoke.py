"""Each benchmark at tiny sizes, so `python -m bench` cannot rot: it runs, its table renders, and its
headline claims hold at this scale too. Plus the start-up proofs: the CLI imports no Pulumi module, and
no `rich` on a non-TTY run."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from bench import fleet, poll_schedule, startup
from bench.__main__ import main as bench_main


def test_poll_schedule_meets_its_goals_and_the_waiters_poll_on_their_grid() -> None:
    rows = poll_schedule.run(waits=(5, 30, 1800), seeds=(0, 1, 2), delays=(5,))
    assert all(row.meets_goal for row in rows)
    by_wait = {row.wait: row for row in rows}
    # botocore's loop: a call at 0, 5, 10, ... until the first one at or after the transition.
    assert by_wait[30].waiter_calls == (8,)
    assert by_wait[1800].waiter_calls == (362,)
    assert by_wait[1800].gate_calls < 100
    text = poll_schedule.render(rows, delays=(5,), seeds=3)
    assert "5 s waiter calls" in text and "| 30 min" in text


def test_oracle_bound_is_the_later_of_the_last_transition_and_the_quota_time() -> None:
    everyone_at_once = [(0.0, 1)] * 100
    assert fleet.oracle_bound(everyone_at_once, quota=10, burst=10) == pytest.approx(9.0)  # (100 - 10) / 10
    assert fleet.oracle_bound([(0.0, 1), (60.0, 1)], quota=10, burst=10) == pytest.approx(60.0)
    assert fleet.oracle_bound([(5.0, 2)], quota=1, burst=1) == pytest.approx(6.0)  # an ERROR job's listing


def test_the_fleet_jobs_are_seeded_and_about_one_percent_fail() -> None:
    spec = fleet.FleetSpec(jobs=1000)
    jobs = fleet.make_jobs(spec)
    assert jobs == fleet.make_jobs(spec)
    assert sum(j.final_state == "ERROR" for j in jobs) == 10
    assert max(j.at for j in jobs) <= spec.window


@pytest.mark.http
def test_fleet_runs_the_gate_and_both_baselines_against_real_endpoints() -> None:
    spec = fleet.FleetSpec(
        jobs=8,
        quota=20,
        window=1.5,
        error_fraction=0.2,
        gate_max_rps=20,
        over_quota_rps=(),
        error_rate=0.3,
        sequential_delay=0.3,
        pool_workers=4,
        pool_delay=0.3,
    )
    results = fleet.run(spec)
    gate, flaky, sequential, pool = results
    assert gate.right == gate.jobs == 8
    assert flaky.right == flaky.jobs == 8  # 500/503 on 30 % of requests cost no verdict
    assert flaky.extra["byStatus"].get("500", 0) + flaky.extra["byStatus"].get("503", 0) > 0
    assert gate.requests >= 8 and gate.peak_rss_mib is not None and gate.peak_rss_mib > 10
    assert gate.bound >= 0.5  # the last transition, in the gate's frame
    assert sequential.requests >= 8 and pool.requests >= 8
    text = fleet.render(results)
    assert "wall / bound" in text and "one by one" in text and "all at once" in text


@pytest.mark.http
def test_startup_times_the_cli_and_proves_what_it_does_not_import() -> None:
    timings, total, tops, (code, modules) = startup.run(runs=1)
    assert [len(t.runs) for t in timings] == [1, 1, 1]
    assert total > 0 and any(name == "botocore" for name, _ in tops)
    assert code == "0"  # the one-target run was judged: ACTIVE
    assert not [m for m in modules if m.startswith("pulumi")]
    assert not [m for m in modules if m.split(".")[0] == "rich"]


def test_python_m_bench_prints_the_schedule_table() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert bench_main(["schedule", "--seeds", "1"]) == 0
    assert "## Poll schedule" in out.getvalue() and "Machine:" in out.getvalue()
