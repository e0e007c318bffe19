"""Names, IDs and ARNs as AWS and the real providers make them, so state and outputs look real."""

from __future__ import annotations

import itertools
import os
import random
import string
import time
from datetime import UTC, datetime

#: The account every local resource lives in (the local endpoint's scenarios use the same default).
DEFAULT_ACCOUNT_ID = "123456789012"
PARTITION = "aws"

_counter = itertools.count(1)


def account_id() -> str:
    """The local account: `LOCAL_CLOUD_ACCOUNT_ID`, else the scenarios' default."""
    return os.environ.get("LOCAL_CLOUD_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def prefixed_unique_id(prefix: str) -> str:
    """`prefix` + 26 characters, like the AWS provider's `name_prefix` / `bucket_prefix` names.

    The real provider appends a UTC timestamp with sub-second digits and a counter; so does this one,
    so two names made in one process never collide and sort by creation time.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")  # 20 digits
    return f"{prefix}{stamp}{next(_counter) % 16**6:06x}"


def auto_name(resource_name: str, seed: bytes) -> str:
    """Pulumi's auto-name: the resource's name, a dash and 7 random hex digits (seeded by the engine)."""
    rng = random.Random(seed or resource_name)
    return f"{resource_name}-{rng.getrandbits(28):07x}"


def unique_id(prefix: str, length: int = 17) -> str:
    """An IAM-style unique ID (`AROA...` for roles): the prefix and upper-case letters and digits."""
    rng = random.Random(f"{prefix}{time.time_ns()}{next(_counter)}")
    return prefix + "".join(rng.choices(string.ascii_uppercase + string.digits, k=length))


def iso_now() -> str:
    """The current time as AWS APIs print it (ISO 8601, UTC, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iam_role_arn(name: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id()}:role/{name}"


def s3_bucket_arn(bucket: str) -> str:
    return f"arn:{PARTITION}:s3:::{bucket}"
