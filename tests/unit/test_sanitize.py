"""clean_text shows service text as one safe line; redact removes credentials before anything is shown."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validators.sanitize import ELLIPSIS, REDACTED, clean_text, redact, safe_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Role cannot be assumed", "Role cannot be assumed"),
        ("\x1b[31mred\x1b[0m", "\u241b[31mred\u241b[0m"),
        ("line one\nline two", "line one\u240aline two"),
        ("a\r\nb", "a\u240d\u240ab"),
        ("nul\x00bell\x07", "nul\u2400bell\u2407"),
        ("del\x7f", "del\u2421"),
        ("tab\there", "tab here"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("nel\x85", "nel\\x85"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("lone\ud800surrogate", "lone\ufffdsurrogate"),
        ("emoji \U0001f600 and \u00e9t\u00e9", "emoji \U0001f600 and \u00e9t\u00e9"),
        ("", ""),
    ],
)
def test_clean_text_shows_controls_as_visible_stand_ins(raw: str, shown: str) -> None:
    assert clean_text(raw) == shown


def test_clean_text_cuts_long_text_with_an_ellipsis_at_the_limit() -> None:
    assert clean_text("x" * 20, 10) == "x" * 9 + ELLIPSIS
    assert clean_text("x" * 10, 10) == "x" * 10
    assert len(clean_text("m" * 100_000)) == 512


def test_clean_text_never_splits_an_escape() -> None:
    # "ab" + "\x9b" is 2 + 4 characters: at limit 5 the escape does not fit whole, so it goes entirely.
    assert clean_text("ab\x9bcd", 5) == "ab" + ELLIPSIS


def test_clean_text_refuses_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        clean_text("x", 0)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("key AKIAIOSFODNN7EXAMPLE used", f"key {REDACTED} used"),
        ("temp ASIAY34FZKBOKMUTVV7A.", f"temp {REDACTED}."),
        ("not a key: AKIAIOSFODNN7EXAMPLEXX", "not a key: AKIAIOSFODNN7EXAMPLEXX"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", f"aws_secret_access_key = {REDACTED}"),
        ("AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj", f"AWS_SESSION_TOKEN={REDACTED}"),
        ('{"SecretAccessKey": "abc/def+g"}', f'{{"SecretAccessKey": "{REDACTED}"}}'),
        ("x-amz-security-token: FwoGZXIvYXdz", f"x-amz-security-token: {REDACTED}"),
        ("https://alice:s3cr3t@example.com/x", f"https://{REDACTED}@example.com/x"),
        ("mailto alice@example.com stays", "mailto alice@example.com stays"),
        (
            "GET /b?X-Amz-Credential=AKIA%2F2024&X-Amz-Signature=ab12&X-Amz-Security-Token=Fwo&x=1",
            f"GET /b?X-Amz-Credential={REDACTED}&X-Amz-Signature={REDACTED}"
            f"&X-Amz-Security-Token={REDACTED}&x=1",
        ),
        ("?AWSAccessKeyId=AKIA&Signature=xyz%3D", f"?AWSAccessKeyId={REDACTED}&Signature={REDACTED}"),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1, Signature=fe5f80f7",
            f"AWS4-HMAC-SHA256 Credential={REDACTED}, Signature={REDACTED}",
        ),
        ("Authorization: Bearer eyJhbGciOi.J9.x", f"Authorization: Bearer {REDACTED}"),
        (
            "The security token included in the request is invalid.",
            "The security token included in the request is invalid.",
        ),
    ],
)
def test_redact_removes_credentials_and_keeps_the_rest(raw: str, shown: str) -> None:
    assert redact(raw) == shown


def test_safe_text_redacts_before_it_cuts_so_no_key_fragment_survives() -> None:
    # A cut at 12 characters would keep "AKIAIOSFODN", which alone no longer matches the key pattern.
    assert safe_text("AKIAIOSFODNN7EXAMPLE", 12) == "[REDACTED]"
    assert "AKIA" not in safe_text("k=AKIAIOSFODNN7EXAMPLE\x1b", 8)


@given(st.text(), st.integers(min_value=1, max_value=600))
def test_clean_text_output_has_no_control_characters_and_respects_the_limit(s: str, limit: int) -> None:
    out = clean_text(s, limit)
    assert len(out) <= limit
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in out)
    assert len(out.splitlines()) <= 1


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=300))
def test_clean_text_keeps_printable_text_exactly(s: str) -> None:
    assert clean_text(s, 1000) == s


@pytest.mark.parametrize(
    "pathological",
    [
        "a." * 50_000,
        "://a:" * 20_000,
        "password" + " " * 100_000,
        "Bearer " * 15_000,
        "http://u:" + "p" * 100_000,
    ],
)
def test_redact_stays_linear_on_pathological_text(pathological: str) -> None:
    # A scheme pattern re-scanned from every word start once made "a.a.a..." quadratic (about 17 s at
    # 100 kB). The bound is generous: linear takes milliseconds here, quadratic takes seconds.
    started = time.perf_counter()
    redact(pathological)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://sometoken123@127.0.0.1:1/x", "http://[REDACTED]@127.0.0.1:1/x"),
        ("https://user:pa55@host/x", "https://[REDACTED]@host/x"),
        ("http://host/path@v2, me@example.com", "http://host/path@v2, me@example.com"),
    ],
)
def test_url_userinfo_is_redacted_with_or_without_a_password(text: str, expected: str) -> None:
    assert redact(text) == expected
