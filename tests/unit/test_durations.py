"""Durations as pipelines write them, one parser for the CLI, the variables and the Pulumi config."""

from __future__ import annotations

import pytest

from validators.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90), ("1.5", 1.5), (" 30 ", 30), ("0", 0), (".5", 0.5),
        ("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("2m30s", 150), ("1h0m5s", 3605),
        ("0.5h", 1800), ("1.5m", 90),
    ],
)  # fmt: skip
def test_plain_seconds_and_units_are_read(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "soon", "-5", "5x", "1m1h", "30M", "1d", "h", "1h 30m", "nan", "inf", "1e3"]
)
def test_anything_else_is_refused_with_examples(text: str) -> None:
    with pytest.raises(DurationError, match=r"expected a duration \(such as 90, 90s, 30m, 1h or 1h30m\)"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (44.6, "45s"),
        (60, "1m"),
        (150, "2m30s"),
        (3599.4, "59m59s"),
        (3600, "1h00m"),
        (5430, "1h30m"),
    ],
)
def test_people_read_durations_in_units(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
