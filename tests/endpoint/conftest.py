"""Fixtures for the endpoint's own tests: a scenario with one workspace and one scripted job."""

from __future__ import annotations

from typing import Any

import pytest

ROLE = "arn:aws:iam::123456789012:role/twinmaker-sync"

#: One workspace `ws-1` whose SITEWISE job is CREATING at 0, INITIALIZING at 2, ACTIVE at 5, with
#: three resources (one failing); not visible for the first second.
BASIC: dict[str, Any] = {
    "workspaces": [{"workspaceId": "ws-1", "description": "first"}],
    "syncJobs": [
        {
            "workspaceId": "ws-1",
            "syncSource": "SITEWISE",
            "syncRole": ROLE,
            "states": [
                {"at": 0, "state": "CREATING"},
                {"at": 2, "state": "INITIALIZING"},
                {"at": 5, "state": "ACTIVE"},
            ],
            "notFound": [[0, 1]],
            "resources": [
                {
                    "resourceType": "ENTITY",
                    "externalId": "asset-1",
                    "resourceId": "entity-1",
                    "state": "IN_SYNC",
                },
                {
                    "resourceType": "ENTITY",
                    "externalId": "asset-2",
                    "resourceId": "entity-2",
                    "state": "ERROR",
                    "error": {"code": "PROCESSING_ERROR", "message": "property type not supported"},
                },
                {
                    "resourceType": "COMPONENT_TYPE",
                    "externalId": "model-1",
                    "resourceId": "ct-1",
                    "state": "IN_SYNC",
                },
            ],
        }
    ],
}


@pytest.fixture
def basic(local_endpoint: Any) -> Any:
    """A running endpoint on the BASIC scenario (manual clock at the job's creation)."""
    return local_endpoint(BASIC)


@pytest.fixture
def client(basic: Any, twinmaker_client: Any) -> Any:
    """A shape-checking boto3 client for `basic`."""
    return twinmaker_client(basic)
