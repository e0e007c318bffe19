"""Request counters, so tests and benchmarks can assert what the endpoint actually saw, in this process
(`ep.stats`) or from another one (`read_stats(url)`, over `GET /_local/stats`)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from typing import Any


class Stats:
    """Counters over every request the endpoint answered (or dropped); thread-safe.

    Attributes: `total`, `throttled` (429 sent), `dropped` (socket closed without a response),
    `by_operation` (operation name -> count; "unknown" when no route matched), `by_status` (HTTP status
    -> count; dropped requests are not in it), `by_error` (error code or HTTP status text -> count),
    `by_region` (the region a request was signed for -> count; requests refused before their signature
    was read are not in it).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Start counting from zero (e.g. after a test's setup requests)."""
        with self._lock:
            self.total = 0
            self.throttled = 0
            self.dropped = 0
            self.by_operation: Counter[str] = Counter()
            self.by_status: Counter[int] = Counter()
            self.by_error: Counter[str] = Counter()
            self.by_region: Counter[str] = Counter()

    def record(
        self, operation: str, status: int | None, error_code: str | None, region: str | None = None
    ) -> None:
        """Count one request; `status` None means the connection was dropped without a response."""
        with self._lock:
            self.total += 1
            self.by_operation[operation] += 1
            if region is not None:
                self.by_region[region] += 1
            if status is None:
                self.dropped += 1
                return
            self.by_status[status] += 1
            if status == 429:
                self.throttled += 1
            if error_code is not None:
                self.by_error[error_code] += 1

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy as plain data (JSON-ready; status codes as strings)."""
        with self._lock:
            return {
                "total": self.total,
                "throttled": self.throttled,
                "dropped": self.dropped,
                "byOperation": dict(self.by_operation),
                "byStatus": {str(k): v for k, v in sorted(self.by_status.items())},
                "byError": dict(self.by_error),
                "byRegion": dict(self.by_region),
            }


def read_stats(url: str, timeout: float = 5.0) -> dict[str, Any]:
    """The counters of the endpoint at `url` (e.g. one started as `python -m twinmaker_local`).

    What `GET {url}/_local/stats` returns: `Stats.snapshot()` plus `store` (the number of workspaces and
    sync jobs that exist). Reading them is not counted, so a test can read before and after a step:
    ``read_stats(url)["byOperation"].get("GetSyncJob", 0)``.
    """
    with urllib.request.urlopen(url.rstrip("/") + "/_local/stats", timeout=timeout) as response:  # noqa: S310
        data: dict[str, Any] = json.loads(response.read())
    return data
