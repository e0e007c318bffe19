"""Paging for the List operations: page sizes from the model's documentation, opaque tokens tied to
the listing they came from."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from twinmaker_local.exceptions import ValidationException

#: `maxResults` 0 or absent: the default the model's documentation gives for each operation.
DEFAULT_PAGE = {"ListWorkspaces": 25, "ListSyncJobs": 50, "ListSyncResources": 50}


def token(operation: str, scope: str, offset: int) -> str:
    """The `nextToken` for the page at `offset` of one listing (`scope`: region, workspace, filters)."""
    raw = json.dumps({"op": operation, "scope": scope, "offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def page(p: Mapping[str, Any], operation: str, scope: str) -> tuple[int, int]:
    """(offset, size) for a page: `maxResults` 0 or absent means the documented default.

    A `nextToken` from another listing (operation, region, workspace, job or filters) is a
    ValidationException, as a stale or forged token is on AWS.
    """
    size = p.get("maxResults") or DEFAULT_PAGE[operation]
    given = p.get("nextToken")
    if not given:
        return 0, size
    try:
        data = json.loads(base64.urlsafe_b64decode(given.encode()))
        if data["op"] != operation or data["scope"] != scope or not isinstance(data["offset"], int):
            raise ValueError
        return max(0, data["offset"]), size
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ValidationException("The nextToken is not valid for this request.") from None
