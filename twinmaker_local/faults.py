"""Fault injection: what goes wrong between the client and the service, decided per request.

A fault plan is an ordered list of rules. Each rule may be limited to some `operations` and
`workspaces`, fire with a `probability` (drawn from one seeded `random.Random`, so a run is
reproducible under a seed) and at most `times` times. Per request the plan decides, in rule order:

* before the operation: the added `latency` (every firing latency rule adds up), then the first firing
  blocking rule: `drop` (close the socket, no response), `throttle` (token bucket -> 429
  ThrottlingException), `error` (500 InternalServerException as JSON, 502/503/504 as an HTML page, or
  any `code` as a JSON error: a model error such as ValidationException with the model's status, a
  front-door one such as `ServiceUnavailable` with AWS's (`exceptions.FRONT_DOOR`), any other with the
  rule's `status`), `deny` (403 AccessDeniedException);
* after a successful operation: the first firing body rule: `malformed` (truncated JSON or an HTML page
  with status 200) or `wrong-shape` (a body botocore parses but the model does not allow).
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from twinmaker_local import spec
from twinmaker_local._reader import Obj, ScenarioError
from twinmaker_local.exceptions import FRONT_DOOR
from twinmaker_local.protocol import JSON_TYPE, Response, html_response

CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
BLOCKING_KINDS = ("drop", "throttle", "error", "deny")
BODY_KINDS = ("malformed", "wrong-shape")
KINDS = ("latency", *BLOCKING_KINDS, *BODY_KINDS)
ERROR_STATUSES = (500, 502, 503, 504)
#: Messages for `error` rules with a `code` and no `message`: AWS's wording where the docs give one.
DEFAULT_ERROR_MESSAGES = {
    "InternalServerException": "An internal error occurred. Please retry your request.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "ThrottlingException": "Rate exceeded",
}
MALFORMED_BODIES = ("json", "html")
WRONG_SHAPE_VARIANTS = (
    "missing-status",  # `status` / `state` removed wherever they appear
    "wrong-types",  # `status` becomes a string, `state` a number
    "bad-timestamp",  # timestamps become text botocore cannot parse
    "huge-message",  # an error message of `size` characters
    "non-utf8",  # a message with bytes that are not UTF-8
    "control-chars",  # a message with ANSI escapes, CR/LF, BEL and NUL
    "unknown-member",  # an extra member the model does not define (a newer API)
)


@dataclass(frozen=True)
class FaultRule:
    """One fault; fields after `times` apply to some kinds only (see the module docstring)."""

    kind: str
    operations: frozenset[str] | None = None  # None: every operation
    workspaces: frozenset[str] | None = None  # None: any request, with or without a workspace
    regions: frozenset[str] | None = None  # None: requests signed for any region
    probability: float = 1.0  # chance to fire per matching request (throttle ignores it)
    times: int | None = None  # fire at most this many times; None: no limit
    rate: float = 1.0  # throttle: tokens added per second
    burst: float = 1.0  # throttle: bucket size (requests allowed at once)
    status: int = 500  # error: HTTP status
    code: str | None = None  # error: a JSON error with this code (None: by status, see above)
    message: str = ""  # error with a code: the message
    seconds: float = 0.0  # latency: fixed delay
    jitter: float = 0.0  # latency: plus uniform random [0, jitter)
    body: str = "json"  # malformed: "json" (truncated) or "html"
    variant: str = "missing-status"  # wrong-shape: one of WRONG_SHAPE_VARIANTS
    size: int = 1_000_000  # wrong-shape huge-message: characters

    def matches(self, operation: str, workspace_id: str | None, region: str | None = None) -> bool:
        """Whether this rule applies to a request for `operation` (on `workspace_id`, if any), signed
        for `region`."""
        if self.operations is not None and operation not in self.operations:
            return False
        if self.regions is not None and region not in self.regions:
            return False
        return self.workspaces is None or workspace_id in self.workspaces


def parse_fault(data: Any, path: str) -> FaultRule:
    """A fault rule from its scenario JSON (`kind` plus that kind's fields); `ScenarioError` if bad."""
    obj = Obj(data, path)
    kind = obj.text("kind")
    if kind not in KINDS:
        raise ScenarioError(f"{obj.at('kind')}: {kind!r} is not one of {', '.join(KINDS)}")
    operations = frozenset(obj.str_list("operations")) if obj.has("operations") else None
    workspaces = frozenset(obj.str_list("workspaces")) if obj.has("workspaces") else None
    regions = frozenset(obj.str_list("regions")) if obj.has("regions") else None
    probability = obj.number("probability", 1.0)
    if probability > 1:
        raise ScenarioError(f"{obj.at('probability')}: must be between 0 and 1, not {probability}")
    times = obj.integer("times", None)
    fields: dict[str, Any] = {}
    if kind == "throttle":
        fields["rate"] = obj.number("ratePerSecond")
        fields["burst"] = obj.number("burst", max(1.0, fields["rate"]))
        if fields["burst"] < 1:
            raise ScenarioError(f"{obj.at('burst')}: must be >= 1")
    elif kind == "error":
        fields.update(_error_fields(obj))
    elif kind == "latency":
        fields["seconds"] = obj.number("seconds")
        fields["jitter"] = obj.number("jitter", 0.0)
    elif kind == "malformed":
        fields["body"] = obj.text("body", "json")
        if fields["body"] not in MALFORMED_BODIES:
            raise ScenarioError(f"{obj.at('body')}: must be one of {MALFORMED_BODIES}")
    elif kind == "wrong-shape":
        fields["variant"] = obj.text("variant")
        if fields["variant"] not in WRONG_SHAPE_VARIANTS:
            raise ScenarioError(f"{obj.at('variant')}: must be one of {', '.join(WRONG_SHAPE_VARIANTS)}")
        fields["size"] = obj.integer("size", 1_000_000, minimum=1)
    obj.done()
    return FaultRule(kind, operations, workspaces, regions, probability, times, **fields)


def _error_fields(obj: Obj) -> dict[str, Any]:
    """`status` alone (500 JSON, 502/503/504 HTML), or a `code` (+ `status`, `message`) for a JSON error.

    A model error keeps the model's status (a ValidationException is never a 503); any other code needs
    a status from 400 to 599.
    """
    if not obj.has("code"):
        status = obj.integer("status", 500)
        if status not in ERROR_STATUSES:
            raise ScenarioError(
                f"{obj.at('status')}: must be one of {ERROR_STATUSES} (or give a 'code' for a JSON error)"
            )
        if obj.has("message"):
            raise ScenarioError(f"{obj.at('message')}: only together with 'code'")
        return {"status": status}
    code = obj.text("code")
    if not CODE_PATTERN.fullmatch(code):
        raise ScenarioError(f"{obj.at('code')}: must be an error code like ValidationException, not {code!r}")
    model_status = spec.error_status(code)
    status = obj.integer("status", model_status if model_status is not None else FRONT_DOOR.get(code))
    if status is None:
        raise ScenarioError(f"{obj.at('status')}: required for {code}, which is not an error of the model")
    if model_status is not None and status != model_status:
        raise ScenarioError(f"{obj.at('status')}: {code} is HTTP {model_status} in the model, not {status}")
    if not 400 <= status <= 599:
        raise ScenarioError(f"{obj.at('status')}: must be an error status (400-599), not {status}")
    message = obj.text("message", DEFAULT_ERROR_MESSAGES.get(code, f"{code} (injected by twinmaker_local)"))
    return {"status": status, "code": code, "message": message}


@dataclass
class _RuleState:
    rule: FaultRule
    fired: int = 0
    tokens: float = 0.0
    last_refill: float | None = None


@dataclass(frozen=True)
class Before:
    """The plan for one request before the operation runs: sleep `delay`, then `action` if any."""

    delay: float = 0.0
    action: FaultRule | None = None


@dataclass
class FaultPlan:
    """The rules in force and their run-time state (counts, token buckets), behind one lock.

    `rate_clock` (seconds, monotonic) refills the token buckets; tests pass a manual clock.
    """

    rate_clock: Callable[[], float]
    seed: int = 0
    _states: list[_RuleState] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def set_rules(self, rules: Iterable[FaultRule]) -> None:
        """Replace every rule (their counters and buckets start afresh)."""
        with self._lock:
            self._states = [_RuleState(r) for r in rules]

    def add_rule(self, rule: FaultRule) -> None:
        """Append a rule after the existing ones."""
        with self._lock:
            self._states.append(_RuleState(rule))

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        with self._lock:
            return tuple(s.rule for s in self._states)

    def before(self, operation: str, workspace_id: str | None, region: str | None = None) -> Before:
        """Decide latency and the blocking fault (if any) for one request."""
        delay = 0.0
        with self._lock:
            for state in self._matching(operation, workspace_id, region, ("latency",)):
                if self._fires(state):
                    delay += state.rule.seconds + self._random.uniform(0, state.rule.jitter)
            for state in self._matching(operation, workspace_id, region, BLOCKING_KINDS):
                fired = self._take_token(state) if state.rule.kind == "throttle" else self._fires(state)
                if fired:
                    return Before(delay, state.rule)
        return Before(delay, None)

    def after(self, operation: str, workspace_id: str | None, region: str | None = None) -> FaultRule | None:
        """The body fault (malformed / wrong-shape) to apply to a successful response, if any fires."""
        with self._lock:
            for state in self._matching(operation, workspace_id, region, BODY_KINDS):
                if self._fires(state):
                    return state.rule
        return None

    def _matching(
        self, operation: str, workspace_id: str | None, region: str | None, kinds: tuple[str, ...]
    ) -> Iterator[_RuleState]:
        for state in self._states:
            rule = state.rule
            if rule.kind in kinds and rule.matches(operation, workspace_id, region):
                if rule.times is not None and state.fired >= rule.times:
                    continue
                yield state

    def _fires(self, state: _RuleState) -> bool:
        # A certain rule draws no random number, so adding one never shifts the others' sequence.
        if state.rule.probability >= 1 or self._random.random() < state.rule.probability:
            state.fired += 1
            return True
        return False

    def _take_token(self, state: _RuleState) -> bool:
        """Token bucket: True (throttle) when the bucket is empty, else spend one token."""
        now = self.rate_clock()
        rule = state.rule
        if state.last_refill is None:
            state.tokens = rule.burst
        else:
            state.tokens = min(rule.burst, state.tokens + (now - state.last_refill) * rule.rate)
        state.last_refill = now
        if state.tokens >= 1:
            state.tokens -= 1
            return False
        state.fired += 1
        return True


# ----------------------------------------------------------------------------------- body mutations

_NON_UTF8_MARK = "@@NON-UTF8@@"
CONTROL_MESSAGE = "\x1b[31mred\x1b[0m\r\nINJECTED LINE\x07\x00\x1b]0;title\x07 end"


def mutate_body(rule: FaultRule, body: dict[str, Any]) -> Response:
    """The 200 response a body fault makes of the real successful `body` (which it may modify)."""
    if rule.kind == "malformed":
        if rule.body == "html":
            page = html_response(200)
            return Response(
                200, b"<html><body><h1>Welcome</h1><p>Please sign in.</p></body></html>", page.headers
            )
        text = json.dumps(body).encode("utf-8")
        return Response(200, text[: max(1, len(text) // 2)], {"Content-Type": JSON_TYPE})
    variant = rule.variant
    if variant == "missing-status":
        if not _drop_keys(body, ("status", "state")) and body:
            body.pop(next(iter(body)))
    elif variant == "wrong-types":
        _rewrite(body, {"status": lambda _: "ACTIVE", "state": lambda _: 42})
    elif variant == "bad-timestamp":
        _rewrite(body, {"creationDateTime": lambda _: "yesterday", "updateDateTime": lambda _: "soon"})
    elif variant == "huge-message":
        _set_message(body, "x" * rule.size)
    elif variant == "control-chars":
        _set_message(body, CONTROL_MESSAGE)
    elif variant == "non-utf8":
        _set_message(body, _NON_UTF8_MARK)
    elif variant == "unknown-member":
        body["someFutureMember"] = {"nested": [1, 2, 3]}
    data = json.dumps(body).encode("utf-8")
    if variant == "non-utf8":
        data = data.replace(_NON_UTF8_MARK.encode(), b"bad \xff\xfe bytes \xc3\x28")
    return Response(200, data, {"Content-Type": JSON_TYPE})


def _walk_dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in list(value.values()):
            yield from _walk_dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_dicts(item)


def _drop_keys(body: dict[str, Any], keys: tuple[str, ...]) -> bool:
    dropped = False
    for d in list(_walk_dicts(body)):
        for key in keys:
            if d.pop(key, None) is not None:
                dropped = True
    return dropped


def _rewrite(body: dict[str, Any], how: dict[str, Callable[[Any], Any]]) -> None:
    for d in list(_walk_dicts(body)):
        for key, make in how.items():
            if key in d:
                d[key] = make(d[key])


def _set_message(body: dict[str, Any], message: str) -> None:
    """Put `message` where a client reads one: every `status.error.message`, else the top-level one."""
    statuses = [d["status"] for d in _walk_dicts(body) if isinstance(d.get("status"), dict)]
    if not statuses:
        body["message"] = message
    for status in statuses:
        error = status.setdefault("error", {"code": "INTERNAL_FAILURE"})
        error["message"] = message
