"""The local account's record of what the aws double created: one JSON file, written atomically.

Roles, role policies and buckets have no local service behind them; the double records them here so
that names stay unique as in AWS (a second role of the same name is `EntityAlreadyExists`), `read`
(refresh) sees what exists, and tests can check that `pulumi destroy` left nothing behind. The file is
`$LOCAL_CLOUD_STATE`; only the aws plugin process writes it, one request at a time (a lock).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STATE_VARIABLE = "LOCAL_CLOUD_STATE"

Records = dict[str, dict[str, dict[str, Any]]]  # kind -> id -> properties


class AlreadyExists(Exception):
    """A resource of that kind and ID is already recorded (AWS: EntityAlreadyExists, BucketAlreadyExists)."""


class Store:
    """Records by kind and ID in one JSON file; every change is a read-modify-replace under a lock."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._memory: Records = {}
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> Store:
        """The store named by `LOCAL_CLOUD_STATE`, or an in-memory one when it is unset."""
        value = os.environ.get(STATE_VARIABLE)
        return cls(Path(value) if value else None)

    def _load(self) -> Records:
        if self._path is None:
            return self._memory
        try:
            loaded: Records = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return loaded

    def _save(self, records: Records) -> None:
        if self._path is None:
            self._memory = records
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=f".{self._path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(records, out, indent=2, sort_keys=True)
        os.replace(tmp, self._path)

    @contextmanager
    def _editing(self) -> Iterator[Records]:
        with self._lock:
            records = self._load()
            yield records
            self._save(records)

    def add(self, kind: str, resource_id: str, properties: dict[str, Any]) -> None:
        with self._editing() as records:
            bucket = records.setdefault(kind, {})
            if resource_id in bucket:
                raise AlreadyExists(f"{kind} {resource_id} already exists")
            bucket[resource_id] = properties

    def put(self, kind: str, resource_id: str, properties: dict[str, Any]) -> None:
        with self._editing() as records:
            records.setdefault(kind, {})[resource_id] = properties

    def get(self, kind: str, resource_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._load().get(kind, {}).get(resource_id)

    def remove(self, kind: str, resource_id: str) -> bool:
        with self._editing() as records:
            return records.get(kind, {}).pop(resource_id, None) is not None

    def all(self) -> Records:
        with self._lock:
            return self._load()
