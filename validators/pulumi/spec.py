"""The SyncJobGate resource as data: its package, type token, inputs, outputs and provider config.

One table that everything else reads: the plugin's Check and Diff (names, defaults, which inputs
replace), the package schema (`validators.pulumi.schema`, with the descriptions users read in every
SDK), and the Python resource class. Defaults come from the gate's own (`WaitPolicy`, `names`), so
`30m` here is the CLI's `--timeout` default, not a copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..durations import format_duration
from ..names import DEFAULT_SYNC_SOURCE, SUPPORTED_SYNC_SOURCES, WORKSPACE_ID_PATTERN
from ..wait_settings import WaitPolicy

PACKAGE = "twinmaker-sync-gate"
RESOURCE = "SyncJobGate"
RESOURCE_TOKEN = f"{PACKAGE}:index:{RESOURCE}"
RESOURCE_ERROR_TOKEN = f"{PACKAGE}:index:ResourceError"

_DEFAULTS = WaitPolicy()
DEFAULT_TIMEOUT = _DEFAULTS.timeout
DEFAULT_NOT_FOUND_GRACE = _DEFAULTS.not_found_grace
DEFAULT_MAX_RPS = _DEFAULTS.max_rps

#: The type of a duration in the schema: seconds (a number) or a duration string (`30m`).
DURATION = "duration"


@dataclass(frozen=True)
class Prop:
    """One property: its wire name, schema type, the words users read, and how the gate treats it."""

    name: str
    type: str  # "string", "boolean", "number", "integer", DURATION, or "resourceErrors"
    description: str
    default: str | float | bool | None = None
    required: bool = False
    replaces: bool = False  # a change replaces the gate (a new gate waits again)


# -- inputs (also outputs, as given after Check's defaults) ------------------------------------------
WORKSPACE_ID = "workspaceId"
SYNC_SOURCE = "syncSource"
REGION = "region"
SYNC_JOB_ARN = "syncJobArn"
TIMEOUT = "timeout"
CHECK_RESOURCES = "checkResources"
NOT_FOUND_GRACE = "notFoundGrace"

INPUTS: tuple[Prop, ...] = (
    Prop(
        WORKSPACE_ID,
        "string",
        f"The workspace of the sync job to wait for (pattern `{WORKSPACE_ID_PATTERN}`, 1 to 128 characters).",
        required=True,
        replaces=True,
    ),
    Prop(
        SYNC_SOURCE,
        "string",
        "The sync job's source (`"
        + "`, `".join(sorted(SUPPORTED_SYNC_SOURCES))
        + "`, the only one TwinMaker supports).",
        default=DEFAULT_SYNC_SOURCE,
        replaces=True,
    ),
    Prop(
        REGION,
        "string",
        "The job's region; else the provider's `region`, else the AWS environment (`AWS_REGION`).",
        replaces=True,
    ),
    Prop(
        SYNC_JOB_ARN,
        "string",
        "The sync job's ARN (pass the job's `arn` output): when it changes the job was replaced, so the "
        "gate is replaced and waits for the new job. Also makes the gate depend on the job.",
        replaces=True,
    ),
    Prop(
        TIMEOUT,
        DURATION,
        "How long Create (and Update) waits for a verdict: seconds or a duration (`30m`, `1h30m`). "
        f"Default {format_duration(DEFAULT_TIMEOUT)}. The resource option `customTimeouts.create` "
        "(`update` for Update) wins when set.",
        default=DEFAULT_TIMEOUT,
    ),
    Prop(
        CHECK_RESOURCES,
        "boolean",
        "Strict gate: an ACTIVE job with any sync resource (asset or model) in ERROR fails too "
        "(outcome `resource_errors`).",
        default=False,
    ),
    Prop(
        NOT_FOUND_GRACE,
        DURATION,
        'How long `ResourceNotFoundException` is taken as "not visible yet" after the job was created, '
        f"before the outcome is `not_found`: seconds or a duration. Default "
        f"{format_duration(DEFAULT_NOT_FOUND_GRACE)}.",
        default=DEFAULT_NOT_FOUND_GRACE,
    ),
)

# -- outputs: the verdict -------------------------------------------------------------------------------
# (The same shape as the inputs above, a name constant per property and a table: different facts.)
OUTCOME = "outcome"
STATE = "state"
ERROR_CODE = "errorCode"
ERROR_MESSAGE = "errorMessage"
RESOURCE_ERRORS = "resourceErrors"
ELAPSED_SECONDS = "elapsedSeconds"
POLLS = "polls"

VERDICT_OUTPUTS: tuple[Prop, ...] = (
    Prop(
        OUTCOME,
        "string",
        "The gate's verdict, as the CLI names it: `active`, `error`, `resource_errors`, "
        "`unexpected_state`, `not_found`, `denied`, `invalid`, `unreachable`, `timeout` or `interrupted`.",
    ),
    Prop(STATE, "string", "The job's state as last read (`ACTIVE`, `ERROR`, `CREATING`, ...)."),
    Prop(ERROR_CODE, "string", "The service's error code, when the job (or the request) failed."),
    Prop(ERROR_MESSAGE, "string", "The service's error message, when the job (or the request) failed."),
    Prop(
        RESOURCE_ERRORS,
        "resourceErrors",
        "The job's sync resources in ERROR (assets and models; best effort, at most "
        f"{_DEFAULTS.resource_error_cap}), as in the CLI's JSON report.",
    ),
    Prop(ELAPSED_SECONDS, "number", "How long the last wait (or read) took, in seconds."),
    Prop(POLLS, "integer", "How many times the last wait (or read) read the job."),
)

#: The five keys of a `resourceErrors` item (docs/gate.md, "Output").
RESOURCE_ERROR_FIELDS: tuple[Prop, ...] = (
    Prop("resourceType", "string", "`ENTITY` or `COMPONENT_TYPE`."),
    Prop("externalId", "string", "The resource's ID in the sync source (the SiteWise asset or model)."),
    Prop("resourceId", "string", "The resource's ID in TwinMaker."),
    Prop("code", "string", "The service's error code for this resource."),
    Prop("message", "string", "The service's error message for this resource."),
)

# -- provider config --------------------------------------------------------------------------------
MAX_RPS = "maxRps"
CONFIG: tuple[Prop, ...] = (
    Prop(
        MAX_RPS,
        "number",
        "The request budget in requests per second per region, shared by every SyncJobGate this "
        "provider waits for in one update (as the CLI's `--max-rps`).",
        default=DEFAULT_MAX_RPS,
    ),
    Prop(
        REGION,
        "string",
        "The region of gates that name none; else the AWS environment (`AWS_REGION`). AWS credentials, "
        "profile and endpoint come from the environment, as for the CLI.",
    ),
)

REPLACING: frozenset[str] = frozenset(p.name for p in INPUTS if p.replaces)
