"""Benchmarks for the gate: `python -m bench [schedule|fleet|startup]` prints one table per benchmark.

Results, with the command and the machine, live in bench/RESULTS.md. Each benchmark has a smoke test
with tiny sizes in tests/bench/, so none of them can rot unnoticed.
"""
