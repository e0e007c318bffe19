"""Paging by hand (botocore has no paginator for iottwinmaker): maxResults, nextToken, bad tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.http


def _all_pages(call: Callable[..., dict[str, Any]], key: str, **params: Any) -> list[list[Any]]:
    pages, token = [], None
    while True:
        page = call(**params, **({"nextToken": token} if token else {}))
        pages.append(page[key])
        token = page.get("nextToken")
        if not token:
            return pages


def _job_with_resources(count: int) -> dict[str, Any]:
    resources = [
        {
            "resourceType": "ENTITY",
            "externalId": f"asset-{i}",
            "resourceId": f"entity-{i}",
            "state": "ERROR" if i % 3 == 0 else "IN_SYNC",
            **({"error": {"code": "PROCESSING_ERROR", "message": f"bad {i}"}} if i % 3 == 0 else {}),
        }
        for i in range(count)
    ]
    return {
        "syncJobs": [
            {"workspaceId": "ws-p", "states": [{"at": 0, "state": "ACTIVE"}], "resources": resources}
        ]
    }


def test_list_sync_resources_pages_cover_everything_once(local_endpoint: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(local_endpoint(_job_with_resources(23)))
    pages = _all_pages(
        client.list_sync_resources, "syncResources", workspaceId="ws-p", syncSource="SITEWISE", maxResults=5
    )
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [r["resourceId"] for p in pages for r in p] == [f"entity-{i}" for i in range(23)]


def test_list_sync_resources_pages_through_a_state_filter(local_endpoint: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(local_endpoint(_job_with_resources(23)))
    pages = _all_pages(
        client.list_sync_resources,
        "syncResources",
        workspaceId="ws-p",
        syncSource="SITEWISE",
        filters=[{"state": "ERROR"}],
        maxResults=3,
    )
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [r["externalId"] for p in pages for r in p] == [f"asset-{i}" for i in range(0, 23, 3)]


def test_default_page_size_is_50_and_zero_means_default(local_endpoint: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(local_endpoint(_job_with_resources(60)))
    for params in ({}, {"maxResults": 0}):
        page = client.list_sync_resources(workspaceId="ws-p", syncSource="SITEWISE", **params)
        assert len(page["syncResources"]) == 50
        assert "nextToken" in page


def test_token_from_another_listing_is_refused(local_endpoint: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(local_endpoint(_job_with_resources(10)))
    job = {"workspaceId": "ws-p", "syncSource": "SITEWISE"}
    token = client.list_sync_resources(**job, maxResults=2)["nextToken"]
    other_listings = [
        lambda: client.list_sync_resources(**job, filters=[{"state": "ERROR"}], nextToken=token),
        lambda: client.list_workspaces(nextToken=token),
        lambda: client.list_sync_resources(**job, nextToken="garbage!"),
    ]
    for call in other_listings:
        with pytest.raises(ClientError) as exc:
            call()
        assert exc.value.response["Error"]["Code"] == "ValidationException"
        assert exc.value.response["Error"]["Message"] == "The nextToken is not valid for this request."
    assert len(client.list_sync_resources(**job, maxResults=2, nextToken=token)["syncResources"]) == 2


def test_list_workspaces_and_sync_jobs_page(local_endpoint: Any, twinmaker_client: Any) -> None:
    # A workspace holds at most one sync job on AWS (SITEWISE is the only source), so ListSyncJobs
    # pages have one job at most: the page is whole and carries no token.
    scenario = {
        "workspaces": [{"workspaceId": f"ws-{i:02d}"} for i in range(7)],
        "syncJobs": [{"workspaceId": "ws-00"}],
    }
    client = twinmaker_client(local_endpoint(scenario))
    pages = _all_pages(client.list_workspaces, "workspaceSummaries", maxResults=3)
    assert [[w["workspaceId"] for w in p] for p in pages] == [
        ["ws-00", "ws-01", "ws-02"],
        ["ws-03", "ws-04", "ws-05"],
        ["ws-06"],
    ]
    pages = _all_pages(client.list_sync_jobs, "syncJobSummaries", workspaceId="ws-00", maxResults=1)
    assert [[j["syncSource"] for j in p] for p in pages] == [["SITEWISE"]]
    assert _all_pages(client.list_sync_jobs, "syncJobSummaries", workspaceId="ws-01") == [[]]
