"""Make text that came from outside (the service, an outputs file) safe to show.

Two separate rules, applied in this order by `safe_text` (which every report uses):

1. `redact`: anything credential-like is replaced by `[REDACTED]`, so no credential reaches any output.
   Redaction runs first, on the raw text, so a cap or an escape can never cut a key into a fragment
   that no longer matches but still leaks most of it.
2. `clean_text`: one line of plain, printable text, at most `limit` characters:
   - C0 controls and DEL become their Unicode "Control Pictures" (U+2400 + code; DEL -> U+2421), so
     ESC is shown as `␛`, NUL as `␀`, LF as `␊`, CR as `␍`: nothing reaches a terminal as an escape
     sequence, and a message can never start a new line of its own (no forged log or command lines);
   - tab becomes one space (harmless, but it would break column alignment);
   - C1 controls (U+0080-U+009F, among them CSI U+009B and NEL U+0085), the Unicode line and paragraph
     separators, and the bidirectional/format controls (Trojan-Source style reordering, zero-width
     characters, BOM) are shown as a visible `\\xNN` / `\\uNNNN` escape;
   - a lone surrogate (which cannot be encoded, so printing it would crash) becomes U+FFFD;
   - the result is cut to `limit` characters, the last of them an ellipsis `…`, when it is longer.
"""

from __future__ import annotations

import re
import unicodedata

#: The mark that stands in for a removed credential.
REDACTED = "[REDACTED]"
#: The ellipsis that ends a text cut at its limit.
ELLIPSIS = "\u2026"
#: Default cap for one piece of service text in a line that people read.
DEFAULT_LIMIT = 512

# AWS access key IDs: long-term (AKIA) and temporary (ASIA), 20 upper-case alphanumerics in all.
_ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
# `name = value` / `"name": "value"` pairs whose value is a secret: aws_secret_access_key, SecretAccessKey,
# aws_session_token, SessionToken, security_token, secret_key, password... The name is kept (so people see
# what was removed); the value, up to a delimiter, is not.
_SECRET_PAIR = re.compile(
    r"""(?ix)
    (?P<name>
        \b(?:aws[_-]?)?(?:secret[_-]?access[_-]?key|secret[_-]?key|session[_-]?token|security[_-]?token|password|passwd)
    )
    (?P<sep>["']?\s*[:=]\s*["']?)
    (?P<value>[^\s"',;&]+)
    """
)
# `scheme://user:password@host` and `scheme://token@host`: the whole userinfo goes (a lone user part is
# often a token), scheme and host stay. Anchored on the literal `://` (not on a scheme pattern, whose
# `[a-z0-9+.-]*` re-scanned from every word start is quadratic on text like "a.a.a.a..."); the class does
# not cross a `/`, so each `://` scans at most up to the next one: linear.
_URL_USERINFO = re.compile(r"://[^/\s@]+@")
# SigV2/SigV4 presigned-URL and Authorization-header parameters.
_SIGNING_PARAM = re.compile(
    r"(?i)(?P<name>(?<![A-Za-z0-9\-])(?:X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature|"
    r"Signature|Credential|AWSAccessKeyId|SecurityToken))=(?P<value>[^&\s\"',;#]+)"
)
_BEARER = re.compile(r"(?i)\bBearer\s+[A-Za-z0-9\-._~+/]+=*")


def redact(s: str) -> str:
    """Replace everything credential-like in `s` by `[REDACTED]`; leave the rest as it is.

    Covered: AWS access key IDs (`AKIA...`/`ASIA...`), secret-valued pairs (`aws_secret_access_key=...`,
    `"SessionToken": "..."`, `password=...`), `user:password@` in URLs, the signing parameters of
    presigned URLs and SigV4 headers (`X-Amz-Security-Token`, `X-Amz-Credential`, `X-Amz-Signature`,
    `Signature`, `Credential`, `AWSAccessKeyId`) and `Bearer` tokens. A bare 40-character secret with no
    name beside it cannot be told from other text and is not detected.
    """
    s = _ACCESS_KEY_ID.sub(REDACTED, s)
    s = _SECRET_PAIR.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", s)
    s = _URL_USERINFO.sub(f"://{REDACTED}@", s)
    s = _SIGNING_PARAM.sub(lambda m: f"{m['name']}={REDACTED}", s)
    return _BEARER.sub(f"Bearer {REDACTED}", s)


def _shown(ch: str) -> str:
    """How one character is shown: itself when harmless, else a visible stand-in (see module rule)."""
    code = ord(ch)
    if code == 0x09:
        return " "
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    category = unicodedata.category(ch)
    if category == "Cs":
        return "\ufffd"
    if category in ("Cc", "Cf", "Zl", "Zp"):
        # Cc here is C1; Cf holds bidi overrides, zero-width chars and the BOM.
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return ch


def clean_text(s: str, limit: int = DEFAULT_LIMIT) -> str:
    """`s` as one line of printable text of at most `limit` characters (see the module's rule).

    Plain printable text (including any non-BMP character such as an emoji) is kept exactly; a text
    longer than `limit` after escaping keeps its first `limit - 1` characters plus `…`, never splitting
    an escape in two. `limit` must be at least 1.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    out: list[str] = []
    length = 0
    for ch in s:
        piece = _shown(ch)
        if length + len(piece) > limit:
            # Over the cap: back off until the ellipsis fits too, dropping whole pieces only.
            while out and length + 1 > limit:
                length -= len(out.pop())
            out.append(ELLIPSIS)
            return "".join(out)
        out.append(piece)
        length += len(piece)
    return "".join(out)


def safe_text(s: str, limit: int = DEFAULT_LIMIT) -> str:
    """Service text for people: `clean_text(redact(s), limit)`. Every text report shows text through this."""
    return clean_text(redact(s), limit)
