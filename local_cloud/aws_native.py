"""The `aws-native` double: `iottwinmaker:Workspace` and `iottwinmaker:SyncJob` on the local endpoint.

Each create, read, update and delete is the TwinMaker API call the real provider's Cloud Control
handler makes, sent with boto3 to the endpoint that `AWS_ENDPOINT_URL_IOTTWINMAKER` names (the local
TwinMaker endpoint), so the job the engine creates is the job the gate then polls. As in the real
provider every SyncJob property is create-only (any change replaces the job), a job's ID is
`workspaceId|syncSource`, and a delete returns once the service no longer knows the resource.
Whether the real SyncJob handler also waits for ACTIVE is not documented; this one does not, which is
exactly why the gate exists.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from local_cloud.aws_native_schema import SCHEMA
from local_cloud.provider import Props, ProviderError, ResourceKind, TableProvider

#: How long a delete waits for the service to forget the resource (Cloud Control waits too).
DELETE_WAIT_SECONDS = 120.0
_DELETE_POLL_SECONDS = 0.2

_WORKSPACE_KEYS = ("workspaceId", "description", "role", "s3Location", "tags")
_SYNC_JOB_KEYS = ("workspaceId", "syncSource", "syncRole", "tags")


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


class AwsNativeDouble(TableProvider):
    """The `aws-native` provider of the local cloud (see the module docstring)."""

    sdk_package = "pulumi_aws_native"

    def __init__(self, client_factory: Callable[[str], Any] | None = None) -> None:
        self._client_factory = client_factory or _boto3_client
        self._client: Any = None
        self._client_lock = threading.Lock()
        kinds = [
            ResourceKind(
                "aws-native:iottwinmaker:Workspace",
                create=self._create_workspace,
                read=self._read_workspace,
                update=self._update_workspace,
                delete=self._delete_workspace,
                replace_on_change=frozenset({"workspaceId"}),
                output_only=frozenset({"arn", "creationDateTime", "updateDateTime"}),
            ),
            ResourceKind(
                "aws-native:iottwinmaker:SyncJob",
                create=self._create_sync_job,
                read=self._read_sync_job,
                delete=self._delete_sync_job,
                replace_on_any_change=True,
                output_only=frozenset({"arn", "creationDateTime", "updateDateTime", "state"}),
            ),
        ]
        super().__init__(kinds, invokes={}, schema=SCHEMA)

    @property
    def region(self) -> str:
        return self.configured_region("aws-native")

    @property
    def client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                self._client = self._client_factory(self.region)
            return self._client

    def _call(self, action: str, operation: str, *, missing_ok: bool = False, **params: Any) -> Any:
        """One TwinMaker call; a service error becomes the provider error the engine prints.

        With `missing_ok`, ResourceNotFoundException answers None (a read of what is gone).
        """
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            return getattr(self.client, operation)(**params)
        except ClientError as error:
            info = error.response.get("Error", {})
            code = info.get("Code", "Unknown")
            if missing_ok and code == "ResourceNotFoundException":
                return None
            raise ProviderError(f"{action}: {code}: {info.get('Message', '')}".rstrip()) from error
        except BotoCoreError as error:
            raise ProviderError(f"{action}: {error}") from error

    # --- Workspace ----------------------------------------------------------------------------

    def _create_workspace(self, _name: str, inputs: Props) -> tuple[str, Props]:
        workspace_id = inputs["workspaceId"]
        params = {k: inputs[k] for k in _WORKSPACE_KEYS if inputs.get(k) is not None}
        self._call(f"creating TwinMaker workspace {workspace_id}", "create_workspace", **params)
        outputs = self._read_workspace(workspace_id, inputs)
        if outputs is None:
            raise ProviderError(f"creating TwinMaker workspace {workspace_id}: not found after create")
        return workspace_id, outputs

    def _read_workspace(self, workspace_id: str, old: Props) -> Props | None:
        got = self._call(
            f"reading TwinMaker workspace {workspace_id}",
            "get_workspace",
            missing_ok=True,
            workspaceId=workspace_id,
        )
        if got is None:
            return None
        return {
            **{k: old[k] for k in ("tags",) if k in old},
            "workspaceId": got["workspaceId"],
            "arn": got["arn"],
            "description": got.get("description"),
            "role": got.get("role"),
            "s3Location": got.get("s3Location"),
            "creationDateTime": _iso(got.get("creationDateTime")),
            "updateDateTime": _iso(got.get("updateDateTime")),
        }

    def _update_workspace(self, workspace_id: str, old: Props, new: Props) -> Props:
        params = {k: new[k] for k in ("description", "role", "s3Location") if new.get(k) is not None}
        self._call(
            f"updating TwinMaker workspace {workspace_id}",
            "update_workspace",
            workspaceId=workspace_id,
            **params,
        )
        return self._read_workspace(workspace_id, new) or {**old, **new}

    def _delete_workspace(self, workspace_id: str, _old: Props) -> None:
        deleted = self._call(
            f"deleting TwinMaker workspace {workspace_id}",
            "delete_workspace",
            missing_ok=True,
            workspaceId=workspace_id,
        )
        if deleted is None:
            return  # already gone: a delete succeeds, as Cloud Control's does
        self._wait_gone(f"TwinMaker workspace {workspace_id}", "get_workspace", workspaceId=workspace_id)

    # --- SyncJob ------------------------------------------------------------------------------

    def _create_sync_job(self, _name: str, inputs: Props) -> tuple[str, Props]:
        workspace_id, source = inputs["workspaceId"], inputs["syncSource"]
        params = {k: inputs[k] for k in _SYNC_JOB_KEYS if inputs.get(k) is not None}
        created = self._call(
            f"creating TwinMaker sync job {workspace_id}/{source}", "create_sync_job", **params
        )
        outputs = {
            **inputs,
            "arn": created["arn"],
            "creationDateTime": _iso(created.get("creationDateTime")),
            "updateDateTime": _iso(created.get("creationDateTime")),
            "state": created.get("state"),
        }
        return f"{workspace_id}|{source}", outputs

    def _read_sync_job(self, resource_id: str, old: Props) -> Props | None:
        workspace_id, _, source = resource_id.partition("|")
        got = self._call(
            f"reading TwinMaker sync job {workspace_id}/{source}",
            "get_sync_job",
            missing_ok=True,
            workspaceId=workspace_id,
            syncSource=source,
        )
        if got is None:
            return None
        return {
            **{k: old[k] for k in ("tags",) if k in old},
            "workspaceId": got["workspaceId"],
            "syncSource": got["syncSource"],
            "syncRole": got.get("syncRole"),
            "arn": got["arn"],
            "state": got.get("status", {}).get("state"),
            "creationDateTime": _iso(got.get("creationDateTime")),
            "updateDateTime": _iso(got.get("updateDateTime")),
        }

    def _delete_sync_job(self, resource_id: str, _old: Props) -> None:
        workspace_id, _, source = resource_id.partition("|")
        deleted = self._call(
            f"deleting TwinMaker sync job {workspace_id}/{source}",
            "delete_sync_job",
            missing_ok=True,
            workspaceId=workspace_id,
            syncSource=source,
        )
        if deleted is None:
            return
        self._wait_gone(
            f"TwinMaker sync job {workspace_id}/{source}",
            "get_sync_job",
            workspaceId=workspace_id,
            syncSource=source,
        )

    def _wait_gone(self, what: str, operation: str, **params: Any) -> None:
        deadline = time.monotonic() + DELETE_WAIT_SECONDS
        while self._call(f"deleting {what}", operation, missing_ok=True, **params) is not None:
            if time.monotonic() > deadline:
                raise ProviderError(f"deleting {what}: still there after {DELETE_WAIT_SECONDS:.0f}s")
            time.sleep(_DELETE_POLL_SECONDS)


def _boto3_client(region: str) -> Any:
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    # The endpoint comes from AWS_ENDPOINT_URL_IOTTWINMAKER, as for any boto3 user; a local endpoint
    # cannot take the model's `api.` host prefix.
    return boto3.session.Session().client(
        "iottwinmaker",
        region_name=region,
        config=Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 5}),
    )


def main() -> None:
    from local_cloud.server import serve  # noqa: PLC0415

    double = AwsNativeDouble()
    serve(sys.argv[1:], double.version(), double)


if __name__ == "__main__":
    main()
