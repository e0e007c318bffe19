"""The project's other command lines refuse abbreviated options too (the gate's: tests/unit/test_cli.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from twinmaker_local.__main__ import _parser as endpoint_parser
from twinmaker_local.demo import _parser as demo_parser


@pytest.mark.parametrize(
    ("parser", "full", "prefix"),
    [(endpoint_parser, "--time-scale", "--time"), (demo_parser, "--time-scale", "--time")],
)
def test_a_prefix_of_an_option_is_refused(
    parser: Callable[[], argparse.ArgumentParser], full: str, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert parser().parse_args([full, "2"]).time_scale == 2.0
    with pytest.raises(SystemExit) as caught:
        parser().parse_args([prefix, "2"])
    assert caught.value.code == 2
    assert f"unrecognized arguments: {prefix} 2" in capsys.readouterr().err
