"""IAM policy documents as the pack sees them: parsed, matched with IAM wildcard rules, evaluated.

Documents arrive as JSON strings or as dicts (pulumi-aws accepts both, and sends `PolicyDocumentArgs`
with keys such as `Statement`/`Effect`), with `Action`/`Resource` as a string or a list, and possibly
with unknown parts at preview. Everything here is pure and three-valued: a statement matches, does not
match, or *might* match because something in it is unknown.

Deliberate simplifications (documented in docs/policy-pack.md):
- an Allow with a `Condition` counts as granting, and a Deny with a `Condition` as not denying: the pack
  cannot evaluate the request context of the service's calls, and guessing would block good programs;
- an explicit unconditional Deny is honoured in every document the pack can read;
- permission boundaries, SCPs and session policies are out of reach and not considered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from .values import UNKNOWN, is_unknown


class Match(Enum):
    """Three-valued answer: does a pattern/statement apply to a request?"""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Access(Enum):
    """What a set of documents does for one (action, resource) request."""

    GRANTED = "granted"
    MISSING = "missing"
    DENIED = "denied"
    UNKNOWN = "unknown"


class DocumentError(ValueError):
    """A policy document that is not a JSON object with statements (AWS would reject it too)."""


Patterns = tuple[Any, ...]
"""Action or resource patterns: strings, or `UNKNOWN` for parts not known at preview."""


@dataclass(frozen=True)
class Statement:
    """One statement, keys normalised. `actions`/`resources` are None when the Not- form is used."""

    index: int
    sid: str | None
    effect: Any  # "Allow" / "Deny" (case as written), or UNKNOWN
    actions: Patterns | None
    not_actions: Patterns | None
    resources: Patterns | None
    not_resources: Patterns | None
    principal: Any
    condition: Any

    @property
    def label(self) -> str:
        """How a message names this statement: its Sid, else its position."""
        return f"statement {self.index} (Sid {self.sid!r})" if self.sid else f"statement {self.index}"

    def is_effect(self, effect: str) -> Match:
        """Whether the statement's Effect is `effect` (MAYBE when unknown)."""
        if is_unknown(self.effect):
            return Match.MAYBE
        return Match.YES if str(self.effect).lower() == effect.lower() else Match.NO


@dataclass(frozen=True)
class Document:
    """A readable document (`statements`) or an opaque one (`statements` None, `opaque_reason` set)."""

    source: str
    statements: tuple[Statement, ...] | None
    opaque_reason: str | None = None


def _norm_key(key: str) -> str:
    # "NotAction", "notAction", "not_action" all mean the same element.
    return key.replace("_", "").lower()


def _normalise(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {_norm_key(str(k)): v for k, v in obj.items()}


def _patterns(value: Any) -> Patterns | None:
    if value is None:
        return None
    if is_unknown(value):
        return (UNKNOWN,)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        return tuple(UNKNOWN if is_unknown(v) else v for v in value)
    return (str(value),)


def parse_document(value: Any, source: str) -> Document:
    """Parse a document given as JSON text or a dict. Unknown -> opaque; malformed -> `DocumentError`."""
    if is_unknown(value):
        return Document(source, None, "not known until the update runs")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{source} is not valid JSON ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(value, Mapping):
        raise DocumentError(f"{source} is not a JSON object")
    doc = _normalise(value)
    raw = doc.get("statement")
    if is_unknown(raw):
        return Document(source, None, "its statements are not known until the update runs")
    if raw is None:
        raise DocumentError(f"{source} has no Statement")
    items = [raw] if isinstance(raw, Mapping) else list(raw)
    statements = []
    for i, item in enumerate(items):
        if is_unknown(item):
            return Document(source, None, f"statement {i} is not known until the update runs")
        st = _normalise(item)
        statements.append(
            Statement(
                index=i,
                sid=st.get("sid") if isinstance(st.get("sid"), str) else None,
                effect=UNKNOWN if is_unknown(st.get("effect")) else st.get("effect", ""),
                actions=_patterns(st.get("action")),
                not_actions=_patterns(st.get("notaction")),
                resources=_patterns(st.get("resource")),
                not_resources=_patterns(st.get("notresource")),
                principal=st.get("principal"),
                condition=st.get("condition"),
            )
        )
    return Document(source, tuple(statements))


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # IAM wildcards: `*` any run of characters (including `/` and `:`), `?` exactly one. Unlike
    # fnmatch, `[...]` is literal in IAM, so the pattern is translated by hand rather than by fnmatch.
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def iam_glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether `value` matches the IAM wildcard `pattern`."""
    return _glob_regex(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: `service:Name` with wildcards, case-insensitive (IAM ignores action case)."""
    return iam_glob(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """IAM resource matching, case-sensitive; `?` in `arn`'s region/account means "any value".

    Region and account may be unknown to the pack (the workspace ARN is assigned by AWS); the probe
    ARN then carries `?` in those segments and any pattern segment is accepted there.
    """
    if pattern == "*":
        return True
    pat_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pat_parts) != 6 or len(arn_parts) != 6:
        return iam_glob(pattern, arn)
    for i, (p, v) in enumerate(zip(pat_parts, arn_parts, strict=True)):
        if i in (3, 4) and v == "?":
            continue
        if not iam_glob(p, v):
            return False
    return True


def _any_match(patterns: Iterable[Any], value: str, matcher: Any) -> Match:
    maybe = False
    for p in patterns:
        if is_unknown(p):
            maybe = True
        elif isinstance(p, str) and matcher(p, value):
            return Match.YES
    return Match.MAYBE if maybe else Match.NO


def _negate(m: Match) -> Match:
    return {Match.YES: Match.NO, Match.NO: Match.YES, Match.MAYBE: Match.MAYBE}[m]


def _both(a: Match, b: Match) -> Match:
    if Match.NO in (a, b):
        return Match.NO
    return Match.YES if a is b is Match.YES else Match.MAYBE


def statement_applies(st: Statement, action: str, resource: str) -> Match:
    """Whether `st` covers `action` on `resource`, honouring NotAction/NotResource."""
    on_action = _covers(st.actions, st.not_actions, action, action_matches)
    on_resource = _covers(st.resources, st.not_resources, resource, arn_matches)
    return _both(on_action, on_resource)


def _covers(listed: Any, not_listed: Any, value: str, matcher: Any) -> Match:
    """One side of a statement (Action/NotAction, Resource/NotResource): does it cover `value`?"""
    if listed is not None:
        return _any_match(listed, value, matcher)
    if not_listed is not None:
        return _negate(_any_match(not_listed, value, matcher))
    return Match.NO


def evaluate(documents: Sequence[Document], action: str, resources: Sequence[str]) -> Access:
    """What `documents` together allow for `action` on every one of `resources`.

    IAM order: an explicit (unconditional) Deny wins, then any Allow grants, else implicit deny.
    Opaque documents (unknown at preview, or managed policies the pack cannot read) may grant what the
    readable ones do not, so a missing permission with an opaque document around is UNKNOWN.
    """
    opaque = any(d.statements is None for d in documents)
    statements = [st for d in documents for st in d.statements or ()]
    verdicts = []
    for resource in resources:
        denied, allowed = Match.NO, Match.NO
        for st in statements:
            applies = statement_applies(st, action, resource)
            if applies is Match.NO:
                continue
            if _unconditional(st):
                deny = _both(applies, st.is_effect("Deny"))
                if deny is Match.YES:
                    denied = Match.YES
                    break
                if deny is Match.MAYBE:
                    denied = Match.MAYBE
            allow = _both(applies, st.is_effect("Allow"))
            if allow is Match.YES or (allow is Match.MAYBE and allowed is Match.NO):
                allowed = allow
        verdicts.append(_verdict(denied, allowed, opaque))
    for access in (Access.DENIED, Access.MISSING, Access.UNKNOWN):
        if access in verdicts:
            return access
    return Access.GRANTED


def _unconditional(st: Statement) -> bool:
    # An unknown Condition is treated as a condition: it cannot be shown to apply to every request.
    return st.condition is None or (isinstance(st.condition, Mapping) and not st.condition)


def _verdict(denied: Match, allowed: Match, opaque: bool) -> Access:
    if denied is Match.YES:
        return Access.DENIED
    if denied is Match.MAYBE:
        return Access.UNKNOWN
    if allowed is Match.YES:
        return Access.GRANTED
    if allowed is Match.MAYBE or opaque:
        return Access.UNKNOWN
    return Access.MISSING


def condition_entries(condition: Any) -> list[tuple[str, str, Any]] | None:
    """A Condition block as (operator, key, value) triples; None when the block is unknown."""
    if condition is None:
        return []
    if is_unknown(condition) or not isinstance(condition, Mapping):
        return None
    entries: list[tuple[str, str, Any]] = []
    for operator, block in condition.items():
        if is_unknown(block) or not isinstance(block, Mapping):
            return None
        entries.extend((str(operator), str(key), value) for key, value in block.items())
    return entries


def condition_values(value: Any) -> list[Any]:
    """A condition value as a list (IAM accepts a scalar or a list)."""
    return list(value) if isinstance(value, list | tuple) else [value]


def principal_services(principal: Any) -> list[Any] | None:
    """The `Service` principals of a statement (strings or `UNKNOWN`); None when the principal is unknown."""
    if is_unknown(principal):
        return None
    if not isinstance(principal, Mapping):
        return []
    for key, value in principal.items():
        if _norm_key(str(key)) == "service":
            return None if is_unknown(value) else condition_values(value)
    return []


def principal_is_everyone(principal: Any) -> bool:
    """`"*"` or `{"AWS": "*"}`: the statement applies to every caller."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(_norm_key(str(k)) == "aws" and "*" in condition_values(v) for k, v in principal.items())
    return False
